import json

import pytest

from stacki.inventory import models as m
from tests.conftest import Result

BONDED_USAGE = ("{host} [channel=string] [interfaces=string] [ip=string] [name=string] "
                "[network=string] [options=string]")
BRIDGE_USAGE = "{host} [interface=string] [name=string] [network=string]"


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


def snapshot():
    return list(m.Interface.objects.order_by("id").values())


def nics(stack, host="backend-0-0"):
    r = stack("list", "host", "interface", host, "output-format=json")
    return [{k: v for k, v in nic.items() if v is not None} for nic in json.loads(r.out)]


@pytest.fixture
def backend(stack):
    assert stack("add", "host", "backend-0-0").rc == 0
    assert stack("add", "host", "interface", "backend-0-0", "interface=eth0").rc == 0
    return "backend-0-0"


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', BONDED_USAGE),
    (("a:nothing",), '"host" argument is required', BONDED_USAGE),
    (("frontend-0-0", "backend-0-0"), '"host" argument must be unique', BONDED_USAGE),
    (("backend-0-0",), '"channel" parameter is required', BONDED_USAGE),
    (("backend-0-0", "channel=bond0"), '"interfaces" parameter is required', BONDED_USAGE),
    (("backend-0-0", "channel=bond0", "interfaces=eth0,eth1"), '"ip" parameter is required',
     BONDED_USAGE),
    (("backend-0-0", "channel=bond0", "interfaces=eth0,eth1", "ip=192.168.0.1"),
     '"network" parameter is required', BONDED_USAGE),
    (("backend-0-0", "channel=bond0", "interfaces=eth0,eth1", "ip=192.168.0.1", "network=test"),
     'network "test" does not exist', None),
    (("backend-0-0", "channel=bond0", "interfaces=eth0,eth1", "ip=192.168.0.1",
      "network=private"), 'interface "eth1" does not exist for host "backend-0-0"', None),
    (("backend-0-0", "channel=eth0", "interfaces=eth0", "ip=192.168.0.1", "network=private"),
     "interface eth0 exists on backend-0-0", None),
    (("backend-0-0", "channel=bond0", "interfaces=eth0", "ip=192.168.0.999", "network=private"),
     '"ip" parameter must be a valid IP address', BONDED_USAGE),
])
def test_bonded_errors_change_nothing(stack, backend, words, text, usage):
    before = snapshot()
    error(stack("add", "host", "bonded", *words), text, usage)
    assert snapshot() == before


@pytest.mark.parametrize("interfaces", ["eth0,eth1", "eth0 eth1", " eth0, eth1 "])
def test_bonded(stack, backend, interfaces):
    assert stack("add", "host", "interface", backend, "interface=eth1").rc == 0
    assert stack("add", "host", "bonded", backend, "channel=bond0", f"interfaces={interfaces}",
                 "ip=192.168.0.1", "network=private") == Result(0, "", "")
    assert nics(stack) == [
        {"host": backend, "interface": "bond0", "network": "private", "ip": "192.168.0.1",
         "name": backend, "module": "bonding"},
        {"host": backend, "interface": "eth0", "name": backend, "channel": "bond0"},
        {"host": backend, "interface": "eth1", "name": backend, "channel": "bond0"}]


def test_bonded_default_name_and_options(stack, backend):
    assert stack("set", "host", "interface", "ip", backend, "interface=eth0",
                 "ip=192.168.0.1").rc == 0
    assert stack("add", "host", "interface", backend, "interface=eth1", "default=true",
                 "network=private", "ip=192.168.0.9").rc == 0
    assert stack("add", "host", "bonded", backend, "channel=bond0", "interfaces=eth0,eth1",
                 "ip=192.168.0.1", "network=private", "name=b00",
                 "options=mode=4 miimon=100") == Result(0, "", "")
    assert nics(stack) == [
        {"host": backend, "interface": "bond0", "default": True, "network": "private",
         "ip": "192.168.0.1", "name": "b00", "module": "bonding",
         "options": 'bonding-opts="mode=4 miimon=100"'},
        {"host": backend, "interface": "eth0", "name": backend, "channel": "bond0"},
        {"host": backend, "interface": "eth1", "name": backend, "channel": "bond0"}]


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', BRIDGE_USAGE),
    (("a:nothing",), '"host" argument is required', BRIDGE_USAGE),
    (("backend-0-0",), '"name" parameter is required', BRIDGE_USAGE),
    (("backend-0-0", "name=br0"), '"interface" or "network" parameter is required',
     BRIDGE_USAGE),
    (("backend-0-0", "name=br0", "interface=test"),
     "Could not find interface test configured on host backend-0-0", None),
    (("backend-0-0", "name=br0", "network=test"), "Could not find network test on host backend-0-0",
     None),
    (("backend-0-0", "name=br0", "network=test", "interface=eth0"),
     "Could not find interface eth0 configured on network test on host backend-0-0", None),
    # An interface on no network cannot be bridged (as in Stacki).
    (("backend-0-0", "name=br0", "interface=eth1"),
     "Could not find interface eth1 configured on host backend-0-0", None),
    (("backend-0-0", "name=eth1", "interface=eth0"), "interface eth1 exists on backend-0-0", None),
])
def test_bridge_errors_change_nothing(stack, backend, words, text, usage):
    assert stack("set", "host", "interface", "network", backend, "interface=eth0",
                 "network=private").rc == 0
    assert stack("add", "host", "interface", backend, "interface=eth1").rc == 0
    before = snapshot()
    error(stack("add", "host", "bridge", *words), text, usage)
    assert snapshot() == before


@pytest.mark.parametrize("chooser", [("interface=eth0",), ("network=private",),
                                     ("interface=eth0", "network=PRIVATE")])
def test_bridge(stack, backend, chooser):
    assert stack("set", "host", "interface", "network", backend, "interface=eth0",
                 "network=private").rc == 0
    assert stack("add", "host", "bridge", backend, "name=br0", *chooser) == Result(0, "", "")
    assert nics(stack) == [
        {"host": backend, "interface": "br0", "network": "private", "options": "bridge"},
        {"host": backend, "interface": "eth0", "channel": "br0"}]


def test_bridge_takes_address_name_and_default_on_several_hosts(stack, backend):
    assert stack("add", "host", "backend-0-1").rc == 0
    for host, ip in ((backend, "192.168.0.1"), ("backend-0-1", "192.168.0.3")):
        assert stack("add", "host", "interface", host, "interface=eth1", "network=private",
                     f"ip={ip}", "name=fast", "default=true").rc == 0
    assert stack("add", "host", "bridge", "a:backend", "name=br0",
                 "network=private") == Result(0, "", "")
    for host, ip in ((backend, "192.168.0.1"), ("backend-0-1", "192.168.0.3")):
        assert [n for n in nics(stack, host) if n["interface"] != "eth0"] == [
            {"host": host, "interface": "br0", "default": True, "network": "private", "ip": ip,
             "name": "fast", "options": "bridge"},
            {"host": host, "interface": "eth1", "name": "fast", "channel": "br0"}]
