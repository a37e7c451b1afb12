"""report host network, report host resolv, report host interface."""

import pytest

from stacki.inventory import models as m
from tests.commands import cluster
from tests.commands.cluster import run
from tests.conftest import Result


@pytest.fixture
def built(stack):
    cluster.build(stack)


def make_sles(host):
    m.Host.objects.filter(name=host).update(
        box=m.Box.objects.create(name="sles", os=m.OS.objects.get(name="sles")))


# --- report host network ------------------------------------------------------

def test_report_host_network_fresh_frontend(stack):
    assert stack("report", "host", "network", "frontend-0-0") == Result(0, """\
<stack:file stack:name="/etc/sysconfig/network">
NETWORKING=yes
HOSTNAME=frontend-0-0
</stack:file>
<stack:file stack:name="/etc/hostname">
frontend-0-0
</stack:file>
""", "")


def test_report_host_network_several_hosts(stack, built):
    make_sles("switch-0-0")
    assert stack("report", "host", "network", "backend-0-0", "switch-0-0").out == """\
backend-0-0 <stack:file stack:name="/etc/sysconfig/network">
backend-0-0 NETWORKING=yes
backend-0-0 HOSTNAME=backend-0-0.local
backend-0-0 GATEWAY=192.168.0.1
backend-0-0 </stack:file>
backend-0-0 <stack:file stack:name="/etc/hostname">
backend-0-0 backend-0-0.local
backend-0-0 </stack:file>
switch-0-0  <stack:file stack:name="/etc/hostname">
switch-0-0  switch-0-0.local
switch-0-0  </stack:file>
switch-0-0  <stack:file stack:name="/etc/HOSTNAME">
switch-0-0  switch-0-0.local
switch-0-0  </stack:file>
"""


def test_report_host_network_without_default_interface(stack):
    run(stack, "add", "host", "backend-0-0")
    r = stack("report", "host", "network", "backend-0-0", "output-format=json")
    assert '"col-1": "HOSTNAME=backend-0-0"' in r.out


def test_report_host_files_need_a_host(stack):
    for words, usage in ((["network"], "{host ...}"), (["resolv"], "{host ...}"),
                         (["interface"], "{host} [interface=string]")):
        assert stack("report", "host", *words) == Result(
            255, "", f'error - "host" argument is required\n{usage}\n')


# --- report host resolv -------------------------------------------------------

def test_report_host_resolv_fresh_frontend(stack):
    assert stack("report", "host", "resolv", "localhost") == Result(0, """\
<stack:file stack:name="/etc/resolv.conf">
nameserver 192.168.0.2
</stack:file>
""", "")


def test_report_host_resolv_cluster(stack, built):
    assert stack("report", "host", "resolv", "frontend-0-0", "backend-0-1").out == """\
frontend-0-0 <stack:file stack:name="/etc/resolv.conf">
frontend-0-0 search local
frontend-0-0 nameserver 10.1.1.1
frontend-0-0 nameserver 8.8.8.8
frontend-0-0 nameserver 8.8.4.4
frontend-0-0 </stack:file>
backend-0-1  <stack:file stack:name="/etc/resolv.conf">
backend-0-1  search local
backend-0-1  nameserver 192.168.0.2
backend-0-1  </stack:file>
"""


def test_report_host_resolv_attributes(stack, built):
    run(stack, "set", "host", "attr", "backend-0-0", "attr=resolv.search",
        "value=local example.com")
    run(stack, "set", "host", "attr", "backend-0-1", "attr=etc_resolv.conf",
        "value=nameserver 1.1.1.1")
    run(stack, "set", "attr", "attr=Kickstart_PrivateDNSServers", "value=10.0.0.53, 10.0.0.54")
    assert stack("report", "host", "resolv", "backend-0-0", "backend-0-1").out == """\
backend-0-0 <stack:file stack:name="/etc/resolv.conf">
backend-0-0 search local example.com
backend-0-0 nameserver 192.168.0.2
backend-0-0 nameserver 10.0.0.53
backend-0-0 nameserver 10.0.0.54
backend-0-0 </stack:file>
backend-0-1 <stack:file stack:name="/etc/resolv.conf">
backend-0-1 nameserver 1.1.1.1
backend-0-1 </stack:file>
"""


# --- report host interface ------------------------------------------------------

def test_report_host_interface_spec_example(stack):
    cluster.spec_frontend(stack)
    run(stack, "set", "host", "interface", "interface", "frontend-0-0", "interface=eth0",
        "network=private")
    assert stack("report", "host", "interface", "frontend-0-0") == Result(0, """\
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-eth0">
# AUTHENTIC STACKI
DEVICE=eth0
MACADDR=00:11:22:33:44:55
IPADDR=192.168.0.2
NETMASK=255.255.255.0
BOOTPROTO=static
ONBOOT=yes
</stack:file>
<stack:file stack:name="/etc/udev/rules.d/70-persistent-net.rules">
SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="00:11:22:33:44:55", \
ATTR{type}=="1", KERNEL=="eth*", NAME="eth0"
</stack:file>
""", "")


