"""Host interfaces: add, list, remove and swap, and the helpers the
`set host interface <field>` family (interface_set.py) and the alias
commands (interface_alias.py) share.

MACs are stored lower-case in colon form. Uniqueness of a device and of a MAC
per host is held by database constraints; the checks here only give a clash
Stacki's wording, before or after the write. An IP address may be shared, as
in Stacki (HA service addresses, a VM given its hypervisor's address): it only
draws a warning naming the other holders.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from stacki.commands.network import ipv4_address
from stacki.commands.report_common import warn
from stacki.framework import errors
from stacki.framework.command import Arg, Command, Example, Param, Params, str2bool
from stacki.framework.context import Context
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.attrs import IN_LIMIT

MAC_SEPARATED = re.compile(r"^[0-9a-f]{1,2}(?P<sep>[:-])[0-9a-f]{1,2}(?:(?P=sep)[0-9a-f]{1,2})*$")
MAC_DOTTED = re.compile(r"^[0-9a-f]{4}(?:\.[0-9a-f]{4})+$")
MAC_BARE = re.compile(r"^(?:[0-9a-f]{2})+$")
# Ethernet, EUI-64 and IP-over-InfiniBand hardware addresses.
MAC_OCTETS = (6, 8, 20)

COLUMNS = ["host", "interface", "default", "network", "mac", "ip", "name", "module", "vlan",
           "options", "channel"]
EXPANDED = ["host", "interface", "default", "network", "mac", "ip", "mask", "gateway", "name",
            "zone", "dns", "pxe", "module", "vlan", "options", "channel"]
LISTED = ("id", "host_id", "device", "default", "network_id", "mac", "ip", "name", "module",
          "vlan", "options", "channel")
CLASH_FIELDS = ("device", "mac")
# Above this many distinct new values, bulk_update's CASE statements beat an UPDATE each.
FEW_VALUES = 20
# What `swap host interface` exchanges: what belongs to the NIC, not to its place.
SWAPPED = ("device", "mac", "module", "options")

HOST_ARG = (Arg("host", help="A single host name."),)
HOSTS_ARG = (Arg("host", repeat=True, help="One or more host names or selections."),)
ANY_HOSTS = (Arg("host", optional=True, repeat=True,
                 help="Host names or selections; none lists every host."),)


# --- values -------------------------------------------------------------------

def normal_mac(text: str) -> str | None:
    """A hardware address in lower-case colon form, or None if it is not one."""
    text = text.strip().lower()
    if MAC_SEPARATED.match(text):
        octets = [o.zfill(2) for o in re.split("[:-]", text)]
    elif MAC_DOTTED.match(text) or MAC_BARE.match(text):
        digits = text.replace(".", "")
        octets = [digits[i:i + 2] for i in range(0, len(digits), 2)]
    else:
        return None
    return ":".join(octets) if len(octets) in MAC_OCTETS else None


def parse_mac(text: str) -> str:
    mac = normal_mac(text)
    if mac is None:
        raise errors.ParamValue("mac", "a valid MAC address")
    return mac


def is_null(value: str | None) -> bool:
    return value is not None and value.upper() == "NULL"


def nullable(value: str | None) -> str | None:
    """`NULL` (any case) and absence both mean no value."""
    return None if value is None or is_null(value) else value


def parse_vlan(value: str) -> int | None:
    try:
        vlan = int(value)
    except ValueError:
        raise errors.ParamType("vlan", "integer") from None
    if not 0 <= vlan <= 4094:
        raise errors.ParamValue("vlan", "an integer between 0 and 4094")
    return vlan or None


def check_name(name: str) -> None:
    if "." in name:
        raise errors.ParamType("name", "non-FQDN (base hostname)")


def find_network(name: str) -> m.Network:
    network = m.Network.objects.filter(name__iexact=name).first()
    if network is None:
        raise errors.CommandError(f'network "{name}" does not exist')
    return network


# --- hosts and their interfaces --------------------------------------------------

def one_host(cmd: Command, args: list[str]) -> m.Host:
    if not args:
        raise errors.ArgRequired("host")
    return cmd.hosts(args, required=True, unique=True)[0]


def some_hosts(cmd: Command, args: list[str]) -> list[m.Host]:
    if not args:
        raise errors.ArgRequired("host")
    return cmd.hosts(args, required=True)


def chunks(values: list, size: int = 5000) -> Iterator[list]:
    """`values` in slices, so that no IN list nears a database's parameter limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def device_key(iface: Any) -> tuple:
    return (iface.device is not None, iface.device or "", iface.id or 0)


