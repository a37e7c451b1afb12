import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.commands.interfaces import MAC, error, field_of, rows, snapshot
from tests.conftest import Result

ADD_USAGE = ("{host} [channel=string] [default=boolean] [interface=string] [ip=string] "
             "[mac=string] [module=string] [name=string] [network=string] [vlan=string]")
REMOVE_USAGE = "[host ...] [all=bool] [interface=string] [mac=string]"


# --- add host interface --------------------------------------------------------

def test_add_and_list_every_field(stack, backend):
    r = stack("add", "host", "interface", backend, "interface=eth0", "mac=00:11:22:33:44:55",
              "ip=127.0.0.1", "network=private", "name=test_name", "module=test_module",
              "vlan=1", "default=true", "options=test_options", "channel=1")
    assert r == Result(0, "", "")
    assert rows(stack, backend) == """[
        {
                "host": "backend-0-0",
                "interface": "eth0",
                "default": true,
                "network": "private",
                "mac": "00:11:22:33:44:55",
                "ip": "127.0.0.1",
                "name": "test_name",
                "module": "test_module",
                "vlan": 1,
                "options": "test_options",
                "channel": "1"
        }
]
"""


def test_list_text_fresh_and_order(stack, backend):
    stack("add", "host", "interface", backend, "interface=eth1", "mac=00:00:00:00:00:01")
    stack("add", "host", "interface", backend, "mac=00:00:00:00:00:02")
    stack("add", "host", "interface", backend, "interface=eth0")
    r = stack("list", "host", "interface")
    assert r == Result(0, (
        "HOST         INTERFACE DEFAULT NETWORK MAC               IP          NAME         "
        "MODULE VLAN OPTIONS CHANNEL\n"
        "frontend-0-0 eth1      True    private 52:54:00:00:00:02 192.168.0.2 frontend-0-0 "
        "------ ---- ------- -------\n"
        "backend-0-0  --------- ------- ------- 00:00:00:00:00:02 ----------- ------------ "
        "------ ---- ------- -------\n"
        "backend-0-0  eth0      ------- ------- ----------------- ----------- ------------ "
        "------ ---- ------- -------\n"
        "backend-0-0  eth1      ------- ------- 00:00:00:00:00:01 ----------- ------------ "
        "------ ---- ------- -------\n"), "")


def test_list_expanded(stack, two):
    r = stack("list", "host", "interface", two, "expanded=true", "output-format=json")
    assert r.out == """[
        {
                "host": "backend-0-0",
                "interface": "eth0",
                "default": true,
                "network": "private",
                "mac": "00:11:22:33:44:55",
                "ip": "192.168.0.10",
                "mask": "255.255.255.0",
                "gateway": "",
                "name": null,
                "zone": "",
                "dns": false,
                "pxe": true,
                "module": null,
                "vlan": null,
                "options": null,
                "channel": null
        },
        {
                "host": "backend-0-0",
                "interface": "eth1",
                "default": null,
                "network": null,
                "mac": "00:11:22:33:44:66",
                "ip": null,
                "mask": null,
                "gateway": null,
                "name": null,
                "zone": null,
                "dns": null,
                "pxe": null,
                "module": null,
                "vlan": null,
                "options": null,
                "channel": null
        }
]
"""


def test_list_vlan_devices_hide_addresses(stack, backend):
    stack("add", "host", "interface", backend, "interface=vlan3", f"mac={MAC}",
          "ip=192.168.0.9", "network=private", "module=m", "name=n", "vlan=3")
    assert stack("list", "host", "interface", backend).out == (
        "HOST        INTERFACE DEFAULT NETWORK MAC IP NAME MODULE VLAN OPTIONS CHANNEL\n"
        "backend-0-0 vlan3     ------- private --- -- ---- ------ 3    ------- -------\n")


def test_list_unknown_host_and_empty(stack, backend):
    error(stack("list", "host", "interface", "nohost"), 'cannot resolve host "nohost"')
    assert stack("list", "host", "interface", backend) == Result(0, "", "")


