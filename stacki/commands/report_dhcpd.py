"""`report dhcpd`: ISC dhcpd's dhcpd.conf and its sysconfig file.

The host declarations are built per host (`host_blocks`), so that `sync
dhcpd HOST` can replace one host's declarations in an existing dhcpd.conf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacki.commands.report_common import (
    BANNER,
    CLOSE,
    Cluster,
    Nic,
    in_network,
    ip_network,
    opening,
    sealed,
    text_lines,
    warn,
)
from stacki.framework.command import Command, Example, Params
from stacki.framework.context import Context
from stacki.framework.output import Table, report
from stacki.inventory import models as m

DHCPD_CONF = "/etc/dhcp/dhcpd.conf"
SYSCONFIG = "/etc/sysconfig/dhcpd"
HEADER = """
ddns-update-style none;

option space PXE;
option PXE.mtftp-ip    code 1 = ip-address;
option PXE.mtftp-cport code 2 = unsigned integer 16;
option PXE.mtftp-sport code 3 = unsigned integer 16;
option PXE.mtftp-tmout code 4 = unsigned integer 8;
option PXE.mtftp-delay code 5 = unsigned integer 8;

option client-arch code 93 = unsigned integer 16;
"""
BOOT_FILE = """\tif option client-arch = 00:07 {
\t\tfilename "uefi/shim.efi";
\t} else {
\t\tfilename "pxelinux.0";
\t}"""


@dataclass
class Servers:
    """The frontend's address on each pxe network, for next-server."""

    by_network: dict[str, str | None]

    @classmethod
    def of(cls, cluster: Cluster) -> Servers:
        found: dict[str, str | None] = {}
        for nic in cluster.frontend_nics():
            net = cluster.network(nic)
            if net is not None and net.pxe:
                found[net.name] = nic.ip
        return cls(found)

    def for_network(self, name: str) -> str | None:
        if name in self.by_network:
            return self.by_network[name]
        # Only a frontend on a single pxe network has an obvious fallback.
        if len(self.by_network) == 1:
            return next(iter(self.by_network.values()))
        return None


# --- subnets -------------------------------------------------------------------

def _subnet(net: m.Network, indent: str = "") -> str:
    space = ip_network(net)
    body = [f"\n{indent}subnet {net.address} netmask {net.mask} {{",
            f"{indent}\tdefault-lease-time\t\t1200;",
            f"{indent}\tmax-lease-time\t\t\t1200;"]
    # An empty `option routers ;` would make dhcpd refuse the whole file.
    if net.gateway:
        body.append(f"{indent}\toption routers\t\t\t{net.gateway};")
    body += [f"{indent}\toption subnet-mask\t\t{net.mask};",
             f"{indent}\toption broadcast-address\t{space.broadcast_address};",
             f"{indent}}}\n"]
    return "\n".join(body)


def pxe_networks(cluster: Cluster) -> list[tuple[Nic, m.Network]]:
    """The frontend's interfaces on pxe networks (IP not required), first per network."""
    found: dict[int, tuple[Nic, m.Network]] = {}
    for nic in cluster.frontend_nics():
        net = cluster.network(nic)
        if net is not None and net.pxe and ip_network(net) is not None:
            found.setdefault(net.id, (nic, net))
    return list(found.values())


def subnet_rows(cluster: Cluster) -> list[str]:
    served = pxe_networks(cluster)
    if cluster.frontend_os() != "sles":
        return [_subnet(net) for _, net in served]
    # SLES' dhcpd wants the networks of one physical device in a shared-network.
    by_device: dict[str, list[m.Network]] = {}
    for nic, net in served:
        device = (nic.device or "").split(".")[0].split(":")[0]
        by_device.setdefault(device, []).append(net)
    rows = []
    for device, nets in by_device.items():
        if len(nets) == 1:
            rows.append(_subnet(nets[0]))
        else:
            rows.append(f"\nshared-network {device} {{")
            rows += [_subnet(net, "\t") for net in nets]
            rows.append("}\n")
    return rows


# --- hosts ---------------------------------------------------------------------

def _usable(ctx: Context, host: m.Host, nics: list[Nic]) -> list[Nic]:
    """The interfaces that may get a declaration; the odd ones are reported."""
    devices = {n.device for n in nics}
    usable = []
    for nic in nics:
        if nic.channel and nic.device == "ipmi" and not nic.ip:
            warn(ctx, f'skipping IPMI interface on host "{host.name}" - '
                      "interface has a channel but no IP")
        elif nic.channel and nic.device != "ipmi" and nic.channel not in devices - {nic.device}:
            warn(ctx, f'skipping interface "{nic.device}" on host "{host.name}" - interface has '
                      f'channel "{nic.channel}" that does not match any other interface on the host')
        else:
            usable.append(nic)
    return usable


