"""The generated files pass the real daemons' own checkers: ISC dhcpd -t,
named-checkconf and named-checkzone (Debian isc-dhcp-server, bind9-utils)."""

import os
import re
import shutil
import subprocess

import pytest

from tests.commands import cluster

PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
RNDC_KEY = 'key "rndc-key" {\n\talgorithm hmac-sha256;\n\tsecret "c3RhY2tpLXRlc3Qta2V5";\n};\n'
ZONE = re.compile(r'^zone "(?P<zone>[^"]+)" \{\n\ttype master;\n\tnotify no;\n'
                  r'\tfile "(?P<file>[^"]+)";', re.MULTILINE)


def tool(name):
    found = shutil.which(name, path=PATH)
    if found is None:
        pytest.skip(f"{name} is not installed (scripts/apt-packages lists it)")
    return found


def check(*argv):
    return subprocess.run(argv, check=False, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def synced(stack, monkeypatch, tmp_path):
    """The test cluster's files, written by sync config under a private root."""
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    cluster.build(stack)
    assert stack("sync", "config").rc == 0
    return root


def test_dhcpd_accepts_dhcpd_conf(synced):
    done = check(tool("dhcpd"), "-t", "-cf", str(synced / "etc/dhcp/dhcpd.conf"))
    assert done.returncode == 0, done.stderr


def test_dhcpd_check_would_catch_an_empty_router(synced, tmp_path):
    """Why an empty gateway leaves out `option routers`: dhcpd refuses the line."""
    text = (synced / "etc/dhcp/dhcpd.conf").read_text()
    broken = tmp_path / "broken.conf"
    broken.write_text(text.replace("\toption routers\t\t\t10.1.1.126;", "\toption routers\t\t\t;"))
    assert check(tool("dhcpd"), "-t", "-cf", str(broken)).returncode != 0


def test_named_checkconf_accepts_named_conf(synced):
    (synced / "etc/rndc.key").write_text(RNDC_KEY)
    done = check(tool("named-checkconf"), "-t", str(synced), "/etc/named.conf")
    assert done.returncode == 0, done.stdout + done.stderr


def test_named_checkzone_accepts_every_zone(synced):
    named_conf = (synced / "etc/named.conf").read_text()
    zones = [(z["zone"], z["file"]) for z in ZONE.finditer(named_conf)]
    assert len(zones) == 9  # five forward zones, four reverse ones
    for zone, name in zones:
        done = check(tool("named-checkzone"), "-k", "fail", "-n", "fail", zone,
                     str(synced / "var/named" / name))
        assert done.returncode == 0, (zone, done.stdout + done.stderr)
        assert f"zone {zone}/IN: loaded serial" in done.stdout


def test_named_checkzone_catches_a_clash(synced):
    """The checker does fail on a zone with a CNAME beside other data (what
    report zones leaves out)."""
    path = synced / "var/named/test.domain"
    path.write_text(path.read_text() + "backend-0-0 CNAME frontend-0-0\n")
    assert check(tool("named-checkzone"), "test", str(path)).returncode != 0


def check_all(synced):
    """dhcpd -t, named-checkconf and named-checkzone over the synced files."""
    done = check(tool("dhcpd"), "-t", "-cf", str(synced / "etc/dhcp/dhcpd.conf"))
    assert done.returncode == 0, done.stderr
    (synced / "etc/rndc.key").write_text(RNDC_KEY)
    named_conf = (synced / "etc/named.conf").read_text()
    done = check(tool("named-checkconf"), "-t", str(synced), "/etc/named.conf")
    assert done.returncode == 0, done.stdout + done.stderr
    for z in ZONE.finditer(named_conf):
        done = check(tool("named-checkzone"), "-k", "fail", "-n", "fail", z["zone"],
                     str(synced / "var/named" / z["file"]))
        assert done.returncode == 0, (z["zone"], done.stdout + done.stderr)


def test_files_with_a_shared_address(stack, synced):
    """Two hosts holding one address (Stacki accepts it): each keeps its own
    entry in every file, and the daemons' checkers still accept them."""
    r = stack("add", "host", "interface", "backend-0-1", "interface=eth5", "ip=10.1.1.10",
              "network=test", "mac=00:11:22:33:99:01")
    assert r.err == "warning - ip 10.1.1.10 exists on backend-0-0 interface eth2\n"
    assert stack("sync", "config").rc == 0
    check_all(synced)
    dhcpd = (synced / "etc/dhcp/dhcpd.conf").read_text()
    assert dhcpd.count("\tfixed-address\t\t10.1.1.10;\n") == 2
    assert "host backend-0-1.test.eth5 {" in dhcpd
    hosts = (synced / "etc/hosts").read_text()
    assert "\n10.1.1.10\tbackend-0-0.test fast-0-0.test f0\n" in hosts
    assert "\n10.1.1.10\tbackend-0-1.test\n" in hosts
    forward = (synced / "var/named/test.domain").read_text()
    assert "\nbackend-0-0 A 10.1.1.10\n" in forward
    assert "\nbackend-0-1 A 10.1.1.10\n" in forward
    named_conf = (synced / "etc/named.conf").read_text()
    reverse = next(z["file"] for z in ZONE.finditer(named_conf)
                   if z["zone"] == "1.1.10.in-addr.arpa")
    ptrs = (synced / "var/named" / reverse).read_text()
    assert "\n10 IN PTR backend-0-0.test.\n" in ptrs
    assert "\n10 IN PTR backend-0-1.test.\n" in ptrs