def for_hosts(queryset, hosts: Iterable[m.Host], field: str = "host_id",
              key: Callable[[Any], Any] | None = None) -> list:
    """The rows of `queryset` that belong to `hosts`, in one query whatever their number.

    `key` reads the host id of a row (default: the attribute path `field`).
    """
    ids = {h.id for h in hosts}
    if len(ids) <= IN_LIMIT:
        queryset = queryset.filter(**{f"{field}__in": ids})
    key = key or (lambda row: _attr(row, field))
    return [row for row in queryset if key(row) in ids]


def _attr(row: object, dotted: str) -> object:
    for part in dotted.split("__"):
        row = getattr(row, part)
    return row


def interfaces_of(hosts: list[m.Host]) -> dict[int, list[m.Interface]]:
    """Each host's interfaces, sorted by device (interfaces without a device first)."""
    by_host: dict[int, list[m.Interface]] = {h.id: [] for h in hosts}
    for iface in for_hosts(m.Interface.objects.select_related("network"), hosts):
        by_host[iface.host_id].append(iface)
    for ifaces in by_host.values():
        ifaces.sort(key=device_key)
    return by_host


# --- clashes and writes ----------------------------------------------------------

class Siblings:
    """The interfaces of some hosts as they will be after a change, to name clashes."""

    def __init__(self, hosts: list[m.Host], by_host: dict[int, list[m.Interface]]):
        self.names = {h.id: h.name for h in hosts}
        self.by_host = by_host

    def clash(self, changed: list[m.Interface], fields: Iterable[str] = CLASH_FIELDS) -> str | None:
        """Stacki's `... exists on H` for the first clash `changed` would cause."""
        fields = set(fields)
        for iface in changed:
            others = [o for o in self.by_host[iface.host_id] if o is not iface]
            name = self.names[iface.host_id]
            if "device" in fields and iface.device is not None and any(
                    o.device == iface.device for o in others):
                return f"interface {iface.device} exists on {name}"
            if "mac" in fields and iface.mac is not None and any(
                    o.mac == iface.mac for o in others):
                return f"mac {iface.mac} exists on {name}"
        return None

    def shared_ips(self, changed: list[m.Interface]) -> list[str]:
        """`ip X exists on H interface D` for each address of `changed` that another
        interface on the same network holds (or another of `changed` takes)."""
        firsts: dict[tuple[int, str], m.Interface] = {}
        found: list[str] = []
        for iface in changed:
            if iface.ip is None or iface.network_id is None:
                continue
            key = (iface.network_id, iface.ip)
            if key in firsts:
                found.append(self._shared(iface.ip, self.names[firsts[key].host_id],
                                          firsts[key].device))
            else:
                firsts[key] = iface
        changed_ids = {i.id for i in changed}
        networks = {n for n, _ in firsts}
        for ips in chunks(sorted({ip for _, ip in firsts})):
            rows = (m.Interface.objects.filter(network_id__in=networks, ip__in=ips)
                    .order_by("host__name", F("device").asc(nulls_first=True), "id")
                    .values_list("id", "network_id", "ip", "host__name", "device"))
            for iface_id, network_id, ip, host, device in rows:
                if iface_id not in changed_ids and (network_id, ip) in firsts:
                    found.append(self._shared(ip, host, device))
        return found

    @staticmethod
    def _shared(ip: str, host: str, device: str | None) -> str:
        where = f"{host} interface {device}" if device else host
        return f"ip {ip} exists on {where}"

    def warn_shared(self, ctx: Context, changed: list[m.Interface]) -> None:
        for text in self.shared_ips(changed):
            warn(ctx, text)

    def check(self, changed: list[m.Interface], fields: Iterable[str] = CLASH_FIELDS) -> None:
        message = self.clash(changed, fields)
        if message is not None:
            raise errors.CommandError(message)

    def save(self, changed: list[m.Interface], fields: list[str] | None = None) -> None:
        """Write `changed` (insert new ones); a constraint refusal becomes Stacki's text."""
        try:
            with transaction.atomic():
                if fields is None:
                    for iface in changed:
                        iface.save()
                else:
                    update(changed, fields)
        except IntegrityError:
            message = self.clash(changed)
            if message is None:
                raise
            raise errors.CommandError(message) from None


