"""Firewall rules at every scope: add/list/remove firewall and their os,
appliance, environment and host wrappers (commands.md §13)."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import Any

from stacki import errors
from stacki.commands.scoped import (
    GLOBAL,
    SCOPES,
    Scope,
    ScopedCommand,
    ScopedRemove,
    derive,
    holders,
    scoped_rows,
    target_fields,
    target_id,
)
from stacki.framework.command import Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory import scopes

TABLES = {"filter": 10, "nat": 20, "raw": 30, "mangle": 40}
ACTIONS = {"ACCEPT": 1, "DROP": 3, "REJECT": 4}  # any other action: 2
REQUIRED = ("chain", "action", "service", "protocol")
SERVICE = re.compile(r"all|(?:\d+(?::\d+)?|[a-z]+)(?:,(?:\d+(?::\d+)?|[a-z]+))*")
COLUMNS = ("name", "table", "service", "protocol", "chain", "action", "network",
           "output-network", "flags", "comment", "source", "type")
FIELDS = ("name", "table", "service", "protocol", "chain", "action", "network__name",
          "output_network__name", "flags", "comment", "id")
# Ports of the frontend's message queue (publish, subscribe, control) and of
# its installation service.
MQ_PUBLISH, MQ_SUBSCRIBE, MQ_CONTROL, LUDICROUS = 5000, 5001, 5002, 3825


def score(table: str, action: str) -> int:
    """Listing order: by table, ACCEPT first and REJECT last within one."""
    return TABLES.get(table, 0) + ACTIONS.get(action, 2)


class AddFirewall(ScopedCommand):
    """Add a global firewall rule, for every host of the cluster.

    service is `all` or a comma list of port numbers, port ranges (N:M) and
    service names. chain and action are upper-cased.
    """

    path = "add firewall"
    params = (
        Param("service", optional=False, help="all, or ports, ranges (N:M) and names."),
        Param("protocol", optional=False, help="tcp, udp, ... or all."),
        Param("chain", optional=False, help="The iptables chain (INPUT, OUTPUT, FORWARD)."),
        Param("action", optional=False, help="The iptables target (ACCEPT, REJECT, DROP)."),
        Param("network", help="The network the rule applies to (default: all)."),
        Param("output-network", help="The output network of the rule (default: all)."),
        Param("flags", help='Extra iptables flags, e.g. "-m state --state NEW".'),
        Param("comment", help="A comment written above the rule."),
        Param("table", help="filter (default), nat, mangle or raw."),
        Param("rulename", help="Name of the rule (default: a random UUID)."),
    )
    examples = (Example("add firewall network=public service=ssh protocol=tcp action=ACCEPT "
                        "chain=INPUT rulename=PUBLIC-SSH",
                        "Accepts ssh on the public network on every host."),)
    related = ("list firewall", "remove firewall")
    wrapper_doc = """Add a firewall rule for one or more {plural}."""
    wrapper_examples = (Example("add {scope} firewall {example} service=8080 protocol=tcp "
                                "action=ACCEPT chain=INPUT rulename=WEB",
                                "Accepts port 8080 on {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        rule = rule_from(params)
        if holders(m.FirewallRule, scope, targets, name=rule["name"]):
            raise errors.CommandError(f'rule named "{rule["name"]}" already exists')
        same = {k: v for k, v in rule.items() if k != "comment" and k != "name"}
        if holders(m.FirewallRule, scope, targets, **same):
            raise errors.CommandError("firewall rule already exists")
        m.FirewallRule.objects.bulk_create(
            m.FirewallRule(**rule, **target_fields(scope, t)) for t in targets)


def rule_from(params: Params) -> dict[str, Any]:
    """The fields of a new rule, validated (Stacki's order of complaints)."""
    for name in REQUIRED:
        if params.get(name) is None:
            raise errors.ParamRequired(name)
    table = params.value("table", "filter")
    if table not in TABLES:
        raise errors.ParamError("table", "is not valid")
    for name in REQUIRED:
        params.require(name)
    networks = {key: network(params.value(key)) for key in ("network", "output-network")}
    service = re.sub(r"\s+", "", params["service"]).lower()
    if not SERVICE.fullmatch(service):
        raise errors.CommandError(f'"{service}" is not a valid service specification')
    return {
        "name": params.value("rulename") or str(uuid.uuid4()),
        "table": table,
        "chain": params["chain"].upper(),
        "action": params["action"].upper(),
        "service": service,
        "protocol": params["protocol"],
        "network": networks["network"],
        "output_network": networks["output-network"],
        "flags": params.value("flags"),
        "comment": params.value("comment"),
    }


def network(name: str | None) -> m.Network | None:
    if name is None:
        return None
    found = m.Network.objects.filter(name=name).first()
    if found is None:
        raise errors.CommandError(f'"{name}" is not a valid network')
    return found


class RemoveFirewall(ScopedRemove):
    """Remove a global firewall rule by name."""

    path = "remove firewall"
    params = (Param("rulename", optional=False, help="Name of the rule."),)
    model, param, field = m.FirewallRule, "rulename", "name"
    missing = 'rule named "{}" does not exist'
    examples = (Example("remove firewall rulename=PUBLIC-SSH", "Removes the rule PUBLIC-SSH."),)
    related = ("add firewall", "list firewall")
    wrapper_doc = """Remove a firewall rule of one or more {plural}."""
    wrapper_examples = (Example("remove {scope} firewall {example} rulename=WEB",
                                "Removes the rule WEB of {example}."),)


class ListFirewall(ScopedCommand):
    """List the global firewall rules.

    Rules come by table, ACCEPT first and REJECT last. At host scope the
    intrinsic rules come first, then each host's rules resolved by name
    (host > environment > os > appliance > global); `source` tells where
    each comes from, `type` is const for intrinsic rules.
    """

    path = "list firewall"
    target_arg = "optional"
    examples = (Example("list firewall", "Lists the global firewall rules."),)
    related = ("add firewall", "remove firewall")
    wrapper_doc = """List the firewall rules of {plural}.

    At host scope the intrinsic rules come first, then each host's rules
    resolved by name (host > environment > os > appliance > global).
    """
    wrapper_examples = (Example("list {scope} firewall {example}",
                                "Lists the firewall rules of {example}."),)

    def run(self, args: list[str], params: Params) -> Table:
        scope = self.scope_of(params)
        targets = self.targets(scope, args)
        owner = "" if scope is GLOBAL else scope.name
        rows = host_rules(targets) if scope.name == "host" else scope_rules(scope, targets)
        return Table([owner, *COLUMNS], rows)


def rule_key(row: tuple) -> tuple[int, int]:
    """By score, ties in creation order (the id ends FIELDS)."""
    return score(row[1], row[5]), row[-1]


def scope_rules(scope: Scope, targets: list) -> list[tuple]:
    by_target: dict[int | None, list[tuple]] = defaultdict(list)
    stored = (row for rows in scoped_rows(m.FirewallRule, scope, targets)
              for row in rows.values_list(target_id(scope), *FIELDS))
    for row in stored:
        by_target[None if scope is GLOBAL else row[0]].append(row[1:])
    rows = []
    for target in targets:
        name, key = ("", None) if target is None else (target.name, target.id)
        rules = sorted(by_target.get(key, ()), key=rule_key)
        rows += [(name, *rule[:-1], scope.letter, "var") for rule in rules]
    return rows


def host_rules(hosts: list[m.Host]) -> list[tuple]:
    resolved = scopes.resolve_rows(m.FirewallRule, hosts, FIELDS)
    intrinsic = intrinsic_rules(hosts)
    rows = []
    for host in hosts:
        rows += [(host.name, *rule) for rule in intrinsic[host.id]]
        found = sorted(resolved[host.id].values(), key=lambda pair: rule_key(pair[1]))
        rows += [(host.name, *row[:-1], SCOPES[s].letter, "var") for s, row in found]
    return rows


def intrinsic_rules(hosts: list[m.Host]) -> dict[int, list[tuple]]:
    """The rules every host gets from the cluster's networks (type const)."""
    networks = list(m.Network.objects.order_by("id").values_list(
        "name", "address", "mask", "dns", "pxe"))
    frontend_ips: dict[str, str] = {}
    if any(h.appliance.name != "frontend" for h in hosts):
        frontend_ips = frontend_addresses()
    return {h.id: frontend_rules(networks) if h.appliance.name == "frontend"
            else backend_rules(networks, frontend_ips) for h in hosts}


def frontend_addresses() -> dict[str, str]:
    """The frontend's address on each network."""
    frontend = m.Host.objects.filter(appliance__name="frontend").order_by("id").first()
    found: dict[str, str] = {}
    if frontend is not None:
        rows = (m.Interface.objects.filter(host=frontend, network__isnull=False, ip__isnull=False)
                .exclude(ip="").order_by("id").values_list("network__name", "ip"))
        for network_name, ip in rows:
            found.setdefault(network_name, ip)
    return found


def _const(name: str, service: str, protocol: str, network: str, flags: str,
           comment: str) -> tuple:
    return (name, "filter", service, protocol, "INPUT", "ACCEPT", network, None, flags,
            f"{comment} on {network} network - Intrinsic rule", "G", "const")


def frontend_rules(networks: list[tuple]) -> list[tuple]:
    rules = []
    for name, address, mask, dns, pxe in networks:
        if pxe:
            rules += [
                _const(f"STACKI-INSTALLATION-{name}",
                       f"http,https,{LUDICROUS},{MQ_SUBSCRIBE},{MQ_CONTROL}", "tcp", name,
                       "-m multiport", "Accept Stacki traffic"),
                _const(f"STACKI-TFTP-{name}", "tftp,bootps,bootpc", "udp", name, "-m multiport",
                       "Accept UDP traffic for TFTP"),
                _const(f"STACKI-MQ-PUBLISH-PORT-{name}", str(MQ_PUBLISH), "udp", name, "",
                       "Accept UDP traffic for SMQ publisher"),
                _const(f"STACKI-NTP-{name}", "ntp", "udp", name, "", "Accept UDP traffic for NTP"),
            ]
        if dns:
            rules.append(_const(f"STACKI-DNS-{name}", "domain", "all", name,
                                f"-s {address}/{mask}", "Accept DNS traffic"))
    return rules


def backend_rules(networks: list[tuple], frontend_ips: dict[str, str]) -> list[tuple]:
    return [_const(f"STACKI-FRONTEND-INGRESS-{name}", "all", "all", name,
                   f"-s {frontend_ips[name]}", "Accept all frontend traffic")
            for name, _, _, _, pxe in networks if pxe and name in frontend_ips]


derive(AddFirewall, globals())
derive(RemoveFirewall, globals())
derive(ListFirewall, globals())
