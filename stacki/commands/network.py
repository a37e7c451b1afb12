"""Networks: add, list, remove and the `set network <field>` family."""

from __future__ import annotations

from typing import Any, ClassVar

from stacki import errors
from stacki.commands.setfield import SetField
from stacki.framework import types
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.objects import select_objects
from stacki.inventory.values import ipv4_address, ipv4_network

NETWORK_ARGS = (Arg("network", repeat=True, help="One or more network names (LIKE patterns)."),)
ONE_NETWORK = (Arg("network", help="A single network name."),)


def check_name(name: str) -> None:
    if " " in name:
        raise errors.CommandError("network name must not contain a space")


def check_free(name: str) -> None:
    if m.Network.objects.filter(name__iexact=name).exists():
        raise errors.CommandError(f'network "{name}" exists')


def networks(args: list[str], single: bool = False) -> list[m.Network]:
    """The networks named by required arguments (LIKE patterns)."""
    if not args:
        raise errors.ArgRequired("network")
    chosen = select_objects(m.Network, args, "network")
    if single and len(chosen) > 1:
        raise errors.ArgUnique("network")
    return chosen


class AddNetwork(Command):
    """Add a network (a subnet) to the cluster."""

    path = "add network"
    args = (Arg("name", help="Name of the new network; it may not contain a space."),)
    params = (
        Param("address", optional=False, help="Network address, e.g. 10.1.0.0."),
        Param("mask", optional=False, help="Subnet mask, e.g. 255.255.0.0 (or a prefix length)."),
        Param("gateway", help="Default gateway of the network (default: none)."),
        Param("mtu", help="MTU of the network (default: none)."),
        Param("zone", help="DNS zone of the network (default: the network name)."),
        Param("dns", "boolean", help="Serve the network in DNS (default: no)."),
        Param("pxe", "boolean", help="Serve DHCP/PXE on the network (default: no)."),
    )
    examples = (
        Example("add network optiplex address=192.168.0.0 mask=255.255.255.0",
                "Adds the network optiplex, 192.168.0.0/24."),
    )
    related = ("list network", "remove network", "set network address")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "network")
        check_name(name)
        address, mask = params.require("address"), params.require("mask")
        mtu = params.integer("mtu")
        check_free(name)
        net = ipv4_network(address, mask)
        gateway = params.value("gateway")
        m.Network.objects.create(
            name=name, address=str(net.network_address), mask=str(net.netmask),
            gateway=ipv4_address(gateway, "gateway") if gateway else "", mtu=mtu,
            zone=params.value("zone", name), dns=params.flag("dns"), pxe=params.flag("pxe"),
        )


class ListNetwork(Command):
    """List the networks of the cluster.

    `dns=` and `pxe=` keep only the networks with that setting.
    """

    path = "list network"
    args = (Arg("network", optional=True, repeat=True,
                help="Network names or LIKE patterns; none lists every network."),)
    params = (Param("dns", "boolean", hidden=True, help="Only networks with this dns setting."),
              Param("pxe", "boolean", hidden=True, help="Only networks with this pxe setting."))
    examples = (
        Example("list network", "Lists every network."),
        Example("list network priv% output-format=json", "Lists the matching networks as JSON."),
    )
    related = ("add network", "remove network")

    def run(self, args: list[str], params: Params) -> Table:
        chosen = select_objects(m.Network, args, "network")
        for flag in ("dns", "pxe"):
            wanted = params.typed(flag)
            if wanted is not None:
                chosen = [n for n in chosen if getattr(n, flag) == wanted]
        header = ["network", "address", "mask", "gateway", "mtu", "zone", "dns", "pxe"]
        rows = [(n.name, n.address, n.mask, n.gateway, n.mtu, n.zone, n.dns, n.pxe)
                for n in chosen]
        return Table(header, rows)


class RemoveNetwork(Command):
    """Remove networks. Routes and firewall rules on them go with them.

    A network that an interface is on cannot be removed.
    """

    path = "remove network"
    args = NETWORK_ARGS
    examples = (Example("remove network optiplex", "Removes the network optiplex."),)
    related = ("add network", "list network")

    def run(self, args: list[str], params: Params) -> None:
        chosen = networks(args)
        used = set(m.Interface.objects.filter(network__in=chosen)
                   .values_list("network_id", flat=True).distinct())
        for net in chosen:
            if net.id in used:
                raise errors.CommandError(f'network "{net.name}" in use')
        m.Network.objects.filter(id__in=[n.id for n in chosen]).delete()


