"""Host arguments as a user types them (cli.md §5)."""

import pytest

from stacki.inventory import models as m
from tests.conftest import Result

# cli.md §5.2, in creation order scrambled on purpose: (name, rack, rank, appliance).
CLUSTER = [
    ("backend-0-4", "sector-42", "station-8", "backend"),
    ("stacki-2-12", "2", "12", "backend"),
    ("ethernet-2-43", "2", "43", "switch"),
    ("backend-0-1", "sector-42", "2", "backend"),
    ("stacki-2-2", "2", "2", "backend"),
    ("infiniband-2-20", "2", "20", "switch"),
    ("backend-1-0", "1", "station-11", "backend"),
    ("stacki-2-10", "2", "10", "backend"),
    ("backend-0-3", "sector-42", "4", "backend"),
    ("ethernet-2-1", "2", "1", "switch"),
    ("stacki-2-4", "2", "4", "backend"),
    ("backend-0-0", "0", "0", "backend"),
    ("infiniband-2-18", "2", "18", "switch"),
    ("stacki-2-11", "2", "11", "backend"),
    ("backend-0-2", "sector-42", "3", "backend"),
]
ORDER = ["frontend-0-0", "backend-0-0", "backend-1-0", "ethernet-2-1", "stacki-2-2",
         "stacki-2-4", "stacki-2-10", "stacki-2-11", "stacki-2-12", "infiniband-2-18",
         "infiniband-2-20", "ethernet-2-43", "backend-0-1", "backend-0-2", "backend-0-3",
         "backend-0-4"]


def names(stack, *words):
    r = stack("list", "host", *words, "output-format=col:host")
    assert r.rc == 0 and r.err == "", r
    return r.out.split()


@pytest.fixture
def cluster(stack):
    for name, rack, rank, appliance in CLUSTER:
        assert stack("add", "host", name, f"rack={rack}", f"rank={rank}",
                     f"appliance={appliance}").rc == 0


def test_cluster_order(stack, cluster):
    assert names(stack) == ORDER


def test_arguments_come_back_in_cluster_order_once(stack, cluster):
    assert names(stack, "backend-0-4", "stacki-2-2", "FRONTEND-0-0", "backend-0-4") == [
        "frontend-0-0", "stacki-2-2", "backend-0-4"]


def test_frontends_first_by_string_rack_and_rank_then_ties_in_creation_order(stack):
    for name, rank in (("fe-b", "9"), ("fe-a", "10")):
        stack("add", "host", name, "appliance=frontend", "rack=0", f"rank={rank}")
    for name in ("twin-b", "twin-a"):
        stack("add", "host", name, "appliance=backend", "rack=0", "rank=0")
    assert names(stack) == ["frontend-0-0", "fe-a", "fe-b", "twin-b", "twin-a"]


@pytest.mark.parametrize("selector,expected", [
    ("a:switch", ["ethernet-2-1", "infiniband-2-18", "infiniband-2-20", "ethernet-2-43"]),
    ("a:frontend", ["frontend-0-0"]),
    ("r:sector-42", ["backend-0-1", "backend-0-2", "backend-0-3", "backend-0-4"]),
    ("r:1", ["backend-1-0"]),
    ("o:redhat", ORDER),
    ("o:ubuntu", []),
    ("b:frontend", ["frontend-0-0"]),
    ("e:nope", []),
    ("x:anything", []),
    ("stacki-2-1?", ["stacki-2-10", "stacki-2-11", "stacki-2-12"]),
    ("*-2-1", ["ethernet-2-1"]),
    ("BACKEND-0-[0-2]", ["backend-0-0", "backend-0-1", "backend-0-2"]),
    ("nomatch*", []),
    ("where appliance == 'backend' and rack == '2'",
     ["stacki-2-2", "stacki-2-4", "stacki-2-10", "stacki-2-11", "stacki-2-12"]),
    ('where rack == "sector-42" and not rank == "2"', ["backend-0-2", "backend-0-3", "backend-0-4"]),
    ("where nosuchattr == 'x'", []),
])
def test_selection_forms(stack, cluster, selector, expected):
    assert names(stack, selector) == expected