def test_report_host_interface_bond_vlan_and_one_device(stack, built):
    out = stack("report", "host", "interface", "backend-0-1").out
    assert """<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-bond0">
# AUTHENTIC STACKI
DEVICE=bond0
IPADDR=192.168.0.11
NETMASK=255.255.255.0
BOOTPROTO=static
BONDING_OPTS="mode=4 miimon=100"
ONBOOT=yes
</stack:file>
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-eth0">
# AUTHENTIC STACKI
DEVICE=eth0
MACADDR=00:11:22:33:44:01
BOOTPROTO=none
MASTER=bond0
SLAVE=yes
ONBOOT=yes
</stack:file>
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-eth0.100">
# AUTHENTIC STACKI
DEVICE=eth0.100
IPADDR=172.16.0.11
NETMASK=255.255.0.0
BOOTPROTO=static
VLAN=yes
ONBOOT=yes
</stack:file>
""" in out
    assert "ifcfg-ipmi" not in out
    assert stack("report", "host", "interface", "backend-0-1", "interface=eth2").out == """\
# AUTHENTIC STACKI
DEVICE=eth2
MACADDR=00:11:22:33:77:01
IPADDR=10.1.1.11
NETMASK=255.255.255.128
BOOTPROTO=static
ONBOOT=yes
"""


def test_report_host_interface_options_and_mtu(stack):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "set", "network", "mtu", "private", "mtu=9000")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "network=private",
        "options=dhcp", "default=true")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=br0", "ip=192.168.0.20",
        "network=private", "options=bridge")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth1", "channel=br0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth2", "options=noreport")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth3", "ip=10.0.0.1")
    r = stack("report", "host", "interface", "backend-0-0")
    assert r.out == """\
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-br0">
# AUTHENTIC STACKI
DEVICE=br0
IPADDR=192.168.0.20
NETMASK=255.255.255.0
BOOTPROTO=static
TYPE=Bridge
ONBOOT=yes
</stack:file>
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-eth0">
# AUTHENTIC STACKI
DEVICE=eth0
BOOTPROTO=dhcp
DEFROUTE=yes
ONBOOT=yes
MTU=9000
</stack:file>
<stack:file stack:name="/etc/sysconfig/network-scripts/ifcfg-eth1">
# AUTHENTIC STACKI
DEVICE=eth1
BOOTPROTO=none
BRIDGE=br0
ONBOOT=yes
</stack:file>
"""
    assert r.err == ('warning - host "backend-0-0" interface "eth3" has IP 10.0.0.1 but no '
                     "network: no configuration file for it\n")


