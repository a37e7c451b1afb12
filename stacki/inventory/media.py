"""Pallet media: what a pallet ISO, directory or URL holds and who it is.

A medium is first made a plain directory (an ISO is read with pycdlib, so
nothing is mounted and no root or loop device is needed; a URL is fetched
file by file from its directory listings), then its pallets are identified:
Stacki's own by their roll-NAME.xml, OS media by RHEL/CentOS `.treeinfo` or
SLES `media.1/products`.
"""

from __future__ import annotations

import configparser
import html.parser
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

ROLL_XML = re.compile(r"^roll-.+\.xml$")
# A name, version, ... becomes a directory: one path component, nothing odd.
COMPONENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
# Fetching a URL medium: bounded, so that a listing that links to itself or a
# huge tree cannot go on forever.
MAX_FILES = 100_000
MAX_DEPTH = 32
CHUNK = 1 << 20


class MediumError(Exception):
    """A medium that cannot be read or identified; the message is for the user."""


class PalletInfo(NamedTuple):
    name: str
    version: str
    release: str
    arch: str
    os: str
    # The directory of the medium whose contents make the pallet's tree.
    source: Path
    # Its roll-NAME.xml, kept in the tree so that a served pallet can be added again.
    xml: Path | None = None

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        return (self.name, self.version, self.release, self.arch, self.os)


def checked(info: PalletInfo, what: str) -> PalletInfo:
    for value in info.identity:
        if not COMPONENT.match(value):
            raise MediumError(f'{what}: "{value}" is not a valid pallet name, version, '
                              "release, arch or OS")
    return info


# --- identification --------------------------------------------------------------

def roll_info(xml_file: Path, top: Path) -> PalletInfo:
    """A Stacki pallet from its roll-NAME.xml: <roll name=...><info version=
    release= arch= os=/>. Its tree is NAME/VERSION/RELEASE/OS/ARCH on the
    medium when present, else the directory holding the XML."""
    try:
        root = ET.parse(xml_file).getroot()
    except (ET.ParseError, OSError) as exc:
        raise MediumError(f"cannot read {xml_file.name}: {exc}") from None
    info = root.find("info")
    if root.tag != "roll" or info is None or not root.get("name"):
        raise MediumError(f"{xml_file.name} is not a roll description")
    values = [root.get("name", "")] + [info.get(k, "") for k in ("version", "release", "arch", "os")]
    name, version, release, arch, osname = values
    tree = top / name / version / release / osname / arch
    source = tree if tree.is_dir() else xml_file.parent
    return checked(PalletInfo(name, version, release, arch, osname, source, xml_file),
                   xml_file.name)


