"""Host spreadsheets: load, report and unload hostfile (commands.md §10)."""

from __future__ import annotations

from stacki import errors
from stacki.commands import hostfile_plan as plan
from stacki.commands.hostfile_preview import preview
from stacki.commands.hostfile_write import Writer
from stacki.commands.report_common import warn
from stacki.commands.spreadsheet import (
    FILE,
    PROCESSOR,
    REQUIRED_FILE,
    cells,
    csv_text,
    file_param,
    keep,
    progress,
    read_rows,
    sync,
)
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory.attrs import resolve, truthy
from stacki.inventory.groups import groups_of_hosts
from stacki.inventory.scopes import IN_LIMIT

HEADER = ["NAME", "INTERFACE HOSTNAME", "DEFAULT", "APPLIANCE", "RACK", "RANK", "IP", "MAC",
          "INTERFACE", "NETWORK", "CHANNEL", "OPTIONS", "VLAN", "INSTALLACTION", "OSACTION",
          "GROUPS", "BOX", "COMMENT"]


class LoadHostfile(Command):
    """Load hosts and their interfaces from a CSV spreadsheet.

    One row per interface; the columns name, appliance, ip, mac, interface,
    rack, rank and network are required; box, interface hostname, default,
    channel, options, vlan, installaction, osaction, groups and comment are
    optional. The whole file is checked before anything changes. Hosts that
    exist are updated and lose their groups; every listed host's interfaces
    are replaced by the file's. The file is kept, with its earlier versions,
    under /export/stack/spreadsheets. preview=true writes nothing and lists
    every row with its problem, if any (all the problems at once).
    """

    path = "load hostfile"
    params = (FILE, PROCESSOR, Param("preview", type="boolean", default=False,
                                      help="Only check the file: each row and its problem."))
    examples = (Example("load hostfile file=hosts.csv",
                        "Loads the hosts and interfaces of hosts.csv."),
                Example("load hostfile file=hosts.csv preview=true",
                        "Shows the problem of every row, changing nothing."))
    related = ("report hostfile", "unload hostfile")

    def run(self, args: list[str], params: Params) -> Table | None:
        path = file_param(params)
        if params.flag("preview"):
            return preview(path)
        rows = read_rows(path)
        header = rows[0][1] if rows else []
        inv = plan.Inventory()
        hosts = plan.parse(header, progress(self.ctx, rows[1:], desc="Loading spreadsheet",
                                            unit="row"), inv)
        hosts = plan.only_this_boss(hosts)
        plan.check(hosts, inv)
        plan.check_writes(hosts, inv)
        writer = Writer(hosts, inv)
        for step in progress(self.ctx, writer.steps(), desc="Configuring database", unit="step"):
            step()
        for text in writer.shared:
            warn(self.ctx, text)
        sync(self, list(hosts))
        keep(path)
        return None


class ReportHostfile(Command):
    """Print the hosts and their interfaces as a CSV spreadsheet that
    `load hostfile` reads back.

    One row per interface (a host without interfaces gets one row); the host
    columns are filled on each host's first row only.
    """

    path = "report hostfile"
    examples = (Example("report hostfile > hosts.csv", "Saves every host as a spreadsheet."),
                Example("report hostfile a:backend", "Reports the backend hosts only."))
    related = ("load hostfile",)

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        by_host = nics_of(hosts)
        groups = groups_of_hosts()
        kickstart = resolve(hosts, shadow=self.ctx.admin, const=False, pattern="kickstartable")
        rows: list[list] = [HEADER]
        for host in hosts:
            attr = kickstart[host.id].get("kickstartable")
            bootable = attr is not None and truthy(attr.value)
            first = [host.appliance.name, host.rack, host.rank,
                     host.installaction if bootable else None, host.osaction if bootable else None,
                     ",".join(groups.get(host.id, ())) or None, host.box.name, host.comment]
            for n, iface in enumerate(by_host[host.id] or [None]):
                rows.append(hostfile_row(host, iface, first if n == 0 else [None] * 8))
        return report([csv_text(rows)])


IFACE = ("host_id", "device", "default", "network__name", "mac", "ip", "name", "vlan", "options",
         "channel", "id")


def nics_of(hosts: list[m.Host]) -> dict[int, list[tuple]]:
    """Each host's interfaces as IFACE tuples, by device (none first), in one query."""
    ids = {h.id for h in hosts}
    rows = m.Interface.objects.all()
    if len(ids) <= IN_LIMIT:
        rows = rows.filter(host_id__in=ids)
    by_host: dict[int, list[tuple]] = {h.id: [] for h in hosts}
    for row in rows.values_list(*IFACE):
        if row[0] in ids:
            by_host[row[0]].append(row)
    for nics in by_host.values():
        nics.sort(key=lambda r: (r[1] is not None, r[1] or "", r[-1]))
    return by_host


def hostfile_row(host: m.Host, nic: tuple | None, first: list) -> list:
    """NAME, INTERFACE HOSTNAME, DEFAULT, APPLIANCE .. RANK, IP .. VLAN, INSTALLACTION .. COMMENT."""
    if nic is None:
        return [host.name, None, None, *first[:3], *[None] * 7, *first[3:]]
    _, device, default, network, mac, ip, name, vlan, options, channel, _ = nic
    if device and device.startswith("vlan"):
        # As `list host interface` shows them: a VLAN device has no address of its own.
        mac = ip = name = None
    return [host.name, name, True if default else None, *first[:3], ip, mac, device, network,
            channel, options, vlan, *first[3:]]


class UnloadHostfile(Command):
    """Remove the hosts a CSV spreadsheet names (its name column).

    Names of hosts that do not exist are ignored.
    """

    path = "unload hostfile"
    params = (REQUIRED_FILE, PROCESSOR)
    examples = (Example("unload hostfile file=hosts.csv",
                        "Removes every host listed in hosts.csv."),)
    related = ("load hostfile",)

    def run(self, args: list[str], params: Params) -> None:
        rows = read_rows(file_param(params))
        header = [cell.lower() for cell in rows[0][1]] if rows else []
        if "name" not in header:
            raise errors.CommandError('csv file is missing column(s) "name"')
        names: list[str] = []
        for line, row in rows[1:]:
            name = dict(cells(header, line, row)).get("name", "").lower()
            if name and name not in names:
                names.append(name)
        known = {n.lower(): n for n in m.Host.objects.values_list("name", flat=True)}
        doomed = [known[n] for n in names if n in known]
        if doomed:
            # remove host runs sync config itself; no host is left to sync.
            self.call(["remove", "host", *doomed], quiet=True)
