"""The commands that talk to a live switch over SSH, against the fake switch
consoles of tests/switchfake.py on 127.0.0.1."""

from __future__ import annotations

import socket
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import switch_console, switch_live
from tests.commands.cluster import run
from tests.conftest import Result
from tests.switchfake import FakeSwitch


def add_switch(stack, name: str, model: str, port: int, password: str = "secret",
               ip: str = "127.0.0.1") -> None:
    run(stack, "add", "host", name, "appliance=switch")
    run(stack, "add", "host", "interface", name, "interface=eth0", "network=loop", f"ip={ip}")
    for attr, value in (("component.model", model), ("switch_username", "admin"),
                        ("switch_ssh_port", str(port))):
        run(stack, "set", "host", "attr", name, f"attr={attr}", f"value={value}")
    run(stack, "set", "host", "attr", name, "attr=switch_password", f"value={password}",
        "shadow=true")


def loop_network(stack) -> None:
    if stack("list", "network", "loop").rc != 0:
        run(stack, "add", "network", "loop", "address=127.0.0.0", "mask=255.0.0.0")


def cluster(stack) -> None:
    """Two backends on the loopback network: backend-0-0's eth0 and ipmi are
    learned on port 1, backend-0-1's eth0 on port 2 (see switchfake)."""
    loop_network(stack)
    if stack("list", "host", "backend-0-0").rc == 0:
        return
    for n in (0, 1):
        run(stack, "add", "host", f"backend-0-{n}")
        run(stack, "add", "host", "interface", f"backend-0-{n}", "interface=eth0",
            f"mac=00:11:22:33:44:0{n + 1}", f"ip=127.0.0.1{n}", "network=loop")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ipmi",
        "mac=00:11:22:33:66:01", "vlan=3")


@pytest.fixture
def x1052(stack):
    with FakeSwitch("x1052") as fake:
        cluster(stack)
        add_switch(stack, "switch-0-0", "x1052", fake.port)
        yield fake


@pytest.fixture
def m7800(stack):
    with FakeSwitch("m7800", hostname="ib-0-0", address="127.0.0.2") as fake:
        loop_network(stack)
        add_switch(stack, "ib-0-0", "m7800", fake.port, ip="127.0.0.2")
        run(stack, "set", "host", "attr", "ib-0-0", "attr=switch_type", "value=infiniband")
        yield fake


@pytest.fixture
def e1050(stack):
    with FakeSwitch("e1050", address="127.0.0.5") as fake:
        cluster(stack)
        add_switch(stack, "cumulus-0-0", "e1050", fake.port, ip="127.0.0.5")
        yield fake


def test_list_switch_support(stack):
    assert stack("list", "switch", "support") == Result(0, (
        "MAKE      MODEL\n"
        "Celestica e1050\n"
        "Dell      x1052\n"
        "Mellanox  m7800\n"), "")


def test_x1052_status_mac_and_config(stack, x1052):
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-1", "port=2")
    assert stack("list", "switch", "status") == Result(0, (
        "SWITCH     PORT SPEED STATE MAC               VLAN HOST        INTERFACE\n"
        "switch-0-0 1    1000  Up    ----------------- ---- ----------- ---------\n"
        "switch-0-0 2    1000  Up    00:11:22:33:44:02 ---- backend-0-1 eth0\n"
        "switch-0-0 3    --    Down  ----------------- ---- ----------- ---------\n"), "")
    assert stack("list", "switch", "mac", "switch-0-0") == Result(0, (
        "SWITCH     PORT MAC               HOST        INTERFACE VLAN\n"
        "switch-0-0 1    00:11:22:33:44:01 backend-0-0 eth0      1\n"
        "switch-0-0 1    00:11:22:33:66:01 backend-0-0 ipmi      1\n"
        "switch-0-0 2    00:11:22:33:44:02 backend-0-1 eth0      1\n"
        "switch-0-0 3    00:11:22:33:44:99 ----------- --------- 2\n"), "")
    assert stack("list", "switch", "config", "switch-0-0") == Result(0, (
        "SWITCH     PORT VLAN     TYPE    HOST        INTERFACE\n"
        "switch-0-0 1    2        general ----------- ---------\n"
        "switch-0-0 2    untagged trunk   backend-0-1 eth0\n"
        "switch-0-0 3    3        access  ----------- ---------\n"), "")
    raw = stack("list", "switch", "config", "switch-0-0", "raw=true")
    assert raw.rc == 0 and raw.out.startswith("config-file-header\nconsole\n")
    assert raw.out.endswith(" key-string AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n!\n")
    # Each session logs in at the console and turns the pager off first.
    assert x1052.received == ["terminal datadump", "show interfaces status",
                              "terminal datadump", "show mac address-table",
                              "terminal datadump", "show running-config",
                              "terminal datadump", "show running-config"]