# --- set network <field> ----------------------------------------------------

class SetNetworkField(SetField):
    """Base of `set network <field>`: the network(s), then the value, then the write.

    Subclasses name the field and its parameter; the arguments and the
    parameter declaration are derived from that.
    """

    # Whether the command takes exactly one network.
    single: ClassVar[bool] = True

    @classmethod
    def target_args(cls) -> tuple[Arg, ...]:
        return ONE_NETWORK if cls.single else NETWORK_ARGS

    def run(self, args: list[str], params: Params) -> None:
        chosen = networks(args, single=self.single)
        value = self.convert(self.field_value(params), params)
        values = {net.id: self.value_for(net, value) for net in chosen}
        for new in set(values.values()):
            ids = [i for i, v in values.items() if v == new]
            m.Network.objects.filter(id__in=ids).update(**{self.field: new})

    def convert(self, value: Any, params: Params) -> Any:
        """The typed value, checked further where the family needs it."""
        return value

    def value_for(self, network: m.Network, value: Any) -> Any:
        """What to store on one network; checks every network before anything is written."""
        return value


class SetNetworkFlag(SetNetworkField):
    value_type = "boolean"
    single = False


class SetNetworkAddress(SetNetworkField):
    """Set the address of a network; it must fit the network's mask."""

    path = "set network address"
    field = "address"
    value_help = "The new network address."
    examples = (Example("set network address private address=10.0.0.0",
                        "Moves the private network to 10.0.0.0."),)

    def value_for(self, network: m.Network, value: str) -> str:
        return str(ipv4_network(value, network.mask).network_address)


class SetNetworkMask(SetNetworkField):
    """Set the subnet mask of networks; it must fit each network's address."""

    path = "set network mask"
    field = "mask"
    single = False
    value_help = "The new subnet mask (or prefix length)."
    examples = (Example("set network mask private mask=255.255.0.0",
                        "Widens the private network to a /16."),)

    def value_for(self, network: m.Network, value: str) -> str:
        return str(ipv4_network(network.address, value).netmask)


class SetNetworkGateway(SetNetworkField):
    """Set the default gateway of a network."""

    path = "set network gateway"
    field = "gateway"
    value_type = types.IP
    value_help = "The new gateway address."
    examples = (Example("set network gateway private gateway=192.168.0.254",
                        "Routes the private network through 192.168.0.254."),)


class SetNetworkDns(SetNetworkFlag):
    """Set whether networks are served in DNS."""

    path = "set network dns"
    field = "dns"
    value_help = "True to serve the networks in DNS."
    examples = (Example("set network dns private dns=true", "Serves private in DNS."),)


class SetNetworkPxe(SetNetworkFlag):
    """Set whether DHCP/PXE is served on networks."""

    path = "set network pxe"
    field = "pxe"
    value_help = "True to serve DHCP/PXE on the networks."
    examples = (Example("set network pxe private pxe=false", "Stops PXE on private."),)


class SetNetworkMtu(SetNetworkField):
    """Set the MTU of networks; `mtu=` clears it."""

    path = "set network mtu"
    field = "mtu"
    value_type = "integer"
    value_help = "The new MTU; empty clears it."
    single = False
    empty_clears = True
    examples = (Example("set network mtu private mtu=9000", "Uses jumbo frames on private."),)


class SetNetworkName(SetNetworkField):
    """Rename a network."""

    path = "set network name"
    field = "name"
    value_help = "The new name; it may not contain a space."
    examples = (Example("set network name private name=internal", "Renames private."),)

    def convert(self, raw: str, params: Params) -> str:
        check_name(raw)
        return raw

    def value_for(self, network: m.Network, value: str) -> str:
        if value.lower() != network.name.lower():
            check_free(value)
        return value


class SetNetworkZone(SetNetworkField):
    """Set the DNS zone of a network; `zone=` clears it."""

    path = "set network zone"
    field = "zone"
    value_help = "The new DNS zone."
    empty_clears = True
    examples = (Example("set network zone private zone=cluster.local",
                        "Names private's DNS zone cluster.local."),)
