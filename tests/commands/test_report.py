"""report host, report dhcpd, report version, report siteattr, report script."""

import io
import json
import socket
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.commands import cluster
from tests.commands.cluster import run
from tests.conftest import Result

BANNER = """# 
# WARNING: This file is generated do not edit.
# 
# Contents written by Stacki.
# 
"""
HOSTS_HEAD = f"""<stack:file stack:name="/etc/hosts">
{BANNER}
#  Site additions go in /etc/hosts.local

127.0.0.1\tlocalhost.localdomain\tlocalhost

"""
DHCPD_HEAD = f"""<stack:file stack:name="/etc/dhcp/dhcpd.conf">
{BANNER}

ddns-update-style none;

option space PXE;
option PXE.mtftp-ip    code 1 = ip-address;
option PXE.mtftp-cport code 2 = unsigned integer 16;
option PXE.mtftp-sport code 3 = unsigned integer 16;
option PXE.mtftp-tmout code 4 = unsigned integer 8;
option PXE.mtftp-delay code 5 = unsigned integer 8;

option client-arch code 93 = unsigned integer 16;

"""
PRIVATE_SUBNET = """
subnet 192.168.0.0 netmask 255.255.255.0 {
\tdefault-lease-time\t\t1200;
\tmax-lease-time\t\t\t1200;
\toption routers\t\t\t192.168.0.1;
\toption subnet-mask\t\t255.255.255.0;
\toption broadcast-address\t192.168.0.255;
}

"""


def boot(server):
    return f"""\tif option client-arch = 00:07 {{
\t\tfilename "uefi/shim.efi";
\t}} else {{
\t\tfilename "pxelinux.0";
\t}}
\tserver-name\t\t"{server}";
\tnext-server\t\t{server};
"""


def host_block(name, mac, ip, server=None):
    head = f"""
host {name} {{
\toption host-name\t"{name.split('.')[0]}";
\thardware ethernet\t{mac};
\tfixed-address\t\t{ip};
"""
    return head + (boot(server) if server else "") + "}"


def sysconfig(devices):
    return f"""<stack:file stack:name="/etc/sysconfig/dhcpd">
{BANNER}
DHCPDARGS="{devices}"
</stack:file>
"""


@pytest.fixture(autouse=True)
def sysroot(monkeypatch, tmp_path):
    root = tmp_path / "sysroot"
    root.mkdir()
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root


# --- report host -----------------------------------------------------------------

def test_report_host_fresh_frontend(stack):
    expected = HOSTS_HEAD + "192.168.0.2\tfrontend-0-0\n</stack:file>\n"
    assert stack("report", "host") == Result(0, expected, "")


def test_report_host_cluster(stack):
    cluster.build(stack)
    assert stack("report", "host") == Result(0, HOSTS_HEAD + """\
10.1.1.1\tfrontend-0-0.test
192.168.0.2\tfrontend-0-0.local frontend-0-0
192.168.0.10\tbackend-0-0.local b0
172.16.0.10\tbackend-0-0.v100
10.1.1.10\tbackend-0-0.test fast-0-0.test f0
10.1.1.130\tbackend-0-0.small backend-0-0
10.2.0.10\tbackend-0-0.ipmi.example.com
192.168.0.250\tswitch-0-0.local switch-0-0
192.168.0.11\tbackend-0-1.local backend-0-1 b1
172.16.0.11\tbackend-0-1.v100
10.1.1.11\tbackend-0-1.test fast-0-1.test f1
10.2.0.11\tbackend-0-1.ipmi.example.com
</stack:file>
""", "")


def test_report_host_lines_worth_keeping(stack):
    run(stack, "add", "host", "backend-0-0")
    # No zone, no alias, not default: no line. With only an alias: the alias alone.
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=192.168.0.10",
        "network=private")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth1", "ip=192.168.0.11",
        "network=private", "name=other")
    run(stack, "add", "host", "interface", "alias", "backend-0-0", "interface=eth1", "alias=b1")
    # The same IP and names twice give one line; an IP without network is left out.
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth2", "ip=10.9.9.9")
    r = stack("report", "host")
    assert r.out == HOSTS_HEAD + "192.168.0.2\tfrontend-0-0\n192.168.0.11\tb1\n</stack:file>\n"
    assert r.err == ('warning - host "backend-0-0" interface "eth2" has IP 10.9.9.9 but no '
                     "network: left out of /etc/hosts\n")