def test_create_host_switch_mapping(stack, x1052, monkeypatch, tmp_path):
    pings = tmp_path / "pings"
    monkeypatch.setattr(switch_live, "PING", (
        sys.executable, "-c", f"import sys; open({str(pings)!r}, 'a').write(sys.argv[1] + '\\n')"))
    run(stack, "create", "host", "switch", "mapping")
    # The hosts on the switch's network were pinged first; ipmi is left out.
    assert sorted(pings.read_text().split()) == ["127.0.0.10", "127.0.0.11"]
    assert stack("list", "switch", "host") == Result(0, (
        "SWITCH     PORT HOST        MAC               INTERFACE VLAN\n"
        "switch-0-0 1    backend-0-0 00:11:22:33:44:01 eth0      ----\n"
        "switch-0-0 2    backend-0-1 00:11:22:33:44:02 eth0      ----\n"), "")
    # Again changes nothing; a host named maps only that host.
    run(stack, "remove", "switch", "host", "switch-0-0", "host=backend-0-1", "port=2",
        "interface=eth0")
    run(stack, "create", "host", "switch", "mapping", "backend-0-0", "switch=switch-0-0")
    assert stack("list", "switch", "host").out.count("\n") == 2


def test_mapping_queries_do_not_grow_with_hosts(stack, x1052, monkeypatch):
    monkeypatch.setattr(switch_live, "PING", ("true",))

    def queries() -> int:
        run(stack, "remove", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1",
            "interface=eth0")
        with CaptureQueriesContext(connection) as seen:
            run(stack, "create", "host", "switch", "mapping")
        return len(seen.captured_queries)

    few = queries()
    for n in range(2, 12):
        run(stack, "add", "host", f"backend-0-{n}")
        run(stack, "add", "host", "interface", f"backend-0-{n}", "interface=eth0",
            f"ip=127.0.1.{n}", "network=loop")
    assert queries() == few


def test_list_switch_mac_pinghosts(stack, x1052, monkeypatch, tmp_path):
    monkeypatch.setattr(switch_live, "PING", ("/nonexistent/ping",))
    result = stack("list", "switch", "mac", "pinghosts=true")
    assert result.rc == 0 and result.out.count("\n") == 5
    assert result.err == "warning - ping is not installed: the hosts were not pinged\n"


def test_sync_x1052(stack, x1052):
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=ipmi",
        "port=1")
    run(stack, "sync", "switch", "switch-0-0", "persistent=true")
    assert x1052.received == [
        "terminal datadump", "configure",
        "interface vlan 1", "ip address 127.0.0.1 255.0.0.0", "exit",
        "no spanning-tree",
        "vlan 3",
        "interface gi1/0/1", "switchport mode general",
        "switchport general allowed vlan remove 2-4094",
        "switchport general allowed vlan add 3 tagged",
        "switchport general allowed vlan add 1 untagged", "switchport general pvid 1", "exit",
        "end", "write", "Y"]


def test_sync_x1052_not_persistent_and_refused_line(stack, x1052):
    run(stack, "set", "host", "attr", "switch-0-0", "attr=switch_global_config",
        "value=bogus setting")
    assert stack("sync", "switch") == Result(255, "", (
        f'error - switch "switch-0-0" at 127.0.0.1 port {x1052.port} refused "bogus setting": '
        "% Unrecognized command\n"))
    assert x1052.received[-1] == "bogus setting" and "write" not in x1052.received


def test_e1050(stack, e1050):
    assert stack("list", "switch", "status") == Result(0, (
        "SWITCH      PORT SPEED STATE MAC VLAN HOST INTERFACE\n"
        "cumulus-0-0 1    10G   UP    --- ---- ---- ---------\n"
        "cumulus-0-0 2    10G   UP    --- ---- ---- ---------\n"
        "cumulus-0-0 10   N/A   DN    --- ---- ---- ---------\n"), "")
    assert stack("list", "switch", "mac") == Result(0, (
        "SWITCH      PORT MAC               HOST        INTERFACE VLAN\n"
        "cumulus-0-0 1    00:11:22:33:44:01 backend-0-0 eth0      ----\n"
        "cumulus-0-0 2    00:11:22:33:44:02 backend-0-1 eth0      2\n"), "")
    assert stack("list", "switch", "config", "raw=true") == Result(
        0, "net add bridge bridge ports swp1-2\nnet add interface swp1 bridge pvid 1\n", "")
    assert e1050.received == ["net show interface json", "net show bridge macs dynamic json",
                              "net show configuration"]