def update(changed: list[m.Interface], fields: list[str]) -> None:
    """Write `fields` of `changed`: one UPDATE per distinct value where values are few
    (the usual case: one value for every selected interface), else CASE statements."""
    columns = [m.Interface._meta.get_field(f).attname for f in fields]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for iface in changed:
        groups[tuple(getattr(iface, c) for c in columns)].append(iface.id)
    if len(groups) > FEW_VALUES:
        m.Interface.objects.bulk_update(changed, fields, batch_size=500)
        return
    for values, ids in groups.items():
        for part in chunks(ids):
            m.Interface.objects.filter(id__in=part).update(**dict(zip(columns, values)))


def free_ips(network: m.Network, count: int) -> list[str]:
    """The first `count` unused host addresses of a network (its gateway counts as used)."""
    used = set(m.Interface.objects.filter(network=network, ip__isnull=False)
               .values_list("ip", flat=True))
    used.add(network.gateway)
    space = ipaddress.IPv4Network(f"{network.address}/{network.mask}", strict=False)
    found: list[str] = []
    for address in space.hosts():
        if str(address) not in used:
            found.append(str(address))
            if len(found) == count:
                return found
    raise errors.CommandError("no free ip addresses left in the network")


# --- commands -------------------------------------------------------------------

class AddHostInterface(Command):
    """Add an interface to a host.

    `ip=auto` takes the first free address of the network. `default=true`
    makes the interface the host's default one (its name becomes the host
    name, its gateway the default gateway).
    """

    path = "add host interface"
    args = HOST_ARG
    params = (
        Param("interface", help="The device name, e.g. eth0."),
        Param("mac", help="The hardware address, e.g. 00:11:22:33:44:55."),
        Param("ip", help="An IPv4 address, or auto for the network's first free one."),
        Param("network", help="The network the interface is on."),
        Param("name", help="The host name on this interface (not an FQDN)."),
        Param("module", help="The device driver."),
        Param("vlan", help="The VLAN ID (0: none)."),
        Param("default", "boolean", help="Make this the host's default interface."),
        Param("channel", help="The channel (e.g. the bond an interface belongs to)."),
    )
    examples = (
        Example("add host interface backend-0-0 interface=eth0 ip=auto network=private",
                "Adds eth0 to backend-0-0 with the first free address of private."),
        Example("add host interface backend-0-0 interface=eth1 ip=192.168.1.2 network=private "
                "name=fast-0-0", "Adds eth1 with an address and an interface name."),
    )
    related = ("list host interface", "remove host interface", "set host interface ip")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        given = {k: v for k, v in params.items() if v != ""}
        iface, auto = self.build(host, given)
        by_host = interfaces_of([host])
        siblings = Siblings([host], {host.id: by_host[host.id] + [iface]})
        if not params.flag("unsafe"):
            siblings.check([iface])
        if auto:
            iface.ip = free_ips(iface.network, 1)[0]
        if iface.default:
            m.Interface.objects.filter(host=host, default=True).update(default=False)
        siblings.save([iface])
        siblings.warn_shared(self.ctx, [iface])

    def build(self, host: m.Host, given: dict[str, str]) -> tuple[m.Interface, bool]:
        """The new interface from the parameters, and whether its IP is still to pick."""
        if "interface" not in given and "mac" not in given:
            raise errors.ParamRequired(["interface", "mac"])
        name = given.get("name")
        if name is not None:
            check_name(name)
            name = host.name if is_null(name) else name
        network = find_network(given["network"]) if "network" in given else None
        vlan = parse_vlan(given["vlan"]) if "vlan" in given else None
        mac = parse_mac(given["mac"]) if "mac" in given else None
        ip = nullable(given.get("ip"))
        auto = ip is not None and ip.lower() == "auto"
        if auto and network is None:
            raise errors.ParamRequired("network")
        if ip is not None:
            ip = None if auto else ipv4_address(ip, "ip")
        iface = m.Interface(
            host=host, device=given.get("interface"), mac=mac, ip=ip, name=name,
            network=network, module=nullable(given.get("module")), vlan=vlan,
            options=nullable(given.get("options")), channel=nullable(given.get("channel")),
            default=str2bool(given.get("default", "")),
        )
        return iface, auto


class ListHostInterface(Command):
    """List the interfaces of hosts, hosts in cluster order, interfaces by device.

    `expanded=true` adds each interface's network settings.
    """

    path = "list host interface"
    args = ANY_HOSTS
    examples = (
        Example("list host interface backend-0-0", "Lists the interfaces of backend-0-0."),
        Example("list host interface a:backend expanded=true",
                "Lists the backends' interfaces with their network settings."),
    )
    related = ("add host interface", "remove host interface")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        expanded = params.flag("expanded")
        # Plain rows rather than model instances: this lists 10,000s of interfaces.
        listed = m.Interface.objects.values_list(*LISTED, named=True)
        by_host: dict[int, list] = {h.id: [] for h in hosts}
        for row in sorted(for_hosts(listed, hosts, key=attrgetter("host_id")), key=device_key):
            by_host[row.host_id].append(row)
        networks = {n.id: n for n in m.Network.objects.all()}
        rows = [interface_row(h.name, i, networks.get(i.network_id), expanded)
                for h in hosts for i in by_host[h.id]]
        return Table(EXPANDED if expanded else COLUMNS, rows)


