"""Reading and checking a hostfile (commands.md §10 `load hostfile`).

The whole file becomes a Plan (hosts and their interfaces) and every check
runs before anything is written: Stacki's own checks first, in Stacki's
order and with its texts, then the checks the sub-commands Stacki calls
(`add host`, `add host interface`, ...) would make, with their texts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stacki import errors
from stacki.commands.spreadsheet import cells, require_columns
from stacki.home import frontend_name
from stacki.inventory import models as m
from stacki.inventory.interfaces import check_name
from stacki.inventory.values import normal_mac, parse_mac, parse_vlan, str2bool

REQUIRED = ("name", "appliance", "ip", "mac", "interface", "rack", "rank", "network")
BOND = re.compile(r"bond[0-9]+$")
# Columns whose cells are lower-cased, as Stacki does.
LOWERED = {"name", "mac", "interface", "network", "interface hostname"}
ALIASES = {"runaction": "osaction", "interface hostname": "ifhostname"}
NO_DEFAULT = ('host "{}" has multiple interfaces but none of the interfaces are designated as\n'
              'a "default" interface. add a "default" column to your spreadsheet and\n'
              'mark one of the interfaces as "True" in the default column')
TWO_DEFAULTS = ('host "{}" has more than one interface designated as the "default" interface.\n'
                'edit your spreadsheet so that only one interface is the "default".')


@dataclass
class Nic:
    device: str
    default: str | None = None
    ip: str | None = None
    mac: str | None = None
    network: str | None = None
    ifhostname: str | None = None
    channel: str | None = None
    options: str | None = None
    vlan: int | None = None

    @property
    def is_default(self) -> bool:
        return self.default is not None and str2bool(self.default)


@dataclass
class HostPlan:
    name: str
    appliance: str | None = None
    box: str | None = None
    rack: str | None = None
    rank: str | None = None
    comment: str | None = None
    installaction: str | None = None
    osaction: str | None = None
    groups: list[str] | None = None
    boss: str | None = None
    nics: dict[str, Nic] = field(default_factory=dict)


class Inventory:
    """What the checks need from the database, read once."""

    def __init__(self) -> None:
        self.boxes = {b.name: b for b in m.Box.objects.select_related("os")}
        self.appliances = {a.name: a for a in m.Appliance.objects.all()}
        self.networks = {n.name.lower(): n for n in m.Network.objects.order_by("id")}
        self.spaces = {name: ipaddress.IPv4Network(f"{n.address}/{n.mask}", strict=False)
                       for name, n in self.networks.items()}
        self.actions = list(m.BootAction.objects.values_list(
            "bootname__name", "bootname__type", "os_id"))
        self.action_names = {name for name, _, _ in self.actions}
        self.hosts = {name.lower(): pk for pk, name in m.Host.objects.values_list("id", "name")}


def parse(header_row: list[str], rows: Iterable[tuple[int, list[str]]],
          inv: Inventory) -> dict[str, HostPlan]:
    """Hosts by name, in file order, with Stacki's per-row checks."""
    header = [cell.lower() for cell in header_row]
    require_columns(header, REQUIRED)
    hosts: dict[str, HostPlan] = {}
    for line, row in rows:
        add_row(hosts, read_cells(cells(header, line, row)), inv)
    return hosts


