"""report switch: the configuration Stacki generates for a switch from the
inventory, for the makes it supports (the Dell x1052 here; the model is the
switch's `component.model` attribute).

The x1052 file is a list of instructions the switch runs rather than a
configuration: its commands add to what a port has, so each port is first
put back in its default state and then given its VLANs.
"""

from __future__ import annotations

from stacki import errors
from stacki.commands.report_common import stack_file, text_lines, warn
from stacki.commands.switch import SWITCHES, select_switches
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory import switches as sw
from stacki.inventory.attrs import resolve
from stacki.inventory.hostsel import all_hosts

SUPPORTED = ("x1052",)


def x1052_reset() -> list[str]:
    """Every VLAN gone, every port in VLAN 1 (nukeswitch=true)."""
    ports = [" switchport mode general", " switchport general allowed vlan add 1 untagged"]
    return ["no vlan 2-4094", "!", "interface range gi1/0/1-48", *ports, "!",
            "interface range te1/0/1-4", *ports]


def x1052_port(port: int, nics: list[tuple], trunk: bool) -> list[str]:
    """A port's instructions from the (device, vlan) of the host interfaces on it."""
    lines = ["!", f"interface gi1/0/{port}"]
    if trunk:
        return [*lines, " switchport mode trunk"]
    lines += [" switchport mode general", " switchport general allowed vlan remove 2-4094"]
    native = False
    for device, vlan in nics:
        if not vlan:
            continue
        if device == "ipmi":
            lines.append(f" switchport general allowed vlan add {vlan} tagged")
        else:
            lines += [f" switchport general allowed vlan add {vlan} untagged",
                      f" switchport general pvid {vlan}"]
            native = True
    if not native:
        # No untagged VLAN of its own: the port stays in the default VLAN 1.
        lines += [" switchport general allowed vlan add 1 untagged", " switchport general pvid 1"]
    return lines


def cluster_vlans() -> list[str]:
    """The VLAN ids of every non-frontend host's interfaces, in cluster order."""
    order = {h.id: n for n, h in enumerate(all_hosts())}
    rows = (m.Interface.objects.exclude(host__appliance__name="frontend")
            .filter(vlan__isnull=False).order_by("device", "id").values_list("host_id", "vlan"))
    ordered = sorted(rows, key=lambda r: order[r[0]])
    return list(dict.fromkeys(str(vlan) for _, vlan in ordered if vlan))


class ReportSwitch(Command):
    """Print the configuration of switches, built from the inventory: the
    switch's address, the cluster's VLANs and, for each port a host is on,
    the VLANs of the host interfaces on it (host attribute
    switch_port_mode=trunk makes the port a trunk). Only the x1052 model is
    supported; other switches are left out with a warning.
    """

    path = "report switch"
    args = (SWITCHES,)
    params = (Param("nukeswitch", "boolean",
                    help="Put the switch in its default state instead: no VLANs, every "
                         "port in VLAN 1. Default: no."),)
    examples = (Example("report switch ethernet-1-1",
                        "Prints the configuration file for ethernet-1-1."),)
    related = ("list switch host", "sync switch")

    def run(self, args: list[str], params: Params) -> Table:
        nuke = params.flag("nukeswitch")
        switches = select_switches(args)
        attrs = resolve(switches, shadow=False, const=False, pattern="*")
        lines: list[str] = []
        chosen = []
        for s in switches:
            model = attrs[s.id].get("component.model")
            if model is None or str(model.value).lower() not in SUPPORTED:
                warn(self.ctx, f"switch {s.name} has no supported model (component.model): "
                               "no configuration is reported for it")
                continue
            chosen.append(s)
        if not chosen:
            return report([])
        ports = sw.port_rows([s.id for s in chosen])
        vlans = None if nuke else cluster_vlans()
        hosts = {r[2] for r in ports}
        modes = resolve(all_hosts(id__in=hosts), pattern="switch_port_mode") if hosts else {}
        by_switch: dict[int, dict[tuple[int, int], list[tuple]]] = {}
        for r in ports:
            # (host, port) pairs in port order, each with its interfaces' (device, vlan).
            by_switch.setdefault(r[0], {}).setdefault((r[2], r[1]), []).append((r[5], r[6]))
        for s in chosen:
            lines += self.x1052(s, attrs[s.id], by_switch.get(s.id, {}), vlans, modes)
        return report(lines)

    def x1052(self, switch: m.Host, attrs: dict, ports: dict[tuple[int, int], list[tuple]],
              vlans: list[str] | None, modes: dict) -> list[str]:
        iface = (m.Interface.objects.filter(host=switch).select_related("network")
                 .order_by("device", "id").first())
        if iface is None or iface.network is None:
            raise errors.CommandError(f"switch '{switch.name}' doesn't have an interface")
        body = ["!", "interface vlan 1", f" ip address {iface.ip} {iface.network.mask}", "!",
                "no spanning-tree"]
        extra = attrs.get("switch_global_config")
        if extra is not None and extra.value:
            body += text_lines([str(extra.value)])
        if vlans is None:
            body += x1052_reset()
        else:
            if vlans:
                body.append(f"vlan {','.join(vlans)}")
            for (host_id, port), nics in ports.items():
                mode = modes.get(host_id, {}).get("switch_port_mode")
                body += x1052_port(port, nics, mode is not None and mode.value == "trunk")
        body.append("!")
        return stack_file(f"/tftpboot/pxelinux/{switch.name}/new_config", body)