def test_add_ip_auto_takes_first_free(stack, backend):
    stack("add", "host", "interface", backend, "interface=eth0", "ip=auto", "network=private")
    assert rows(stack, backend, col="ip") == "192.168.0.1\n"
    stack("set", "network", "gateway", "private", "gateway=192.168.0.3")
    stack("add", "host", "interface", backend, "interface=eth1", "ip=AUTO", "network=private")
    # .2 is the frontend's, .3 the gateway.
    assert rows(stack, backend, col="ip") == "192.168.0.1\n192.168.0.4\n"


# --- shared addresses: accepted as Stacki does, with a warning -------------------

SHARED = "warning - ip 192.168.0.2 exists on frontend-0-0 interface eth1\n"


def test_add_shared_ip_warns_and_adds(stack, backend):
    r = stack("add", "host", "interface", backend, "interface=eth0", "ip=192.168.0.2",
              "network=private")
    assert r == Result(0, "", SHARED)
    assert stack("list", "host", "interface", "output-format=col:ip") == Result(
        0, "192.168.0.2\n192.168.0.2\n", "")


def test_shared_ip_within_one_host_and_without_device(stack, backend):
    stack("add", "host", "interface", backend, "interface=eth0", "ip=192.168.0.10",
          "network=private")
    assert stack("add", "host", "interface", backend, f"mac={MAC}", "ip=192.168.0.10",
                 "network=private", "unsafe=true") == Result(
        0, "", "warning - ip 192.168.0.10 exists on backend-0-0 interface eth0\n")
    assert stack("add", "host", "interface", "frontend-0-0", "interface=eth7",
                 "ip=192.168.0.10", "network=private") == Result(0, "", (
                     "warning - ip 192.168.0.10 exists on backend-0-0\n"
                     "warning - ip 192.168.0.10 exists on backend-0-0 interface eth0\n"))


def test_shared_ip_on_another_network_or_none_is_silent(stack, backend):
    stack("add", "network", "other", "address=192.168.0.0", "mask=24")
    assert stack("add", "host", "interface", backend, "interface=eth0", "ip=192.168.0.2",
                 "network=other") == Result(0, "", "")
    assert stack("add", "host", "interface", backend, "interface=eth1",
                 "ip=192.168.0.2") == Result(0, "", "")


def test_set_ip_shared_warns(stack, two):
    assert stack("set", "host", "interface", "ip", two, "interface=eth0",
                 "ip=192.168.0.2") == Result(0, "", SHARED)
    assert field_of("eth0") == "192.168.0.2"
    # Setting it again draws the warning again; other fields do not.
    assert stack("set", "host", "interface", "module", two, "interface=eth0",
                 "module=e1000") == Result(0, "", "")


def test_ip_auto_skips_shared_addresses(stack, backend):
    stack("add", "host", "interface", backend, "interface=eth0", "ip=192.168.0.2",
          "network=private")
    stack("add", "host", "interface", backend, "interface=eth1", "ip=192.168.0.1",
          "network=private")
    assert stack("add", "host", "interface", backend, "interface=eth2", "ip=auto",
                 "network=private") == Result(0, "", "")
    assert stack("set", "host", "interface", "ip", backend, "interface=eth1",
                 "ip=auto") == Result(0, "", "")
    assert rows(stack, backend, col="ip") == "192.168.0.2\n192.168.0.4\n192.168.0.3\n"


def test_add_ip_auto_network_full(stack, backend):
    stack("add", "network", "tiny", "address=10.0.0.0", "mask=255.255.255.252")
    stack("add", "host", "interface", backend, "interface=eth0", "ip=auto", "network=tiny")
    stack("add", "host", "interface", backend, "interface=eth1", "ip=auto", "network=tiny")
    before = snapshot()
    error(stack("add", "host", "interface", backend, "interface=eth2", "ip=auto",
                "network=tiny"), "no free ip addresses left in the network")
    assert snapshot() == before


