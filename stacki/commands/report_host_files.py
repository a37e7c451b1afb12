"""Files a host keeps about itself: `report host network`, `report host resolv`
and `report host interface`."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from stacki.commands.report_common import (
    CLOSE,
    Cluster,
    Nic,
    Tag,
    host_report,
    stack_file,
    warn,
)
from stacki.framework.command import HOSTS, Arg, Command, Example, Param, Params
from stacki.framework.context import Context
from stacki.framework.output import Table
from stacki.inventory import models as m

BOND = re.compile(r"^bond[0-9]+")
INFINIBAND = re.compile(r"^ib[0-9]+$")


def _default_nic(cluster: Cluster, host: m.Host) -> Nic | None:
    return next((n for n in cluster.nics[host.id] if n.default), None)


def fqdn(cluster: Cluster, host: m.Host) -> str:
    """The host's name on its default interface, with that network's zone."""
    nic = _default_nic(cluster, host)
    if nic is None:
        return host.name
    net = cluster.network(nic)
    name = nic.name or host.name
    return f"{name}.{net.zone}" if net is not None and net.zone else name


def _owned(host: m.Host, lines: list[str]) -> Iterator[tuple[str, str]]:
    return ((host.name, line) for line in lines)


# --- report host network --------------------------------------------------------

def network_files(cluster: Cluster, host: m.Host) -> list[str]:
    name = fqdn(cluster, host)
    os_name = host.box.os.name
    lines: list[str] = []
    if os_name == "redhat":
        nic = _default_nic(cluster, host)
        net = cluster.network(nic) if nic is not None else None
        body = ["NETWORKING=yes", f"HOSTNAME={name}"]
        if net is not None and net.gateway:
            body.append(f"GATEWAY={net.gateway}")
        lines += stack_file("/etc/sysconfig/network", body)
    lines += stack_file("/etc/hostname", [name])
    if os_name == "sles":
        lines += stack_file("/etc/HOSTNAME", [name])
    return lines


class ReportHostNetwork(Command):
    """Print the files naming a host: /etc/hostname, /etc/sysconfig/network
    (redhat: hostname and gateway) and /etc/HOSTNAME (SLES).

    The name is the default interface's name (else the host's) with its
    network's zone.
    """

    path = "report host network"
    args = (HOSTS,)
    examples = (Example("report host network backend-0-0",
                        "Prints the network configuration files of backend-0-0."),)
    related = ("report host interface", "report host resolv")

    def run(self, args: list[str], params: Params) -> Table:
        cluster = Cluster(self.hosts(args, required=True))
        return host_report(pair for h in cluster.hosts
                           for pair in _owned(h, network_files(cluster, h)))


# --- report host resolv ---------------------------------------------------------

class Resolver:
    """What resolv.conf needs beyond the hosts: attributes and the frontend's IPs."""

    def __init__(self, ctx: Context, cluster: Cluster):
        self.ctx, self.cluster = ctx, cluster
        shadow = ctx.admin
        self.whole = cluster.attr("etc_resolv.conf", shadow)
        self.search = cluster.attr("resolv.search", shadow)
        self.public = cluster.attr("Kickstart_PublicDNSServers", shadow)
        self.private = cluster.attr("Kickstart_PrivateDNSServers", shadow)
        self.fallback = cluster.attr("Kickstart_PrivateAddress", shadow, const=True)
        self.frontend_ips: dict[int, str] = {}
        for nic in cluster.frontend_nics():
            if nic.ip and nic.network_id is not None:
                self.frontend_ips.setdefault(nic.network_id, nic.ip)

    def lines(self, host: m.Host) -> list[str]:
        if self.whole.get(host.id):
            return str(self.whole[host.id]).splitlines()
        lines = []
        nic = _default_nic(self.cluster, host)
        net = self.cluster.network(nic) if nic is not None else None
        search = self.search.get(host.id) or (net.zone if net is not None else "")
        if search:
            lines.append(f"search {search}")
        servers = self._frontend(host)
        listed = self.private.get(host.id) or ""
        if host.appliance.name == "frontend":
            listed = self.public.get(host.id) or listed
        servers += [s.strip() for s in str(listed).split(",") if s.strip()]
        # The frontend is often also the first listed DNS server: name it once.
        return lines + [f"nameserver {s}" for s in dict.fromkeys(servers)]

    def _frontend(self, host: m.Host) -> list[str]:
        """The frontend as name server when it serves DNS on one of the host's networks."""
        for nic in self.cluster.nics[host.id]:
            net = self.cluster.network(nic)
            if net is not None and net.dns:
                ip = self.frontend_ips.get(net.id) or self.fallback.get(host.id)
                if not ip:
                    warn(self.ctx, f'host "{host.name}": the frontend has no IP on network '
                                   f'"{net.name}" to serve it DNS: no nameserver line for it')
                    return []
                return [ip]
        return []