def test_sync_e1050_pushes_its_report(stack, e1050):
    # The frontend on port 1 of the switch, on its network (which has a gateway).
    run(stack, "set", "network", "gateway", "loop", "gateway=127.0.0.1")
    run(stack, "add", "host", "interface", "frontend-0-0", "interface=eth9", "network=loop",
        "ip=127.0.0.9", "mac=00:11:22:33:44:09")
    run(stack, "add", "switch", "host", "cumulus-0-0", "host=frontend-0-0", "interface=eth9",
        "port=1")
    report = stack("report", "switch", "cumulus-0-0").out.splitlines()[1:-1]
    assert stack("sync", "switch", "cumulus-0-0") == Result(0, "", "")
    assert e1050.received == [f"net {line}" for line in report] + ["net commit"]
    assert e1050.received[0] == "net del all"


def test_e1050_push():
    """What `sync switch` sends an e1050: each line as a net command, then a commit;
    a refused line aborts."""
    from stacki.inventory.switch_makes import E1050

    with FakeSwitch("e1050") as fake:
        target = switch_console.Target("cumulus-0-0", "127.0.0.1", fake.port, "admin", "secret")
        with E1050.session(target) as switch:
            switch.push(["add vlan 2 vlan-id 2", "net add bridge bridge ports swp1"], True)
        assert fake.received == ["net add vlan 2 vlan-id 2", "net add bridge bridge ports swp1",
                                 "net commit"]
        fake.received.clear()
        fake.fail = "net add vlan 9999 vlan-id 9999"
        with E1050.session(target) as switch, pytest.raises(switch_console.SwitchError) as exc:
            switch.push(["add vlan 9999 vlan-id 9999", "add vlan 3 vlan-id 3"], False)
        assert str(exc.value) == (f'switch "cumulus-0-0" at 127.0.0.1 port {fake.port} failed '
                                  "\"net add vlan 9999 vlan-id 9999\": ERROR: '9999' is not a "
                                  "valid value")
        assert fake.received == ["net add vlan 9999 vlan-id 9999", "net abort"]


def test_m7800_status_and_sm(stack, m7800):
    assert stack("list", "switch", "status") == Result(0, (
        "SWITCH PORT SPEED           STATE   MAC VLAN HOST INTERFACE\n"
        "ib-0-0 1    100.0 Gbps rate LinkUp  --- ---- ---- ---------\n"
        "ib-0-0 2    56.0 Gbps rate  LinkUp  --- ---- ---- ---------\n"
        "ib-0-0 3    -               Polling --- ---- ---- ---------\n"), "")
    assert stack("list", "switch", "mac") == Result(0, "", (
        "warning - switch ib-0-0 is a m7800, which list switch mac does not support: skipped\n"))
    assert stack("set", "switch", "sm", "ib-0-0") == Result(
        255, "", "error - switch ib-0-0 does not have its ibfabric set\n")
    run(stack, "set", "host", "attr", "ib-0-0", "attr=ibfabric", "value=ib0")
    m7800.received.clear()
    run(stack, "set", "switch", "sm", "ib-0-0", "disable=true")
    assert m7800.sm is False
    assert m7800.received == ["terminal length 999", "enable", "configure terminal", "no ib sm",
                              "configuration write"]
    run(stack, "set", "switch", "sm", "ib-0-0")
    assert m7800.sm is True and m7800.received[-2:] == ["ib sm", "configuration write"]


def test_set_switch_sm_disables_the_others_on_the_fabric(stack, m7800):
    with FakeSwitch("m7800", hostname="ib-0-1", address="127.0.0.3") as other, \
            FakeSwitch("m7800", hostname="ib-0-2", address="127.0.0.4") as elsewhere:
        add_switch(stack, "ib-0-1", "m7800", other.port, ip="127.0.0.3")
        add_switch(stack, "ib-0-2", "m7800", elsewhere.port, ip="127.0.0.4")
        for name, fabric in (("ib-0-0", "ib0"), ("ib-0-1", "ib0"), ("ib-0-2", "ib1")):
            run(stack, "set", "host", "attr", name, "attr=ibfabric", f"value={fabric}")
        run(stack, "set", "switch", "sm", "ib-0-0")
        assert (m7800.sm, other.sm, elsewhere.sm) == (True, False, True)
        assert elsewhere.received == []


