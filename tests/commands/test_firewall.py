import re

import pytest

from stacki.framework.command import resolve
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import TARGETS, as_json, bulk_backends, error, query_counts
from tests.conftest import Result

backend, in_test = scopes.backend, scopes.in_test  # fixtures

PARAMS = ("{action=string} {chain=string} {protocol=string} {service=string} [comment=string] "
          "[flags=string] [network=string] [output-network=string] [rulename=string] "
          "[table=string]")
SCOPES = ("os", "appliance", "environment", "host")
USAGES = {
    "add firewall": PARAMS,
    "list firewall": "",
    "remove firewall": "{rulename=string}",
    **{f"add {s} firewall": f"{{{s} ...}} {PARAMS}" for s in SCOPES},
    **{f"list {s} firewall": f"[{s} ...]" for s in SCOPES},
    **{f"remove {s} firewall": f"{{{s} ...}} {{rulename=string}}" for s in SCOPES},
}
RULE = ("service=1234", "chain=INPUT", "action=ACCEPT", "protocol=TCP")
DEFAULTS = [
    ("LOOPBACK-NET", "all", "all", "ACCEPT", None, "-i lo",
     "Accept all traffic over loopback interface"),
    ("SSH", "ssh", "tcp", "ACCEPT", None, "-m state --state NEW",
     "Accept all ssh traffic on all networks"),
    ("PRIVATE-RELATED", "all", "all", "ACCEPT", None, "-m state --state RELATED,ESTABLISHED",
     "Accept related and established connections"),
    ("PRIVATE-NET", "all", "all", "ACCEPT", "private", None,
     "Accept all traffic on private network"),
    ("REJECT-ALL", "all", "all", "REJECT", None, None, "Block all traffic"),
]


def rule(name, service, protocol, action="ACCEPT", network=None, flags=None, comment=None,
         source="G", type_="var", table="filter", output=None):
    return {"name": name, "table": table, "service": service, "protocol": protocol,
            "chain": "INPUT", "action": action, "network": network, "output-network": output,
            "flags": flags, "comment": comment, "source": source, "type": type_}


def intrinsic(name, service, protocol, flags, comment):
    return rule(name, service, protocol, network="private", flags=flags, type_="const",
                comment=f"{comment} on private network - Intrinsic rule")


DEFAULT_RULES = [rule(n, s, p, action=a, network=net, flags=f, comment=c)
                 for n, s, p, a, net, f, c in DEFAULTS]
FRONTEND = [
    intrinsic("STACKI-INSTALLATION-private", "http,https,3825,5001,5002", "tcp", "-m multiport",
              "Accept Stacki traffic"),
    intrinsic("STACKI-TFTP-private", "tftp,bootps,bootpc", "udp", "-m multiport",
              "Accept UDP traffic for TFTP"),
    intrinsic("STACKI-MQ-PUBLISH-PORT-private", "5000", "udp", "",
              "Accept UDP traffic for SMQ publisher"),
    intrinsic("STACKI-NTP-private", "ntp", "udp", "", "Accept UDP traffic for NTP"),
]
DNS = intrinsic("STACKI-DNS-private", "domain", "all", "-s 192.168.0.0/255.255.255.0",
                "Accept DNS traffic")
INGRESS = intrinsic("STACKI-FRONTEND-INGRESS-private", "all", "all", "-s 192.168.0.2",
                    "Accept all frontend traffic")




def listed(stack, *words):
    return as_json(stack("list", *words, "output-format=json"))


def host_rows(stack, host):
    rows = listed(stack, "host", "firewall", host)
    assert {row.pop("host") for row in rows} == {host}
    return rows



@pytest.mark.parametrize("path, usage", sorted(USAGES.items()))
def test_usage_lines(path, usage):
    assert resolve(path.split()).command.usage() == usage


def test_fresh_global_rules(stack):
    assert listed(stack, "firewall") == DEFAULT_RULES
    r = stack("list", "firewall")
    assert r.out.splitlines()[0].split() == [
        "NAME", "TABLE", "SERVICE", "PROTOCOL", "CHAIN", "ACTION", "NETWORK", "OUTPUT-NETWORK",
        "FLAGS", "COMMENT", "SOURCE", "TYPE"]
    assert r.out.splitlines()[4] == (
        "PRIVATE-NET     filter all     all      INPUT ACCEPT private -------------- "
        "------------------------------------ Accept all traffic on private network      G      var")


