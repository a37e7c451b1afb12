"""A host's static routes and iptables rules as files: `report host route`
and `report host firewall`, from the rows `list host route|firewall` resolve."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from stacki.commands.firewall import host_rules
from stacki.commands.report_common import host_report, stack_file
from stacki.commands.route import host_routes
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Table
from stacki.inventory import models as m

HOSTS = Arg("host", repeat=True, help="One or more host names or selections (a:backend, ...).")
TABLES = ("filter", "nat", "raw", "mangle")
FILTER_POLICIES = (":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]")


def _os(host: m.Host) -> str:
    return host.box.os.name


# --- report host route ----------------------------------------------------------

def redhat_route(network: str, netmask: str, via: str | None) -> str | None:
    """One line of /etc/sysconfig/static-routes; the default route is written
    elsewhere (the default interface's gateway)."""
    if network == "0.0.0.0" or not via:
        return None
    target = f"host {network}" if netmask == "255.255.255.255" else \
        f"net {network} netmask {netmask}"
    hop = f"gw {via}" if via.count(".") == 3 else f"dev {via}"
    return f"any {target} {hop}"


def sles_routes(rows: list[tuple], default: tuple[str, str] | None) -> list[str]:
    """/etc/sysconfig/network/routes: destination, gateway, netmask, device."""
    lines = []
    for _, network, netmask, gateway, subnet, interface, _ in sorted(rows, key=lambda r: r[1]):
        if subnet is not None or not gateway:
            # Through a network: the host's device on it, no gateway.
            lines.append(f"{network}\t0.0.0.0\t{netmask}\t{interface}")
        else:
            lines.append(f"{network}\t{gateway}\t{netmask}\t{interface or '-'}")
    if default is not None:
        gateway, device = default
        lines.append(f"default\t{gateway}\t0.0.0.0\t{device}")
    return lines


def default_routes(hosts: list[m.Host]) -> dict[int, tuple[str, str]]:
    """Each host's default interface's device and its network's gateway."""
    found: dict[int, tuple[str, str]] = {}
    rows = m.Interface.objects.filter(
        host_id__in=[h.id for h in hosts], default=True, network__isnull=False,
        device__isnull=False).exclude(network__gateway__isnull=True).exclude(
        network__gateway="").order_by("id").values_list("host_id", "network__gateway", "device")
    for host_id, gateway, device in rows:
        found.setdefault(host_id, (gateway, device))
    return found


class ReportHostRoute(Command):
    """Print the static routes of hosts as their OS reads them.

    Routes are resolved as `list host route` shows them. Redhat hosts get
    /etc/sysconfig/static-routes (`any net N netmask M gw G`, `any host N gw G`,
    `dev D` for a route through a network). SLES hosts get
    /etc/sysconfig/network/routes, ending with the default route through the
    default interface's gateway.
    """

    path = "report host route"
    args = (HOSTS,)
    examples = (Example("report host route backend-0-0",
                        "Prints the static routes file of backend-0-0."),)
    related = ("list host route", "report host interface")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args, required=True)
        by_host: dict[str, list[tuple]] = defaultdict(list)
        for row in host_routes(hosts):
            by_host[row[0]].append(row)
        defaults = default_routes([h for h in hosts if _os(h) == "sles"])
        return host_report(pair for h in hosts
                           for pair in self.lines(h, by_host[h.name], defaults.get(h.id)))

    @staticmethod
    def lines(host: m.Host, rows: list[tuple],
              default: tuple[str, str] | None) -> Iterator[tuple[str, str]]:
        if _os(host) == "sles":
            body = sles_routes(rows, default)
            name = "/etc/sysconfig/network/routes"
        else:
            body = [line for _, network, netmask, gateway, _, interface, _ in rows
                    if (line := redhat_route(network, netmask, gateway or interface))]
            name = "/etc/sysconfig/static-routes"
        return ((host.name, line) for line in stack_file(name, body))


# --- report host firewall ---------------------------------------------------------