def read_cells(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """The non-empty cells of a row by column, checked as Stacki reads them."""
    values: dict[str, object] = {}
    for column, value in pairs:
        if not value:
            continue
        if column in LOWERED:
            value = value.lower()
        if column == "ip" and value != "auto":
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                raise errors.CommandError(f"invalid IP {value} in the input file") from None
        if column == "vlan":
            values["vlan"] = vlan_cell(value)
            continue
        values[ALIASES.get(column, column)] = value
    return values


def vlan_cell(value: str) -> int:
    try:
        vlan = int(value)
    except ValueError:
        raise errors.CommandError(f'VLAN "{value}" must be an integer') from None
    if vlan < 1:
        raise errors.CommandError(f'VLAN "{vlan}" must be greater than 0')
    return vlan


def add_row(hosts: dict[str, HostPlan], values: dict, inv: Inventory) -> None:
    name = values.get("name")
    if not name:
        raise errors.CommandError('empty host name found in "name" column')
    host = hosts.setdefault(name, HostPlan(name))
    if "box" in values:
        if values["box"] not in inv.boxes:
            raise errors.CommandError(f'box "{values["box"]}" does not exist in the database')
        host.box = values["box"]
    for column, what in (("appliance", "appliance types"), ("rack", "rack numbers"),
                         ("rank", "rank numbers")):
        if column in values:
            if getattr(host, column) not in (None, values[column]):
                raise errors.CommandError(f'two different {what} specified for host "{name}"')
            setattr(host, column, values[column])
    if "interface" in values:
        add_nic(host, values)
    if "boss" in values:
        host.boss = values["boss"]
    if "comment" in values:
        host.comment = values["comment"] if host.comment is None \
            else f"{host.comment}, {values['comment']}"
    for column, kind in (("installaction", "installaction"), ("osaction", "bootaction")):
        if column in values:
            if values[column] not in inv.action_names:
                raise errors.CommandError(
                    f'{kind} "{values[column]}" does not exist in the database')
            setattr(host, column, values[column])
    if "groups" in values:
        host.groups = values["groups"].split(",")


def add_nic(host: HostPlan, values: dict) -> None:
    device = values["interface"]
    if device in host.nics:
        raise errors.CommandError(f'interface "{device}" already specified for host "{host.name}"')
    if "ip" in values and "network" not in values:
        raise errors.CommandError("inclusion of IP requires inclusion of network")
    host.nics[device] = Nic(device, **{k: values.get(k) for k in (
        "default", "ip", "mac", "network", "ifhostname", "channel", "options", "vlan")})


def only_this_boss(hosts: dict[str, HostPlan]) -> dict[str, HostPlan]:
    """With a `boss` column naming this frontend, the rows of other frontends go."""
    me = frontend_name().lower()
    if not any((h.boss or "").lower() == me for h in hosts.values()):
        return hosts
    return {n: h for n, h in hosts.items() if (h.boss or "").lower() == me}


def check(hosts: dict[str, HostPlan], inv: Inventory) -> None:
    """Stacki's whole-file checks, host by host in file order."""
    macs: set[str] = set()
    ips: dict[object, set[str]] = {}
    for host in hosts.values():
        if host.appliance is None:
            raise errors.CommandError(f'must supply an appliance type for host "{host.name}"')
        if host.appliance not in inv.appliances:
            raise errors.CommandError(
                f'appliance "{host.appliance}" does not exist in the database')
        check_defaults(host)
        for nic in host.nics.values():
            check_nic(host, nic, inv, macs, ips)
    for host in hosts.values():
        if host.name not in inv.hosts and host.appliance == "frontend":
            raise errors.CommandError("Renaming frontend is not supported!")


def check_defaults(host: HostPlan) -> None:
    nics = list(host.nics.values())
    if len(nics) == 1:
        nics[0].default = "True"
        return
    if not nics:
        return
    chosen = sum(1 for nic in nics if nic.is_default)
    if chosen == 0:
        raise errors.CommandError(NO_DEFAULT.format(host.name))
    if chosen > 1:
        raise errors.CommandError(TWO_DEFAULTS.format(host.name))


def check_nic(host: HostPlan, nic: Nic, inv: Inventory, macs: set[str],
              ips: dict[object, set[str]]) -> None:
    if nic.ip:
        seen = ips.setdefault(nic.vlan or "default", set())
        if nic.ip != "auto" and nic.ip in seen:
            raise errors.CommandError(f'duplicate IP "{nic.ip}" in the input file')
        seen.add(nic.ip)
    if nic.mac:
        key = normal_mac(nic.mac) or nic.mac
        if key in macs:
            raise errors.CommandError(f'duplicate MAC "{nic.mac}" in the input file')
        macs.add(key)
    if nic.network:
        network = inv.networks.get(nic.network)
        if network is None:
            raise errors.CommandError(f'network "{nic.network}" does not exist in the database')
        if nic.ip and nic.ip != "auto":
            space = inv.spaces[nic.network]
            if ipaddress.IPv4Address(nic.ip) not in space:
                raise errors.CommandError(f'IP "{nic.ip}" is not in the "{nic.network}" IP space '
                                          f"({network.address}/{space.prefixlen})")
    if BOND.match(nic.device) and not any(
            other.channel == nic.device for other in host.nics.values()):
        raise errors.CommandError(
            f'bonded interface "{nic.device}" is specified for host "{host.name}", but there '
            f'is no channel "{nic.device}" specified for any interface associated with this host')


# --- what the sub-commands Stacki runs would refuse ------------------------------

def check_writes(hosts: dict[str, HostPlan], inv: Inventory) -> None:
    """The refusals of `add host`, `set host comment|bootaction`, `add host group`
    and `add host interface`, found before anything is written."""
    from stacki.inventory.validation import valid_host_name

    for host in hosts.values():
        if host.name not in inv.hosts:
            if not valid_host_name(host.name):
                raise errors.ArgValue("host", "a valid hostname label")
            rack_rank_of(host)
            box = inv.boxes[host.box or "default"]
            for type_, action in (("install", "default"), ("os", "default")):
                if not action_exists(inv, action, type_, box.os_id):
                    raise errors.CommandError(
                        f'"{action}" {type_} boot action for "{box.os.name}" is missing')
        if host.comment is not None and len(host.comment) > 140:
            raise errors.CommandError("comments must be no longer than 140 characters")
        for type_, action in (("install", host.installaction), ("os", host.osaction)):
            if action is not None and not action_exists(inv, action.lower(), type_):
                raise errors.CommandError(f'bootaction "{action.lower()}" does not exist')
        names = [g for g in host.groups or () if g]
        for n, group in enumerate(names):
            if group in names[:n]:
                raise errors.CommandError(f"{host.name} already member of {group}")
        for nic in host.nics.values():
            check_nic_values(nic)


def rack_rank_of(host: HostPlan) -> tuple[str, str]:
    """A new host's rack and rank: the cells, else from a name base-rack-rank."""
    parts = host.name.split("-")
    rack = host.rack if host.rack is not None else parts[1] if len(parts) == 3 else None
    rank = host.rank if host.rank is not None else parts[2] if len(parts) == 3 else None
    if rack is None:
        raise errors.ParamRequired("rack")
    if rank is None:
        raise errors.ParamRequired("rank")
    return rack, rank


def action_exists(inv: Inventory, name: str, type_: str, os_id: int | None = None) -> bool:
    return any(n == name and t == type_ and (os_id is None or o in (None, os_id))
               for n, t, o in inv.actions)


def check_nic_values(nic: Nic) -> None:
    # The default interface is named after its host whatever the cell says.
    if nic.ifhostname is not None and not nic.is_default:
        check_name(nic.ifhostname)
    if nic.mac is not None:
        nic.mac = parse_mac(nic.mac)
    if nic.vlan is not None:
        parse_vlan(str(nic.vlan))
