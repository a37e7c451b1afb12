"""Commands that read a live switch over SSH: list switch status|mac|config,
and list switch support (the models they know).

The switch is reached at its first interface with an IP, port 22 or its
`switch_ssh_port` attribute, as its `switch_username` (default admin) with
its `switch_password`; its `component.model` says how to talk to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from stacki import errors
from stacki.commands.report_common import warn
from stacki.commands.switch import SWITCHES, select_switches
from stacki.framework.command import ANY_HOSTS, Command, Example, Param, Params
from stacki.framework.output import Table, Text
from stacki.inventory import models as m
from stacki.inventory import switch_live as live
from stacki.inventory import switches as sw
from stacki.inventory.switch_console import SwitchError
from stacki.inventory.switch_makes import MAKES


def supporting(cmd: Command, switches: list[m.Host], *features: str) -> list[live.LiveSwitch]:
    """The switches whose model can do one of `features` (methods of its make), each
    already checked for an address and a port; the others are skipped with a
    warning, as Stacki ran no implementation for them."""
    chosen = []
    for s in live.live_switches(switches, cmd.ctx.admin):
        if s.model is None:
            warn(cmd.ctx, f"switch {s.name} has no supported model (component.model): "
                          f"{cmd.path} skips it")
        elif not any(hasattr(MAKES[s.model], f) for f in features):
            warn(cmd.ctx, f"switch {s.name} is a {s.model}, which {cmd.path} does not support: "
                          "skipped")
        else:
            s.target()
            chosen.append(s)
    return chosen


@contextmanager
def session(s: live.LiveSwitch) -> Iterator[Any]:
    """A logged-in session with the switch; its failures are user errors."""
    try:
        with MAKES[str(s.model)].session(s.target()) as switch:
            yield switch
    except SwitchError as exc:
        raise errors.CommandError(str(exc)) from None


def ask(s: live.LiveSwitch, feature: str, *args: Any) -> Any:
    with session(s) as switch:
        return getattr(switch, feature)(*args)


def mac_tables(cmd: Command, switches: list[m.Host], ping: bool) -> list[tuple[live.LiveSwitch, list]]:
    """(switch, its MAC table) for each of `switches` whose model has one;
    with `ping`, the hosts on its networks are pinged first so it learns them."""
    tables = []
    for s in supporting(cmd, switches, "macs"):
        if ping:
            pinged(cmd, s)
        tables.append((s, ask(s, "macs")))
    return tables


def mapped_ports(switches: list[live.LiveSwitch]) -> dict[tuple[int, int], list[tuple]]:
    """(mac, vlan, host, interface) of the host interfaces recorded on each
    (switch, port)."""
    found: dict[tuple[int, int], list[tuple]] = {}
    for r in sw.port_rows([s.host.id for s in switches]) if switches else ():
        found.setdefault((r[0], r[1]), []).append((r[4], r[6], r[3], r[5]))
    return found


class ListSwitchStatus(Command):
    """List the ports of switches as the switches report them (speed and
    state), with the MAC, VLAN, host and interface recorded on each port."""

    path = "list switch status"
    args = (SWITCHES,)
    examples = (Example("list switch status switch-0-0", "Lists the status of switch-0-0's ports."),
                Example("list switch status", "Lists the status of every switch's ports."))
    related = ("list switch mac", "list switch host")
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table:
        chosen = supporting(self, select_switches(args), "status")
        mapped = mapped_ports(chosen)
        rows = []
        for s in chosen:
            for port in ask(s, "status"):
                for mac, vlan, host, device in mapped.get((s.host.id, port.port), [(None,) * 4]):
                    rows.append((s.name, port.port, port.speed, port.state, mac, vlan, host,
                                 device))
        return Table(["switch", "port", "speed", "state", "mac", "vlan", "host", "interface"],
                     rows)


class ListHostSwitchStatus(Command):
    """List the state of the switch ports hosts are recorded on: for each host
    interface on a port, the port's speed and state as the switch reports them."""

    path = "list host switch status"
    args = (ANY_HOSTS,)
    examples = (Example("list host switch status backend-0-0",
                        "Lists the state of the switch ports backend-0-0 is on."),
                Example("list host switch status", "The same for every host."))
    related = ("list switch status", "list host switch")
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        rows = sw.port_rows(host_ids=[h.id for h in hosts] if args else None)
        switches = [s for s in select_switches([]) if s.id in {r[0] for r in rows}]
        states = {}
        for s in supporting(self, switches, "status"):
            states.update({(s.host.id, p.port): (s.name, p) for p in ask(s, "status")})
        by_host: dict[int, list[tuple]] = {}
        for r in rows:
            if (r[0], r[1]) in states:
                by_host.setdefault(r[2], []).append(r)
        out = []
        for h in hosts:
            for r in by_host.get(h.id, ()):
                name, port = states[(r[0], r[1])]
                out.append((h.name, r[4], r[5], r[6], name, port.port, port.speed, port.state))
        return Table(["host", "mac", "interface", "vlan", "switch", "port", "speed", "state"], out)


