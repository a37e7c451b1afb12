"""What the generators of system files share: the banner, `<stack:file>` tags,
warnings, and one set-based snapshot of hosts, interfaces and networks.

A snapshot costs a fixed handful of queries however many hosts it holds.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import socket
import syslog
from collections.abc import Iterable, Sequence
from functools import cache, cached_property
from typing import Any

from stacki import errors
from stacki.framework.context import Context
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.attrs import resolve, truthy
from stacki.inventory.hostsel import all_hosts, localhost
from stacki.inventory.scopes import for_hosts

BANNER = [
    "# ",
    "# WARNING: This file is generated do not edit.",
    "# ",
    "# Contents written by Stacki.",
    "# ",
]


class Tag(str):
    """A `<stack:file>` tag line made by a generator: the only lines of report
    output allowed to open or close a file block (see `sealed`)."""


CLOSE = Tag("</stack:file>")
# Where a value's text could be taken for a tag by `report script` or `sync`.
FILE_TAG = re.compile(r"stack:file", re.IGNORECASE)
NIC_FIELDS = ("id", "host_id", "device", "mac", "ip", "name", "network_id", "vlan", "options",
              "channel", "default")
# Platforms where the frontend's own /etc/hosts and resolv.conf belong to someone else.
FOREIGN_PLATFORMS = ("docker", "aws")


def opening(name: str, perms: str | None = None) -> Tag:
    return Tag(f'<stack:file stack:name="{name}"' + (f' stack:perms="{perms}"' if perms else "") + ">")


def stack_file(name: str, lines: Iterable[str], perms: str | None = None) -> list[str]:
    return [opening(name, perms), *lines, CLOSE]


def text_lines(rows: Iterable[str]) -> list[str]:
    """Rows that may hold line breaks, joined the way Stacki printed them, as lines."""
    return [part for row in rows for part in ((row,) if isinstance(row, Tag) else row.split("\n"))]


def sealed(lines: Iterable[str]) -> list[str]:
    """Report output whose file blocks only the generator opened and closed.

    Values are checked when stored, but a file's lines also come from older
    databases and from `.local` files: a content line that holds a line break
    or the text "stack:file" could start a block of its own (any path, any
    mode) once `report script` or `sync` reads the output, so it is refused.
    """
    lines = list(lines)
    current = ""
    for line in lines:
        if isinstance(line, Tag):
            current = line
        elif "\n" in line or "\r" in line or FILE_TAG.search(line):
            shown = line.encode("unicode_escape").decode("ascii")[:80]
            raise errors.CommandError(
                f'refusing to write a line that could open or close a file block '
                f'(in {current or "the report"}): "{shown}"')
    return lines


def host_report(pairs: Iterable[tuple[str, str]]) -> Table:
    """Report-style output whose lines belong to hosts (the owner column)."""
    rows = [tuple(p) for p in pairs]
    sealed(line for _, line in rows)
    return Table(None, rows, trim_owner=True, show_header=False)


def warn(ctx: Context, text: str) -> None:
    """A problem with the data that the generated file leaves out: stderr and syslog."""
    ctx.progress(f"warning - {text}")
    try:
        syslog.syslog(syslog.LOG_WARNING, f"stack: {text}")
    except OSError:
        pass


def options_of(options: str | None) -> list[str]:
    if not options:
        return []
    try:
        return shlex.split(options)
    except ValueError:
        return options.split()


def ip_network(net: m.Network) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(f"{net.address}/{net.mask}", strict=False)
    except ValueError:
        return None


@cache
def _bounds(address: str, mask: str) -> tuple[int, int] | None:
    try:
        space = ipaddress.IPv4Network(f"{address}/{mask}", strict=False)
    except ValueError:
        return None
    return int(space.network_address), int(space.netmask)


def in_network(ip: str, net: m.Network) -> bool:
    """Whether an IP lies in a network (checked for every interface: kept cheap)."""
    bounds = _bounds(net.address, net.mask)
    try:
        value = int.from_bytes(socket.inet_aton(ip), "big")
    except OSError:
        return False
    return bounds is not None and value & bounds[1] == bounds[0]


class Nic:
    """One interface row, with its aliases (a plain class: there are tens of thousands)."""

    __slots__ = NIC_FIELDS + ("aliases", "_options")
    id: int
    host_id: int
    device: str | None
    mac: str | None
    ip: str | None
    name: str | None
    network_id: int | None
    vlan: int | None
    options: str | None
    channel: str | None
    default: bool

    def __init__(self, *row: Any):
        for name, value in zip(NIC_FIELDS, row):
            setattr(self, name, value)
        self.aliases: list[str] = []
        self._options: list[str] | None = None

    @property
    def option_list(self) -> list[str]:
        if self._options is None:
            self._options = options_of(self.options)
        return self._options

    def sort_key(self) -> tuple:
        return (self.device is not None, self.device or "", self.id)


class Cluster:
    """Hosts in cluster order, their interfaces by device, networks, aliases."""

    def __init__(self, hosts: Sequence[m.Host] | None = None):
        self.hosts = list(all_hosts() if hosts is None else hosts)
        self.networks = {n.id: n for n in m.Network.objects.order_by("id")}
        self.nics = _load_nics(self.hosts)

    def network(self, nic: Nic) -> m.Network | None:
        return None if nic.network_id is None else self.networks.get(nic.network_id)

    @cached_property
    def frontend(self) -> m.Host | None:
        return local_frontend([h for h in self.hosts if h.appliance.name == "frontend"] or None)

    def frontend_nics(self) -> list[Nic]:
        fe = self.frontend
        if fe is None:
            return []
        if fe.id not in self.nics:
            self.nics.update(_load_nics([fe]))
        return sorted(self.nics[fe.id], key=lambda n: n.id)

    def frontend_os(self) -> str:
        return frontend_os(self.frontend)

    def attr(self, name: str, shadow: bool = False, const: bool = False) -> dict[int, Any]:
        """Each host's resolved value of one attribute (absent hosts: no value)."""
        if not const and not m.Attribute.objects.filter(name=name).exists():
            return {}  # e.g. `aws`: usually stored nowhere, no need to resolve it per host
        resolved = resolve(self.hosts, shadow=shadow, const=const, pattern=name)
        return {hid: attrs[name].value for hid, attrs in resolved.items() if name in attrs}

    def flag(self, name: str) -> set[int]:
        """The ids of the hosts whose attribute `name` is true."""
        return {hid for hid, value in self.attr(name).items() if truthy(value)}


