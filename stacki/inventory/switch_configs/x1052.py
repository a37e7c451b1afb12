"""The Dell x1052: a list of instructions the switch runs rather than a
configuration. Its commands add to what a port has, so each port is first put
back in its default state and then given its VLANs."""

from __future__ import annotations

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory.switch_configs import Config, Snapshot

PATH = "/tftpboot/pxelinux/{switch}/new_config"


def reset() -> list[str]:
    """Every VLAN gone, every port in VLAN 1 (nukeswitch=true)."""
    ports = [" switchport mode general", " switchport general allowed vlan add 1 untagged"]
    return ["no vlan 2-4094", "!", "interface range gi1/0/1-48", *ports, "!",
            "interface range te1/0/1-4", *ports]


def port(number: int, nics: list[tuple[str | None, int | None]], trunk: bool) -> list[str]:
    """A port's instructions from the (device, vlan) of the host interfaces on it."""
    lines = ["!", f"interface gi1/0/{number}"]
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


def cluster_vlans(snap: Snapshot) -> list[str]:
    """The VLAN ids of every non-frontend host's interfaces, in cluster order."""
    vlans = (str(i.vlan) for h in snap.hosts if h.appliance.name != "frontend"
             for i in snap.interfaces.get(h.id, ()) if i.vlan)
    return list(dict.fromkeys(vlans))


def config(snap: Snapshot, switch: m.Host, nuke: bool) -> Config:
    iface = snap.first_interface(switch)
    if iface is None or iface.network is None:
        raise errors.CommandError(f"switch '{switch.name}' doesn't have an interface")
    body = ["!", "interface vlan 1", f" ip address {iface.ip} {iface.network.mask}", "!",
            "no spanning-tree"]
    extra = snap.attr(switch, "switch_global_config")
    if extra:
        body += extra.split("\n")
    if nuke:
        body += reset()
    else:
        vlans = cluster_vlans(snap)
        if vlans:
            body.append(f"vlan {','.join(vlans)}")
        # (host, port) pairs in port order, each with its interfaces' (device, vlan).
        ports: dict[tuple[int, int], list[tuple]] = {}
        for r in snap.ports.get(switch.id, ()):
            ports.setdefault((r[2], r[1]), []).append((r[5], r[6]))
        for (host_id, number), nics in ports.items():
            body += port(number, nics, snap.port_modes.get(host_id) == "trunk")
    body.append("!")
    return PATH.format(switch=switch.name), body
