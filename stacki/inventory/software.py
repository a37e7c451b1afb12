"""Pallets, carts and repositories: where they live, which boxes enable them,
and the repository stanzas a host's box makes (the `.repo` files)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from stacki.home import system_path
from stacki.inventory import models as m

PALLETS = "/export/stack/pallets"
CARTS = "/export/stack/carts"
# The tree the frontend's HTTP server offers installers.
INSTALL_PREFIX = "/install"
REPO_FILES = {"redhat": "/etc/yum.repos.d/stacki.repo", "sles": "/etc/zypp/repos.d/stacki.repo"}
CLEAN_COMMANDS = {"redhat": "yum clean all", "sles": "zypper clean --all"}
# The HTTP server of a host's repositories: this attribute when set
# (`host:port`), else the frontend's private address.
SERVER_ATTR = "repo.server"
TEMPLATE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
PALLET_FILTERS = ("version", "release", "arch", "os")
# A name that becomes a directory and a word of a repo file.
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")


def pallets_root() -> Path:
    return system_path(PALLETS)


def carts_root() -> Path:
    return system_path(CARTS)


class NoMatch(Exception):
    """An argument that names nothing; `.arg` is the argument."""

    def __init__(self, arg: str):
        super().__init__(arg)
        self.arg = arg


def like(pattern: str) -> re.Pattern:
    """An SQL LIKE pattern as a case-sensitive regex (Stacki's `like binary`)."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", re.DOTALL)


def match_pallets(args: list[str], filters: Mapping[str, str]) -> list[m.Pallet]:
    """Pallets whose name matches each LIKE pattern of `args` (all when none)
    and whose version/release/arch/os match `filters`, in the order added."""
    wanted = {k: like(v) for k, v in filters.items() if v}
    rows = [p for p in m.Pallet.objects.order_by("id")
            if all(rx.match(getattr(p, k)) for k, rx in wanted.items())]
    if not args:
        return rows
    chosen: list[m.Pallet] = []
    for arg in args:
        found = [p for p in rows if like(arg).match(p.name)]
        if not found:
            raise NoMatch(arg)
        chosen += [p for p in found if p not in chosen]
    return chosen


def match_named(model: Any, args: list[str], *fields: str) -> list:
    """Carts or repos by LIKE patterns on name (or alias), all when none."""
    rows = list(model.objects.order_by("id"))
    if not args:
        return rows
    chosen: list = []
    for arg in args:
        rx = like(arg)
        found = [r for r in rows if any(rx.match(getattr(r, f)) for f in fields)]
        if not found:
            raise NoMatch(arg)
        chosen += [r for r in found if r not in chosen]
    return chosen


def boxes_of(model: Any, ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """The names of the boxes enabling each pallet/cart/repo, in one query."""
    through = model.boxes.through
    key = f"{model._meta.model_name}_id"
    rows = through.objects.order_by("box_id")
    if ids is not None:
        rows = rows.filter(**{f"{key}__in": list(ids)})
    found: dict[int, list[str]] = defaultdict(list)
    for owner, box in rows.values_list(key, "box__name"):
        found[owner].append(box)
    return found


class BoxContents:
    """What each box enables, read in three queries."""

    def __init__(self, box_ids: Iterable[int] | None = None) -> None:
        self.pallets: dict[int, list[m.Pallet]] = defaultdict(list)
        self.carts: dict[int, list[m.Cart]] = defaultdict(list)
        self.repos: dict[int, list[m.Repo]] = defaultdict(list)
        ids = None if box_ids is None else list(box_ids)
        for model, into, related in ((m.Pallet, self.pallets, "pallet"),
                                     (m.Cart, self.carts, "cart"), (m.Repo, self.repos, "repo")):
            rows = model.boxes.through.objects.select_related(related).order_by(f"{related}_id")
            if ids is not None:
                rows = rows.filter(box_id__in=ids)
            for link in rows:
                into[link.box_id].append(getattr(link, related))

    @staticmethod
    def pallet_name(p: m.Pallet) -> str:
        return f"{p.name}-{p.version}-{p.release}"

    def names(self, box_id: int) -> tuple[str, str, str]:
        """Space-joined pallets (name-version-release), carts and repos."""
        return (" ".join(self.pallet_name(p) for p in self.pallets[box_id]),
                " ".join(c.name for c in self.carts[box_id]),
                " ".join(r.name for r in self.repos[box_id]))


# --- repository files ----------------------------------------------------------------

def render(text: str, attrs: Mapping[str, Any]) -> str:
    """`{{ attr }}` replaced by the host's attribute (unknown ones by nothing)."""
    def value(match: re.Match) -> str:
        found = attrs.get(match.group(1))
        return "" if found is None else str(found)

    return TEMPLATE.sub(value, text)


def pallet_url(base: str, p: m.Pallet) -> str:
    return f"{base}/pallets/{p.name}/{p.version}/{p.release}/{p.os}/{p.arch}"


def stanza(alias: str, name: str, url: str, *, mirrorlist: bool = False, type_: str | None = None,
           autorefresh: bool = False, assumeyes: bool = False, gpgkey: str | None = None,
           gpgcheck: bool = False) -> list[str]:
    """One repository in the ini format yum and zypper read."""
    lines = [f"[{alias}]", f"name={name}", f"{'mirrorlist' if mirrorlist else 'baseurl'}={url}"]
    if type_:
        lines.append(f"type={type_}")
    if autorefresh:
        lines.append("autorefresh=1")
    if assumeyes:
        lines.append("assumeyes=1")
    if gpgkey:
        lines.append(f"gpgkey={gpgkey}")
    lines.append(f"gpgcheck={int(gpgcheck)}")
    return lines


def repo_lines(contents: BoxContents, box_id: int, attrs: Mapping[str, Any]) -> list[str]:
    """The stanzas of a box's pallets, carts and repos for a host whose
    resolved attributes are `attrs`; blank lines between stanzas."""
    server = attrs.get(SERVER_ATTR) or attrs.get("Kickstart_PrivateAddress") or ""
    base = f"http://{server}{INSTALL_PREFIX}"
    stanzas = []
    for p in contents.pallets[box_id]:
        stanzas.append(stanza(f"{p.name}-{p.version}-{p.release}",
                              f"{p.name} {p.version} {p.release}", pallet_url(base, p)))
    for c in contents.carts[box_id]:
        stanzas.append(stanza(f"{c.name}-cart", f"{c.name} cart", f"{base}/carts/{c.name}"))
    for r in contents.repos[box_id]:
        stanzas.append(stanza(r.alias, r.name, render(r.url, attrs), mirrorlist=r.is_mirrorlist,
                              type_=r.type, autorefresh=r.autorefresh, assumeyes=r.assumeyes,
                              gpgkey=render(r.gpgkey, attrs) if r.gpgkey else None,
                              gpgcheck=r.gpgcheck))
    lines: list[str] = []
    for block in stanzas:
        lines += ([""] if lines else []) + block
    return lines


# --- dump ---------------------------------------------------------------------------------

PALLET_KEYS = ("name", "version", "release", "arch", "os")
REPO_KEYS = ("name", "alias", "url", "autorefresh", "assumeyes", "type", "is_mirrorlist",
             "gpgcheck", "gpgkey", "os")


def dumped_pallets() -> list[dict[str, Any]]:
    tags: dict[int, list[dict[str, str]]] = defaultdict(list)
    for pallet_id, tag, value in m.PalletTag.objects.order_by("tag").values_list(
            "pallet_id", "tag", "value"):
        tags[pallet_id].append({"name": tag, "value": value})
    return [{**dict(zip(PALLET_KEYS, p.identity)), "url": p.url, "tag": tags[p.id]}
            for p in m.Pallet.objects.order_by("id")]


def dumped_carts() -> list[dict[str, Any]]:
    return [{"name": name, "url": url}
            for name, url in m.Cart.objects.order_by("id").values_list("name", "url")]


def dumped_repos() -> list[dict[str, Any]]:
    fields = [k if k != "os" else "os__name" for k in REPO_KEYS]
    return [dict(zip(REPO_KEYS, row))
            for row in m.Repo.objects.order_by("id").values_list(*fields)]


def dumped_boxes() -> list[dict[str, Any]]:
    contents = BoxContents()
    return [{"name": b.name, "os": b.os.name, "cart": [c.name for c in contents.carts[b.id]],
             "pallet": [dict(zip(PALLET_KEYS, p.identity)) for p in contents.pallets[b.id]],
             "repo": [{"name": r.name} for r in contents.repos[b.id]]}
            for b in m.Box.objects.select_related("os").order_by("id")]


def document() -> dict[str, Any]:
    """The software section of a dump: boxes with what they enable, then the
    pallets (with tags), carts and repositories themselves."""
    return {"box": dumped_boxes(), "cart": dumped_carts(), "pallet": dumped_pallets(),
            "repo": dumped_repos()}


# --- what hosts know about their box (intrinsic attributes) --------------------------------

# Pallets that are an OS medium (add pallet names them from .treeinfo or media.1/products).
OS_PALLETS = frozenset(("CentOS", "RHEL", "RedHatEnterpriseLinux", "OracleLinux", "SLES",
                        "SLED", "Ubuntu"))


def os_versions(name: str, version: str, release: str) -> tuple[str, str | None]:
    """os.version and os.minor_version of an OS pallet: 7.x and 6 for
    CentOS 7.6, 12.x and sp3 for SLES 12 sp3."""
    major, _, minor = version.partition(".")
    if release.startswith("sp"):
        return f"{major}.x", release
    return f"{major}.x", minor.split(".")[0] or None


def box_facts(box_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per box: `pallets` (NAME-VERSION-RELEASE), `carts`, and the OS
    pallet's `os.version` and `os.minor_version`; two queries."""
    ids = set(box_ids)
    facts: dict[int, dict[str, Any]] = {
        b: {"pallets": [], "carts": [], "os.version": None, "os.minor_version": None}
        for b in ids}
    links = m.Pallet.boxes.through.objects.filter(box_id__in=ids).order_by("pallet_id")
    for box_id, name, version, release in links.values_list(
            "box_id", "pallet__name", "pallet__version", "pallet__release"):
        facts[box_id]["pallets"].append(f"{name}-{version}-{release}")
        if name in OS_PALLETS and facts[box_id]["os.version"] is None:
            facts[box_id]["os.version"], facts[box_id]["os.minor_version"] = os_versions(
                name, version, release)
    carts = m.Cart.boxes.through.objects.filter(box_id__in=ids).order_by("cart_id")
    for box_id, name in carts.values_list("box_id", "cart__name"):
        facts[box_id]["carts"].append(name)
    return facts