def treeinfo(path: Path, top: Path) -> PalletInfo:
    """A RHEL/CentOS medium: name from [release] short (or [general] family),
    version from [general] version, release redhatMAJOR."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(errors="replace"))
    except (configparser.Error, OSError) as exc:
        raise MediumError(f"cannot read .treeinfo: {exc}") from None

    def get(*places: tuple[str, str]) -> str:
        for section, key in places:
            if parser.has_option(section, key):
                return parser.get(section, key).strip()
        return ""

    name = get(("release", "short"), ("general", "family"), ("product", "short"))
    version = get(("general", "version"), ("release", "version"), ("product", "version"))
    arch = get(("general", "arch"), ("tree", "arch")) or "x86_64"
    if not name or not version:
        raise MediumError(".treeinfo names no product or version")
    name = name.replace(" ", "")
    major = version.split(".")[0]
    return checked(PalletInfo(name, version, f"redhat{major}", arch, "redhat", top), ".treeinfo")


def sles_products(path: Path, top: Path) -> PalletInfo:
    """A SLES medium: media.1/products holds `/ SLES12-SP3 12.3-0`: name SLES,
    version 12, release sp3."""
    try:
        lines = [line.split() for line in path.read_text(errors="replace").splitlines()]
    except OSError as exc:
        raise MediumError(f"cannot read media.1/products: {exc}") from None
    fields = next((f for f in lines if len(f) >= 3), None)
    if fields is None:
        raise MediumError("media.1/products names no product")
    product, number = fields[1], fields[2]
    name = re.match(r"[A-Za-z-]*[A-Za-z]", product)
    digits = re.match(r"(\d+)(?:\.(\d+))?", number)
    if name is None or digits is None:
        raise MediumError(f'media.1/products: cannot read product "{product} {number}"')
    arch = next((a for a in ("x86_64", "aarch64", "ppc64le", "s390x")
                 if (top / a).is_dir() or (top / "suse" / a).is_dir()), "x86_64")
    return checked(PalletInfo(name.group(0), digits.group(1), f"sp{digits.group(2) or 0}",
                              arch, "sles", top), "media.1/products")


def identify(top: Path) -> list[PalletInfo]:
    """The pallets on a medium unpacked at `top`: every roll-*.xml, else the OS medium."""
    rolls = sorted(p for p in top.rglob("roll-*.xml") if ROLL_XML.match(p.name) and p.is_file())
    if rolls:
        found: dict[tuple, PalletInfo] = {}
        for xml_file in rolls:
            info = roll_info(xml_file, top)
            found.setdefault(info.identity, info)
        return list(found.values())
    if (top / ".treeinfo").is_file():
        return [treeinfo(top / ".treeinfo", top)]
    if (top / "media.1" / "products").is_file():
        return [sles_products(top / "media.1" / "products", top)]
    return []


# --- media as directories ------------------------------------------------------------

def unpack_iso(iso: Path, into: Path) -> None:
    """Copy every file of an ISO 9660 image into `into`, under its Rock Ridge
    (else Joliet, else plain ISO 9660) names."""
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException

    image = pycdlib.PyCdlib()
    try:
        image.open(str(iso))
    except (PyCdlibException, OSError) as exc:
        raise MediumError(f"{iso.name} is not a readable ISO image: {exc}") from None
    try:
        if image.has_rock_ridge():
            kind = "rr_path"
        elif image.has_joliet():
            kind = "joliet_path"
        else:
            kind = "iso_path"
        for dirpath, _dirs, files in image.walk(**{kind: "/"}):
            target = safe_join(into, dirpath)
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                shown = name.split(";")[0] if kind == "iso_path" else name
                source = dirpath.rstrip("/") + "/" + name
                with open(safe_join(target, shown), "wb") as out:
                    image.get_file_from_iso_fp(out, **{kind: source})
    except PyCdlibException as exc:
        raise MediumError(f"cannot read {iso.name}: {exc}") from None
    finally:
        image.close()


def safe_join(root: Path, relative: str) -> Path:
    """`relative` under `root`, refusing names that would climb out of it."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise MediumError(f'refusing the path "{relative}": it leaves the medium')
    return root.joinpath(*parts)


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def fetch_url(url: str, into: Path) -> None:
    """Copy what a URL holds into `into`: an ISO file is fetched and unpacked,
    a directory is walked through its HTML listings (links below it only)."""
    import requests

    session = requests.Session()
    if urlsplit(url).path.lower().endswith(".iso"):
        with tempfile.NamedTemporaryFile(dir=into, suffix=".iso") as iso:
            _download(session, url, Path(iso.name))
            unpack = into / "medium"
            unpack.mkdir()
            unpack_iso(Path(iso.name), unpack)
        for entry in unpack.iterdir():
            entry.rename(into / entry.name)
        unpack.rmdir()
        return
    base = url if url.endswith("/") else url + "/"
    pending = [(base, into, 0)]
    count = 0
    while pending:
        where, target, depth = pending.pop()
        for link in _listing(session, where):
            absolute = urljoin(where, link).split("#")[0].split("?")[0]
            if not absolute.startswith(where) or absolute == where:
                continue  # parent directory, sorting links, other sites
            relative = unquote(absolute[len(where):])
            if relative.endswith("/"):
                if depth + 1 > MAX_DEPTH:
                    raise MediumError(f"{url}: directories nested too deep")
                sub = safe_join(target, relative.rstrip("/"))
                sub.mkdir(parents=True, exist_ok=True)
                pending.append((absolute, sub, depth + 1))
            else:
                count += 1
                if count > MAX_FILES:
                    raise MediumError(f"{url}: more than {MAX_FILES} files")
                _download(session, absolute, safe_join(target, relative))


def fetch_file(url: str, path: Path) -> None:
    """Download one file."""
    import requests

    _download(requests.Session(), url, path)


def _listing(session, url: str) -> list[str]:
    import requests

    try:
        response = session.get(url, timeout=60)
    except requests.RequestException as exc:
        raise MediumError(f"cannot fetch {url}: {exc}") from None
    if response.status_code != 200:
        raise MediumError(f"cannot fetch {url}: HTTP {response.status_code}")
    if "html" not in response.headers.get("Content-Type", ""):
        raise MediumError(f"{url} is not a directory listing")
    parser = _Links()
    parser.feed(response.text)
    return parser.links


