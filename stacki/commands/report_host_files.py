"""Files a host keeps about itself: `report host network`, `report host resolv`
and `report host interface`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stacki.commands.report_common import Cluster, Nic, host_report, ip_network, stack_file, warn
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


def sles_ifcfg(cluster: Cluster, nic: Nic) -> list[str]:
    """The body of a SLES ifcfg-<device> file (static, dhcp or unconfigured)."""
    net = cluster.network(nic)
    lines = []
    if nic.mac:
        lines.append(f"LLADDR={nic.mac}")
    if "dhcp" in nic.option_list:
        lines.append("BOOTPROTO=dhcp")
    elif nic.ip and net is not None:
        prefix = ip_network(net).prefixlen
        lines += ["BOOTPROTO=static", f"IPADDR={nic.ip}/{prefix}"]
    else:
        lines.append("BOOTPROTO=none")
    if nic.vlan:
        lines.append(f"VLAN_ID={nic.vlan}")
    if net is not None and net.mtu:
        lines.append(f"MTU={net.mtu}")
    return lines + ["STARTMODE=auto"]


def interface_files(ctx: Context, cluster: Cluster, host: m.Host, only: str | None) -> list[str]:
    sles = host.box.os.name == "sles"
    directory = "/etc/sysconfig/network" if sles else "/etc/sysconfig/network-scripts"
    lines: list[str] = []
    udev: list[str] = []
    for nic in cluster.nics[host.id]:
        if not nic.device or "noreport" in nic.option_list or nic.device == "ipmi":
            continue
        if nic.ip and cluster.network(nic) is None:
            warn(ctx, f'host "{host.name}" interface "{nic.device}" has IP {nic.ip} but no '
                      "network: no configuration file for it")
            continue
        if only is not None and nic.device != only:
            continue
        body = sles_ifcfg(cluster, nic) if sles else ifcfg(cluster, host, nic)
        lines += body if only is not None else stack_file(f"{directory}/ifcfg-{nic.device}", body)
        if nic.mac and not INFINIBAND.match(nic.device) and not sles:
            udev.append(f'SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", '
                        f'ATTR{{address}}=="{nic.mac}", ATTR{{type}}=="1", KERNEL=="eth*", '
                        f'NAME="{nic.device}"')
    if udev and only is None:
        lines += stack_file("/etc/udev/rules.d/70-persistent-net.rules", udev)
    return lines


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
