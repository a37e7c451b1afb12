"""Making pallets: `create new pallet` (a source directory to fill) and
`create pallet` (an ISO image from a roll XML and its directory)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from stacki import errors
from stacki.commands import software_args as sw
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import media
from stacki.inventory.attrs import release as os_release
from stacki.inventory.oses import native_os

# What `create pallet` takes from a pallet source directory.
CONTENT = ("RPMS", "graph", "nodes")


def roll_xml(name: str, version: str, release: str, arch: str, osname: str) -> str:
    return (f'<roll name="{name}" interface="6.0.2">\n'
            f'\t<info version="{version}" release="{release}" arch="{arch}" os="{osname}"/>\n'
            '\t<iso maxsize="0" addcomps="0" bootable="0" mkisofs=""/>\n'
            '\t<rpm rolls="0" bin="1" src="0"/>\n'
            "</roll>\n")


def graph_xml(name: str) -> str:
    return (f"<graph>\n\n\t<description>\n\tThe {name} pallet\n\t</description>\n\n"
            f'\t<edge from="backend" to="{name}"/>\n\n</graph>\n')


def node_xml(name: str) -> str:
    return ("<stack:stack>\n\n"
            f"\t<stack:description>\n\tPackages and configuration of the {name} pallet\n"
            "\t</stack:description>\n\n"
            "\t<stack:package><!-- package names, one per line --></stack:package>\n\n"
            '<stack:script stack:stage="install-post">\n'
            "<!-- shell code run after the packages are installed -->\n"
            "</stack:script>\n\n</stack:stack>\n")


class CreateNewPallet(Command):
    """Create the source directory of a new pallet: roll-NAME.xml, RPMS/ for
    its packages, graph/NAME.xml and nodes/NAME.xml. Fill it, then make the
    ISO image with create pallet."""

    path = "create new pallet"
    params = (
        Param("name", optional=False, help="The pallet's name."),
        Param("version", help="Its version (default 1.0)."),
        Param("release", help="Its release (default: that of the OS, e.g. redhat7)."),
        Param("os", help="Its OS (default: the frontend's)."),
        Param("arch", help="Its architecture (default x86_64)."),
        Param("dir", help="Where to create the NAME directory (default: the current one)."),
    )
    examples = (Example("create new pallet name=valgrind version=3.10.1",
                        "Creates ./valgrind, the source of a valgrind pallet."),)
    related = ("create pallet", "add pallet")

    def run(self, args: list[str], params: Params) -> Table:
        if args:
            raise errors.ArgNotAllowed(args[0])
        name = sw.check_name(params.require("name"), "pallet")
        osname = params.value("os") or native_os().name
        values = [name, params.value("version", "1.0"), params.value("release") or
                  os_release(osname), params.value("arch", "x86_64"), osname]
        for value in values:
            sw.check_name(value, "pallet")
        target = Path(params.value("dir") or os.getcwd()) / name
        if target.exists():
            raise errors.CommandError(f"{target} exists")
        for sub in CONTENT:
            (target / sub).mkdir(parents=True)
        (target / f"roll-{name}.xml").write_text(roll_xml(*values))
        (target / "graph" / f"{name}.xml").write_text(graph_xml(name))
        (target / "nodes" / f"{name}.xml").write_text(node_xml(name))
        return Table(["name", "directory"], [(name, str(target))])


class CreatePallet(Command):
    """Make a pallet ISO image from a roll XML (roll-NAME.xml) and the RPMS,
    graph and nodes directories beside it.

    The image holds NAME/VERSION/RELEASE/OS/ARCH with the packages, their
    yum metadata (made with createrepo_c when installed), the graph and node
    XML files and the roll XML; it is written as
    NAME-VERSION-RELEASE.ARCH.disk1.iso. ISO images are made without mkisofs
    or root rights.
    """

    path = "create pallet"
    args = (Arg("roll", help="The roll XML file (roll-NAME.xml) of the pallet source."),)
    params = (Param("dir", help="Where to write the ISO image (default: the current directory)."),)
    examples = (Example("create pallet valgrind/roll-valgrind.xml",
                        "Writes valgrind-3.10.1-redhat7.x86_64.disk1.iso."),)
    related = ("create new pallet", "add pallet")

    def run(self, args: list[str], params: Params) -> Table:
        xml = Path(self.one_arg(args, "roll"))
        if not xml.is_file():
            raise errors.CommandError(f"cannot read {xml}")
        try:
            info = media.roll_info(xml, xml.parent)
        except media.MediumError as exc:
            raise sw.medium_error(exc) from None
        out_dir = Path(params.value("dir") or os.getcwd())
        if not out_dir.is_dir():
            raise errors.CommandError(f"{out_dir} is not a directory")
        iso = out_dir / f"{info.name}-{info.version}-{info.release}.{info.arch}.disk1.iso"
        with tempfile.TemporaryDirectory(prefix=".pallet-", dir=out_dir) as scratch:
            top = Path(scratch)
            tree = media.pallet_dir(top, info.identity)
            tree.mkdir(parents=True)
            for sub in CONTENT:
                if (xml.parent / sub).is_dir():
                    shutil.copytree(xml.parent / sub, tree / sub)
            shutil.copyfile(xml, tree / xml.name)
            try:
                if info.os in ("redhat", "sles"):
                    media.write_repodata(tree)
                (top / ".discinfo").write_text(f"{time.time():f}\n{info.name}\n{info.arch}\n1\n")
                media.write_iso(top, iso)
            except media.MediumError as exc:
                raise sw.medium_error(exc) from None
        return Table(["name", "version", "release", "arch", "os", "iso"],
                     [(*info.identity, str(iso))])