def test_add_normalises_and_nulls(stack, backend):
    r = stack("add", "host", "interface", backend, "interface=eth0", "mac=00-1A-2B-3C-4D-5E",
              "ip=NULL", "module=null", "channel=Null", "name=NULL", "vlan=0", "network=PRIVATE")
    assert r == Result(0, "", "")
    iface = m.Interface.objects.get(host__name=backend)
    assert (iface.mac, iface.ip, iface.module, iface.channel, iface.name, iface.vlan,
            iface.network.name) == ("00:1a:2b:3c:4d:5e", None, None, None, backend, None,
                                    "private")


@pytest.mark.parametrize("given, stored", [
    ("001A2B3C4D5E", "00:1a:2b:3c:4d:5e"),
    ("001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e"),
    ("0:1a:2b:3c:4d:5", "00:1a:2b:3c:4d:05"),
    ("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:ee:a1",
     "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:ee:a1"),
])
def test_mac_forms(stack, backend, given, stored):
    assert stack("add", "host", "interface", backend, f"mac={given}").rc == 0
    assert rows(stack, backend, col="mac") == stored + "\n"


def test_add_default_clears_others(stack, two):
    stack("add", "host", "interface", two, "interface=eth2", "default=yes")
    assert rows(stack, two, col="default") == "None\nNone\nTrue\n"


def test_add_second_mac_only_interface(stack, backend):
    assert stack("add", "host", "interface", backend, "mac=00:00:00:00:00:01").rc == 0
    assert stack("add", "host", "interface", backend, "mac=00:00:00:00:00:02").rc == 0


def test_same_mac_on_two_hosts(stack, two):
    stack("add", "host", "backend-0-1")
    assert stack("add", "host", "interface", "backend-0-1", f"mac={MAC}").rc == 0


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', ADD_USAGE),
    (("backend-0-0", "frontend-0-0", "interface=eth9"), '"host" argument must be unique',
     ADD_USAGE),
    (("backend-0-0",), '"interface" or "mac" parameter is required', ADD_USAGE),
    (("backend-0-0", "interface=", "mac="), '"interface" or "mac" parameter is required',
     ADD_USAGE),
    (("backend-0-0", "interface=eth9", "name=a.b"),
     '"name" parameter must be a non-FQDN (base hostname)', ADD_USAGE),
    (("backend-0-0", "interface=eth9", "network=nope"), 'network "nope" does not exist', None),
    (("backend-0-0", "interface=eth9", "vlan=x"), '"vlan" parameter must be an integer',
     ADD_USAGE),
    (("backend-0-0", "interface=eth9", "vlan=5000"),
     '"vlan" parameter must be an integer between 0 and 4094', ADD_USAGE),
    (("backend-0-0", "interface=eth9", "mac=00:11:22"), '"mac" parameter must be a valid MAC address',
     ADD_USAGE),
    (("backend-0-0", "interface=eth9", "mac=zz:11:22:33:44:55"),
     '"mac" parameter must be a valid MAC address', ADD_USAGE),
    (("backend-0-0", "interface=eth9", "ip=auto"), '"network" parameter is required', ADD_USAGE),
    (("backend-0-0", "interface=eth9", "ip=192.168.0.300"),
     '"ip" parameter must be a valid IP address', ADD_USAGE),
    (("backend-0-0", "interface=eth0"), "interface eth0 exists on backend-0-0", None),
    (("backend-0-0", "interface=eth9", "mac=00:11:22:33:44:55"),
     "mac 00:11:22:33:44:55 exists on backend-0-0", None),
    (("backend-0-0", "mac=00:11:22:33:44:55"), "mac 00:11:22:33:44:55 exists on backend-0-0", None),
    (("nohost", "interface=eth9"), 'cannot resolve host "nohost"', None),
])
def test_add_errors(stack, two, words, text, usage):
    before = snapshot()
    error(stack("add", "host", "interface", *words), text, usage)
    assert snapshot() == before


@pytest.mark.parametrize("words, text", [
    (("interface=eth0",), "interface eth0 exists on backend-0-0"),
    (("interface=eth9", f"mac={MAC.upper()}"), f"mac {MAC} exists on backend-0-0"),
])
def test_unsafe_still_held_by_constraints(stack, two, words, text):
    before = snapshot()
    error(stack("add", "host", "interface", two, "unsafe=true", *words), text)
    assert snapshot() == before