def _channel_ip(nic: Nic, by_device: dict[str | None, Nic]) -> str | None:
    """The interface's IP, else that of its channel (a bond), recursively."""
    seen = set()
    while not nic.ip and nic.channel and nic.channel not in seen:
        seen.add(nic.channel)
        master = by_device.get(nic.channel)
        if master is None:
            return None
        nic = master
    return nic.ip


def host_blocks(ctx: Context, cluster: Cluster, host: m.Host, kickstartable: bool,
                servers: Servers) -> list[str]:
    """The `host NAME.NETWORK.DEVICE { ... }` declarations of one host."""
    nics = cluster.nics[host.id]
    by_device = {n.device: n for n in nics}
    pxe_of_ip: dict[str, Any] = {}
    for nic in nics:
        net = cluster.network(nic)
        if nic.ip and net is not None and net.pxe:
            pxe_of_ip.setdefault(nic.ip, net)
    blocks = []
    for nic in _usable(ctx, host, nics):
        ip = _channel_ip(nic, by_device)
        net = pxe_of_ip.get(ip) if ip else None
        if not (nic.mac and nic.device and net is not None):
            continue
        if not in_network(ip, net):
            warn(ctx, f'host "{host.name}" interface "{nic.device}": IP {ip} is not in network '
                      f'"{net.name}" ({net.address}/{net.mask}): left out of {DHCPD_CONF}')
            continue
        lines = [f"\nhost {host.name}.{net.name}.{nic.device} {{",
                 f'\toption host-name\t"{host.name}";',
                 f"\thardware ethernet\t{nic.mac};",
                 f"\tfixed-address\t\t{ip};"]
        if kickstartable:
            lines += _boot_lines(ctx, host, net, servers)
        lines.append("}")
        blocks.append("\n".join(lines))
    return blocks


def _boot_lines(ctx: Context, host: m.Host, net: m.Network, servers: Servers) -> list[str]:
    server = servers.for_network(net.name)
    if not server:
        warn(ctx, f'host "{host.name}": the frontend has no IP on network "{net.name}" to boot '
                  f"it from: left without filename and next-server in {DHCPD_CONF}")
        return []
    return [BOOT_FILE, f'\tserver-name\t\t"{server}";', f"\tnext-server\t\t{server};"]


class HostDeclarations:
    """What host declarations need beyond the hosts: attributes and servers."""

    def __init__(self, ctx: Context, cluster: Cluster):
        self.ctx, self.cluster = ctx, cluster
        self.kickstartable = cluster.flag("kickstartable")
        self.aws = cluster.flag("aws")
        self.servers = Servers.of(cluster)

    def of(self, host: m.Host) -> list[str]:
        if host.id in self.aws:
            return []
        return host_blocks(self.ctx, self.cluster, host, host.id in self.kickstartable,
                           self.servers)

    def all(self) -> list[str]:
        return [block for host in self.cluster.hosts for block in self.of(host)]


# --- the files -----------------------------------------------------------------

def dhcpd_conf(ctx: Context, cluster: Cluster) -> list[str]:
    rows = [opening(DHCPD_CONF), "\n".join(BANNER) + "\n", HEADER]
    rows += subnet_rows(cluster)
    rows += HostDeclarations(ctx, cluster).all()
    rows.append(CLOSE)
    return text_lines(rows)


def sysconfig(cluster: Cluster) -> list[str]:
    sles = cluster.frontend_os() == "sles"
    devices = set()
    for nic in cluster.frontend_nics():
        net = cluster.network(nic)
        # SLES configures alias devices (eth0:1) through their physical device.
        if (net is not None and net.pxe and nic.ip and nic.device
                and not (sles and ":" in nic.device)):
            devices.add(nic.device)
    variable = "DHCPD_INTERFACE" if sles else "DHCPDARGS"
    return [opening(SYSCONFIG), *BANNER, "", f'{variable}="{" ".join(sorted(devices))}"', CLOSE]


def report_dhcpd(ctx: Context, cluster: Cluster) -> list[str]:
    return dhcpd_conf(ctx, cluster) + sysconfig(cluster)


class ReportDhcpd(Command):
    """Print the DHCP server configuration: /etc/dhcp/dhcpd.conf and /etc/sysconfig/dhcpd.

    One subnet per pxe network the frontend is on; one host declaration per
    interface with a MAC whose IP (or its bond's) is on a pxe network. Hosts
    whose `kickstartable` attribute is true boot from the frontend; hosts
    whose `aws` attribute is true are left out.
    """

    path = "report dhcpd"
    examples = (Example("report dhcpd", "Prints the dhcpd configuration files."),)
    related = ("sync dhcpd", "report script")

    def run(self, args: list[str], params: Params) -> Table:
        return report(sealed(report_dhcpd(self.ctx, Cluster())))