def devices_on_networks(hosts: list[m.Host]) -> dict[tuple[int, str], str]:
    """(host id, network name) -> the host's first device on that network."""
    found: dict[tuple[int, str], str] = {}
    rows = m.Interface.objects.filter(
        host_id__in=[h.id for h in hosts], network__isnull=False,
        device__isnull=False).order_by("id").values_list("host_id", "network__name", "device")
    for host_id, network, device in rows:
        found.setdefault((host_id, network), device)
    return found


def stacki_order(rules: list[tuple]) -> list[tuple]:
    """Intrinsic rules, then ACCEPT, other actions, REJECT and DROP; within each,
    the reverse of the listing order, as Stacki takes them off the list's end."""
    kinds: dict[str, list[tuple]] = {"const": [], "ACCEPT": [], "other": [], "REJECT": []}
    for rule in reversed(rules):
        action, kind = rule[6], rule[12]
        if kind == "const":
            kinds["const"].append(rule)
        elif action == "ACCEPT":
            kinds["ACCEPT"].append(rule)
        elif action in ("REJECT", "DROP"):
            kinds["REJECT"].append(rule)
        else:
            kinds["other"].append(rule)
    return kinds["const"] + kinds["ACCEPT"] + kinds["other"] + kinds["REJECT"]


def iptables_rule(rule: tuple, device_on) -> list[str] | None:
    """The comment and -A line(s) of one rule; None when its network is not the host's."""
    _, _, table, service, protocol, chain, action, network, output, flags, comment = rule[:11]
    line = f"-A {chain}"
    if network not in (None, "all"):
        device = device_on(network)
        if device is None:
            return None
        line += f" -i {device}"
    if output not in (None, "all"):
        device = device_on(output)
        if device is not None:
            line += f" -o {device}"
    line += f" -j {action}"
    if protocol not in (None, "all"):
        line += f" -p {protocol}"
    if flags:
        line += f" {flags}"
    lines = [line]
    if service not in (None, "all"):
        if protocol == "all":
            lines = [f"{line} -p tcp --dport {service}", f"{line} -p udp --dport {service}"]
        else:
            lines = [f"{line} --dport {service}"]
    if comment is not None:
        note = f"# {comment}"
    else:
        note = f"# {action} rule" + (" for all networks" if network == "all" else
                                      f" for {network} network" if network is not None else "")
    return [note, *lines, ""]


def iptables(host: m.Host, rules: list[tuple], devices: dict[tuple[int, str], str]) -> list[str]:
    by_table: dict[str, list[tuple]] = defaultdict(list)
    for rule in stacki_order(rules):
        by_table[rule[2]].append(rule)
    lines: list[str] = []
    for table in TABLES:
        if table not in by_table:
            continue
        lines.append(f"*{table}")
        if table == "filter":
            lines += FILTER_POLICIES
        for rule in by_table[table]:
            lines += iptables_rule(rule, lambda net: devices.get((host.id, net))) or []
        lines.append("COMMIT")
    return lines


class ReportHostFirewall(Command):
    """Print the iptables rules file (/etc/sysconfig/iptables) of hosts.

    The rules are those `list host firewall` resolves, ordered as Stacki
    writes them: intrinsic rules, then ACCEPT, other actions, and REJECT and
    DROP last, grouped by table (filter, nat, raw, mangle). A rule on a
    network the host has no interface on is left out.
    """

    path = "report host firewall"
    args = (HOSTS,)
    examples = (Example("report host firewall backend-0-0",
                        "Prints the iptables rules of backend-0-0."),)
    related = ("list host firewall", "add host firewall")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args, required=True)
        by_host: dict[str, list[tuple]] = defaultdict(list)
        for row in host_rules(hosts):
            by_host[row[0]].append(row)
        devices = devices_on_networks(hosts)
        return host_report(
            (h.name, line) for h in hosts
            for line in stack_file("/etc/sysconfig/iptables",
                                   iptables(h, by_host[h.name], devices), perms="500"))