class ReportHostResolv(Command):
    """Print a host's /etc/resolv.conf.

    search: the host's `resolv.search` attribute, else its default network's
    zone. The frontend comes first when it serves DNS on one of the host's
    networks; then the servers of Kickstart_PrivateDNSServers
    (Kickstart_PublicDNSServers on frontends). A host attribute
    `etc_resolv.conf` replaces the whole content.
    """

    path = "report host resolv"
    args = (HOSTS,)
    examples = (Example("report host resolv backend-0-0", "Prints resolv.conf of backend-0-0."),)
    related = ("report host network", "sync dns")

    def run(self, args: list[str], params: Params) -> Table:
        cluster = Cluster(self.hosts(args, required=True))
        resolver = Resolver(self.ctx, cluster)
        return host_report(
            pair for h in cluster.hosts
            for pair in _owned(h, stack_file("/etc/resolv.conf", resolver.lines(h))))


# --- report host interface ------------------------------------------------------

def ifcfg(cluster: Cluster, host: m.Host, nic: Nic) -> list[str]:
    """The body of a redhat ifcfg-<device> file."""
    net = cluster.network(nic)
    options = nic.option_list
    device = nic.device or ""
    lines = ["# AUTHENTIC STACKI", f"DEVICE={device}"]
    if nic.mac and not INFINIBAND.match(device):
        lines.append(f"MACADDR={nic.mac}")
    configured = False
    if "dhcp" in options:
        lines.append("BOOTPROTO=dhcp")
        if nic.default:
            lines.append("DEFROUTE=yes")
        configured = True
    elif nic.ip and net is not None:
        lines += [f"IPADDR={nic.ip}", f"NETMASK={net.mask}", "BOOTPROTO=static"]
        configured = True
    if BOND.match(device):
        if not configured:
            lines.append("BOOTPROTO=none")
            configured = True
        bonding = next((o.split("=", 1)[1] for o in options if o.startswith("bonding-opts=")),
                       None)
        if bonding is not None:
            lines.append(f'BONDING_OPTS="{bonding}"')
    by_device = {n.device: n for n in cluster.nics[host.id]}
    master = by_device.get(nic.channel) if nic.channel else None
    if nic.channel and BOND.match(nic.channel):
        lines += ["BOOTPROTO=none", f"MASTER={nic.channel}", "SLAVE=yes"]
        configured = True
    mtu = net.mtu if net is not None else None
    if "bridge" in options:
        lines.append("TYPE=Bridge")
        if not configured:
            lines.append("BOOTPROTO=none")
        mtu, configured = None, True
    if master is not None and "bridge" in master.option_list:
        lines += ["BOOTPROTO=none", f"BRIDGE={nic.channel}"]
        configured = True
    if nic.vlan:
        lines.append("VLAN=yes")
        configured = True
    if not configured:
        lines += ["BOOTPROTO=none", "ONBOOT=no"]
    else:
        lines.append("ONBOOT=no" if "onboot=no" in options else "ONBOOT=yes")
    if mtu:
        lines.append(f"MTU={mtu}")
    return lines