def test_same_ip_on_other_network_or_no_network(stack, two):
    stack("add", "network", "other", "address=192.168.0.0", "mask=24")
    assert stack("add", "host", "interface", two, "interface=eth2", "ip=192.168.0.10",
                 "network=other").rc == 0
    assert stack("add", "host", "interface", two, "interface=eth3", "ip=192.168.0.10").rc == 0


# --- remove host interface --------------------------------------------------------

def test_remove_by_interface_mac_and_all(stack, two):
    stack("add", "host", "interface", two, "interface=eth2")
    stack("add", "host", "interface", "alias", two, "interface=eth0", "alias=b00")
    assert stack("remove", "host", "interface", two, "interface=ETH0") == Result(0, "", "")
    assert not m.Alias.objects.exists()
    assert stack("remove", "host", "interface", two, "mac=00-11-22-33-44-66") == Result(0, "", "")
    assert rows(stack, two, col="interface") == "eth2\n"
    assert stack("remove", "host", "interface", two, "all=true") == Result(0, "", "")
    assert rows(stack, two) == ""
    assert rows(stack, "frontend-0-0", col="interface") == "eth1\n"


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', REMOVE_USAGE),
    (("a:replicant", "interface=eth0"), '"host" argument is required', REMOVE_USAGE),
    (("backend-0-0",), '"interface" or "mac" parameter is required', REMOVE_USAGE),
    (("backend-0-0", "all=false"), '"interface" or "mac" parameter is required', REMOVE_USAGE),
    (("backend-0-0", "frontend-0-0", "interface=eth0"),
     'no interface "eth0" exists on frontend-0-0', None),
    (("backend-0-0", "mac=00:00:00:00:00:00"),
     'no mac address "00:00:00:00:00:00" exists on backend-0-0', None),
])
def test_remove_errors(stack, two, words, text, usage):
    before = snapshot()
    error(stack("remove", "host", "interface", *words), text, usage)
    assert snapshot() == before


# --- swap ------------------------------------------------------------------------

SWAP_USAGE = "{host ...} {interfaces=string} [sync-config=boolean]"


def test_swap(stack, two):
    stack("set", "host", "interface", "module", two, "interface=eth0", "module=e1000")
    assert stack("swap", "host", "interface", two, "interfaces=eth0,eth1") == Result(0, "", "")
    assert stack("list", "host", "interface", two) == Result(0, (
        "HOST        INTERFACE DEFAULT NETWORK MAC               IP           NAME MODULE VLAN "
        "OPTIONS CHANNEL\n"
        "backend-0-0 eth0      ------- ------- 00:11:22:33:44:55 ------------ ---- e1000  ---- "
        "------- -------\n"
        "backend-0-0 eth1      True    private 00:11:22:33:44:66 192.168.0.10 ---- ------ ---- "
        "------- -------\n"), "")


@pytest.mark.parametrize("flag, calls", [
    ((), [["sync", "host", "config", "backend-0-0"], ["sync", "host", "network", "backend-0-0"]]),
    (("sync-config=false",), []),
])
def test_swap_syncs_config(stack, two, monkeypatch, flag, calls):
    from stacki.commands.interface import SwapHostInterface

    made = []
    original = SwapHostInterface.call
    monkeypatch.setattr(SwapHostInterface, "call",
                        lambda self, words: made.append(words) or original(self, words))
    assert stack("swap", "host", "interface", two, "interfaces=eth1,eth0", *flag) == \
        Result(0, "", "")
    assert made == calls
    assert rows(stack, two, col="mac") == "00:11:22:33:44:55\n00:11:22:33:44:66\n"


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', SWAP_USAGE),
    (("backend-0-0",), '"interfaces" parameter is required', SWAP_USAGE),
    (("backend-0-0", "interfaces=eth0"), "must supply exactly two interfaces", None),
    (("backend-0-0", "interfaces=eth0,eth1,eth2"), "must supply exactly two interfaces", None),
    (("backend-0-0", "interfaces=eth0,eth9"), "one or more of the interfaces are missing", None),
    (("backend-0-0", "frontend-0-0", "interfaces=eth0,eth1"),
     "one or more of the interfaces are missing", None),
])
def test_swap_errors(stack, two, words, text, usage):
    before = snapshot()
    error(stack("swap", "host", "interface", *words), text, usage)
    assert snapshot() == before


