"""Switches and the hosts on their ports: list switch, add|list|remove
switch host, set switch host interface|port, list host switch.

A switch is a host whose appliance is `switch`; switch arguments are SQL
LIKE patterns over their names, as in Stacki.
"""

from __future__ import annotations

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory import switches as sw
from stacki.inventory.attrs import resolve
from stacki.inventory.hostsel import all_hosts
from stacki.inventory.patterns import like

SWITCHES = Arg("switch", optional=True, repeat=True,
               help="Switch names (SQL LIKE patterns); none means every switch.")
ONE_SWITCH = Arg("switch", help="One switch name.")
HOST = Param("host", optional=False, help="One host name.")
PORT = Param("port", optional=False, help="The port number on the switch.")


def select_switches(args: list[str]) -> list[m.Host]:
    """The switches named by `args` (all when none), in cluster order."""
    switches = all_hosts(appliance__name=sw.SWITCH_APPLIANCE)
    if not args:
        return switches
    chosen: set[int] = set()
    for arg in args:
        matches = like(arg)
        found = {s.id for s in switches if matches(s.name)}
        if not found:
            raise errors.ArgNotFound(arg, "switch")
        chosen |= found
    return [s for s in switches if s.id in chosen]


def one_switch(args: list[str]) -> m.Host:
    if not args:
        raise errors.ArgRequired("switch")
    switches = select_switches(args)
    if len(switches) > 1:
        raise errors.ArgUnique("switch")
    return switches[0]


def param_host(cmd: Command, params: Params) -> m.Host:
    """The one host `host=` names (Stacki's parameter errors)."""
    name = params.value("host")
    hosts = cmd.hosts([name]) if name is not None else []
    if not hosts:
        raise errors.ParamRequired("host")
    if len(hosts) > 1:
        raise errors.ParamUnique("host")
    return hosts[0]


def param_port(params: Params) -> int:
    value = params.require("port")
    try:
        port = int(value)
    except ValueError:
        raise errors.ParamType("port", "integer") from None
    if not 0 <= port <= sw.HIGHEST_PORT:
        raise errors.ParamValue("port", f"an integer from 0 to {sw.HIGHEST_PORT}")
    return port


def undefined_interface(device: str, host: m.Host) -> errors.CommandError:
    return errors.CommandError(f"Interface '{device}' isn't defined for host '{host.name}'")


class ListSwitch(Command):
    """List the switches (hosts whose appliance is switch): their rack, rank,
    appliance, and make and model (attributes component.make and
    component.model)."""

    path = "list switch"
    args = (SWITCHES,)
    params = (Param("expanded", "boolean",
                    help="Add whether each m7800 runs the InfiniBand subnet manager (asks "
                         "the switch over SSH). Default: no."),)
    examples = (Example("list switch", "Lists every switch."),
                Example("list switch switch-0-0", "Lists switch-0-0."),
                Example("list switch expanded=true",
                        "Lists every switch, and which InfiniBand switches are subnet managers."))
    related = ("list switch host", "add switch host")

    def run(self, args: list[str], params: Params) -> Table:
        switches = select_switches(args)
        if params.flag("expanded"):
            from stacki.commands.switch_live import subnet_managers

            managers = subnet_managers(self, switches)
            table = self.listed(switches)
            table.header = [*(table.header or ()), "ib subnet manager"]
            table.rows = [(*row, managers[s.id]) for s, row in zip(switches, table.rows)]
            return table
        return self.listed(switches)

    def listed(self, switches: list[m.Host]) -> Table:
        attrs = resolve(switches, shadow=False, const=False, pattern="component.*")
        rows = []
        for s in switches:
            mine = attrs[s.id]
            make, model = (mine.get(f"component.{k}") for k in ("make", "model"))
            rows.append((s.name, s.rack, s.rank, s.appliance.name,
                         make.value if make else None, model.value if model else None))
        return Table(["switch", "rack", "rank", "appliance", "make", "model"], rows)


class ListSwitchHost(Command):
    """List the hosts on the ports of switches: port, host, MAC, interface and
    VLAN, by switch and port."""

    path = "list switch host"
    args = (SWITCHES,)
    examples = (Example("list switch host switch-0-0", "Lists the hosts on switch-0-0."),
                Example("list switch host", "Lists the hosts on every switch."))
    related = ("add switch host", "list host switch")

    def run(self, args: list[str], params: Params) -> Table:
        switches = select_switches(args)
        rows = sw.port_rows([s.id for s in switches] if args else None)
        by_switch: dict[int, list[tuple]] = {}
        for r in rows:
            by_switch.setdefault(r[0], []).append(r)
        out = [(s.name, r[1], r[3], r[4], r[5], r[6])
               for s in switches for r in by_switch.get(s.id, ())]
        return Table(["switch", "port", "host", "mac", "interface", "vlan"], out)