def local_frontend(frontends: list[m.Host] | None = None) -> m.Host | None:
    """The frontend this runs on (`localhost`), else the first frontend."""
    if frontends is None:
        frontends = all_hosts(appliance__name="frontend")
    found = localhost(frontends)
    return found[0] if found else None


def frontend_os(frontend: m.Host | None) -> str:
    """The OS of the frontend (redhat when there is none)."""
    return frontend.box.os.name if frontend is not None else "redhat"


def _load_nics(hosts: Sequence[m.Host]) -> dict[int, list[Nic]]:
    wanted = {h.id for h in hosts}
    nics: dict[int, list[Nic]] = {h.id: [] for h in hosts}
    by_id: dict[int, Nic] = {}
    for row in for_hosts(m.Interface.objects.values_list(*NIC_FIELDS), list(hosts)):
        if row[1] in wanted:
            nic = Nic(*row)
            nics[nic.host_id].append(nic)
            by_id[nic.id] = nic
    aliases = for_hosts(m.Alias.objects.order_by("id"), list(hosts), "interface__host_id")
    for interface_id, name in aliases.values_list("interface_id", "name"):
        if interface_id in by_id:
            by_id[interface_id].aliases.append(name)
    for host_nics in nics.values():
        host_nics.sort(key=Nic.sort_key)
    return nics


def global_attr(name: str, shadow: bool = True) -> str:
    """A global attribute's value ('' when unset, or when it is a shadow
    attribute and `shadow` is false: what a non-admin may not see)."""
    rows = m.Attribute.objects.filter(scope="global", name=name)
    if not shadow:
        rows = rows.filter(shadow=False)
    return next(iter(rows.values_list("value", flat=True)), "") or ""


def foreign_platform() -> bool:
    return global_attr("platform").lower() in FOREIGN_PLATFORMS