def test_report_host_imports_hosts_local(stack, sysroot):
    (sysroot / "etc").mkdir()
    (sysroot / "etc/hosts.local").write_text("10.0.0.1\tprinter\n10.0.0.2\tnas\n")
    r = stack("report", "host")
    assert r.out == HOSTS_HEAD + """192.168.0.2\tfrontend-0-0

# Imported from /etc/hosts.local

10.0.0.1\tprinter
10.0.0.2\tnas
</stack:file>
"""


def test_report_json_rows_are_lines(stack):
    r = stack("report", "host", "output-format=json")
    rows = json.loads(r.out)
    assert rows[0] == {"col-0": "", "col-1": '<stack:file stack:name="/etc/hosts">'}
    assert [row["col-1"] for row in rows] == (HOSTS_HEAD + "192.168.0.2\tfrontend-0-0\n"
                                              "</stack:file>").split("\n")


# --- report dhcpd ----------------------------------------------------------------

def test_report_dhcpd_spec_example(stack):
    cluster.spec_frontend(stack)
    expected = (DHCPD_HEAD + PRIVATE_SUBNET
                + host_block("frontend-0-0.private.eth1", cluster.SPEC_MAC, "192.168.0.2",
                             "192.168.0.2")
                + "\n</stack:file>\n" + sysconfig("eth1"))
    assert stack("report", "dhcpd") == Result(0, expected, "")


def test_report_dhcpd_without_gateway_has_no_routers(stack):
    r = stack("report", "dhcpd")
    assert "\toption routers" not in r.out
    assert "\toption subnet-mask\t\t255.255.255.0;\n" in r.out


def test_report_dhcpd_cluster(stack):
    cluster.build(stack)
    test_subnet = PRIVATE_SUBNET.replace("192.168.0.0 netmask 255.255.255.0", "10.1.1.0 netmask "
                                         "255.255.255.128").replace("192.168.0.1", "10.1.1.126")
    test_subnet = test_subnet.replace("255.255.255.0;", "255.255.255.128;").replace(
        "192.168.0.255", "10.1.1.127")
    blocks = [
        ("frontend-0-0.test.eth0", "52:54:00:00:00:03", "10.1.1.1", "10.1.1.1"),
        ("frontend-0-0.private.eth1", cluster.SPEC_MAC, "192.168.0.2", "192.168.0.2"),
        ("backend-0-0.private.eth0", "00:11:22:33:44:00", "192.168.0.10", "192.168.0.2"),
        ("backend-0-0.private.eth1", "00:11:22:33:55:00", "192.168.0.10", "192.168.0.2"),
        ("backend-0-0.test.eth2", "00:11:22:33:77:00", "10.1.1.10", "10.1.1.1"),
        ("switch-0-0.private.eth0", "00:11:22:33:99:00", "192.168.0.250", None),
        ("backend-0-1.private.eth0", "00:11:22:33:44:01", "192.168.0.11", "192.168.0.2"),
        ("backend-0-1.private.eth1", "00:11:22:33:55:01", "192.168.0.11", "192.168.0.2"),
        ("backend-0-1.test.eth2", "00:11:22:33:77:01", "10.1.1.11", "10.1.1.1"),
    ]
    expected = (DHCPD_HEAD + PRIVATE_SUBNET + test_subnet
                + "\n".join(host_block(*b) for b in blocks) + "\n</stack:file>\n"
                + sysconfig("eth0 eth1"))
    assert stack("report", "dhcpd") == Result(0, expected, "")


