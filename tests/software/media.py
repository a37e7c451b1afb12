"""Small pallets made by the tests: a roll XML and a few files, made into an
ISO image or served over HTTP on 127.0.0.1; a fake OS medium with .treeinfo."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

ROLL = """<roll name="{name}" interface="6.0.2">
\t<info version="{version}" release="{release}" arch="{arch}" os="{os}"/>
\t<iso maxsize="0" addcomps="0" bootable="0" mkisofs=""/>
</roll>
"""


def pallet_tree(top: Path, name="foo", version="1.0", release="redhat7", arch="x86_64",
                os="redhat", files: dict[str, bytes] | None = None) -> Path:
    """A Stacki pallet medium: roll-NAME.xml and NAME/VERSION/RELEASE/OS/ARCH/..."""
    top.mkdir(parents=True, exist_ok=True)
    (top / f"roll-{name}.xml").write_text(ROLL.format(**locals()))
    tree = top / name / version / release / os / arch
    files = files if files is not None else {
        "RPMS/foo-tools-1.0-1.x86_64.rpm": b"\xed\xab\xee\xdb binary rpm " * 50,
        "repodata/repomd.xml": b"<repomd/>\n",
        "graph/foo.xml": b"<graph/>\n",
    }
    for relative, data in files.items():
        path = tree / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return top


def os_medium(top: Path, family="CentOS", version="7", arch="x86_64") -> Path:
    """A fake RHEL/CentOS DVD: .treeinfo, repodata and a package."""
    top.mkdir(parents=True, exist_ok=True)
    (top / ".treeinfo").write_text(
        f"[general]\nfamily = {family}\nversion = {version}\narch = {arch}\n"
        f"[release]\nname = {family} Linux\nshort = {family}\nversion = {version}\n")
    (top / "repodata").mkdir()
    (top / "repodata" / "repomd.xml").write_text("<repomd>os</repomd>\n")
    (top / "Packages").mkdir()
    (top / "Packages" / "bash-4.2-1.x86_64.rpm").write_bytes(bytes(range(256)) * 20)
    return top


def sles_medium(top: Path) -> Path:
    top.mkdir(parents=True, exist_ok=True)
    (top / "media.1").mkdir()
    (top / "media.1" / "products").write_text("/ SLES12-SP3 12.3-0\n")
    (top / "suse" / "x86_64").mkdir(parents=True)
    (top / "suse" / "x86_64" / "kernel-default.rpm").write_bytes(b"kernel")
    return top


def make_iso(source: Path, iso: Path) -> Path:
    """An ISO 9660 image with Rock Ridge names of every file under `source`."""
    import pycdlib

    image = pycdlib.PyCdlib()
    image.new(interchange_level=3, rock_ridge="1.09", vol_ident="TESTPALLET")
    counter = iter(range(1, 1_000_000))

    def add(directory: Path, iso_dir: str) -> None:
        for entry in sorted(directory.iterdir()):
            short = f"N{next(counter)}"
            if entry.is_dir():
                path = f"{iso_dir}/{short}"
                image.add_directory(path, rr_name=entry.name)
                add(entry, path)
            else:
                data = entry.read_bytes()
                import io

                image.add_fp(io.BytesIO(data), len(data), f"{iso_dir}/{short}.;1",
                             rr_name=entry.name)

    add(source, "")
    image.write(str(iso))
    image.close()
    return iso


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def http_served(directory: Path):
    """A web server with directory listings for `directory`; yields its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def installed(medium: Path, name="foo", version="1.0", release="redhat7", arch="x86_64",
              os="redhat") -> dict[str, bytes]:
    """What a pallet of a medium made by pallet_tree holds once added: its
    tree and its roll XML."""
    files = tree_bytes(medium / name / version / release / os / arch)
    files[f"roll-{name}.xml"] = (medium / f"roll-{name}.xml").read_bytes()
    return dict(sorted(files.items()))


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
