"""`set host interface <field>`: one base class holds the common rules.

Check order: host(s), the value parameter, a selector present, the selectors
exist on every host; then every matching interface of each host is updated.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from stacki import errors
from stacki.commands.interface import HOST_ARG, HOSTS_ARG, one_host, some_hosts, warn_shared
from stacki.commands.setfield import SetField
from stacki.framework import types
from stacki.framework.command import Arg, Example, Param, Params
from stacki.inventory import models as m
from stacki.inventory.interfaces import (
    Siblings,
    check_name,
    find_network,
    free_ips,
    interfaces_of,
    same_device,
    same_mac,
    same_network,
)
from stacki.inventory.values import ipv4_address, is_null, nullable, parse_mac

MATCHERS = {"interface": same_device, "mac": same_mac, "network": same_network}
SELECTOR_HELP = {
    "interface": "Select the interface by device name.",
    "mac": "Select the interface by hardware address.",
    "network": "Select the interfaces on this network.",
}


def selected(hosts: list[m.Host], by_host: dict[int, list[m.Interface]], params: Params,
             selectors: tuple[str, ...]) -> list[m.Interface]:
    """The interfaces the selector parameters name on every host (all must exist)."""
    given = [(s, params.value(s)) for s in selectors if params.value(s) is not None]
    if not given:
        raise errors.ParamRequired(list(selectors))
    chosen: list[m.Interface] = []
    for host in hosts:
        ifaces = by_host[host.id]
        for key, value in given:
            if not any(MATCHERS[key](i, value) for i in ifaces):
                raise errors.CommandError(f'{key} "{value}" does not exist for host "{host.name}"')
        found = [i for i in ifaces if all(MATCHERS[k](i, v) for k, v in given)]
        if not found:
            combination = ", ".join(v.lower() for _, v in given)
            raise errors.CommandError(
                f'combination of "{combination}" does not exist for host "{host.name}"')
        chosen += found
    return chosen


class SetHostInterfaceField(SetField):
    """Base of the family. Subclasses name the field, its parameter and how the
    value is read; the arguments and parameter declarations are derived from that."""

    selectors: ClassVar[tuple[str, ...]] = ("interface", "mac", "network")
    single: ClassVar[bool] = False
    # Whether the value's type is checked once the interfaces are known.
    checked_late: ClassVar[bool] = False

    @classmethod
    def target_args(cls) -> tuple[Arg, ...]:
        return HOST_ARG if cls.single else HOSTS_ARG

    @classmethod
    def more_params(cls) -> tuple[Param, ...]:
        return tuple(Param(n, help=SELECTOR_HELP[n]) for n in cls.selectors)

    def run(self, args: list[str], params: Params) -> None:
        hosts = [one_host(self, args)] if self.single else some_hosts(self, args)
        value = self.early(self.raw(params))
        by_host = interfaces_of(hosts)
        chosen = selected(hosts, by_host, params, self.selectors)
        siblings = Siblings(hosts, by_host)
        changed = self.apply(chosen, self.late(value), siblings)
        siblings.check(changed, [self.field])
        siblings.save(changed, [self.field])
        if self.field in ("ip", "network"):
            warn_shared(self, siblings, changed)

    def raw(self, params: Params) -> Any:
        # Typed values are read early; vlan's text is checked late (Stacki's order).
        return params[self.param] if self.checked_late else self.field_value(params)

    def early(self, raw: Any) -> Any:
        """The value, checked before the selectors are."""
        return raw

    def late(self, value: Any) -> Any:
        """The value, checked once the interfaces are known."""
        return value

    def apply(self, chosen: list[m.Interface], value: Any, siblings: Siblings) -> list[m.Interface]:
        for iface in chosen:
            setattr(iface, self.field, value)
        return chosen


class NullableField(SetHostInterfaceField):
    """A free-text field that `NULL` clears."""

    def early(self, raw: str) -> str | None:
        return nullable(raw)


class SetHostInterfaceIp(SetHostInterfaceField):
    """Set the IP address of a host's interface.

    `ip=` or `ip=NULL` clears it; `ip=AUTO` takes the first free address of
    the interface's network.
    """

    path = "set host interface ip"
    field = "ip"
    single = True
    empty_clears = True
    value_help = "An IPv4 address, AUTO or NULL."
    examples = (Example("set host interface ip backend-0-0 interface=eth1 ip=192.168.0.10",
                        "Gives eth1 of backend-0-0 the address 192.168.0.10."),)

    def early(self, raw: str) -> str | None:
        if raw == "" or is_null(raw):
            return None
        return "AUTO" if raw.upper() == "AUTO" else ipv4_address(raw, "ip")

    def apply(self, chosen: list[m.Interface], value: Any, siblings: Siblings) -> list[m.Interface]:
        if value != "AUTO":
            return super().apply(chosen, value, siblings)
        per_network: dict[m.Network, list[m.Interface]] = defaultdict(list)
        for iface in chosen:
            if iface.network is None:
                raise errors.CommandError("unknown network for interface")
            per_network[iface.network].append(iface)
        for network, ifaces in per_network.items():
            for iface, ip in zip(ifaces, free_ips(network, len(ifaces))):
                iface.ip = ip
        return chosen


class SetHostInterfaceMac(SetHostInterfaceField):
    """Set the hardware address of a host's interface; `mac=` or `mac=NULL` clears it."""

    path = "set host interface mac"
    field = "mac"
    single = True
    empty_clears = True
    selectors = ("interface", "network")
    value_help = "The hardware address, or NULL."
    examples = (Example("set host interface mac backend-0-0 interface=eth1 mac=00:0e:0c:a7:5d:ff",
                        "Sets the MAC of eth1 of backend-0-0."),)

    def early(self, raw: str) -> str | None:
        return None if raw == "" or is_null(raw) else parse_mac(raw)