def test_report_dhcpd_skips_and_says_why(stack):
    cluster.spec_frontend(stack)
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "mac=00:00:00:00:00:01",
        "channel=bond9")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ipmi", "channel=1",
        "mac=00:00:00:00:00:02")
    r = stack("report", "dhcpd")
    assert "backend-0-0" not in r.out
    assert r.err == (
        'warning - skipping interface "eth0" on host "backend-0-0" - interface has channel '
        '"bond9" that does not match any other interface on the host\n'
        'warning - skipping IPMI interface on host "backend-0-0" - interface has a channel '
        "but no IP\n")


def test_report_dhcpd_missing_boot_server_is_named(stack):
    """A kickstartable host on a pxe network the frontend has no IP on (and
    several pxe networks): no broken next-server, a warning naming the host."""
    run(stack, "add", "network", "other", "address=10.5.0.0", "mask=255.255.255.0", "pxe=true")
    run(stack, "add", "network", "third", "address=10.6.0.0", "mask=255.255.255.0", "pxe=true")
    run(stack, "add", "host", "interface", "frontend-0-0", "interface=eth2", "network=third",
        "ip=10.6.0.1")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=10.5.0.10",
        "network=other", "mac=00:00:00:00:00:01")
    r = stack("report", "dhcpd")
    assert host_block("backend-0-0.other.eth0", "00:00:00:00:00:01", "10.5.0.10") in r.out
    assert r.err == ('warning - host "backend-0-0": the frontend has no IP on network "other" '
                     "to boot it from: left without filename and next-server in "
                     "/etc/dhcp/dhcpd.conf\n")


def test_report_dhcpd_aws_hosts_are_left_out(stack):
    cluster.spec_frontend(stack)
    run(stack, "set", "host", "attr", "frontend-0-0", "attr=aws", "value=true")
    r = stack("report", "dhcpd")
    assert "host frontend-0-0" not in r.out and r.rc == 0


def test_report_dhcpd_sles_shared_network(stack):
    run(stack, "add", "network", "second", "address=10.5.0.0", "mask=255.255.255.0",
        "pxe=true")
    run(stack, "add", "host", "interface", "frontend-0-0", "interface=eth1:0",
        "network=second", "ip=10.5.0.1")
    m.Host.objects.filter(name="frontend-0-0").update(
        box=m.Box.objects.create(name="sles", os=m.OS.objects.get(name="sles")))
    r = stack("report", "dhcpd")
    assert "\nshared-network eth1 {\n\n\tsubnet 192.168.0.0 netmask 255.255.255.0 {\n" in r.out
    assert "\n\tsubnet 10.5.0.0 netmask 255.255.255.0 {\n\t\tdefault-lease-time" in r.out
    assert r.out.endswith('\nDHCPD_INTERFACE="eth1"\n</stack:file>\n')


def test_report_queries_do_not_grow_with_hosts(stack):
    cluster.build(stack)

    def count(words):
        with CaptureQueriesContext(connection) as captured:
            assert stack(*words).rc == 0
        return len(captured)

    before = {w: count(w.split()) for w in ("report dhcpd", "report host", "report zones")}
    for n in range(2, 12):
        cluster.backend(stack, n)
    after = {w: count(w.split()) for w in before}
    assert after == before
    assert max(before.values()) <= 15


# --- report version, siteattr ------------------------------------------------------

def test_report_version(stack):
    assert stack("report", "version") == Result(0, "5.7.0\n", "")
    assert stack("--version") == Result(0, "5.7.0\n", "")
    assert json.loads(stack("report", "version", "output-format=json").out) == [
        {"col-0": "", "col-1": "5.7.0"}]


