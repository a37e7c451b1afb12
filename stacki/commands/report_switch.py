"""report switch: the configuration Stacki generates for each switch from the
inventory, by the switch's model (its `component.model` attribute); the
models and what their files hold are in stacki/inventory/switch_configs/."""

from __future__ import annotations

from stacki.commands.report_common import stack_file, warn
from stacki.commands.switch import SWITCHES, select_switches
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import switch_configs


class ReportSwitch(Command):
    """Print the configuration of switches, built from the inventory, for the
    models Stacki supports (attribute component.model):

    x1052 (Dell): the switch's address, the cluster's VLANs and, for each port
    a host is on, the VLANs of the host interfaces on it (host attribute
    switch_port_mode=trunk makes the port a trunk).

    e1050 (Mellanox/Cumulus): a VLAN-aware bridge, each host port in the VLAN
    of its interface, and a route and ACL for each other network of the hosts
    on it. The frontend must be on a port of the switch.

    m7800 (Mellanox InfiniBand): the InfiniBand partitions that have
    members: pkeys, options and members.

    Switches of other models are left out with a warning.
    """

    path = "report switch"
    args = (SWITCHES,)
    params = (Param("nukeswitch", "boolean",
                    help="Put the switch in its default state instead: for the x1052 no "
                         "VLANs and every port in VLAN 1, for the m7800 no partitions. "
                         "Default: no."),)
    examples = (Example("report switch ethernet-1-1",
                        "Prints the configuration file for ethernet-1-1."),)
    related = ("list switch host", "list switch partition member", "sync switch")

    def run(self, args: list[str], params: Params) -> Table:
        nuke = params.flag("nukeswitch")
        switches = select_switches(args)
        snap = switch_configs.snapshot(switches)
        lines: list[str] = []
        for s in switches:
            generate = switch_configs.generator(snap.attr(s, "component.model"))
            if generate is None:
                warn(self.ctx, f"switch {s.name} has no supported model (component.model): "
                               "no configuration is reported for it")
                continue
            path, body = generate(snap, s, nuke)
            lines += stack_file(path, body)
        return report(lines)