def sles_ifcfg(cluster: Cluster, nic: Nic, nics: list[Nic]) -> list[str]:
    """A SLES ifcfg-<device> file as Stacki writes it (wicked's keys)."""
    net = cluster.network(nic)
    device = nic.device or ""
    options = nic.option_list
    addresses = _addresses(nic, net)
    lines = ["# AUTHENTIC STACKI"]
    if nic.vlan:
        # VLAN tagging on the host (switch-side tagging is not modelled).
        lines += [f"ETHERDEVICE={device.split('.')[0]}", "VLAN=yes"]
        startmode = "auto"
    else:
        lines.append("USERCONTROL=no")
        startmode = None
    bootproto = "static"
    dhcp = "dhcp" in options
    if dhcp:
        bootproto = "dhcp"
        answer = "yes" if nic.default else "no"
        lines += [f'DHCLIENT_SET_HOSTNAME="{answer}"', f'DHCLIENT_SET_DEFAULT_ROUTE="{answer}"']
    if "onboot=no" in options:
        startmode = "manual"
    elif nic.ip or dhcp or nic.channel or "bridge" in options:
        startmode = "auto"
    if not dhcp:
        lines += [f"{key}={value}" for key, value in addresses]
    if nic.mac:
        lines.append(f"HWADDR={nic.mac}")
    if BOND.match(device):
        startmode = "auto"
        lines.append("BONDING_MASTER=yes")
        slaves = [n.device for n in nics if n.channel == device]
        lines += [f'BONDING_SLAVE{i}="{slave}"' for i, slave in enumerate(slaves)]
        bonding = _bonding_opts(options)
        if bonding is not None:
            lines.append(f'BONDING_MODULE_OPTS="{bonding}"')
    if nic.channel and BOND.match(nic.channel):
        startmode, bootproto = "auto", "none"
    lines += [f"STARTMODE={startmode or 'off'}", f"BOOTPROTO={bootproto}"]
    mtu = net.mtu if net is not None else None
    if "bridge" in options:
        port = next((n.device for n in nics if n.channel == device), None)
        if port is not None:
            lines += ["BRIDGE=yes", "BRIDGE_FORWARDDELAY=0", "BRIDGE_STP=off",
                      f"BRIDGE_PORTS={port}"]
        mtu = None
    if mtu:
        lines.append(f"MTU={mtu}")
    return lines


def sles_virtual(cluster: Cluster, nic: Nic) -> list[str]:
    """What a virtual interface (eth0:1) appends to its parent's ifcfg file."""
    number = (nic.device or "").split(":")[1]
    lines = ["# AUTHENTIC STACKI"]
    lines += [f"{key}{number}={value}" for key, value in _addresses(nic, cluster.network(nic))]
    return lines + [f"LABEL{number}={number}"]


def _addresses(nic: Nic, net: m.Network | None) -> list[tuple[str, str]]:
    """IPADDR, NETMASK, NETWORK and BROADCAST, those that are known."""
    found = []
    if nic.ip:
        found.append(("IPADDR", nic.ip))
    if net is not None:
        found.append(("NETMASK", net.mask))
        if nic.ip:
            space = ipaddress.IPv4Network(f"{nic.ip}/{net.mask}", strict=False)
            found += [("NETWORK", str(space.network_address)),
                      ("BROADCAST", str(space.broadcast_address))]
    return found


def _bonding_opts(options: list[str]) -> str | None:
    return next((o.split("=", 1)[1] for o in options if o.startswith("bonding-opts=")), None)


IPMI_DEFAULTS = (("IPMI_SI", "yes"), ("DEV_IPMI", "yes"), ("IPMI_WATCHDOG", "no"),
                 ("IPMI_WATCHDOG_OPTIONS", '"timeout=60"'), ("IPMI_POWEROFF", "no"),
                 ("IPMI_POWERCYCLE", "no"), ("IPMI_IMB", "no"))


class Ipmi:
    """The BMC set-up an `ipmi` interface gets: the ipmi service's settings and
    the ipmitool commands that give the BMC its address (attributes override
    the settings; `ipmi_password` is the root user's password)."""

    def __init__(self, ctx: Context, cluster: Cluster):
        self.cluster = cluster
        names = [name for name, _ in IPMI_DEFAULTS] + ["ipmi_password"]
        self.attrs = {name: cluster.attr(name, shadow=ctx.admin) for name in names}

    def lines(self, host: m.Host, nic: Nic) -> list[str]:
        net = self.cluster.network(nic)
        lan = f"ipmitool lan set {nic.channel}"
        gateway = (net.gateway if net is not None else None) or "0.0.0.0"
        password = self.attrs["ipmi_password"].get(host.id) or "admin"
        lines = [f"{name}={self.attrs[name].get(host.id) or default}"
                 for name, default in IPMI_DEFAULTS]
        return lines + [
            f"{lan} ipsrc static", f"{lan} ipaddr {nic.ip}",
            f"{lan} netmask {net.mask if net is not None else None}",
            f"{lan} defgw ipaddr {gateway}", f"{lan} arp respond on",
            f"{lan} vlan id {nic.vlan or 'off'}", f"{lan} access on", f"{lan} user",
            f"{lan} auth ADMIN PASSWORD", "ipmitool user set name 2 root",
            f"ipmitool user set password 2 {password}", "ipmitool user enable 2",
            f"ipmitool channel setaccess {nic.channel} 2 link=on ipmi=on callin=on privilege=4"]


