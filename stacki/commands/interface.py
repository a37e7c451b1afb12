"""Host interfaces: add, list, remove and swap, and the argument
declarations the `set host interface <field>` family (interface_set.py) and
the alias commands (interface_alias.py) share. The values, clash checks and
writes are in stacki.inventory.interfaces and stacki.inventory.values.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from stacki import errors
from stacki.commands.report_common import warn
from stacki.framework.command import (
    ANY_HOSTS,
    HOSTS,
    ONE_HOST,
    Arg,
    Command,
    Example,
    Param,
    Params,
)
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.batches import batches
from stacki.inventory.interfaces import (
    CHUNK,
    Siblings,
    check_name,
    device_key,
    find_network,
    for_hosts,
    free_ips,
    interfaces_of,
    same_device,
    same_mac,
)
from stacki.inventory.values import (
    ipv4_address,
    is_null,
    nullable,
    parse_mac,
    parse_vlan,
    str2bool,
)

COLUMNS = ["host", "interface", "default", "network", "mac", "ip", "name", "module", "vlan",
           "options", "channel"]
EXPANDED = ["host", "interface", "default", "network", "mac", "ip", "mask", "gateway", "name",
            "zone", "dns", "pxe", "module", "vlan", "options", "channel"]
LISTED = ("id", "host_id", "device", "default", "network_id", "mac", "ip", "name", "module",
          "vlan", "options", "channel")
# What `swap host interface` exchanges: what belongs to the NIC, not to its place.
SWAPPED = ("device", "mac", "module", "options")

HOST_ARG = (ONE_HOST,)
HOSTS_ARG = (HOSTS,)
ANY_HOSTS_ARG = (ANY_HOSTS,)


# --- hosts ----------------------------------------------------------------------

def one_host(cmd: Command, args: list[str]) -> m.Host:
    if not args:
        raise errors.ArgRequired("host")
    return cmd.hosts(args, required=True, unique=True)[0]


def some_hosts(cmd: Command, args: list[str]) -> list[m.Host]:
    if not args:
        raise errors.ArgRequired("host")
    return cmd.hosts(args, required=True)


def warn_shared(cmd: Command, siblings: Siblings, changed: list[m.Interface]) -> None:
    """One warning line per other holder of an address `changed` now has."""
    for text in siblings.shared_ips(changed):
        warn(cmd.ctx, text)


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
        Param("options", hidden=True, help="Options of the device driver."),
        Param("unsafe", "boolean", hidden=True,
              help="Skip the checks for a clashing device, MAC or IP (the database still refuses)."),
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
        given = {k: v for k, v in params.items() if v != "" and k in self.declared()}
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
        warn_shared(self, siblings, [iface])

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
    args = ANY_HOSTS_ARG
    params = (Param("expanded", "boolean", hidden=True,
                    help="Add each interface's network settings."),)
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
        for ids in batches(doomed, CHUNK):
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
