"""Switch ports: add|list|remove switch host, set switch host interface|port,
list switch, list host switch (Stacki's usage lines and errors)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.commands.cluster import run
from tests.conftest import Result
from tests.ws.conftest import body, login_as, make_user  # noqa: F401 (fixtures)

SET_USAGE = "{switch} {host=string} {interface=string} {port=string}"
ADD_USAGE = "{switch} {host=string} {port=string} [interface=string]"
REMOVE_USAGE = SET_USAGE


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


@pytest.fixture
def wired(stack):
    """switch-0-0 on the private network, backend-0-0 with eth0 and eth1 on it."""
    run(stack, "add", "host", "switch-0-0", "appliance=switch", "rack=0", "rank=0")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "switch-0-0", "interface=eth0", "network=private")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "network=private",
        "mac=00:11:22:33:44:55")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth1", "network=private")


def rows(stack, *words):
    import json

    r = stack("list", "switch", "host", *words, "output-format=json")
    assert r.rc == 0 and r.err == ""
    return json.loads(r.out) if r.out else []


def on_port(port, interface="eth0", mac=None, host="backend-0-0", switch="switch-0-0"):
    return {"switch": switch, "port": port, "host": host, "mac": mac, "interface": interface,
            "vlan": None}


def test_add_list_remove(stack, wired):
    assert stack("add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
                 "port=1") == Result(0, "", "")
    # Again: nothing changes, as in Stacki.
    assert stack("add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
                 "port=1") == Result(0, "", "")
    # Without interface=: the host's first interface on the switch's network.
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=7")
    assert rows(stack) == [on_port(1, mac="00:11:22:33:44:55"),
                           on_port(7, mac="00:11:22:33:44:55")]
    assert stack("list", "switch", "host") == Result(0, (
        "SWITCH     PORT HOST        MAC               INTERFACE VLAN\n"
        "switch-0-0 1    backend-0-0 00:11:22:33:44:55 eth0      ----\n"
        "switch-0-0 7    backend-0-0 00:11:22:33:44:55 eth0      ----\n"), "")
    assert stack("list", "host", "switch") == Result(0, (
        "HOST        MAC               INTERFACE VLAN SWITCH     PORT\n"
        "backend-0-0 00:11:22:33:44:55 eth0      ---- switch-0-0 1\n"
        "backend-0-0 00:11:22:33:44:55 eth0      ---- switch-0-0 7\n"), "")
    assert stack("list", "host", "switch", "frontend-0-0") == Result(0, "", "")
    assert stack("remove", "switch", "host", "switch-0-0", "host=backend-0-0",
                 "interface=eth0", "port=7") == Result(0, "", "")
    assert rows(stack, "switch-%") == [on_port(1, mac="00:11:22:33:44:55")]


def test_list_switch(stack, wired):
    run(stack, "add", "host", "switch-0-1", "appliance=switch", "rack=0", "rank=1")
    run(stack, "set", "host", "attr", "switch-0-1", "attr=component.make", "value=fake")
    run(stack, "set", "host", "attr", "switch-0-1", "attr=component.model", "value=unrl")
    assert stack("list", "switch") == Result(0, (
        "SWITCH     RACK RANK APPLIANCE MAKE MODEL\n"
        "switch-0-0 0    0    switch    ---- -----\n"
        "switch-0-1 0    1    switch    fake unrl\n"), "")
    assert stack("list", "switch", "%-1", "output-format=json").out.replace(" ", "").replace(
        "\n", "") == ('[{"switch":"switch-0-1","rack":"0","rank":"1","appliance":"switch",'
                      '"make":"fake","model":"unrl"}]')
    error(stack("list", "switch", "backend-0-0"), '"backend-0-0" argument is not a valid switch',
          "[switch ...] [expanded=boolean]")


@pytest.mark.parametrize("words, text, usage", [
    ((), '"switch" argument is required', ADD_USAGE),
    (("switch-0-0", "switch-0-1"), '"switch" argument must be unique', ADD_USAGE),
    (("nothing", "host=backend-0-0", "port=1"), '"nothing" argument is not a valid switch',
     ADD_USAGE),
    (("switch-0-0", "port=1"), '"host" parameter is required', ADD_USAGE),
    (("switch-0-0", "host=a:backend", "port=1"), '"host" parameter must be unique', ADD_USAGE),
    (("switch-0-0", "host=backend-0-0"), '"port" parameter is required', ADD_USAGE),
    (("switch-0-0", "host=backend-0-0", "port=x"), '"port" parameter must be an integer',
     ADD_USAGE),
    (("switch-0-0", "host=backend-0-0", "port=-1"),
     '"port" parameter must be an integer from 0 to 2147483647', ADD_USAGE),
    (("switch-0-0", "host=backend-0-0", "port=2147483648"),
     '"port" parameter must be an integer from 0 to 2147483647', ADD_USAGE),
    (("switch-0-0", "host=backend-0-0", "port=1", "interface=eth9"),
     "Interface 'eth9' isn't defined for host 'backend-0-0'", None),
    (("switch-0-1", "host=backend-0-0", "port=1"), "switch 'switch-0-1' doesn't have an interface",
     None),
    (("switch-0-0", "host=frontend-0-0", "port=1"),
     "host 'frontend-0-0' has no interface on a network with 'switch-0-0'", None),
])
def test_add_errors(stack, wired, words, text, usage):
    run(stack, "add", "host", "switch-0-1", "appliance=switch")
    run(stack, "add", "host", "backend-0-1")
    run(stack, "set", "host", "interface", "network", "frontend-0-0", "interface=eth1",
        "network=NULL")
    error(stack("add", "switch", "host", *words), text, usage)
    assert not m.SwitchPort.objects.exists()


def test_remove_errors(stack, wired):
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1")
    error(stack("remove", "switch", "host"), '"switch" argument is required', REMOVE_USAGE)
    error(stack("remove", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1"),
          '"interface" parameter is required', REMOVE_USAGE)
    error(stack("remove", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1",
                "interface=eth7"), "Interface 'eth7' isn't defined for host 'backend-0-0'")
    assert len(rows(stack)) == 1


@pytest.mark.parametrize("verb", ["interface", "port"])
def test_set_errors(stack, wired, verb):
    run(stack, "add", "host", "switch-0-1", "appliance=switch")
    run(stack, "add", "host", "backend-0-1")
    cmd = ("set", "switch", "host", verb)
    error(stack(*cmd), '"switch" argument is required', SET_USAGE)
    error(stack(*cmd, "switch-0-0", "switch-0-1"), '"switch" argument must be unique', SET_USAGE)
    error(stack(*cmd, "switch-0-0", "host=a:test", "interface=eth0", "port=1"),
          '"host" parameter is required', SET_USAGE)
    error(stack(*cmd, "switch-0-0", "host=a:backend", "interface=eth0", "port=1"),
          '"host" parameter must be unique', SET_USAGE)
    error(stack(*cmd, "switch-0-0", "host=backend-0-0", "interface=eth0", "port=test"),
          '"port" parameter must be an integer', SET_USAGE)


def test_set_interface(stack, wired):
    error(stack("set", "switch", "host", "interface", "switch-0-0", "host=backend-0-0",
                "interface=eth0", "port=1"),
          '"host/port" argument "backend-0-0/1" not found', SET_USAGE)
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
        "port=1")
    error(stack("set", "switch", "host", "interface", "switch-0-0", "host=backend-0-0",
                "interface=eth5", "port=1"),
          'interface "eth5" does not exist for host "backend-0-0"')
    assert stack("set", "switch", "host", "interface", "switch-0-0", "host=backend-0-0",
                 "interface=eth1", "port=1") == Result(0, "", "")
    assert rows(stack) == [on_port(1, "eth1")]


def test_set_port(stack, wired):
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
        "port=1")
    error(stack("set", "switch", "host", "port", "switch-0-0", "host=backend-0-0",
                "interface=eth1", "port=2"),
          '"host/interface" argument "backend-0-0/eth1" not found', SET_USAGE)
    assert stack("set", "switch", "host", "port", "switch-0-0", "host=backend-0-0",
                 "interface=eth0", "port=2") == Result(0, "", "")
    assert rows(stack) == [on_port(2, mac="00:11:22:33:44:55")]
    # The interface removed, its port row goes with it.
    run(stack, "remove", "host", "interface", "backend-0-0", "interface=eth0")
    assert rows(stack, "switch-0-0") == []
    error(stack("set", "switch", "host", "port", "switch-0-0", "host=backend-0-0",
                "interface=eth0", "port=2"),
          '"host/interface" argument "backend-0-0/eth0" not found', SET_USAGE)


def test_removing_hosts_removes_their_ports(stack, wired):
    run(stack, "add", "host", "switch-0-1", "appliance=switch")
    run(stack, "add", "host", "interface", "switch-0-1", "interface=eth0", "network=private")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1")
    run(stack, "add", "switch", "host", "switch-0-1", "host=backend-0-0", "port=1")
    assert stack("remove", "host", "switch-0-0").rc == 0
    assert [r["switch"] for r in rows(stack)] == ["switch-0-1"]
    # A switch made a backend keeps its rows, but is no switch to list.
    run(stack, "set", "host", "appliance", "switch-0-1", "appliance=backend")
    assert stack("list", "host", "switch") == Result(0, "", "")
    assert stack("remove", "host", "backend-0-0").rc == 0
    assert not m.SwitchPort.objects.exists()


def test_listings_cost_the_same_whatever_the_number_of_ports(stack, wired):
    def grow(first, last):
        for n in range(first, last):
            run(stack, "add", "host", f"switch-1-{n}", "appliance=switch", "rack=1", f"rank={n}")
            run(stack, "add", "host", "interface", f"switch-1-{n}", "interface=eth0",
                "network=private")
            for p in range(3):
                host = f"backend-1-{n * 3 + p}"
                run(stack, "add", "host", host)
                run(stack, "add", "host", "interface", host, "interface=eth0",
                    "network=private")
                run(stack, "add", "switch", "host", f"switch-1-{n}", f"host={host}",
                    f"port={p}")

    def count(words):
        with CaptureQueriesContext(connection) as captured:
            assert stack(*words).rc == 0
        return len(captured)

    listings = ("list switch", "list switch host", "list host switch", "list switch host switch-%",
                "list host switch a:backend")
    grow(0, 2)
    before = {w: count(w.split()) for w in listings}
    grow(2, 8)
    assert {w: count(w.split()) for w in listings} == before
    assert len(rows(stack)) == 24


def test_over_the_web_service(stack, wired, login_as):  # noqa: F811 (a fixture)
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1")
    plain = login_as("plain")
    # Stacki's admin-only list (list api sudo command) has "list host switch" and
    # "list switch *": in Stacki they may ask the switches themselves.
    for cmd in ("list switch", "list switch host", "list host switch"):
        reply = plain.run(cmd)
        assert (reply.status_code, reply.content.decode()) == (
            403, f'Command "{cmd}" requires Admin Privileges')
    reply = plain.run("add switch host switch-0-0 host=backend-0-0 port=2")
    assert (reply.status_code, reply.content.decode()) == (
        403, "Unauthorized Command: User plain is not allowed to run add.switch.host")
    admin = login_as("boss", admin=True)
    reply = admin.run("set switch host port switch-0-0 host=backend-0-0 interface=eth0 port=2")
    assert (reply.status_code, body(reply)) == (200, {})
    reply = admin.run("list switch host")
    assert (reply.status_code, body(reply)) == (200, [on_port(2, mac="00:11:22:33:44:55")])