def udev_rule(nic: Nic) -> str:
    return (f'SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{{address}}=="{nic.mac}", '
            f'ATTR{{type}}=="1", KERNEL=="eth*", NAME="{nic.device}"')


def interface_files(ctx: Context, cluster: Cluster, host: m.Host, only: str | None) -> list[str]:
    sles = host.box.os.name == "sles"
    lines: list[str] = []
    udev: list[str] = []
    ipmi: Ipmi | None = None
    nics = cluster.nics[host.id]
    for nic in nics:
        if not nic.device or "noreport" in nic.option_list:
            continue
        if nic.ip and cluster.network(nic) is None:
            warn(ctx, f'host "{host.name}" interface "{nic.device}" has IP {nic.ip} but no '
                      "network: no configuration file for it")
            continue
        if only is not None and nic.device != only:
            continue
        if nic.device == "ipmi":
            ipmi = ipmi or Ipmi(ctx, cluster)
            if sles:
                lines += stack_file("/tmp/ipmisetup", ipmi.lines(host, nic))
                lines.append("chmod 500 /tmp/ipmisetup")
            else:
                lines += stack_file("/etc/sysconfig/ipmi", ipmi.lines(host, nic), perms="500")
            continue
        if nic.mac and not INFINIBAND.match(nic.device):
            udev.append(udev_rule(nic))
        if sles:
            lines += sles_file(cluster, nic, nics, only is not None)
        else:
            body = ifcfg(cluster, host, nic)
            lines += body if only is not None else stack_file(
                f"/etc/sysconfig/network-scripts/ifcfg-{nic.device}", body)
    if udev and only is None:
        if sles:
            # Stacki's SLES file keeps a blank line after each rule.
            udev = [line for rule in udev for line in (rule, "")] + [""]
        lines += stack_file("/etc/udev/rules.d/70-persistent-net.rules", udev)
    return lines


def sles_file(cluster: Cluster, nic: Nic, nics: list[Nic], bare: bool) -> list[str]:
    """A SLES interface's file (a virtual one appends to its parent's); Stacki
    ends each with two blank lines."""
    device = nic.device or ""
    if len(device.split(":")) == 2:
        body = sles_virtual(cluster, nic)
        opening = Tag(f'<stack:file stack:mode="append" '
                      f'stack:name="/etc/sysconfig/network/ifcfg-{device.split(":")[0]}">')
    else:
        body = sles_ifcfg(cluster, nic, nics)
        opening = Tag(f'<stack:file stack:name="/etc/sysconfig/network/ifcfg-{device}">')
    body += ["", ""]
    return body if bare else [opening, *body, CLOSE]


class ReportHostInterface(Command):
    """Print the network interface configuration files of hosts.

    Redhat hosts get /etc/sysconfig/network-scripts/ifcfg-<device> files
    (static, dhcp, bond, bridge, VLAN and MTU settings) and the udev rules
    naming their devices; SLES hosts get /etc/sysconfig/network/ifcfg-<device>.
    Interfaces with the `noreport` option and IPMI interfaces are left out.
    With interface=, only that device's settings are printed, without file tags.
    """

    path = "report host interface"
    args = (Arg("host", help="A host name (or several)."),)
    params = (Param("interface", help="Only this device (e.g. eth0)."),)
    examples = (
        Example("report host interface backend-0-0", "Prints every ifcfg file of backend-0-0."),
        Example("report host interface backend-0-0 interface=eth0",
                "Prints the settings of eth0 of backend-0-0."),
    )
    related = ("report host network",)

    def run(self, args: list[str], params: Params) -> Table:
        cluster = Cluster(self.hosts(args, required=True))
        only = params.value("interface")
        return host_report(pair for h in cluster.hosts
                           for pair in _owned(h, interface_files(self.ctx, cluster, h, only)))
