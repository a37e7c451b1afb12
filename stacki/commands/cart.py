"""Carts: a site's own packages, graph and nodes under /export/stack/carts/NAME.
Add (an empty skeleton, or a packed cart from a file or URL), list, enable,
disable, remove and pack."""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from pathlib import Path

from stacki import errors
from stacki.commands import software_args as sw
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.home import system_path
from stacki.inventory import models as m
from stacki.inventory import software
from stacki.inventory.media import MediumError, fetch_file, write_repodata

RELATED = ("add cart", "list cart", "enable cart", "disable cart", "remove cart", "pack cart",
           "compile cart")
SKELETON = ("RPMS", "nodes", "graph")


def graph_xml(name: str) -> str:
    return (f"<graph>\n\n\t<description>\n\t{name} cart\n\t</description>\n\n"
            f'\t<order head="backend" tail="cart-{name}-backend"/>\n'
            f'\t<edge  from="backend"   to="cart-{name}-backend"/>\n\n</graph>\n')


def node_xml(name: str) -> str:
    return ("<stack:stack>\n\n\t<stack:description>\n"
            f"\t{name} cart backend appliance extensions\n\t</stack:description>\n\n"
            "\t<stack:package><!-- add packages here --></stack:package>\n\n"
            '<stack:script stack:stage="install-post">\n'
            "<!-- add shell code for post install configuration -->\n"
            "</stack:script>\n\n</stack:stack>\n")


def make_skeleton(path: Path, name: str) -> None:
    for sub in SKELETON:
        (path / sub).mkdir(parents=True, exist_ok=True)
    (path / "graph" / f"cart-{name}.xml").write_text(graph_xml(name))
    (path / "nodes" / f"cart-{name}-backend.xml").write_text(node_xml(name))


def unpack(archive: Path, name: str, into: Path) -> None:
    """A packed cart (pack cart): a tarball whose members all lie under NAME/."""
    try:
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if not parts or parts[0] != name or ".." in parts or member.name.startswith("/"):
                    raise errors.CommandError(
                        f'{archive.name}: "{member.name}" is not inside the cart "{name}"')
                if not (member.isfile() or member.isdir()):
                    raise errors.CommandError(
                        f'{archive.name}: "{member.name}" is not a file or directory')
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise errors.CommandError(f"{archive.name} is not a cart archive: {exc}") from None


def cart_name_of(source: str) -> str:
    """The cart a packed file is for: NAME.tgz / NAME.tar.gz."""
    base = source.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (".tar.gz", ".tgz", ".tar"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    raise errors.CommandError(f"{base} is not a cart archive (NAME.tgz or NAME.tar.gz)")


class AddCart(Command):
    """Add a cart. Without file or url, its directory gets a skeleton (RPMS,
    graph/cart-NAME.xml, nodes/cart-NAME-backend.xml) unless it exists; a
    packed cart (pack cart) is unpacked from a file or an http(s) URL."""

    path = "add cart"
    args = (Arg("cart", optional=True, help="The name of the cart (default: from the file)."),)
    params = (Param("file", help="A packed cart, NAME.tgz."),
              Param("url", help="The http(s) URL of a packed cart."))
    examples = (Example("add cart site", "Adds the cart site with an empty skeleton."),
                Example("add cart file=site.tgz", "Adds the cart site from its packed file."))
    related = RELATED[1:]

    def run(self, args: list[str], params: Params) -> None:
        if len(args) > 1:
            raise errors.ArgUnique("cart")
        source = params.value("file") or params.value("url")
        if not args and not source:
            raise errors.ArgRequired("cart")
        name = sw.check_name(args[0] if args else cart_name_of(source), "cart")
        if m.Cart.objects.filter(name=name).exists():
            raise errors.CommandError(f'"{name}" cart exists')
        path = software.carts_root() / name
        if source:
            self.unpack_source(source, name, bool(params.value("url")))
        elif not path.exists():
            make_skeleton(path, name)
        m.Cart.objects.create(name=name, url=source)

    def unpack_source(self, source: str, name: str, remote: bool) -> None:
        root = software.carts_root()
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".incoming-") as scratch:
            archive = Path(source)
            if remote:
                archive = Path(scratch) / "cart.tgz"
                try:
                    fetch_file(source, archive)
                except MediumError as exc:
                    raise sw.medium_error(exc) from None
            elif not archive.is_file():
                raise errors.CommandError(f"cannot read {source}")
            unpack(archive, name, Path(scratch) / "tree")
            target = root / name
            if target.exists():
                shutil.rmtree(target)
            (Path(scratch) / "tree" / name).rename(target)