@pytest.mark.parametrize("words, text", [
    ((), '"chain" parameter is required'),
    (("chain=INPUT", "action=ACCEPT", "protocol=TCP"), '"service" parameter is required'),
    (('service=', "chain=INPUT", "action=ACCEPT", "protocol=TCP"),
     '"service" parameter is required'),
    (("service=1234", "action=ACCEPT", "protocol=TCP"), '"chain" parameter is required'),
    (("service=1234", "chain=", "action=ACCEPT", "protocol=TCP"),
     '"chain" parameter is required'),
    (("service=1234", "chain=INPUT", "protocol=TCP"), '"action" parameter is required'),
    (("service=1234", "chain=INPUT", "action=", "protocol=TCP"), '"action" parameter is required'),
    (("service=1234", "chain=INPUT", "action=ACCEPT"), '"protocol" parameter is required'),
    (("service=1234", "chain=INPUT", "action=ACCEPT", "protocol="),
     '"protocol" parameter is required'),
    (("table=foo", *RULE, "rulename=test"), '"table" parameter is not valid'),
])
def test_add_usage_errors(stack, words, text):
    error(stack("add", "firewall", *words), text, PARAMS)


@pytest.mark.parametrize("words, text", [
    (("service=1:2:3", "chain=INPUT", "action=ACCEPT", "protocol=TCP"),
     '"1:2:3" is not a valid service specification'),
    (("service=0foo", "chain=INPUT", "action=ACCEPT", "protocol=TCP"),
     '"0foo" is not a valid service specification'),
    ((*RULE, "network=test"), '"test" is not a valid network'),
    ((*RULE, "output-network=test"), '"test" is not a valid network'),
    (("x", *RULE), "Arguments are not allowed at the global scope."),
])
def test_add_errors(stack, words, text):
    before = m.FirewallRule.objects.count()
    error(stack("add", "firewall", *words), text)
    assert m.FirewallRule.objects.count() == before


@pytest.mark.parametrize("words, expected", [
    ((), rule("test", "1234", "TCP")),
    (("network=private",), rule("test", "1234", "TCP", network="private")),
    (("network=", "output-network=private"), rule("test", "1234", "TCP", output="private")),
    (("table=nat", "network=private", "output-network=private", "flags=test_flag",
      "comment=test_comment"),
     rule("test", "1234", "TCP", network="private", output="private", flags="test_flag",
          comment="test_comment", table="nat")),
    (("table=nat", "network=", "output-network=", "flags=", "comment="),
     rule("test", "1234", "TCP", table="nat")),
])
def test_add_firewall(stack, words, expected):
    assert stack("add", "firewall", *RULE, "rulename=test", *words) == Result(0, "", "")
    assert [r for r in listed(stack, "firewall") if r["name"] == "test"] == [expected]


def test_add_normalises(stack):
    words = ("service= SSH, 8080:8090 ", "chain=input", "action=drop", "protocol=tcp",
             "rulename=N")
    assert stack("add", "firewall", *words) == Result(0, "", "")
    assert [r for r in listed(stack, "firewall") if r["name"] == "N"] == [
        rule("N", "ssh,8080:8090", "tcp", action="DROP")]


@pytest.mark.parametrize("extra", [(), ("rulename=",)])
def test_rule_name_defaults_to_a_uuid(stack, extra):
    assert stack("add", "firewall", *RULE, *extra) == Result(0, "", "")
    [new] = [r for r in listed(stack, "firewall") if r["service"] == "1234"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        new.pop("name"))


def test_duplicates(stack):
    assert stack("add", "firewall", *RULE, "rulename=test").rc == 0
    error(stack("add", "firewall", *RULE, "rulename=test"), 'rule named "test" already exists')
    error(stack("add", "firewall", *RULE, "rulename=other"), "firewall rule already exists")
    assert stack("add", "firewall", *RULE, "rulename=other", "flags=-x").rc == 0


@pytest.mark.parametrize("scope", SCOPES)
def test_wrappers_need_a_target(stack, scope):
    error(stack("add", scope, "firewall", *RULE), f'"{scope}" argument is required',
          USAGES[f"add {scope} firewall"])
    error(stack("remove", scope, "firewall", "rulename=x"), f'"{scope}" argument is required',
          USAGES[f"remove {scope} firewall"])


def test_bad_targets(stack):
    error(stack("add", "environment", "firewall", "nope", *RULE),
          '"nope" argument is not a valid environment', USAGES["add environment firewall"])
    error(stack("list", "host", "firewall", "nope"), 'cannot resolve host "nope"')


