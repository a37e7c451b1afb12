"""report switch for every model: the e1050 (Cumulus) and m7800 (InfiniBand)
files, an empty x1052, several models in one report, and a cost that does not
grow with switches, ports or members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.commands.cluster import run
from tests.conftest import Result

E1050_RESET = """<stack:file stack:name="/tmp/switch-0-0/new_config">
del all
add routing defaults datacenter
add routing service integrated-vtysh-config
add routing log syslog informational
add snmp-server listening-address localhost
add bridge bridge pvid 1
add bridge bridge vids 1
add bridge bridge vlan-aware
add bridge pre-up sysctl -w net.ipv4.conf.all.proxy_arp=1
add bridge pre-up sysctl -w net.ipv4.conf.default.proxy_arp=1
add interface eth0
add interface swp1 bridge pvid 1
add loopback lo ip address 127.0.0.1/32
add time zone Etc/UTC
add time ntp server 0.cumulusnetworks.pool.ntp.org iburst
add time ntp server 1.cumulusnetworks.pool.ntp.org iburst
add time ntp server 2.cumulusnetworks.pool.ntp.org iburst
add time ntp server 3.cumulusnetworks.pool.ntp.org iburst
add time ntp source eth0
add dot1x radius accounting-port 1813
add dot1x eap-reauth-period 0
add dot1x radius authentication-port 1812
add dot1x mab-activation-delay 30
add vlan 1 ip address 192.168.0.1/24
add vlan 1 vlan-id 1
add vlan 1 vlan-raw-device bridge
"""
# The frontend (frontend-0-0, eth1, 192.168.0.2) on port 1.
FRONTEND_PORT = "add bridge bridge ports swp1\n"


def switch(stack, name, model, rank, ip=None):
    run(stack, "add", "host", name, "appliance=switch", f"rank={rank}")
    if ip:
        run(stack, "add", "host", "interface", name, "interface=eth0", "network=private",
            f"ip={ip}")
    run(stack, "set", "host", "attr", name, "attr=component.model", f"value={model}")


def nic(stack, host, device, mac, network=None, vlan=None):
    words = [f"interface={device}", f"mac={mac}"]
    words += [f"network={network}"] if network else []
    words += [f"vlan={vlan}"] if vlan else []
    run(stack, "add", "host", "interface", host, *words)


def plug(stack, switch_name, host, device, port):
    run(stack, "add", "switch", "host", switch_name, f"host={host}", f"interface={device}",
        f"port={port}")


@pytest.fixture
def cumulus(stack):
    """switch-0-0, an e1050 on private whose gateway it is, with the frontend on port 1."""
    run(stack, "set", "network", "gateway", "private", "gateway=192.168.0.1")
    run(stack, "add", "network", "data", "address=10.3.0.0", "mask=255.255.0.0",
        "gateway=10.3.0.1")
    switch(stack, "switch-0-0", "e1050", 0, ip="192.168.0.250")
    plug(stack, "switch-0-0", "frontend-0-0", "eth1", 1)


def test_e1050_empty(stack, cumulus):
    # Only the frontend on the switch: the reset and its port.
    assert stack("report", "switch") == Result(0, E1050_RESET + FRONTEND_PORT
                                               + "</stack:file>\n", "")


def test_e1050_vlans(stack, cumulus):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "backend-0-1")
    nic(stack, "backend-0-0", "eth0", "00:00:00:00:00:01", "private")
    nic(stack, "backend-0-0", "eth1", "00:00:00:00:00:02", "data", vlan=3)
    nic(stack, "backend-0-1", "eth1", "00:00:00:00:01:02", "data", vlan=3)
    nic(stack, "backend-0-1", "ib0", "00:00:00:00:01:03")
    # Listed by host and device, whatever the port order; an interface
    # without a network gets no routed VLAN, the data network gets one.
    plug(stack, "switch-0-0", "backend-0-1", "ib0", 7)
    plug(stack, "switch-0-0", "backend-0-1", "eth1", 5)
    plug(stack, "switch-0-0", "backend-0-0", "eth1", 3)
    plug(stack, "switch-0-0", "backend-0-0", "eth0", 2)
    data = ("add vlan 3 vlan-id 3\n"
            "add vlan 3 vlan-raw-device bridge\n"
            "add routing route 10.3.0.0/16 vlan3\n"
            "add acl ipv4 acl3 accept source-ip 10.3.0.0/16 dest-ip 10.3.0.0/16\n"
            "add acl ipv4 acl3 accept source-ip 192.168.0.2/32 dest-ip 10.3.0.0/16\n"
            "add acl ipv4 acl3 accept source-ip 10.3.0.0/16 dest-ip 192.168.0.2/32\n"
            "add acl ipv4 acl3 drop source-ip any dest-ip any\n"
            "add vlan 3 acl ipv4 acl3 inbound\n")

    def port(n, vid):
        return (f"add bridge bridge ports swp{n}\nadd interface swp{n} bridge vids {vid},4000\n"
                f"add interface swp{n} bridge pvid {vid}\n")

    expected = (E1050_RESET + FRONTEND_PORT + port(2, 1) + data + port(3, 3) + port(5, 3)
                + port(7, 1) + "</stack:file>\n")
    assert stack("report", "switch", "switch-0-0") == Result(0, expected, "")
    # nukeswitch changes nothing for this model: the file always starts from `del all`.
    assert stack("report", "switch", "nukeswitch=true") == Result(0, expected, "")


def test_e1050_errors(stack, cumulus):
    run(stack, "remove", "switch", "host", "switch-0-0", "host=frontend-0-0", "interface=eth1",
        "port=1")
    assert stack("report", "switch") == Result(
        255, "", "error - the frontend's interface eth1 is on no port of switch-0-0\n")
    plug(stack, "switch-0-0", "frontend-0-0", "eth1", 1)
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "network", "bare", "address=10.4.0.0", "mask=255.255.0.0")
    nic(stack, "backend-0-0", "eth0", "00:00:00:00:00:01", "bare")
    plug(stack, "switch-0-0", "backend-0-0", "eth0", 2)
    assert stack("report", "switch") == Result(
        255, "", "error - network 'bare' of switch 'switch-0-0' has no valid gateway\n")
    run(stack, "set", "host", "interface", "network", "switch-0-0", "interface=eth0",
        "network=data")
    assert stack("report", "switch") == Result(
        255, "", "error - switch-0-0 and the frontend do not share a network\n")


M7800_HEAD = '<stack:file stack:name="/tmp/ib-0-0/new_config">\n'


@pytest.fixture
def fabric(stack):
    switch(stack, "ib-0-0", "m7800", 0)
    run(stack, "set", "host", "attr", "ib-0-0", "attr=switch_type", "value=infiniband")
    for n in (0, 1):
        run(stack, "add", "host", f"backend-0-{n}")
        nic(stack, f"backend-0-{n}", "ib0", f"80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:"
                                             f"0e:01:{n:02x}")


def test_m7800_empty(stack, fabric):
    assert stack("report", "switch") == Result(0, M7800_HEAD + "</stack:file>\n", "")
    # A partition without members is not configured, as in Stacki.
    run(stack, "add", "switch", "partition", "ib-0-0", "name=aaa", "options=ipoib=true")
    assert stack("report", "switch") == Result(0, M7800_HEAD + "</stack:file>\n", "")
    assert stack("report", "switch", "nukeswitch=true") == Result(
        0, M7800_HEAD + "no ib partition 0x0aaa\n</stack:file>\n", "")


def test_m7800_partitions(stack, fabric):
    run(stack, "add", "switch", "partition", "ib-0-0", "name=Default", "options=ipoib=true")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=aaa",
        "options=ipoib=false defmember=full")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=1")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=bbb")
    for n in (0, 1):
        run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=Default",
            f"member=backend-0-{n}", "interface=ib0")
    run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=aaa",
        "member=backend-0-1", "interface=ib0", "membership=full")
    run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=1",
        "guid=80:00:00:48:FE:80:00:00:00:00:00:00:00:02:C9:03:00:0E:01:00")
    assert stack("report", "switch", "ib-0-0") == Result(0, M7800_HEAD + (
        "ib partition 0x0001 pkey 0x1 force\n"
        "no ib partition 0x0001 defmember\n"
        "ib partition 0x0001 member 00:02:c9:03:00:0e:01:00 type limited force\n"
        "ib partition Default pkey 0x7fff force\n"
        "no ib partition Default defmember\n"
        "yes\n"
        "ib partition Default ipoib force\n"
        "ib partition Default member 00:02:c9:03:00:0e:01:00 type limited force\n"
        "ib partition Default member 00:02:c9:03:00:0e:01:01 type limited force\n"
        "ib partition 0x0aaa pkey 0xaaa force\n"
        "ib partition 0x0aaa defmember full force\n"
        "no ib partition 0x0aaa ipoib\n"
        "ib partition 0x0aaa member 00:02:c9:03:00:0e:01:01 type full force\n"
        "</stack:file>\n"), "")
    assert stack("report", "switch", "ib-0-0", "nukeswitch=yes") == Result(0, M7800_HEAD + (
        "no ib partition Default\n"
        "yes\n"
        "no ib partition 0x0aaa\n"
        "no ib partition 0x0001\n"
        "no ib partition 0x0bbb\n"
        "</stack:file>\n"), "")


def test_m7800_member_without_guid(stack, fabric):
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0",
        "mac=52:54:00:00:01:00")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=Default")
    run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=Default",
        "member=backend-0-0", "interface=eth0")
    assert stack("report", "switch") == Result(
        255, "", "error - GUID 52:54:00:00:01:00 not valid (a member of partition Default)\n")


def test_empty_x1052_and_models_in_one_report(stack, fabric):
    switch(stack, "switch-0-1", "X1052", 1, ip="192.168.0.251")
    switch(stack, "switch-0-2", "s3048", 2)
    r = stack("report", "switch")
    assert r == Result(0, M7800_HEAD + "</stack:file>\n" + (
        '<stack:file stack:name="/tftpboot/pxelinux/switch-0-1/new_config">\n'
        "!\n"
        "interface vlan 1\n"
        " ip address 192.168.0.251 255.255.255.0\n"
        "!\n"
        "no spanning-tree\n"
        "!\n"
        "</stack:file>\n"),
        "warning - switch switch-0-2 has no supported model (component.model): "
        "no configuration is reported for it\n")


def test_cost_does_not_grow(stack, cumulus):
    run(stack, "add", "host", "ib-0-0", "appliance=switch", "rank=9")
    run(stack, "set", "host", "attr", "ib-0-0", "attr=component.model", "value=m7800")
    run(stack, "set", "host", "attr", "ib-0-0", "attr=switch_type", "value=infiniband")
    run(stack, "add", "switch", "partition", "ib-0-0", "name=Default")

    def grow(first, last):
        for n in range(first, last):
            host = f"backend-1-{n}"
            run(stack, "add", "host", host)
            nic(stack, host, "eth0", f"00:00:00:00:01:{n:02x}", "private", vlan=10 + n)
            nic(stack, host, "ib0", f"00:02:c9:03:00:0e:01:{n:02x}")
            plug(stack, "switch-0-0", host, "eth0", 10 + n)
            run(stack, "add", "switch", "partition", "member", "ib-0-0", "name=Default",
                f"member={host}", "interface=ib0")
            for model, ip in (("x1052", f"192.168.0.{200 + n}"), ("e1050", None)):
                name = f"switch-{1 if model == 'x1052' else 2}-{n}"
                switch(stack, name, model, 20 + n, ip=ip or f"192.168.0.{150 + n}")
                plug(stack, name, host, "eth0", 1)
                if model == "e1050":
                    plug(stack, name, "frontend-0-0", "eth1", 2)

    def count():
        with CaptureQueriesContext(connection) as captured:
            r = stack("report", "switch")
            assert r.rc == 0 and r.err == "", r
        return len(captured), r.out.count("<stack:file")

    grow(0, 2)
    before, files = count()
    grow(2, 10)
    assert count() == (before, files + 16)