class ListHostSwitch(Command):
    """List which switch port each interface of hosts is connected to."""

    path = "list host switch"
    args = (Arg("host", optional=True, repeat=True,
                help="Host names or selections; none lists every host."),)
    examples = (Example("list host switch backend-0-0",
                        "Lists the switches and ports backend-0-0 is connected to."),)
    related = ("list switch host", "add switch host")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        switches = {s.id: (n, s.name) for n, s in enumerate(select_switches([]))}
        # A host whose appliance is no longer switch keeps its rows but is no
        # switch to list, as in Stacki.
        rows = [r for r in sw.port_rows(host_ids=[h.id for h in hosts] if args else None)
                if r[0] in switches]
        rows.sort(key=lambda r: (switches[r[0]][0], r[1], r[8]))
        by_host: dict[int, list[tuple]] = {}
        for r in rows:
            by_host.setdefault(r[2], []).append(r)
        out = [(h.name, r[4], r[5], r[6], switches[r[0]][1], r[1])
               for h in hosts for r in by_host.get(h.id, ())]
        return Table(["host", "mac", "interface", "vlan", "switch", "port"], out)


class AddSwitchHost(Command):
    """Record that a host's interface is connected to a port of a switch.

    Without `interface=`, the host's first interface on the network of the
    switch's own interface is taken. Adding a connection that is already
    recorded changes nothing.
    """

    path = "add switch host"
    args = (ONE_SWITCH,)
    params = (HOST, PORT,
              Param("interface", help="The host's interface (default: its first one on the "
                                      "switch's network)."))
    examples = (Example("add switch host switch-0-0 host=backend-0-0 port=20",
                        "Connects backend-0-0 to port 20 of switch-0-0."),)
    related = ("list switch host", "remove switch host")

    def run(self, args: list[str], params: Params) -> None:
        switch = one_switch(args)
        host = param_host(self, params)
        port = param_port(params)
        device = params.value("interface")
        network = sw.first_network(switch.id)
        if network is None:
            raise errors.CommandError(f"switch '{switch.name}' doesn't have an interface")
        if device is not None:
            iface = sw.interface_named(host.id, device)
            if iface is None:
                raise undefined_interface(device, host)
        else:
            iface = sw.interface_on_network(host.id, network)
            if iface is None:
                raise errors.CommandError(
                    f"host '{host.name}' has no interface on a network with '{switch.name}'")
        sw.add_port(switch.id, iface.id, port)


def port_of_interface(cmd: Command, args: list[str], params: Params
                      ) -> tuple[m.Host, m.Host, int, str]:
    """The switch, host, port and interface name a port command names."""
    return one_switch(args), param_host(cmd, params), param_port(params), \
        params.require("interface")


class RemoveSwitchHost(Command):
    """Forget that a host's interface is connected to a port of a switch."""

    path = "remove switch host"
    args = (ONE_SWITCH,)
    params = (HOST, PORT, Param("interface", optional=False,
                                help="The host's interface connected to the port."))
    examples = (Example("remove switch host switch-0-0 host=backend-0-0 port=20 interface=eth0",
                        "backend-0-0's eth0 is no longer recorded on port 20."),)
    related = ("add switch host", "list switch host")

    def run(self, args: list[str], params: Params) -> None:
        switch, host, port, device = port_of_interface(self, args, params)
        iface = sw.interface_named(host.id, device)
        if iface is None:
            raise undefined_interface(device, host)
        m.SwitchPort.objects.filter(switch=switch, interface=iface, port=port).delete()


SET_PARAMS = (HOST, PORT, Param("interface", optional=False, help="Name of the interface."))


class SetSwitchHostInterface(Command):
    """Change which interface of a host is recorded on a port of a switch."""

    path = "set switch host interface"
    args = (ONE_SWITCH,)
    params = SET_PARAMS
    examples = (Example("set switch host interface switch-0-0 host=backend-0-0 interface=eth1 "
                        "port=12", "Records eth1 of backend-0-0 on port 12 of switch-0-0."),)
    related = ("set switch host port", "list switch host")

    def run(self, args: list[str], params: Params) -> None:
        switch, host, port, device = port_of_interface(self, args, params)
        if not m.SwitchPort.objects.filter(switch=switch, port=port,
                                           interface__host=host).exists():
            raise errors.ArgError("host/port", f'"{host.name}/{port}" not found')
        iface = sw.interface_named(host.id, device)
        if iface is None:
            raise errors.CommandError(
                f'interface "{device}" does not exist for host "{host.name}"')
        sw.move_interface(switch.id, port, host.id, iface.id)


class SetSwitchHostPort(Command):
    """Change the switch port a host's interface is recorded on."""

    path = "set switch host port"
    args = (ONE_SWITCH,)
    params = SET_PARAMS
    examples = (Example("set switch host port switch-0-0 host=backend-0-0 interface=eth0 port=2",
                        "Records eth0 of backend-0-0 on port 2 of switch-0-0."),)
    related = ("set switch host interface", "list switch host")

    def run(self, args: list[str], params: Params) -> None:
        switch, host, port, device = port_of_interface(self, args, params)
        iface = sw.interface_named(host.id, device)
        if iface is None or not m.SwitchPort.objects.filter(switch=switch,
                                                            interface=iface).exists():
            raise errors.ArgError("host/interface", f'"{host.name}/{device}" not found')
        sw.move_port(switch.id, iface.id, port)