def test_report_siteattr_loopback(stack, sysroot):
    (sysroot / "etc").mkdir()
    (sysroot / "etc/resolv.conf").write_text("search x\nnameserver 10.0.0.53\n")
    r = stack("report", "siteattr", "interface=lo")
    assert r.rc == 0 and r.err == ""
    attrs = dict(line.split(":", 1) for line in r.out.splitlines())
    assert list(attrs) == sorted(attrs) and len(attrs) == 18
    fqdn = socket.gethostbyaddr("127.0.0.1")[0]
    assert attrs["Info_FQDN"] == fqdn
    assert attrs["Kickstart_PrivateHostname"] == fqdn.split(".")[0]
    assert {k: attrs[k] for k in ("Kickstart_PrivateAddress", "Kickstart_PrivateNetmask",
                                  "Kickstart_PrivateNetmaskCIDR", "Kickstart_PrivateNetwork",
                                  "Kickstart_PrivateInterface", "Kickstart_PrivateDNSServers",
                                  "Kickstart_PrivateEthernet", "Kickstart_Timezone")} == {
        "Kickstart_PrivateAddress": "127.0.0.1", "Kickstart_PrivateNetmask": "255.0.0.0",
        "Kickstart_PrivateNetmaskCIDR": "8", "Kickstart_PrivateNetwork": "127.0.0.0",
        "Kickstart_PrivateInterface": "lo", "Kickstart_PrivateDNSServers": "10.0.0.53",
        "Kickstart_PrivateEthernet": "00:00:00:00:00:00", "Kickstart_Timezone": "UTC"}


def test_report_siteattr_unknown_interface(stack):
    assert stack("report", "siteattr", "interface=nope0") == Result(
        255, "", "error - unkown interface nope0\n")


# --- report script ----------------------------------------------------------------

REPORT = """<stack:file stack:name="/etc/one" stack:perms="0600">
first line
STACKI_EOF
$HOME `not expanded`
</stack:file>
<stack:file stack:name='/var/two files/log' stack:mode='append'>
appended
</stack:file>
"""


def test_report_script_writes_under_sysroot(stack, monkeypatch, sysroot):
    monkeypatch.setattr(sys, "stdin", io.StringIO(REPORT))
    r = stack("report", "script")
    assert r.rc == 0 and r.err == ""
    assert r.out.startswith(f'#!/bin/sh\n# Writes the files of a stack report under '
                            f'$STACKI_SYSROOT.\nset -e\nroot="${{STACKI_SYSROOT:-{sysroot}}}"\n')
    (sysroot / "var/two files").mkdir(parents=True)
    (sysroot / "var/two files/log").write_text("old\n")
    subprocess.run(["sh", "-c", r.out], check=True, env={"PATH": "/usr/bin:/bin"})
    assert (sysroot / "etc/one").read_text() == "first line\nSTACKI_EOF\n$HOME `not expanded`\n"
    assert (sysroot / "etc/one").stat().st_mode & 0o777 == 0o600
    assert (sysroot / "var/two files/log").read_text() == "old\nappended\n"
    assert sorted(p.name for p in (sysroot / "etc").iterdir()) == ["one"]


def test_report_script_from_file_and_errors(stack, tmp_path):
    source = tmp_path / "report.txt"
    source.write_text('<stack:file stack:name="etc/relative">\nx\n</stack:file>\n')
    assert stack("report", "script", f"file={source}") == Result(
        255, "", 'error - stack:file name "etc/relative" is not an absolute path\n')
    source.write_text('<stack:file stack:name="/etc/open">\nx\n')
    assert stack("report", "script", f"file={source}") == Result(
        255, "", 'error - stack:file "/etc/open" is not closed\n')
    assert stack("report", "script", f"file={tmp_path}/none") == Result(
        255, "", f'error - cannot read "{tmp_path}/none": No such file or directory\n')


def test_report_script_pipeline(stack_process, stacki_home):
    """`stack report host | stack report script | sh` writes /etc/hosts under STACKI_SYSROOT."""
    stack = [sys.executable, "-m", "stacki.cli"]
    report = subprocess.run(stack + ["report", "host"], env=stacki_home, capture_output=True,
                            check=True, stdin=subprocess.DEVNULL)
    script = subprocess.run(stack + ["report", "script"], env=stacki_home, input=report.stdout,
                            capture_output=True, check=True)
    subprocess.run(["sh"], input=script.stdout, env=stacki_home, check=True)
    written = (stacki_home["STACKI_SYSROOT"] + "/etc/hosts")
    with open(written) as f:
        assert f.read() == HOSTS_HEAD.split("\n", 1)[1] + "192.168.0.2\tfrontend-0-0\n"
    # With standard input closed there is nothing to turn into files.
    r = stack_process("report", "script")
    assert r.rc == 0 and "cat >" not in r.out