def _download(session, url: str, path: Path) -> None:
    import requests

    try:
        with session.get(url, stream=True, timeout=60) as response:
            if response.status_code != 200:
                raise MediumError(f"cannot fetch {url}: HTTP {response.status_code}")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as out:
                for chunk in response.iter_content(CHUNK):
                    out.write(chunk)
    except requests.RequestException as exc:
        raise MediumError(f"cannot fetch {url}: {exc}") from None


# --- the pallet tree ---------------------------------------------------------------

def pallet_dir(root: Path, info: tuple[str, str, str, str, str]) -> Path:
    name, version, release, arch, osname = info
    return root / name / version / release / osname / arch


def install(info: PalletInfo, root: Path, clean: bool) -> Path:
    """Copy a pallet's tree to ROOT/NAME/VERSION/RELEASE/OS/ARCH; `clean`
    first removes what an earlier copy left there."""
    target = pallet_dir(root, info.identity)
    if target.exists() and target.resolve() == info.source.resolve():
        return target  # added from its own tree: the files are in place
    if clean and target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(info.source, target, dirs_exist_ok=True, symlinks=False,
                    ignore=_skip_tree_roots(info, target))
    if info.xml is not None and not (target / info.xml.name).exists():
        shutil.copyfile(info.xml, target / info.xml.name)
    return target


def _skip_tree_roots(info: PalletInfo, target: Path):
    """A copy of a whole medium must not copy the target into itself."""
    resolved = target.resolve()

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if (Path(directory) / n).resolve() == resolved]

    return ignore


def remove_tree(root: Path, info: tuple[str, str, str, str, str]) -> None:
    """Remove a pallet's ARCH directory and the directories above it that it
    leaves empty, up to (not including) `root`."""
    target = pallet_dir(root, info)
    if target.exists():
        shutil.rmtree(target)
    for parent in list(target.parents)[:4]:
        try:
            parent.rmdir()
        except OSError:
            break


def staging(root: Path) -> Path:
    """A scratch directory next to the pallets (same file system)."""
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))


def is_iso(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".iso"


def medium_kind(source: str) -> str:
    """url, iso or directory; '' when it is none of them."""
    if source.startswith(("http://", "https://")):
        return "url"
    path = Path(source)
    if is_iso(path):
        return "iso"
    if path.is_dir():
        return "directory"
    return ""


def absolute(source: str) -> str:
    return source if medium_kind(source) == "url" else os.path.abspath(source)


# --- making pallets ----------------------------------------------------------------

def write_iso(source: Path, iso: Path, volume: str = "stacki") -> None:
    """An ISO 9660 image of the tree at `source`, with Rock Ridge and Joliet
    names (the ISO 9660 names are short generated ones), written atomically."""
    import io

    import pycdlib

    image = pycdlib.PyCdlib()
    image.new(interchange_level=3, rock_ridge="1.09", joliet=3, vol_ident=volume[:32])
    numbers = iter(range(1, 10**9))

    def add(directory: Path, iso_dir: str, joliet_dir: str) -> None:
        for entry in sorted(directory.iterdir(), key=lambda e: e.name):
            short = f"{iso_dir}/N{next(numbers)}"
            joliet = f"{joliet_dir}/{entry.name[:64]}"
            if entry.is_dir():
                image.add_directory(short, rr_name=entry.name, joliet_path=joliet)
                add(entry, short, joliet)
            elif entry.is_file():
                data = entry.read_bytes()
                image.add_fp(io.BytesIO(data), len(data), short + ".;1", rr_name=entry.name,
                             joliet_path=joliet)

    add(source, "", "")
    partial = iso.with_name(f".{iso.name}.partial")
    try:
        image.write(str(partial))
        partial.replace(iso)
    finally:
        image.close()
        partial.unlink(missing_ok=True)


def write_repodata(directory: Path) -> bool:
    """yum metadata (repodata/) for the packages of a directory, with
    createrepo_c when it is installed; False when it is not."""
    import subprocess

    tool = shutil.which("createrepo_c") or shutil.which("createrepo")
    if tool is None:
        return False
    done = subprocess.run([tool, "--quiet", str(directory)], capture_output=True, text=True)
    if done.returncode != 0:
        raise MediumError(f"{Path(tool).name} failed: {done.stderr.strip()}")
    return True
