import pytest

from stacki.framework.command import resolve
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import TARGETS, as_json, bulk_backends, error, query_counts
from tests.conftest import Result

backend, in_test = scopes.backend, scopes.in_test  # fixtures

PARAMS = "{address=string} {gateway=string} [interface=string] [netmask=string]"
SCOPES = ("os", "appliance", "environment", "host")
USAGES = {
    "add route": PARAMS,
    "list route": "",
    "remove route": "{address=string}",
    "list host route": "[host]",
    "add host route": f"{{host ...}} {PARAMS} [syncnow=string]",
    "remove host route": "{host ...} {address=string} [syncnow=string]",
    **{f"add {s} route": f"{{{s} ...}} {PARAMS}" for s in SCOPES[:3]},
    **{f"list {s} route": f"[{s} ...]" for s in SCOPES[:3]},
    **{f"remove {s} route": f"{{{s} ...}} {{address=string}}" for s in SCOPES[:3]},
}
FRESH = [
    {"network": "224.0.0.0", "netmask": "255.255.255.0", "gateway": None, "subnet": "private",
     "interface": None},
    {"network": "255.255.255.255", "netmask": "255.255.255.255", "gateway": None,
     "subnet": "private", "interface": None},
]





@pytest.mark.parametrize("path, usage", sorted(USAGES.items()))
def test_usage_lines(path, usage):
    assert resolve(path.split()).command.usage() == usage


def test_fresh_routes(stack):
    assert as_json(stack("list", "route", "output-format=json")) == FRESH
    assert stack("list", "route") == Result(0, (
        "NETWORK         NETMASK         GATEWAY SUBNET  INTERFACE\n"
        "224.0.0.0       255.255.255.0   ------- private ---------\n"
        "255.255.255.255 255.255.255.255 ------- private ---------\n"), "")


@pytest.mark.parametrize("words, route", [
    (("gateway=private",),
     {"gateway": None, "interface": None, "netmask": "255.255.255.255", "subnet": "private"}),
    (("gateway=192.168.0.1", "netmask=255.255.255.0"),
     {"gateway": "192.168.0.1", "interface": None, "netmask": "255.255.255.0", "subnet": None}),
    (("gateway=192.168.0.1", "interface=eth0", "netmask="),
     {"gateway": "192.168.0.1", "interface": "eth0", "netmask": "255.255.255.255",
      "subnet": None}),
    (("gateway=eth2", "interface="),
     {"gateway": "eth2", "interface": None, "netmask": "255.255.255.255", "subnet": None}),
])
def test_add_route(stack, words, route):
    assert stack("add", "route", "address=192.168.0.2", *words) == Result(0, "", "")
    assert as_json(stack("list", "route", "output-format=json")) == [
        {"network": "192.168.0.2", **route}] + FRESH


def test_add_route_errors(stack):
    error(stack("add", "route", "gateway=192.168.0.1"), '"address" parameter is required', PARAMS)
    error(stack("add", "route", "address=192.168.0.2"), '"gateway" parameter is required', PARAMS)
    error(stack("add", "route", "address=224.0.0.0", "gateway=private"),
          'route for "224.0.0.0" already exists')
    error(stack("add", "route", "x", "address=1.2.3.4", "gateway=private"),
          "Arguments are not allowed at the global scope.")
    error(stack("list", "route", "scope=foo"), '"scope" parameter is not valid', "")


@pytest.mark.parametrize("scope", SCOPES)
def test_wrappers_need_a_target(stack, scope):
    error(stack("add", scope, "route", "address=1.2.3.4", "gateway=private"),
          f'"{scope}" argument is required', USAGES[f"add {scope} route"])
    error(stack("remove", scope, "route", "address=1.2.3.4"),
          f'"{scope}" argument is required', USAGES[f"remove {scope} route"])


def test_bad_targets(stack):
    error(stack("add", "appliance", "route", "nope", "address=1.2.3.4", "gateway=private"),
          '"nope" argument is not a valid appliance', USAGES["add appliance route"])
    error(stack("add", "host", "route", "nope", "address=1.2.3.4", "gateway=private"),
          'cannot resolve host "nope"')


@pytest.mark.parametrize("scope", SCOPES)
def test_add_list_remove_at_each_scope(stack, in_test, scope):
    target = TARGETS[scope]
    assert stack("add", scope, "route", target, "address=10.9.0.0", "netmask=255.255.0.0",
                 "gateway=10.0.0.1") == Result(0, "", "")
    error(stack("add", scope, "route", target, "address=10.9.0.0", "gateway=private"),
          'route for "10.9.0.0" already exists')
    if scope != "host":
        r = stack("list", scope, "route", target, "output-format=json")
        assert as_json(r) == [{scope: target, "network": "10.9.0.0", "netmask": "255.255.0.0",
                               "gateway": "10.0.0.1", "subnet": None, "interface": None}]
    r = stack("list", "host", "route", "backend-0-0", "output-format=col:source")
    assert r.out == f"{scope[0].upper()}\nG\nG\n"
    assert stack("remove", scope, "route", target, "address=10.9.0.0") == Result(0, "", "")
    error(stack("remove", scope, "route", target, "address=10.9.0.0"),
          'route with address "10.9.0.0" does not exist')
    assert stack("list", "host", "route", "backend-0-0", "output-format=col:network").out == \
        "224.0.0.0\n255.255.255.255\n"