def test_environment_box_os_and_group_selectors(stack, cluster):
    stack("add", "environment", "test")
    stack("set", "host", "environment", "stacki-2-4", "backend-0-0", "environment=test")
    stack("add", "box", "bionic", "os=ubuntu")
    stack("set", "host", "box", "ethernet-2-43", "box=bionic")
    stack("add", "group", "compute")
    stack("add", "host", "group", "stacki-2-1*", "group=compute")
    assert names(stack, "e:test") == ["backend-0-0", "stacki-2-4"]
    assert names(stack, "b:bionic") == ["ethernet-2-43"]
    assert names(stack, "o:ubuntu") == ["ethernet-2-43"]
    assert names(stack, "g:compute") == ["stacki-2-10", "stacki-2-11", "stacki-2-12"]
    assert names(stack, "g:compute", "e:test", "backend-0-1") == [
        "backend-0-0", "stacki-2-4", "stacki-2-10", "stacki-2-11", "stacki-2-12", "backend-0-1"]
    assert names(stack, "where environment == 'test'") == ["backend-0-0", "stacki-2-4"]


def test_where_syntax_error(stack):
    assert stack("list", "host", "where appliance ==") == Result(
        255, "", 'error - group syntax "appliance =="\n')


def test_ip_fqdn_and_localhost(stack):
    stack("add", "host", "backend-0-0")
    backend = m.Host.objects.get(name="backend-0-0")
    net = m.Network.objects.create(name="lab", address="10.1.0.0", mask="255.255.0.0",
                                   zone="lab.example.com")
    m.Interface.objects.create(host=backend, device="eth0", ip="10.1.0.7", network=net,
                               name="node7")
    assert names(stack, "localhost") == ["frontend-0-0"]
    assert names(stack, "192.168.0.2") == ["frontend-0-0"]
    assert names(stack, "10.1.0.7") == ["backend-0-0"]
    assert names(stack, "node7.lab.example.com") == ["backend-0-0"]
    assert names(stack, "backend-0-0.lab.example.com") == ["backend-0-0"]
    assert stack("list", "host", "10.9.9.9") == Result(
        255, "", 'error - cannot resolve host "10.9.9.9"\n')
    assert stack("list", "host", "node7.other.zone") == Result(
        255, "", 'error - cannot resolve host "node7.other.zone"\n')


@pytest.mark.parametrize("word,message", [
    ("backend", 'use "a:backend" for backend appliances'),
    ("test", 'use "e:test" for hosts in the test environment'),
    ("ubuntu", 'use "o:ubuntu" for ubuntu hosts'),
    # `default` is a box and a group: the box comes first.
    ("default", 'use "b:default" for hosts using the default box'),
    ("compute", 'use "g:compute" for host in the compute group'),
    ("rack7", 'use "r:rack7" for hosts in rack7'),
    ("nothere", 'cannot resolve host "nothere"'),
])
def test_unknown_host_messages(stack, word, message):
    stack("add", "environment", "test")
    stack("add", "group", "compute")
    assert stack("list", "host", word) == Result(255, "", f"error - {message}\n")
    # Commands that require hosts say the same, without a usage line.
    assert stack("set", "host", "rack", word, "rack=1") == Result(255, "", f"error - {message}\n")


def test_required_hosts(stack):
    usage = "{host ...} {rack=string}"
    for words in ((), ("a:nope",), ("nomatch*",)):
        assert stack("set", "host", "rack", *words, "rack=1") == Result(
            255, "", f'error - "host" argument is required\n{usage}\n')


def test_list_accepts_an_empty_selection(stack):
    assert stack("list", "host", "a:nope") == Result(0, "", "")
