"""`report host`: the cluster's /etc/hosts."""

from __future__ import annotations

from stacki.commands.report_common import BANNER, CLOSE, Cluster, Nic, opening, sealed, warn
from stacki.framework.command import Command, Example, Params
from stacki.framework.context import Context
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.sysfiles import read_system_file

HOSTS_FILE = "/etc/hosts"
HOSTS_LOCAL = "/etc/hosts.local"


def hosts_lines(ctx: Context, cluster: Cluster) -> list[str]:
    """The /etc/hosts lines of every host's interfaces, duplicates dropped."""
    lines: list[str] = []
    seen: set[str] = set()
    for host in cluster.hosts:
        for line in _host_lines(ctx, cluster, host):
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines


def _host_lines(ctx: Context, cluster: Cluster, host: m.Host) -> list[str]:
    nics = []
    for nic in cluster.nics[host.id]:
        if not nic.ip:
            continue
        if cluster.network(nic) is None:
            warn(ctx, f'host "{host.name}" interface "{nic.device}" has IP {nic.ip} but no '
                      f"network: left out of {HOSTS_FILE}")
            continue
        nics.append(nic)
    shortname = any("shortname" in nic.option_list for nic in nics)
    lines = []
    for nic in nics:
        names = _names(host.name, nic, cluster.network(nic).zone, shortname)
        if names:
            lines.append(f"{nic.ip}\t{' '.join(names)}")
    return lines


def _names(host: str, nic: Nic, zone: str, shortname: bool) -> list[str]:
    """The names of one interface, or none when it is not worth a line."""
    own = "shortname" in nic.option_list
    if not (nic.aliases or zone or own or nic.default):
        return []
    ifname = nic.name or host
    names = []
    if zone:
        names.append(f"{host}.{zone}")
        if ifname != host:
            names.append(f"{ifname}.{zone}")
    if own or (nic.default and not shortname):
        names.append(host)
        if ifname != host:
            names.append(ifname)
    return names + nic.aliases


def etc_hosts(ctx: Context, cluster: Cluster) -> list[str]:
    lines = [opening(HOSTS_FILE), *BANNER, "", "#  Site additions go in /etc/hosts.local", "",
             "127.0.0.1\tlocalhost.localdomain\tlocalhost", ""]
    lines += hosts_lines(ctx, cluster)
    local = read_system_file(HOSTS_LOCAL)
    if local is not None:
        lines += ["", f"# Imported from {HOSTS_LOCAL}", "", *local]
    return lines + [CLOSE]


class ReportHost(Command):
    """Print the cluster's /etc/hosts: every named interface of every host.

    An interface gets a line when it has an IP on a network and an alias, a
    zone, the `shortname` option, or is its host's default interface. The
    contents of /etc/hosts.local (under STACKI_SYSROOT) are appended.
    """

    path = "report host"
    examples = (Example("report host", "Prints the /etc/hosts file of the cluster."),)
    related = ("sync host", "report script")

    def run(self, args: list[str], params: Params) -> Table:
        return report(sealed(etc_hosts(self.ctx, Cluster())))