def interface_row(host: str, iface: Any, net: m.Network | None, expanded: bool) -> list:
    mac, ip, name, module = iface.mac, iface.ip, iface.name, iface.module
    if iface.device and iface.device.startswith("vlan"):
        mac = ip = name = module = None
    head = [host, iface.device, True if iface.default else None, net.name if net else None,
            mac, ip]
    tail = [module, iface.vlan, iface.options, iface.channel]
    if not expanded:
        return head + [name] + tail
    if net is None:
        return head + [None, None, name, None, None, None] + tail
    return head + [net.mask, net.gateway, name, net.zone, net.dns, net.pxe] + tail


class RemoveHostInterface(Command):
    """Remove interfaces (and their aliases) from hosts, by device or MAC, or all of them."""

    path = "remove host interface"
    args = (Arg("host", optional=True, repeat=True, help="One or more host names."),)
    params = (
        Param("interface", help="The device to remove."),
        Param("mac", help="The hardware address of the interface to remove."),
        Param("all", "bool", help="Remove every interface of the hosts."),
    )
    examples = (
        Example("remove host interface backend-0-0 interface=eth1",
                "Removes eth1 from backend-0-0."),
        Example("remove host interface a:backend all=true",
                "Removes every interface of the backends."),
    )
    related = ("add host interface", "list host interface")

    def run(self, args: list[str], params: Params) -> None:
        hosts = some_hosts(self, args)
        everything = params.flag("all")
        device, mac = params.value("interface"), params.value("mac")
        if not (everything or device or mac):
            raise errors.ParamRequired(["interface", "mac"])
        by_host = interfaces_of(hosts)
        doomed: list[int] = []
        for host in hosts:
            ifaces = by_host[host.id]
            if not everything:
                ifaces = self.matching(host, ifaces, device, mac)
            doomed += [i.id for i in ifaces]
        for ids in chunks(doomed):
            m.Interface.objects.filter(id__in=ids).delete()

    @staticmethod
    def matching(host: m.Host, ifaces: list[m.Interface], device: str | None,
                 mac: str | None) -> list[m.Interface]:
        if device is not None:
            found = [i for i in ifaces if same_device(i, device)]
            if not found:
                raise errors.CommandError(f'no interface "{device}" exists on {host.name}')
        else:
            found = [i for i in ifaces if same_mac(i, mac)]
            if not found:
                raise errors.CommandError(f'no mac address "{mac}" exists on {host.name}')
        return found


def same_device(iface: m.Interface, device: str) -> bool:
    return iface.device is not None and iface.device.lower() == device.lower()


def same_mac(iface: m.Interface, mac: str | None) -> bool:
    if iface.mac is None or mac is None:
        return False
    return iface.mac.lower() == (normal_mac(mac) or mac.lower())


def same_network(iface: m.Interface, network: str) -> bool:
    return iface.network is not None and iface.network.name.lower() == network.lower()


