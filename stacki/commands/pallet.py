"""Pallets: add (from an ISO, a directory or a URL), list, remove, enable and
disable, and the commands a pallet provides."""

from __future__ import annotations

import shutil
from pathlib import Path

from stacki import errors
from stacki.commands import software_args as sw
from stacki.framework.command import Arg, Command, Example, Param, Params, registry
from stacki.framework.output import Table, report
from stacki.home import system_path
from stacki.inventory import media, software
from stacki.inventory import models as m
from stacki.inventory.pallet_hooks import run_hooks

RELATED = ("add pallet", "list pallet", "remove pallet", "enable pallet", "disable pallet",
           "create pallet")
# This product's own commands belong to the pallet initialisation registers.
OWN_PALLET = "stacki"


def add_media(sources: list[str], root: Path, clean: bool) -> list[tuple[media.PalletInfo, str]]:
    """Copy the pallets of each medium under `root`; (pallet, source) pairs."""
    added = []
    for source in sources:
        scratch = media.staging(root)
        try:
            kind = media.medium_kind(source)
            if kind == "iso":
                media.unpack_iso(Path(source), scratch)
                top = scratch
            elif kind == "url":
                media.fetch_url(source, scratch)
                top = scratch
            else:
                top = Path(source)
            found = media.identify(top)
            if not found:
                raise media.MediumError(f"unknown pallet on {source}")
            for info in found:
                media.install(info, root, clean)
                added.append((info, media.absolute(source)))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return added


class AddPallet(Command):
    """Add pallets: copy the contents of pallet ISO images, directories or
    http(s) URLs under /export/stack/pallets/NAME/VERSION/RELEASE/OS/ARCH and
    record them.

    A pallet is known by its roll-NAME.xml; an OS medium by its .treeinfo
    (RHEL, CentOS) or media.1/products (SLES). ISO images are read directly:
    nothing is mounted. A URL names an ISO image or a directory whose HTML
    listings are followed.
    """

    path = "add pallet"
    args = (Arg("pallet", repeat=True, help="ISO images, directories or URLs of pallets."),)
    params = (
        Param("clean", "bool", help="Remove the files of an earlier copy of the same pallet "
                                    "first (default no)."),
        Param("dir", help="The base directory to copy pallets to "
                          "(default /export/stack/pallets, under STACKI_SYSROOT)."),
        Param("updatedb", "bool", help="Record the pallets in the database (default yes)."),
        Param("run_hooks", "bool", help="Run the pallet hooks of /opt/stack/pallet_hooks "
                                        "(default yes)."),
    )
    examples = (Example("add pallet stacki-5.7.0-redhat7.x86_64.disk1.iso",
                        "Adds the stacki pallet from its ISO image."),
                Example("add pallet http://10.1.1.1/install/pallets/os/7/redhat7/redhat/x86_64/",
                        "Adds a pallet from another frontend."),
                Example("add pallet /mnt/cdrom clean=true",
                        "Adds the pallet of a mounted DVD, replacing an earlier copy."))
    related = RELATED[1:]

    def prepare(self, args: list[str], params: Params) -> list[tuple[media.PalletInfo, str]]:
        # The copy (gigabytes for an OS) runs before the transaction that records it.
        if not args:
            raise errors.ArgRequired("pallet")
        for source in args:
            if not media.medium_kind(source):
                raise errors.CommandError(f"Cannot find {source} or {source} is not an ISO image")
        root = system_path(params.value("dir") or software.PALLETS)
        try:
            return add_media(args, root, params.flag("clean"))
        except media.MediumError as exc:
            raise sw.medium_error(exc) from None
        except OSError as exc:
            raise errors.CommandError(f"cannot copy the pallet: {exc}") from None

    def run(self, args: list[str], params: Params) -> Table:
        rows = []
        for info, source in self.prepared:
            if params.flag("updatedb", True):
                pallet, _ = m.Pallet.objects.get_or_create(
                    name=info.name, version=info.version, release=info.release, arch=info.arch,
                    os=info.os)
                pallet.url = source
                pallet.save(update_fields=["url"])
            if params.flag("run_hooks", True):
                run_hooks("add", hook_fields(info.identity), self.ctx.progress)
            rows.append(info.identity)
        return Table(["name", "version", "release", "arch", "os"], rows)


def hook_fields(identity: tuple[str, str, str, str, str]) -> dict[str, str]:
    return dict(zip(("name", "version", "rel", "arch", "os"), identity))