# --- query count ---------------------------------------------------------------------

def make_hosts(start, count):
    backend = m.Appliance.objects.get(name="backend")
    box = m.Box.objects.get(name="default")
    hosts = m.Host.objects.bulk_create([
        m.Host(name=f"node-{n}", appliance=backend, box=box, rack="1", rank=str(n),
               osaction="default", installaction="default")
        for n in range(start, start + count)])
    private = m.Network.objects.get(name="private")
    m.Interface.objects.bulk_create([
        m.Interface(host=h, device="eth0", mac=f"02:00:00:00:{n // 256:02x}:{n % 256:02x}",
                    ip=f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", network=private)
        for n, h in enumerate(hosts, start)])


@pytest.mark.parametrize("words", [(), ("node-*",), ("expanded=true",)])
def test_list_query_count_does_not_grow_with_hosts(stack, words):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert stack("list", "host", "interface", *words, "output-format=null").rc == 0
        return len(ctx.captured_queries)

    stack("list", "host", "interface")  # first-use checks out of the way
    make_hosts(0, 5)
    few = count()
    make_hosts(5, 700)
    assert m.Host.objects.count() == 706
    assert count() == few
    assert few <= 10


@pytest.mark.parametrize("words, result", [
    (("vlan", "node-*", "interface=eth0", "vlan=3"), {"vlan": 3}),
    (("network", "node-*", "interface=eth0", "network=other"), {"network__name": "other"}),
    (("default", "node-*", "network=private"), {"default": True}),
])
def test_set_query_count_does_not_grow_with_hosts(stack, words, result):
    stack("add", "network", "other", "address=10.0.0.0", "mask=8")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert stack("set", "host", "interface", *words) == Result(0, "", "")
        return len(ctx.captured_queries)

    make_hosts(0, 5)
    few = count()
    stack("set", "host", "interface", "network", "node-*", "interface=eth0", "network=private")
    make_hosts(5, 700)
    assert count() == few
    assert m.Interface.objects.filter(host__name__startswith="node-", **result).count() == 705


def test_real_process(stack_process):
    assert stack_process("add", "host", "backend-0-0").rc == 0
    r = stack_process("add", "host", "interface", "backend-0-0", "interface=eth0", "ip=auto",
                      "network=private", "mac=00:11:22:33:44:55")
    assert r == Result(0, "", "")
    r = stack_process("list", "host", "interface", "backend-0-0", "output-format=col:ip")
    assert r == Result(0, "192.168.0.1\n", "")


def test_shared_ip_through_load(stack, tmp_path):
    """A dump whose hosts share an address loads as Stacki's would."""
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"host": [
        {"name": f"backend-0-{n}", "rack": "0", "rank": str(n), "appliance": "backend",
         "interface": [{"interface": "eth0", "network": "private", "ip": "192.168.0.2"}]}
        for n in (0, 1)]}))
    r = stack("load", str(doc), "exec=true")
    assert r.rc == 0
    assert r.err.splitlines() == [
        "warning - ip 192.168.0.2 exists on frontend-0-0 interface eth1",
        "warning - ip 192.168.0.2 exists on backend-0-0 interface eth0",
        "warning - ip 192.168.0.2 exists on frontend-0-0 interface eth1"]
    assert sorted(m.Interface.objects.filter(ip="192.168.0.2").values_list(
        "host__name", flat=True)) == ["backend-0-0", "backend-0-1", "frontend-0-0"]


def test_shared_ip_over_the_web_service(stack, backend):
    from tests.ws.conftest import Api, body

    m.User.create("netadmin", "key-of-netadmin", admin=True)
    api = Api()
    assert api.login("netadmin", "key-of-netadmin").status_code == 200
    reply = api.run(f"add host interface {backend} interface=eth0 ip=192.168.0.2 "
                    "network=private")
    assert (reply.status_code, body(reply)) == (200, {})
    assert field_of() == "192.168.0.2"