class SwapHostInterface(Command):
    """Swap the device name, MAC, module and options of two interfaces of hosts.

    Addresses, network, name, default flag, VLAN and channel stay where they
    are: use it when the two NICs of a host came up in the other order.
    """

    path = "swap host interface"
    args = HOSTS_ARG
    params = (
        Param("interfaces", optional=False, help="The two devices, comma-separated: eth0,eth1."),
        Param("sync-config", "boolean",
              help="Run sync host config and sync host network afterwards (default: yes)."),
    )
    examples = (Example("swap host interface backend-0-0 interfaces=eth0,eth1",
                        "Swaps eth0 and eth1 of backend-0-0."),)
    related = ("list host interface",)

    def run(self, args: list[str], params: Params) -> None:
        hosts = some_hosts(self, args)
        devices = params.require("interfaces").split(",")
        if len(devices) != 2:
            raise errors.CommandError("must supply exactly two interfaces")
        by_host = interfaces_of(hosts)
        pairs = []
        for host in hosts:
            found = {d: next((i for i in by_host[host.id] if i.device == d), None)
                     for d in devices}
            if None in found.values():
                raise errors.CommandError("one or more of the interfaces are missing")
            first, second = found[devices[0]], found[devices[1]]
            if first is not second:
                pairs.append((first, second))
        self.swap(pairs)
        if params.flag("sync-config", True):
            names = [h.name for h in hosts]
            self.call(["sync", "host", "config", *names])
            self.call(["sync", "host", "network", *names])

    def swap(self, pairs: list[tuple[m.Interface, m.Interface]]) -> None:
        firsts = [a for a, _ in pairs]
        seconds = [b for _, b in pairs]
        old = [[getattr(a, f) for f in SWAPPED] for a in firsts]
        # Unique (host, device) and (host, mac) are checked row by row, so the
        # first interfaces give up their device and MAC before the second take them.
        for a in firsts:
            a.device = a.mac = None
        m.Interface.objects.bulk_update(firsts, ["device", "mac"])
        for a, b in pairs:
            for f in SWAPPED:
                setattr(a, f, getattr(b, f))
        for b, values in zip(seconds, old):
            for f, value in zip(SWAPPED, values):
                setattr(b, f, value)
        m.Interface.objects.bulk_update(seconds, list(SWAPPED))
        m.Interface.objects.bulk_update(firsts, list(SWAPPED))


# --- aliases -------------------------------------------------------------------

class AddHostInterfaceAlias(Command):
    """Add an alias (another DNS name) to an interface of a host.

    The same alias may sit on several interfaces of one host, not on two hosts.
    """

    path = "add host interface alias"
    args = HOST_ARG
    params = (
        Param("alias", optional=False, help="The alias; not a host name, number or IP."),
        Param("interface", optional=False, help="The device the alias is for."),
    )
    examples = (Example("add host interface alias backend-0-0 interface=eth0 alias=b00",
                        'Adds the alias "b00" to eth0 of backend-0-0.'),)
    related = ("list host interface alias", "remove host interface alias")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        alias, device = params.require("alias"), params.require("interface")
        if m.Host.objects.named(alias).exists():
            raise errors.CommandError("hostname already in use")
        if alias.isdigit():
            raise errors.CommandError("aliases cannot be only numbers")
        if is_ipv4(alias):
            raise errors.CommandError("aliases cannot be an IP address")
        taken = m.Alias.objects.filter(name__iexact=alias).values_list(
            "interface__host_id", "interface__device")
        if any(h != host.id or d == device for h, d in taken):
            raise errors.CommandError(f'alias "{alias}" exists')
        iface = m.Interface.objects.filter(host=host, device=device).first()
        if iface is None:
            raise errors.CommandError("interface does not exist")
        m.Alias.objects.create(interface=iface, name=alias)


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


class ListHostInterfaceAlias(Command):
    """List the aliases of host interfaces."""

    path = "list host interface alias"
    args = ANY_HOSTS
    params = (Param("interface", help="Only the aliases of this device."),)
    examples = (Example("list host interface alias backend-0-0 interface=eth0",
                        "Lists the aliases of eth0 of backend-0-0."),)
    related = ("add host interface alias", "remove host interface alias")

    def run(self, args: list[str], params: Params) -> Table:
        if "host" in params or "hosts" in params:
            raise errors.UsageError("Incorrect usage.")
        hosts = self.hosts(args)
        device = params.value("interface")
        aliases = m.Alias.objects.select_related("interface").order_by("id")
        if device is not None:
            aliases = aliases.filter(interface__device=device)
        by_host: dict[int, list[m.Alias]] = {h.id: [] for h in hosts}
        for alias in for_hosts(aliases, hosts, "interface__host_id"):
            by_host[alias.interface.host_id].append(alias)
        rows = [(h.name, a.name, a.interface.device) for h in hosts for a in by_host[h.id]]
        return Table(["host", "alias", "interface"], rows)


class RemoveHostInterfaceAlias(Command):
    """Remove aliases of a host: all, those of one device, or one alias."""

    path = "remove host interface alias"
    args = HOST_ARG
    params = (
        Param("alias", help="Only this alias."),
        Param("interface", help="Only the aliases of this device."),
    )
    examples = (Example("remove host interface alias backend-0-0 interface=eth0",
                        "Removes every alias of eth0 of backend-0-0."),)
    related = ("add host interface alias", "list host interface alias")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        doomed = m.Alias.objects.filter(interface__host=host)
        if params.value("alias") is not None:
            doomed = doomed.filter(name=params["alias"])
        if params.value("interface") is not None:
            doomed = doomed.filter(interface__device=params["interface"])
        doomed.delete()
