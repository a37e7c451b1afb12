"""`report named` and `report zones`: BIND's named.conf and the zone files of
the networks served in DNS (`dns=true`), forward and reverse."""

from __future__ import annotations

import string
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from stacki import errors
from stacki.commands.report_common import (
    BANNER,
    CLOSE,
    Cluster,
    frontend_os,
    global_attr,
    in_network,
    ip_network,
    local_frontend,
    opening,
    sealed,
    stack_file,
    warn,
)
from stacki.framework.command import Command, Example, Params
from stacki.framework.context import Context
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.sysfiles import read_system_file

NAMED_CONF = "/etc/named.conf"
NAMED_LOCAL = "/etc/named.conf.local"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "named.conf.tmpl"
PATHS = {
    "redhat": {"directory": "/var/named", "dump_file": "/var/named/data/cache_dump.db",
               "statistics_file": "/var/named/data/named_stats.txt", "hint_file": "named.ca",
               "localhost_file": "named.localhost", "loopback_file": "named.local"},
    "sles": {"directory": "/var/lib/named", "dump_file": "/var/log/named_dump.db",
             "statistics_file": "/var/log/named.stats", "hint_file": "root.hint",
             "localhost_file": "localhost.zone", "loopback_file": "127.0.0.zone"},
}
FORWARD = """
# Zone Mapping for {network} network
zone "{zone}" {{
\ttype master;
\tnotify no;
\tfile "{network}.domain";
}};
"""
REVERSE = """
# Reverse Zone mapping for {comment}
zone "{reverse}.in-addr.arpa" {{
\ttype master;
\tnotify no;
\tfile "reverse.{name}.domain";
}};
"""
PREAMBLE = """$TTL 3D
@ IN SOA {fe}. root.{fe}. (
\t{serial} ; Serial
\t8H ; Refresh
\t2H ; Retry
\t4W ; Expire
\t1D ) ; Min TTL
;
\tNS {fe}.
\tMX 10 {fe}.
"""


def serial() -> int:
    return int(time.time())


