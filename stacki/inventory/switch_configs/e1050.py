"""The Mellanox/Celestica e1050 running Cumulus Linux: NCLU commands (`net`
without its prefix) that first reset the switch to a bridge in VLAN 1 and
then put each host interface on a port into its VLAN.

Stacki read the switch's live MAC table (`list switch mac pinghosts=mapped`)
to find which interface is on which port; here the recorded ports are that
table (`add switch host`). The switch is the router of its own network (the
network's gateway) and of every other network a host on it is in; each such
VLAN gets a route and an ACL that lets its hosts reach each other and the
frontend, nothing else. The frontend must be on a port of the switch.
"""

from __future__ import annotations

import ipaddress

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory.switch_configs import Config, Snapshot

PATH = "/tmp/{switch}/new_config"
# The VLAN every port also carries tagged (the BMCs').
BMC_VLAN = 4000
NTP = [f"add time ntp server {n}.cumulusnetworks.pool.ntp.org iburst" for n in range(4)]


def gateway(network: m.Network, switch: m.Host) -> ipaddress.IPv4Interface:
    """The network's gateway with its mask: the switch's address on it."""
    try:
        return ipaddress.IPv4Interface(f"{network.gateway}/{network.mask}")
    except ValueError:
        raise errors.CommandError(f"network '{network.name}' of switch '{switch.name}' "
                                  "has no valid gateway") from None


def reset(address: ipaddress.IPv4Interface, frontend_port: int) -> list[str]:
    """Everything deleted, then a VLAN-aware bridge with the frontend's port in VLAN 1."""
    return [
        "del all",
        "add routing defaults datacenter",
        "add routing service integrated-vtysh-config",
        "add routing log syslog informational",
        "add snmp-server listening-address localhost",
        "add bridge bridge pvid 1",
        "add bridge bridge vids 1",
        "add bridge bridge vlan-aware",
        "add bridge pre-up sysctl -w net.ipv4.conf.all.proxy_arp=1",
        "add bridge pre-up sysctl -w net.ipv4.conf.default.proxy_arp=1",
        "add interface eth0",
        f"add interface swp{frontend_port} bridge pvid 1",
        "add loopback lo ip address 127.0.0.1/32",
        "add time zone Etc/UTC",
        *NTP,
        "add time ntp source eth0",
        "add dot1x radius accounting-port 1813",
        "add dot1x eap-reauth-period 0",
        "add dot1x radius authentication-port 1812",
        "add dot1x mab-activation-delay 30",
        f"add vlan 1 ip address {address.with_prefixlen}",
        "add vlan 1 vlan-id 1",
        "add vlan 1 vlan-raw-device bridge",
    ]


def vlan(vid: str, network: ipaddress.IPv4Network, frontend_ip: str) -> list[str]:
    """A routed VLAN whose hosts reach each other and the frontend only."""
    acl = f"add acl ipv4 acl{vid}"
    return [
        f"add vlan {vid} vlan-id {vid}",
        f"add vlan {vid} vlan-raw-device bridge",
        f"add routing route {network} vlan{vid}",
        f"{acl} accept source-ip {network} dest-ip {network}",
        f"{acl} accept source-ip {frontend_ip}/32 dest-ip {network}",
        f"{acl} accept source-ip {network} dest-ip {frontend_ip}/32",
        f"{acl} drop source-ip any dest-ip any",
        f"add vlan {vid} acl ipv4 acl{vid} inbound",
    ]


def frontend_interface(snap: Snapshot, switch: m.Host, network: m.Network) -> m.Interface:
    """The frontend's first interface on the switch's network."""
    frontend = snap.frontend
    nics = snap.interfaces.get(frontend.id, ()) if frontend else ()
    found = next((i for i in nics if i.network_id == network.id), None)
    if found is None or not found.ip:
        raise errors.CommandError(f"{switch.name} and the frontend do not share a network")
    return found


def config(snap: Snapshot, switch: m.Host, nuke: bool) -> Config:
    """nukeswitch changes nothing: the file always starts from `del all`."""
    own = snap.first_interface(switch)
    if own is None or own.network is None:
        raise errors.CommandError(f"switch '{switch.name}' doesn't have an interface")
    frontend = frontend_interface(snap, switch, own.network)
    # The port of each MAC on the switch (the last row wins, as in a MAC table).
    # Switches are left out, as Stacki's MAC table leaves them out.
    switches = {h.id for h in snap.hosts if h.appliance.name == "switch"}
    ports = {r[4]: r[1] for r in snap.ports.get(switch.id, ())
             if r[4] and r[2] not in switches}
    if frontend.mac not in ports:
        raise errors.CommandError(
            f"the frontend's interface {frontend.device} is on no port of {switch.name}")
    body = reset(gateway(own.network, switch), ports[frontend.mac])
    routed = {own.network.id}
    on_switch = {r[2] for r in snap.ports.get(switch.id, ())}
    for host in snap.hosts:
        if host.id not in on_switch:
            continue
        for iface in snap.interfaces.get(host.id, ()):
            if iface.mac not in ports:
                continue
            vid = str(iface.vlan or 1)
            if iface.network is not None and iface.network_id not in routed:
                routed.add(iface.network_id)
                body += vlan(vid, gateway(iface.network, switch).network, frontend.ip)
            number = ports[iface.mac]
            body.append(f"add bridge bridge ports swp{number}")
            if iface.id != frontend.id:
                body += [f"add interface swp{number} bridge vids {vid},{BMC_VLAN}",
                         f"add interface swp{number} bridge pvid {vid}"]
    return PATH.format(switch=switch.name), body