class ListPallet(Command):
    """List the pallets with the boxes that enable them."""

    path = "list pallet"
    args = (Arg("pallet", optional=True, repeat=True,
                help="Pallet names (SQL LIKE patterns); none: every pallet."),)
    params = sw.PALLET_PARAMS + (
        Param("expanded", "bool", help="Add the url column: where each pallet came from."),)
    examples = (Example("list pallet", "Lists every pallet."),
                Example("list pallet CentOS expanded=true", "Lists the CentOS pallets and "
                                                            "where they came from."))
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        chosen = sw.pallets(args, params)
        boxes = software.boxes_of(m.Pallet, [p.id for p in chosen])
        expanded = params.flag("expanded")
        header = ["name", "version", "release", "arch", "os", "boxes"] + (
            ["url"] if expanded else [])
        rows = []
        for p in chosen:
            row = [p.name, p.version, p.release, p.arch, p.os, " ".join(boxes.get(p.id, []))]
            rows.append(row + ([p.url] if expanded else []))
        return Table(header, rows)


class RemovePallet(Command):
    """Remove pallets from the database and their files from the pallet tree.

    Boxes that enabled them no longer do; the frontend's repository file is
    rewritten.
    """

    path = "remove pallet"
    args = (Arg("pallet", repeat=True, help="Pallet names (SQL LIKE patterns)."),)
    params = sw.PALLET_PARAMS + (
        Param("run_hooks", "bool", help="Run the pallet hooks first (default yes)."),)
    examples = (Example("remove pallet CentOS", "Removes every CentOS pallet."),
                Example("remove pallet stacki version=5.6.0", "Removes one version."))
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        if not args:
            raise errors.ArgRequired("pallet")
        chosen = sw.pallets(args, params)
        if params.flag("run_hooks", True):
            for p in chosen:
                run_hooks("remove", hook_fields(p.identity), self.ctx.progress)
        m.Pallet.objects.filter(id__in=[p.id for p in chosen]).delete()
        root = software.pallets_root()
        lines = []
        for p in chosen:
            lines.append(f"Removing {p.name} {p.version}-{p.release}-{p.os}-{p.arch} pallet ...")
            media.remove_tree(root, p.identity)
        sw.refresh_frontend_repo(self.ctx)
        return report(lines)


class EnablePallet(Command):
    """Enable pallets in a box: hosts of the box install from them."""

    path = "enable pallet"
    args = (Arg("pallet", repeat=True, help="Pallet names (SQL LIKE patterns)."),)
    params = sw.PALLET_PARAMS + (sw.BOX_PARAM,)
    examples = (Example("enable pallet CentOS", "Enables the CentOS pallets in the default box."),
                Example("enable pallet stacki version=5.7.0 box=develop",
                        "Enables one version in the develop box."))
    related = RELATED + ("list box pallet",)

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("pallet")
        box = sw.box(params)
        chosen = sw.pallets(args, params)
        for p in chosen:
            if p.os != box.os.name:
                raise errors.CommandError(
                    f'pallet "{p.name}-{p.version}-{p.release}-{p.os}-{p.arch}" is for OS '
                    f'"{p.os}": box "{box.name}" is for OS "{box.os.name}"')
        box.pallets.add(*chosen)
        sw.refresh_frontend_repo(self.ctx)


class DisablePallet(Command):
    """Disable pallets in a box."""

    path = "disable pallet"
    args = (Arg("pallet", repeat=True, help="Pallet names (SQL LIKE patterns)."),)
    params = sw.PALLET_PARAMS + (sw.BOX_PARAM,)
    examples = (Example("disable pallet CentOS box=develop",
                        "Disables the CentOS pallets in the develop box."),)
    related = RELATED + ("list box pallet",)

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("pallet")
        box = sw.box(params)
        box.pallets.remove(*sw.pallets(args, params))
        sw.refresh_frontend_repo(self.ctx)


class ListPalletCommand(Command):
    """List the commands each pallet provides: this product's own commands
    are those of the stacki pallet."""

    path = "list pallet command"
    args = (Arg("pallet", optional=True, repeat=True,
                help="Pallet names; none: every pallet."),)
    examples = (Example("list pallet command stacki", "Lists the commands of the stacki pallet."),)
    related = ("list pallet", "help")

    def run(self, args: list[str], params: Params) -> Table:
        names = list(dict.fromkeys(args)) or list(dict.fromkeys(
            m.Pallet.objects.order_by("id").values_list("name", flat=True)))
        provided = {OWN_PALLET: [" ".join(words) for words in sorted(registry().index)]}
        rows = []
        for name in names:
            if name in provided:
                rows += [(name, command) for command in provided[name]]
            elif len(names) > 1:
                rows.append((name, ""))
        return Table(["pallet", "command"], rows)