def test_set_switch_sm_errors(stack, x1052):
    run(stack, "add", "host", "ib-9-9", "appliance=switch")
    assert stack("set", "switch", "sm", "switch-0-0") == Result(255, "", (
        "error - host switch-0-0 is not a supported infiniband switch\n"
        "Please verify the make and model attributes for this host.\n"))
    bad = stack("set", "switch", "sm")
    assert bad.rc == 255 and bad.err.startswith('error - "switch" argument must be unique\n')
    bad = stack("set", "switch", "sm", "backend-0-0")
    assert bad.rc == 255 and bad.err.startswith(
        'error - "backend-0-0" argument is not a valid switch\n')


def test_sync_m7800_partitions(stack, m7800):
    run(stack, "set", "host", "attr", "ib-0-0", "attr=ibfabric", "value=ib0")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ib0",
        "mac=80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:ab:cd:01")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=Default",
        "options=ipoib=true defmember=full")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=aaa", "options=ipoib=true")
    run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=aaa",
        "member=backend-0-0", "interface=ib0", "membership=full")
    m7800.received.clear()
    run(stack, "sync", "switch", "ib-0-0")
    assert m7800.received == [
        "terminal length 999", "enable", "configure terminal",
        "show ib sm", "show ib partition",
        "no ib partition 0x0bbb",
        "ib partition 0x0aaa pkey 0x0aaa force", "no ib partition 0x0aaa defmember",
        "ib partition 0x0aaa ipoib force",
        "ib partition 0x0aaa member 00:02:c9:03:00:ab:cd:01 type full force",
        "configuration write"]
    assert m7800.partitions == {
        "Default": {"pkey": 0x7FFF, "ipoib": True, "defmember": "full", "members": {}},
        "0x0aaa": {"pkey": 0x0AAA, "ipoib": True, "defmember": None,
                   "members": {"00:02:c9:03:00:ab:cd:01": "full"}}}
    m7800.sm = False
    assert stack("sync", "switch", "ib-0-0") == Result(
        255, "", "error - ib-0-0 is not a subnet manager\n")


def test_wrong_password(stack, x1052, m7800):
    run(stack, "set", "host", "attr", "switch-0-0", "attr=switch_password", "value=nope",
        "shadow=true")
    assert stack("list", "switch", "status", "switch-0-0") == Result(255, "", (
        f'error - switch "switch-0-0" at 127.0.0.1 port {x1052.port} refused user "admin": '
        "check its switch_username and switch_password attributes\n"))
    run(stack, "set", "host", "attr", "ib-0-0", "attr=switch_password", "value=nope",
        "shadow=true")
    assert stack("list", "switch", "status", "ib-0-0") == Result(255, "", (
        f'error - switch "ib-0-0" at 127.0.0.2 port {m7800.port} refused user "admin": '
        "check its switch_username and switch_password attributes\n"))


def test_host_key_is_remembered_and_a_changed_one_refused(stack, x1052):
    # Trust on first use: the first key is recorded, a different one later is refused.
    import paramiko

    from tests.switchfake import host_key

    entry = f"[127.0.0.1]:{x1052.port}"
    assert stack("list", "switch", "status").rc == 0
    known = paramiko.HostKeys(str(switch_console.known_hosts()))
    assert known.lookup(entry)["ssh-rsa"] == host_key()
    known.add(entry, "ssh-rsa", paramiko.RSAKey.generate(1024))
    known.save(str(switch_console.known_hosts()))
    x1052.received.clear()
    assert stack("list", "switch", "status") == Result(255, "", (
        f'error - switch "switch-0-0" at 127.0.0.1 port {x1052.port} presented a host key other '
        f"than the one recorded in {switch_console.known_hosts()}: if the switch was replaced, "
        "remove its line there\n"))
    assert x1052.received == []  # nothing, not even the password's login, was sent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening(stack):
    run(stack, "add", "network", "loop", "address=127.0.0.0", "mask=255.0.0.0")
    port = free_port()
    add_switch(stack, "switch-0-0", "x1052", port)
    assert stack("list", "switch", "mac") == Result(255, "", (
        f'error - could not connect to switch "switch-0-0" at 127.0.0.1 port {port}: '
        "Connection refused\n"))