class ListSwitchMac(Command):
    """List the MAC address table of switches: the port each MAC was learned
    on, with the host interface that has that MAC.

    A host shows up only after it has sent traffic through the switch:
    `pinghosts=true` pings the hosts on the switch's networks first.
    """

    path = "list switch mac"
    args = (SWITCHES,)
    params = (Param("pinghosts", "boolean",
                    help="Ping the hosts on the switch's networks first, so the switch "
                         "learns their MACs. Default: no."),)
    examples = (Example("list switch mac switch-0-0", "Lists the MAC table of switch-0-0."),
                Example("list switch mac pinghosts=true",
                        "Pings the hosts, then lists the MAC tables of every switch."))
    related = ("create host switch mapping", "list switch status")
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table:
        tables = mac_tables(self, select_switches(args), params.flag("pinghosts"))
        known = live.interfaces_by_mac(e.mac for _, t in tables for e in t)
        rows = []
        for s, table in tables:
            for e in table:
                _, host, _, device = known.get(e.mac, (None, None, None, None))
                rows.append((s.name, e.port, e.mac, host, device, e.vlan))
        return Table(["switch", "port", "mac", "host", "interface", "vlan"], rows)


def pinged(cmd: Command, s: live.LiveSwitch) -> None:
    if not live.ping(live.network_addresses(s.host)):
        warn(cmd.ctx, "ping is not installed: the hosts were not pinged")


class ListSwitchConfig(Command):
    """List the running configuration of switches: each port's VLAN and mode
    with the host interface recorded on it, or with `raw=true` the
    configuration as the switch prints it."""

    path = "list switch config"
    args = (SWITCHES,)
    params = (Param("raw", "boolean",
                    help="Print the configuration as the switch has it instead of the "
                         "table. Default: no."),)
    examples = (Example("list switch config switch-0-0",
                        "Lists the ports of switch-0-0's running configuration."),
                Example("list switch config switch-0-0 raw=true",
                        "Prints switch-0-0's running configuration."))
    related = ("report switch", "sync switch")
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table | Text:
        raw = params.flag("raw")
        switches = select_switches(args)
        if raw:
            chosen = supporting(self, switches, "running_config")
            return Text("".join(line + "\n" for s in chosen
                                for line in ask(s, "running_config")))
        chosen = supporting(self, switches, "port_config")
        mapped = mapped_ports(chosen)
        rows = []
        for s in chosen:
            for p in ask(s, "port_config"):
                # Stacki shows the first host interface recorded on the port.
                _, _, host, device = mapped.get((s.host.id, p.port), [(None,) * 4])[0]
                rows.append((s.name, p.port, p.vlan, p.type, host, device))
        return Table(["switch", "port", "vlan", "type", "host", "interface"], rows)


class ListSwitchSupport(Command):
    """List the switch makes and models these commands can talk to (the
    `component.make` and `component.model` attributes of a switch)."""

    path = "list switch support"
    examples = (Example("list switch support", "Lists the supported switches."),)
    related = ("list switch",)

    def run(self, args: list[str], params: Params) -> Table:
        rows = sorted((cls.make, cls.model) for cls in MAKES.values())
        return Table(["make", "model"], rows)


# --- InfiniBand partitions and subnet managers, as the switches have them ----

M7800 = "m7800"


def subnet_managers(cmd: Command, switches: list[m.Host]) -> dict[int, bool | None]:
    """Whether each m7800 runs the subnet manager (None for other switches)."""
    found: dict[int, bool | None] = {s.id: None for s in switches}
    for s in live.live_switches(switches, cmd.ctx.admin):
        if s.model == M7800:
            found[s.host.id] = ask(s, "subnet_manager")
    return found


def enforce_subnet_manager(cmd: Command, switches: list[m.Host]) -> None:
    """Stacki's enforce_sm=: every switch must be an m7800 running the subnet manager."""
    managers = subnet_managers(cmd, switches)
    bad = [s.name for s in switches if not managers[s.id]]
    if bad:
        raise errors.CommandError("The following switches are either non-infiniband or are "
                                  f"not subnet managers: {', '.join(bad)}")


def live_partitions(cmd: Command, switches: list[m.Host]) -> list[tuple[m.Host, str, Any]]:
    """(switch, partition name, Partition) as each m7800 has them."""
    rows = []
    for s in supporting(cmd, switches, "partitions"):
        rows += [(s.host, name, part) for name, part in ask(s, "partitions").items()]
    return rows


def options_text(part: Any, sep: str) -> str:
    """A live partition's options in Stacki's words (ipoib=True, defmember=full)."""
    words = [f"ipoib={bool(part.ipoib)}"]
    if part.defmember:
        words.append(f"defmember={part.defmember}")
    return sep.join(words)


def partition_rows(cmd: Command, switches: list[m.Host], name: str | None) -> list[tuple]:
    """list switch partition expanded=true: the partitions on the switches."""
    return [(s.name, pname, f"0x{part.pkey:04x}", options_text(part, ","))
            for s, pname, part in live_partitions(cmd, switches) if name in (None, pname)]


def member_rows(cmd: Command, switches: list[m.Host], name: str | None,
                expanded: bool) -> list[tuple]:
    """list switch partition member source=switch: the members on the switches,
    with the host interface whose MAC ends with each GUID."""
    found = [(s, pname, part, guid, membership)
             for s, pname, part in live_partitions(cmd, switches) if name in (None, pname)
             for guid, membership in part.members.items()]
    owners = live.interfaces_by_guid({row[3] for row in found})
    rows = []
    for s, pname, part, guid, membership in found:
        host, device = owners.get(guid, (None, None))
        extra = (f"0x{part.pkey:04x}", options_text(part, " ")) if expanded else ()
        rows.append((s.name, host, device, guid, pname, membership, *extra))
    return rows