class SetHostInterfaceName(SetHostInterfaceField):
    """Set the host name on a host's interface; `NULL` uses the host's own name."""

    path = "set host interface name"
    field = "name"
    single = True
    value_help = "A base host name (not an FQDN), or NULL."
    examples = (Example("set host interface name backend-0-0 interface=eth1 name=fast-0-0",
                        "Names eth1 of backend-0-0 fast-0-0."),)

    def early(self, raw: str) -> str:
        check_name(raw)
        return raw

    def apply(self, chosen: list[m.Interface], value: Any, siblings: Siblings) -> list[m.Interface]:
        for iface in chosen:
            iface.name = siblings.names[iface.host_id] if is_null(value) else value
        return chosen


class SetHostInterfaceInterface(SetHostInterfaceField):
    """Rename the device of hosts' interfaces."""

    path = "set host interface interface"
    field = "device"
    param = "interface"
    selectors = ("mac", "network")
    value_help = "The new device name."
    examples = (Example("set host interface interface backend-0-0 mac=00:0e:0c:a7:5d:ff "
                        "interface=eth1", "Names the device with that MAC eth1."),)


class SetHostInterfaceNetwork(SetHostInterfaceField):
    """Move hosts' interfaces to a network; `NULL` takes them off any network."""

    path = "set host interface network"
    field = "network"
    selectors = ("interface", "mac")
    value_help = "The network name, or NULL."
    examples = (Example("set host interface network backend-0-0 interface=eth1 network=public",
                        "Puts eth1 of backend-0-0 on the public network."),)

    def late(self, value: str) -> m.Network | None:
        return None if is_null(value) else find_network(value)


class SetHostInterfaceDefault(SetHostInterfaceField):
    """Make interfaces their host's default one (`default=false` just unsets them)."""

    path = "set host interface default"
    field = "default"
    value_type = "boolean"
    value_help = "true (the default) or false."
    value_optional = True
    examples = (Example("set host interface default backend-0-0 interface=eth1",
                        "Makes eth1 the default interface of backend-0-0."),)

    def raw(self, params: Params) -> bool:
        return params.flag("default", True)

    def apply(self, chosen: list[m.Interface], value: Any, siblings: Siblings) -> list[m.Interface]:
        changed = {i.id: i for i in chosen}
        if value:
            for host_id in {i.host_id for i in chosen}:
                for other in siblings.by_host[host_id]:
                    if other.default and other.id not in changed:
                        other.default = False
                        changed[other.id] = other
        super().apply(chosen, value, siblings)
        return list(changed.values())


class SetHostInterfaceModule(NullableField):
    """Set the device driver of hosts' interfaces; `NULL` clears it."""

    path = "set host interface module"
    field = "module"
    value_help = "The driver name, or NULL."
    examples = (Example("set host interface module backend-0-0 interface=eth1 module=e1000",
                        "Uses the e1000 driver for eth1 of backend-0-0."),)


class SetHostInterfaceOptions(NullableField):
    """Set the options of hosts' interfaces; `NULL` clears them.

    Meaningful options: dhcp, noreport, shortname, bonding-opts="...", bridge.
    """

    path = "set host interface options"
    field = "options"
    value_help = "The options, or NULL."
    examples = (Example("set host interface options backend-0-0 interface=eth1 options=dhcp",
                        "Configures eth1 of backend-0-0 by DHCP."),)


class SetHostInterfaceChannel(NullableField):
    """Set the channel of hosts' interfaces (e.g. the bond they belong to); `NULL` clears it."""

    path = "set host interface channel"
    field = "channel"
    value_help = "The channel, or NULL."
    examples = (Example("set host interface channel backend-0-0 interface=eth1 channel=bond0",
                        "Enslaves eth1 of backend-0-0 to bond0."),)


class SetHostInterfaceVlan(SetHostInterfaceField):
    """Set the VLAN ID of hosts' interfaces; 0 clears it."""

    path = "set host interface vlan"
    field = "vlan"
    value_type = types.VLAN
    checked_late = True
    value_help = "The VLAN ID, 0 for none."
    examples = (Example("set host interface vlan backend-0-0 interface=eth1 vlan=3",
                        "Tags eth1 of backend-0-0 with VLAN 3."),)

    def late(self, value: str) -> int | None:
        return types.VLAN.convert(value, self.param)