def reverse_octets(net: m.Network) -> str | None:
    """The reverse zone of a network: its whole leading octets, reversed
    (/24 → c.b.a, /20 → b.a); longer prefixes stop at three octets."""
    space = ip_network(net)
    if space is None or space.prefixlen < 8:
        return None
    count = min(space.prefixlen // 8, 3)
    return ".".join(reversed(net.address.split(".")[:count]))


@dataclass
class Record:
    host: str
    ip: str
    aliases: list[str]


@dataclass
class DnsNetwork:
    net: m.Network
    reverse: str
    records: list[Record] = field(default_factory=list)


def served_networks(ctx: Context, warn_about: bool = True) -> list[DnsNetwork]:
    """The dns networks BIND can serve: a zone, an address, one network per zone."""
    served: list[DnsNetwork] = []
    zones: dict[str, str] = {}
    for net in m.Network.objects.filter(dns=True).order_by("id"):
        reverse = reverse_octets(net)
        problem = None
        if not net.zone:
            problem = "has no zone"
        elif reverse is None:
            problem = f"({net.address}/{net.mask}) has no reverse zone"
        elif net.zone in zones:
            problem = f'has the zone "{net.zone}" of network "{zones[net.zone]}"'
        if problem is not None:
            if warn_about:
                warn(ctx, f'network "{net.name}" {problem}: not served in DNS')
            continue
        zones[net.zone] = net.name
        served.append(DnsNetwork(net, reverse))
    return served


def reverse_groups(served: list[DnsNetwork]) -> list[tuple[str, str, list[DnsNetwork]]]:
    """(reverse zone, file name, networks): networks sharing a reverse zone share a file
    named by the CRC32 of their names."""
    groups: dict[str, list[DnsNetwork]] = {}
    for dns in served:
        groups.setdefault(dns.reverse, []).append(dns)
    result = []
    for reverse, members in groups.items():
        if len(members) == 1:
            name = members[0].net.name
        else:
            name = format(zlib.crc32(".".join(d.net.name for d in members).encode()), "x")
        result.append((reverse, name, members))
    return result


# --- named.conf -----------------------------------------------------------------

def _forwarders(ctx: Context) -> str:
    # Shadow values are for admins only, here as in `list attr`.
    servers = global_attr("Kickstart_PublicDNSServers", shadow=ctx.admin).strip()
    servers = servers or global_attr("Kickstart_PrivateDNSServers", shadow=ctx.admin).strip()
    entries = [s.strip() for s in servers.split(",") if s.strip()]
    return f"\tforwarders {{ {';'.join(entries)}; }};\n" if entries else ""


def named_conf(ctx: Context, os_name: str, warn_about: bool = True) -> list[str]:
    served = served_networks(ctx, warn_about)
    acl = ["127.0.0.0/24"]
    for net in m.Network.objects.filter(dns=True).order_by("id"):
        space = ip_network(net)
        if space is not None:
            acl.append(f"{net.address}/{space.prefixlen}")
    zones = "".join(FORWARD.format(network=d.net.name, zone=d.net.zone) for d in served)
    for reverse, name, members in reverse_groups(served):
        names = [d.net.name for d in members]
        comment = names[0] if len(names) == 1 else f"networks - {','.join(names)}"
        zones += REVERSE.format(comment=comment, reverse=reverse, name=name)
    local = read_system_file(NAMED_LOCAL)
    values = dict(PATHS.get(os_name, PATHS["redhat"]), banner="\n".join(BANNER),
                  acl=";".join(acl), forwarders=_forwarders(ctx), zones=zones,
                  local="" if local is None else
                  "".join(f"{line}\n" for line in ["", f"# Imported from {NAMED_LOCAL}", *local]))
    try:
        text = string.Template(TEMPLATE.read_text()).substitute(values)
    except (OSError, KeyError, ValueError):
        raise errors.CommandError(f"Unable to parse template file: {TEMPLATE}") from None
    return [opening(NAMED_CONF, "0644"), *text.rstrip("\n").split("\n"), CLOSE]


class ReportNamed(Command):
    """Print BIND's /etc/named.conf for the networks served in DNS (dns=true).

    Each such network gets a forward zone and shares a reverse zone with
    the networks of the same leading octets. Forwarders come from the global
    attribute Kickstart_PublicDNSServers, else Kickstart_PrivateDNSServers.
    /etc/named.conf.local (under STACKI_SYSROOT) is included.
    """

    path = "report named"
    examples = (Example("report named", "Prints /etc/named.conf."),)
    related = ("report zones", "sync dns")

    def run(self, args: list[str], params: Params) -> Table:
        return report(sealed(named_conf(self.ctx, frontend_os(local_frontend()))))


# --- zone files -----------------------------------------------------------------

def collect_records(ctx: Context, cluster: Cluster, served: list[DnsNetwork]) -> None:
    """Each served network's interfaces with an IP, hosts in cluster order."""
    by_id = {d.net.id: d for d in served}
    for host in cluster.hosts:
        for nic in cluster.nics[host.id]:
            dns = by_id.get(nic.network_id)
            if dns is None or not nic.ip:
                continue
            if not in_network(nic.ip, dns.net):
                warn(ctx, f'host "{host.name}" interface "{nic.device}": IP {nic.ip} is not in '
                          f'network "{dns.net.name}": left out of its zone files')
                continue
            dns.records.append(Record(host.name, nic.ip, nic.aliases))


def forward_lines(ctx: Context, dns: DnsNetwork) -> list[str]:
    """A and CNAME records; an alias that clashes with another name is left out."""
    hosts = {r.host for r in dns.records}
    cnames: dict[str, str] = {}
    lines = []
    for record in dns.records:
        lines.append(f"{record.host} A {record.ip}")
        for alias in record.aliases:
            if alias in hosts or cnames.get(alias, record.host) != record.host:
                warn(ctx, f'alias "{alias}" of host "{record.host}" clashes with another name '
                          f'in zone "{dns.net.zone}": left out')
            elif alias not in cnames:
                cnames[alias] = record.host
                lines.append(f"{alias} CNAME {record.host}")
    return lines


def _local_or_stub(path: str, local: list[str] | None, stub: list[str]) -> list[str]:
    if local is not None:
        return ["", f";Imported from {path}", "", *local]
    return stub


def zone_files(ctx: Context, cluster: Cluster, served: list[DnsNetwork]) -> list[str]:
    fes = [h.name for h in cluster.hosts if h.appliance.name == "frontend"]
    if served and not fes:
        raise errors.CommandError("no frontend host: the zone files name it as their name server")
    directory = PATHS.get(frontend_os(cluster.frontend), PATHS["redhat"])["directory"]
    preamble = PREAMBLE.format(fe=fes[0], serial=serial()).split("\n") if fes else []
    lines: list[str] = []
    for dns in served:
        path = f"{directory}/{dns.net.name}.domain"
        local = read_system_file(f"{path}.local")
        lines += [opening(path, "0644"), *preamble, *forward_lines(ctx, dns)]
        if local is not None:
            lines += _local_or_stub(f"{path}.local", local, []) + [CLOSE]
        else:
            lines += [CLOSE, *stack_file(f"{path}.local", [
                ";Extra host mappings go here. Example", ";myhost\tA\t10.1.1.1"], "0644")]
    for reverse, name, members in reverse_groups(served):
        lines += [opening(f"{directory}/reverse.{name}.domain", "0644"), *preamble]
        octets = len(reverse.split("."))
        for dns in members:
            for r in dns.records:
                host_part = ".".join(reversed(r.ip.split(".")[octets:]))
                lines.append(f"{host_part} IN PTR {r.host}.{dns.net.zone.rstrip('.')}.")
            path = f"{directory}/reverse.{dns.net.name}.domain.local"
            lines += _local_or_stub(path, read_system_file(path), [
                "", f'; Custom entries for the "{dns.net.name}" network',
                f"; can be placed in {path}", "; These entries will be sourced on sync", ""])
            lines.append("")
        lines.append(CLOSE)
    return lines


class ReportZones(Command):
    """Print the zone files of the networks served in DNS (dns=true).

    Per network N: N.domain (A records of its interfaces, CNAMEs of their
    aliases, then N.domain.local) and the reverse zone file with PTR records,
    under /var/named (/var/lib/named on SLES). The first frontend is the name
    server; the serial is the current Unix time.
    """

    path = "report zones"
    examples = (Example("report zones", "Prints every zone file."),)
    related = ("report named", "sync dns")

    def run(self, args: list[str], params: Params) -> Table:
        cluster = Cluster()
        served = served_networks(self.ctx)
        collect_records(self.ctx, cluster, served)
        return report(sealed(zone_files(self.ctx, cluster, served)))