def test_remove_global_route(stack):
    assert stack("remove", "route", "address=224.0.0.0") == Result(0, "", "")
    assert as_json(stack("list", "route", "output-format=json")) == FRESH[1:]
    error(stack("remove", "route", "address=224.0.0.0"),
          'route with address "224.0.0.0" does not exist')
    error(stack("remove", "route"), '"address" parameter is required', "{address=string}")


def test_remove_needs_the_route_at_every_target(stack, backend):
    stack("add", "host", "route", "backend-0-0", "address=10.1.1.1", "gateway=private")
    before = m.Route.objects.count()
    error(stack("remove", "host", "route", "backend-0-0", "frontend-0-0", "address=10.1.1.1"),
          'route with address "10.1.1.1" does not exist')
    assert m.Route.objects.count() == before


def test_list_os_route_owner_column(stack):
    stack("add", "os", "route", "redhat", "sles", "address=10.0.0.0", "gateway=private")
    assert stack("list", "os", "route") == Result(0, (
        "OS     NETWORK  NETMASK         GATEWAY SUBNET  INTERFACE\n"
        "redhat 10.0.0.0 255.255.255.255 ------- private ---------\n"
        "sles   10.0.0.0 255.255.255.255 ------- private ---------\n"), "")
    assert stack("list", "environment", "route") == Result(0, "", "")


def test_host_scope_resolving(stack, in_test):
    for scope, address in (("", "3"), ("appliance backend", "4"), ("os redhat", "5"),
                           ("environment test", "6"), ("host backend-0-0", "7")):
        for addr in (f"192.168.0.{address}", "192.168.0.8"):
            words = ["add", *scope.split()[:1], "route", *scope.split()[1:],
                     f"address={addr}", "gateway=private"]
            assert stack(*words) == Result(0, "", ""), words
    r = stack("list", "host", "route", "backend-0-0")
    assert r == Result(0, (
        "HOST        NETWORK         NETMASK         GATEWAY SUBNET  INTERFACE SOURCE\n"
        "backend-0-0 192.168.0.3     255.255.255.255 ------- private --------- G\n"
        "backend-0-0 192.168.0.4     255.255.255.255 ------- private --------- A\n"
        "backend-0-0 192.168.0.5     255.255.255.255 ------- private --------- O\n"
        "backend-0-0 192.168.0.6     255.255.255.255 ------- private --------- E\n"
        "backend-0-0 192.168.0.7     255.255.255.255 ------- private --------- H\n"
        "backend-0-0 192.168.0.8     255.255.255.255 ------- private --------- H\n"
        "backend-0-0 224.0.0.0       255.255.255.0   ------- private --------- G\n"
        "backend-0-0 255.255.255.255 255.255.255.255 ------- private --------- G\n"), "")


def test_host_routes_use_the_hosts_device(stack, backend):
    private = m.Network.objects.get(name="private")
    m.Interface.objects.create(host=backend, device="vlan5", network=private, ip="192.168.0.9")
    m.Interface.objects.create(host=backend, device="eth0", network=private, ip="192.168.0.10",
                               default=True)
    stack("add", "route", "address=10.0.0.1", "gateway=10.0.0.254", "interface=eth9")
    r = stack("list", "host", "route", "output-format=json")
    assert [(row["host"], row["network"], row["interface"]) for row in as_json(r)] == [
        ("frontend-0-0", "10.0.0.1", "eth9"),
        ("frontend-0-0", "224.0.0.0", "eth1"),
        ("frontend-0-0", "255.255.255.255", "eth1"),
        ("backend-0-0", "10.0.0.1", "eth9"),
        ("backend-0-0", "224.0.0.0", "eth0"),
        ("backend-0-0", "255.255.255.255", "eth0"),
    ]


def test_host_routes_of_other_hosts_stay_out(stack, backend):
    stack("add", "host", "backend-0-1")
    stack("add", "host", "route", "backend-0-1", "address=192.168.0.11", "gateway=private")
    stack("add", "host", "route", "backend-0-0", "address=192.168.0.10", "gateway=private")
    r = stack("list", "host", "route", "backend-0-0", "output-format=json")
    assert as_json(r)[0] == {"host": "backend-0-0", "network": "192.168.0.10",
                             "netmask": "255.255.255.255", "gateway": None, "subnet": "private",
                             "interface": None, "source": "H"}
    assert len(as_json(r)) == 3


def test_list_host_route_queries_do_not_grow():
    def add(start, count):
        m.Route.objects.bulk_create([
            m.Route(scope="host", host=h, address="10.0.0.1", netmask="255.255.255.255")
            for h in bulk_backends(start, count)])

    add(0, 5)
    words = ("list host route", "list host route backend-9-1", "list host route a:backend")
    small = query_counts(words)
    add(5, 600)
    assert query_counts(words) == small