def test_report_host_interface_sles(stack):
    """Stacki's SLES files: wicked's keys, bonds with their slaves, bridges with
    their port, VLANs on their parent, virtual interfaces appended to theirs."""
    run(stack, "add", "host", "backend-0-0")
    make_sles("backend-0-0")
    run(stack, "set", "network", "mtu", "private", "mtu=9000")
    run(stack, "add", "network", "v5", "address=172.16.0.0", "mask=255.255.0.0")
    host = "backend-0-0"
    for words in (
        ("interface=eth0", "mac=00:11:22:33:44:01", "channel=bond0"),
        ("interface=eth1", "mac=00:11:22:33:44:02", "channel=bond0"),
        ("interface=bond0", "ip=192.168.0.10", "network=private", "default=true",
         'options=bonding-opts="mode=4 miimon=100"'),
        ("interface=bond0:1", "ip=192.168.0.11", "network=private"),
        ("interface=eth2", "mac=00:11:22:33:44:03", "options=dhcp"),
        ("interface=eth2.5", "ip=172.16.0.10", "network=v5", "vlan=5"),
        ("interface=br0", "network=private", "ip=192.168.0.12", "options=bridge"),
        ("interface=eth3", "channel=br0", "options=onboot=no"),
        ("interface=eth4",),
        ("interface=ipmi", "ip=192.168.0.99", "network=private", "channel=1"),
    ):
        run(stack, "add", "host", "interface", host, *words)
    run(stack, "set", "host", "attr", host, "attr=ipmi_password", "value=pw", "shadow=true")
    assert stack("report", "host", "interface", host) == Result(0, """\
<stack:file stack:name="/etc/sysconfig/network/ifcfg-bond0">
# AUTHENTIC STACKI
USERCONTROL=no
IPADDR=192.168.0.10
NETMASK=255.255.255.0
NETWORK=192.168.0.0
BROADCAST=192.168.0.255
BONDING_MASTER=yes
BONDING_SLAVE0="eth0"
BONDING_SLAVE1="eth1"
BONDING_MODULE_OPTS="mode=4 miimon=100"
STARTMODE=auto
BOOTPROTO=static
MTU=9000


</stack:file>
<stack:file stack:mode="append" stack:name="/etc/sysconfig/network/ifcfg-bond0">
# AUTHENTIC STACKI
IPADDR1=192.168.0.11
NETMASK1=255.255.255.0
NETWORK1=192.168.0.0
BROADCAST1=192.168.0.255
LABEL1=1


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-br0">
# AUTHENTIC STACKI
USERCONTROL=no
IPADDR=192.168.0.12
NETMASK=255.255.255.0
NETWORK=192.168.0.0
BROADCAST=192.168.0.255
STARTMODE=auto
BOOTPROTO=static
BRIDGE=yes
BRIDGE_FORWARDDELAY=0
BRIDGE_STP=off
BRIDGE_PORTS=eth3


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth0">
# AUTHENTIC STACKI
USERCONTROL=no
HWADDR=00:11:22:33:44:01
STARTMODE=auto
BOOTPROTO=none


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth1">
# AUTHENTIC STACKI
USERCONTROL=no
HWADDR=00:11:22:33:44:02
STARTMODE=auto
BOOTPROTO=none


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth2">
# AUTHENTIC STACKI
USERCONTROL=no
DHCLIENT_SET_HOSTNAME="no"
DHCLIENT_SET_DEFAULT_ROUTE="no"
HWADDR=00:11:22:33:44:03
STARTMODE=auto
BOOTPROTO=dhcp


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth2.5">
# AUTHENTIC STACKI
ETHERDEVICE=eth2
VLAN=yes
IPADDR=172.16.0.10
NETMASK=255.255.0.0
NETWORK=172.16.0.0
BROADCAST=172.16.255.255
STARTMODE=auto
BOOTPROTO=static


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth3">
# AUTHENTIC STACKI
USERCONTROL=no
STARTMODE=manual
BOOTPROTO=static


</stack:file>
<stack:file stack:name="/etc/sysconfig/network/ifcfg-eth4">
# AUTHENTIC STACKI
USERCONTROL=no
STARTMODE=off
BOOTPROTO=static


</stack:file>
<stack:file stack:name="/tmp/ipmisetup">
IPMI_SI=yes
DEV_IPMI=yes
IPMI_WATCHDOG=no
IPMI_WATCHDOG_OPTIONS="timeout=60"
IPMI_POWEROFF=no
IPMI_POWERCYCLE=no
IPMI_IMB=no
ipmitool lan set 1 ipsrc static
ipmitool lan set 1 ipaddr 192.168.0.99
ipmitool lan set 1 netmask 255.255.255.0
ipmitool lan set 1 defgw ipaddr 0.0.0.0
ipmitool lan set 1 arp respond on
ipmitool lan set 1 vlan id off
ipmitool lan set 1 access on
ipmitool lan set 1 user
ipmitool lan set 1 auth ADMIN PASSWORD
ipmitool user set name 2 root
ipmitool user set password 2 pw
ipmitool user enable 2
ipmitool channel setaccess 1 2 link=on ipmi=on callin=on privilege=4
</stack:file>
chmod 500 /tmp/ipmisetup
<stack:file stack:name="/etc/udev/rules.d/70-persistent-net.rules">
SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="00:11:22:33:44:01", \
ATTR{type}=="1", KERNEL=="eth*", NAME="eth0"

SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="00:11:22:33:44:02", \
ATTR{type}=="1", KERNEL=="eth*", NAME="eth1"

SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="00:11:22:33:44:03", \
ATTR{type}=="1", KERNEL=="eth*", NAME="eth2"


</stack:file>
""", "")


def test_report_host_interface_ipmi_redhat(stack):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "set", "network", "gateway", "private", "gateway=192.168.0.1")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ipmi", "ip=192.168.0.99",
        "network=private", "channel=2", "vlan=7", "mac=00:11:22:33:44:09")
    run(stack, "set", "host", "attr", "backend-0-0", "attr=IPMI_WATCHDOG", "value=yes")
    out = stack("report", "host", "interface", "backend-0-0").out
    assert out == """\
<stack:file stack:name="/etc/sysconfig/ipmi" stack:perms="500">
IPMI_SI=yes
DEV_IPMI=yes
IPMI_WATCHDOG=yes
IPMI_WATCHDOG_OPTIONS="timeout=60"
IPMI_POWEROFF=no
IPMI_POWERCYCLE=no
IPMI_IMB=no
ipmitool lan set 2 ipsrc static
ipmitool lan set 2 ipaddr 192.168.0.99
ipmitool lan set 2 netmask 255.255.255.0
ipmitool lan set 2 defgw ipaddr 192.168.0.1
ipmitool lan set 2 arp respond on
ipmitool lan set 2 vlan id 7
ipmitool lan set 2 access on
ipmitool lan set 2 user
ipmitool lan set 2 auth ADMIN PASSWORD
ipmitool user set name 2 root
ipmitool user set password 2 admin
ipmitool user enable 2
ipmitool channel setaccess 2 2 link=on ipmi=on callin=on privilege=4
</stack:file>
"""
