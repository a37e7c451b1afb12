"""report switch: the x1052 configuration from the inventory."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.commands.cluster import run
from tests.conftest import Result

HEAD = """<stack:file stack:name="/tftpboot/pxelinux/switch-0-0/new_config">
!
interface vlan 1
 ip address 192.168.0.250 255.255.255.0
!
no spanning-tree
"""
GENERAL = " switchport mode general\n switchport general allowed vlan remove 2-4094\n"
UNWARNED = "warning - switch switch-0-1 has no supported model (component.model): " \
           "no configuration is reported for it\n"


def build(stack):
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "add", "host", "interface", "switch-0-0", "interface=eth0", "network=private",
        "ip=192.168.0.250")
    run(stack, "set", "host", "attr", "switch-0-0", "attr=component.model", "value=x1052")
    run(stack, "add", "host", "switch-0-1", "appliance=switch", "rank=1")
    for n in (0, 1):
        run(stack, "add", "host", f"backend-0-{n}")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "network=private",
        "vlan=2")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ipmi", "network=private",
        "vlan=3")
    run(stack, "add", "host", "interface", "backend-0-1", "interface=eth0", "network=private")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
        "port=1")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=ipmi",
        "port=1")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-1", "interface=eth0",
        "port=2")


def test_x1052(stack):
    build(stack)
    run(stack, "set", "host", "attr", "switch-0-0", "attr=switch_global_config",
        "value=snmp-server community public ro")
    assert stack("report", "switch") == Result(0, HEAD + (
        "snmp-server community public ro\n"
        "vlan 2,3\n"
        "!\n"
        "interface gi1/0/1\n" + GENERAL +
        " switchport general allowed vlan add 2 untagged\n"
        " switchport general pvid 2\n"
        " switchport general allowed vlan add 3 tagged\n"
        "!\n"
        "interface gi1/0/2\n" + GENERAL +
        " switchport general allowed vlan add 1 untagged\n"
        " switchport general pvid 1\n"
        "!\n"
        "</stack:file>\n"), UNWARNED)
    # A trunk port passes everything; nukeswitch=true puts the switch back to VLAN 1.
    run(stack, "set", "host", "attr", "backend-0-1", "attr=switch_port_mode", "value=trunk")
    assert stack("report", "switch", "switch-0-0").out.endswith(
        "interface gi1/0/2\n switchport mode trunk\n!\n</stack:file>\n")
    assert stack("report", "switch", "switch-0-0", "nukeswitch=true") == Result(0, HEAD + (
        "snmp-server community public ro\n"
        "no vlan 2-4094\n"
        "!\n"
        "interface range gi1/0/1-48\n"
        " switchport mode general\n"
        " switchport general allowed vlan add 1 untagged\n"
        "!\n"
        "interface range te1/0/1-4\n"
        " switchport mode general\n"
        " switchport general allowed vlan add 1 untagged\n"
        "!\n"
        "</stack:file>\n"), "")


def test_switch_without_interface(stack):
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "set", "host", "attr", "switch-0-0", "attr=component.model", "value=X1052")
    assert stack("report", "switch") == Result(
        255, "", "error - switch 'switch-0-0' doesn't have an interface\n")
    assert stack("report", "switch", "switch-9") == Result(
        255, "", 'error - "switch-9" argument is not a valid switch\n'
                 "[switch ...] [nukeswitch=boolean]\n")


def test_cost_does_not_grow_with_ports(stack):
    build(stack)

    def grow(first, last):
        for n in range(first, last):
            host = f"backend-1-{n}"
            run(stack, "add", "host", host)
            run(stack, "add", "host", "interface", host, "interface=eth0", "network=private",
                f"vlan={10 + n}")
            run(stack, "add", "switch", "host", "switch-0-0", f"host={host}", f"port={10 + n}")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert stack("report", "switch", "switch-0-0").rc == 0
        return len(captured)

    grow(0, 2)
    before = count()
    grow(2, 10)
    assert count() == before
    assert "vlan 2,3,10,11,12,13,14,15,16,17,18,19\n" in stack("report", "switch").out