def test_silent_listener_times_out(stack, monkeypatch):
    monkeypatch.setattr(switch_console, "CONNECT_TIMEOUT", 0.5)
    run(stack, "add", "network", "loop", "address=127.0.0.0", "mask=255.0.0.0")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        add_switch(stack, "switch-0-0", "x1052", port)
        result = stack("list", "switch", "status")
    assert result.rc == 255 and result.out == ""
    assert result.err.startswith(
        f'error - could not connect to switch "switch-0-0" at 127.0.0.1 port {port}: ')
    assert "Traceback" not in result.err


def test_switch_without_address_or_model(stack):
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "set", "host", "attr", "switch-0-0", "attr=component.model", "value=x1052")
    assert stack("list", "switch", "status") == Result(
        255, "", 'error - "switch-0-0" has no address to connect to.\n')
    run(stack, "set", "host", "attr", "switch-0-0", "attr=component.model", "value=tp-link")
    assert stack("sync", "switch") == Result(0, "", (
        "warning - switch switch-0-0 has no supported model (component.model): "
        "sync switch skips it\n"))


def test_bad_port_attribute(stack, x1052):
    run(stack, "set", "host", "attr", "switch-0-0", "attr=switch_ssh_port", "value=ssh")
    assert stack("list", "switch", "status") == Result(255, "", (
        'error - switch "switch-0-0": attribute switch_ssh_port must be a port number, '
        'not "ssh"\n'))


def test_not_a_switch(stack, x1052):
    for words in (("list", "switch", "status"), ("list", "switch", "mac"),
                  ("list", "switch", "config"), ("sync", "switch")):
        result = stack(*words, "backend-0-0")
        assert result.rc == 255 and result.out == "", words
        assert result.err.startswith('error - "backend-0-0" argument is not a valid switch\n')


def test_partitions_and_subnet_managers_on_the_switch(stack, m7800):
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ib0",
        "mac=80:00:00:48:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:09")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=aaa")
    assert stack("list", "switch", "expanded=true") == Result(0, (
        "SWITCH     RACK RANK APPLIANCE MAKE MODEL IB SUBNET MANAGER\n"
        "ib-0-0     0    0    switch    ---- m7800 True\n"
        "switch-0-0 0    0    switch    ---- ----- -----------------\n"), "")
    assert stack("list", "switch", "partition", "ib-0-0", "expanded=true") == Result(0, (
        "SWITCH PARTITION PARTITION KEY OPTIONS\n"
        "ib-0-0 Default   0x7fff        ipoib=True,defmember=full\n"
        "ib-0-0 0x0bbb    0x0bbb        ipoib=False\n"), "")
    assert stack("list", "switch", "partition", "member", "ib-0-0", "source=switch",
                 "expanded=true") == Result(0, (
        "SWITCH HOST        DEVICE GUID                    PARTITION MEMBERSHIP PARTITION KEY "
        "OPTIONS\n"
        "ib-0-0 backend-0-0 ib0    00:00:00:00:00:00:00:09 0x0bbb    full       0x0bbb        "
        "ipoib=False\n"), "")
    # The database's view is unchanged by what the switch has.
    assert stack("list", "switch", "partition", "ib-0-0", "enforce_sm=true") == Result(0, (
        "SWITCH PARTITION PARTITION KEY OPTIONS\n"
        "ib-0-0 0x0aaa    0x0aaa        -------\n"), "")
    m7800.sm = False
    assert stack("list", "switch", "partition", "member", "ib-0-0", "enforce_sm=true") == \
        Result(255, "", "error - The following switches are either non-infiniband or are not "
                        "subnet managers: ib-0-0\n")
    bad = stack("list", "switch", "partition", "member", "ib-0-0", "source=both")
    assert bad.rc == 255 and bad.err.startswith(
        'error - "source" parameter must be either "database" or "switch"\n')


def test_list_host_switch_status(stack, x1052, e1050):
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=1")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=ipmi",
        "port=3")
    run(stack, "add", "switch", "host", "cumulus-0-0", "host=backend-0-1", "port=2")
    assert stack("list", "host", "switch", "status") == Result(0, (
        "HOST        MAC               INTERFACE VLAN SWITCH      PORT SPEED STATE\n"
        "backend-0-0 00:11:22:33:44:01 eth0      ---- switch-0-0  1    1000  Up\n"
        "backend-0-0 00:11:22:33:66:01 ipmi      3    switch-0-0  3    --    Down\n"
        "backend-0-1 00:11:22:33:44:02 eth0      ---- cumulus-0-0 2    10G   UP\n"), "")
    x1052.received.clear()
    assert stack("list", "host", "switch", "status", "backend-0-1").out.count("\n") == 2
    assert x1052.received == []  # only the switches the hosts are on are asked