class ListCart(Command):
    """List the carts with the boxes that enable them."""

    path = "list cart"
    args = (Arg("cart", optional=True, repeat=True, help="Cart names (SQL LIKE patterns)."),)
    examples = (Example("list cart", "Lists every cart."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        carts = sw.named(m.Cart, args, "cart")
        boxes = software.boxes_of(m.Cart, [c.id for c in carts])
        return Table(["name", "boxes"], [(c.name, " ".join(boxes.get(c.id, []))) for c in carts])


class CartBoxCommand(Command):
    args = (Arg("cart", repeat=True, help="Cart names (SQL LIKE patterns)."),)
    params = (sw.BOX_PARAM,)
    related = RELATED

    def chosen(self, args: list[str], params: Params) -> tuple[m.Box, list[m.Cart]]:
        if not args:
            raise errors.ArgRequired("cart")
        return sw.box(params), sw.named(m.Cart, args, "cart")


class EnableCart(CartBoxCommand):
    """Enable carts in a box: its hosts install from them."""

    path = "enable cart"
    examples = (Example("enable cart site box=develop", "Hosts of develop get the site cart."),)

    def run(self, args: list[str], params: Params) -> None:
        box, carts = self.chosen(args, params)
        box.carts.add(*carts)
        sw.refresh_frontend_repo(self.ctx)


class DisableCart(CartBoxCommand):
    """Disable carts in a box."""

    path = "disable cart"
    examples = (Example("disable cart site box=develop", "Takes the site cart out of develop."),)

    def run(self, args: list[str], params: Params) -> None:
        box, carts = self.chosen(args, params)
        box.carts.remove(*carts)
        sw.refresh_frontend_repo(self.ctx)


class RemoveCart(Command):
    """Remove carts from the database and their directories."""

    path = "remove cart"
    args = (Arg("cart", repeat=True, help="Cart names (SQL LIKE patterns)."),)
    examples = (Example("remove cart site", "Removes the site cart and its files."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("cart")
        carts = sw.named(m.Cart, args, "cart")
        m.Cart.objects.filter(id__in=[c.id for c in carts]).delete()
        for cart in carts:
            shutil.rmtree(software.carts_root() / cart.name, ignore_errors=True)
        sw.refresh_frontend_repo(self.ctx)


class PackCart(Command):
    """Pack carts into NAME.tgz files that add cart file= takes back."""

    path = "pack cart"
    args = (Arg("cart", repeat=True, help="Cart names (SQL LIKE patterns)."),)
    params = (Param("dir", help="Where to write the files (default /export/stack/carts, "
                                "under STACKI_SYSROOT)."),)
    examples = (Example("pack cart site", "Writes /export/stack/carts/site.tgz."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        if not args:
            raise errors.ArgRequired("cart")
        carts = sw.named(m.Cart, args, "cart")
        target = system_path(params.value("dir") or software.CARTS)
        rows = []
        for cart in carts:
            source = software.carts_root() / cart.name
            if not source.is_dir():
                raise errors.CommandError(f'cart "{cart.name}" has no directory {source}')
            target.mkdir(parents=True, exist_ok=True)
            packed = target / f"{cart.name}.tgz"
            with tempfile.NamedTemporaryFile(dir=target, prefix=".packing-", delete=False) as tmp:
                with tarfile.open(fileobj=tmp, mode="w:gz") as tar:
                    tar.add(source, arcname=cart.name)
            Path(tmp.name).replace(packed)
            rows.append((cart.name, str(packed)))
        return Table(["cart", "file"], rows)


class CompileCart(Command):
    """Build the yum metadata (repodata/) of carts from their packages, so
    that hosts can install from them (needs createrepo_c)."""

    path = "compile cart"
    args = (Arg("cart", repeat=True, help="Cart names (SQL LIKE patterns)."),)
    examples = (Example("compile cart site", "Indexes the packages of the site cart."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("cart")
        for cart in sw.named(m.Cart, args, "cart"):
            path = software.carts_root() / cart.name
            if not path.is_dir():
                raise errors.CommandError(f'cart "{cart.name}" has no directory {path}')
            try:
                if not write_repodata(path):
                    raise errors.CommandError("createrepo_c is not installed")
            except MediumError as exc:
                raise sw.medium_error(exc) from None