@pytest.mark.parametrize("scope", SCOPES)
def test_add_list_remove_at_each_scope(stack, in_test, scope):
    target = TARGETS[scope]
    assert stack("add", scope, "firewall", target, *RULE, "rulename=R") == Result(0, "", "")
    error(stack("add", scope, "firewall", target, *RULE, "rulename=R"),
          'rule named "R" already exists')
    expected = rule("R", "1234", "TCP", source=scope[0].upper())
    assert [r for r in host_rows(stack, "backend-0-0") if r["name"] == "R"] == [expected]
    if scope != "host":
        assert listed(stack, scope, "firewall", target) == [{scope: target, **expected}]
    assert stack("remove", scope, "firewall", target, "rulename=R") == Result(0, "", "")
    error(stack("remove", scope, "firewall", target, "rulename=R"),
          'rule named "R" does not exist')
    assert host_rows(stack, "backend-0-0") == [INGRESS] + DEFAULT_RULES


def test_remove_global_rule(stack):
    assert stack("remove", "firewall", "rulename=SSH") == Result(0, "", "")
    assert listed(stack, "firewall") == [r for r in DEFAULT_RULES if r["name"] != "SSH"]
    error(stack("remove", "firewall", "rulename=SSH"), 'rule named "SSH" does not exist')
    error(stack("remove", "firewall"), '"rulename" parameter is required', "{rulename=string}")


def test_frontend_intrinsic_rules(stack):
    assert host_rows(stack, "frontend-0-0") == FRONTEND + DEFAULT_RULES
    m.Network.objects.filter(name="private").update(dns=True)
    assert host_rows(stack, "frontend-0-0") == FRONTEND + [DNS] + DEFAULT_RULES


def test_backend_intrinsic_rules(stack, backend):
    assert host_rows(stack, "backend-0-0") == [INGRESS] + DEFAULT_RULES
    m.Network.objects.filter(name="private").update(pxe=False)
    assert host_rows(stack, "backend-0-0") == DEFAULT_RULES


def test_scope_overriding(stack, in_test):
    scopes = (("", ""), ("appliance", "backend"), ("os", "redhat"), ("environment", "test"),
              ("host", "backend-0-0"))
    for n, (scope, target) in enumerate(scopes, start=1):
        for service, name in ((n, f"{scope or 'global'}_rule"), (n + 5, "override_rule")):
            words = ["add", scope, "firewall", target, f"service={service}", "chain=INPUT",
                     "action=ACCEPT", "protocol=TCP", f"rulename={name}"]
            assert stack(*[w for w in words if w]) == Result(0, "", ""), words
    rows = host_rows(stack, "backend-0-0")
    assert [(r["name"], r["service"], r["source"]) for r in rows] == [
        ("STACKI-FRONTEND-INGRESS-private", "all", "G"),
        ("LOOPBACK-NET", "all", "G"), ("SSH", "ssh", "G"), ("PRIVATE-RELATED", "all", "G"),
        ("PRIVATE-NET", "all", "G"), ("global_rule", "1", "G"), ("appliance_rule", "2", "A"),
        ("os_rule", "3", "O"), ("environment_rule", "4", "E"), ("host_rule", "5", "H"),
        ("override_rule", "10", "H"), ("REJECT-ALL", "all", "G")]


def test_order_by_table_and_action(stack):
    for name, action, table in (("a", "REJECT", "nat"), ("b", "LOG", "filter"),
                                ("c", "DROP", "filter"), ("d", "ACCEPT", "mangle"),
                                ("e", "ACCEPT", "raw")):
        assert stack("add", "appliance", "firewall", "backend", f"service={name}",
                     "chain=INPUT", f"action={action}", "protocol=all", f"rulename={name}",
                     f"table={table}").rc == 0
    r = stack("list", "appliance", "firewall", "output-format=col:name")
    assert r == Result(0, "b\nc\na\ne\nd\n", "")


def test_list_host_firewall_queries_do_not_grow(stack):
    bulk_backends(0, 5)
    stack("add", "host", "firewall", "backend-9-1", *RULE, "rulename=one")
    words = ("list host firewall", "list host firewall a:backend", "list host firewall backend-9-1")
    small = query_counts(words)
    bulk_backends(5, 600)
    stack("add", "host", "firewall", "backend-9-*", *RULE, "rulename=many")
    assert query_counts(words) == small
