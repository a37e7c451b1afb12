"""report named and report zones."""

import zlib

import pytest

from stacki.commands import report_dns
from tests.commands import cluster
from tests.commands.cluster import run
from tests.conftest import Result

SERIAL = 1700000000
NAMED_HEAD = """<stack:file stack:name="/etc/named.conf" stack:perms="0644">
# 
# WARNING: This file is generated do not edit.
# 
# Contents written by Stacki.
# 

# Site additions go in /etc/named.conf.local

acl private {
\t127.0.0.0/24;10.1.1.0/24;
};

options {
\tdirectory "/var/named";
\tdump-file "/var/named/data/cache_dump.db";
\tstatistics-file "/var/named/data/named_stats.txt";
\tallow-query { private; };
\tforwarders { 8.8.8.8;8.8.4.4; };
};

controls {
\tinet 127.0.0.1 allow { localhost; } keys { rndc-key; };
};

zone "." IN {
\ttype hint;
\tfile "named.ca";
};

zone "localhost" IN {
\ttype master;
\tfile "named.localhost";
\tallow-update { none; };
};

zone "0.0.127.in-addr.arpa" IN {
\ttype master;
\tfile "named.local";
\tallow-update { none; };
};
"""
TEST_ZONES = """
# Zone Mapping for test network
zone "test" {
\ttype master;
\tnotify no;
\tfile "test.domain";
};

# Reverse Zone mapping for test
zone "1.1.10.in-addr.arpa" {
\ttype master;
\tnotify no;
\tfile "reverse.test.domain";
};
"""
PREAMBLE = f"""$TTL 3D
@ IN SOA frontend-0-0. root.frontend-0-0. (
\t{SERIAL} ; Serial
\t8H ; Refresh
\t2H ; Retry
\t4W ; Expire
\t1D ) ; Min TTL
;
\tNS frontend-0-0.
\tMX 10 frontend-0-0.

"""


@pytest.fixture(autouse=True)
def sysroot(monkeypatch, tmp_path):
    monkeypatch.setattr(report_dns, "serial", lambda: SERIAL)
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root


@pytest.fixture
def test_network(stack):
    """The spec's example: dns network test 10.1.1.0/24, two public DNS servers."""
    run(stack, "add", "network", "test", "address=10.1.1.0", "mask=255.255.255.0", "dns=true")
    run(stack, "set", "attr", "attr=Kickstart_PublicDNSServers", "value=8.8.8.8,8.8.4.4")


# --- report named -------------------------------------------------------------------

def test_report_named_spec_example(stack, test_network):
    expected = NAMED_HEAD + TEST_ZONES + '\ninclude "/etc/rndc.key";\n</stack:file>\n'
    assert stack("report", "named") == Result(0, expected, "")


def test_report_named_fresh_frontend(stack):
    """No dns network; forwarders from Kickstart_PrivateDNSServers."""
    expected = (NAMED_HEAD.replace("127.0.0.0/24;10.1.1.0/24;", "127.0.0.0/24;")
                .replace("8.8.8.8;8.8.4.4;", "192.168.0.2;")
                + '\ninclude "/etc/rndc.key";\n</stack:file>\n')
    assert stack("report", "named") == Result(0, expected, "")


def test_report_named_without_forwarders(stack):
    run(stack, "set", "attr", "attr=Kickstart_PrivateDNSServers", "value=")
    r = stack("report", "named")
    assert "forwarders" not in r.out
    assert "\tallow-query { private; };\n};\n" in r.out


def test_report_named_imports_local_file(stack, test_network, sysroot):
    (sysroot / "etc").mkdir(parents=True)
    (sysroot / "etc/named.conf.local").write_text('zone "extra" {\n\ttype master;\n};\n')
    r = stack("report", "named")
    assert r.out.endswith(TEST_ZONES + """
# Imported from /etc/named.conf.local
zone "extra" {
\ttype master;
};

include "/etc/rndc.key";
</stack:file>
""")


def test_report_named_shared_reverse_zone(stack):
    run(stack, "add", "network", "low", "address=10.1.1.0", "mask=255.255.255.128", "dns=true")
    run(stack, "add", "network", "high", "address=10.1.1.128", "mask=255.255.255.128",
        "dns=true")
    name = format(zlib.crc32(b"low.high"), "x")
    assert f"""
# Reverse Zone mapping for networks - low,high
zone "1.1.10.in-addr.arpa" {{
\ttype master;
\tnotify no;
\tfile "reverse.{name}.domain";
}};
""" in stack("report", "named").out


def test_report_named_sles_paths(stack, test_network):
    from stacki.inventory import models as m

    m.Host.objects.filter(name="frontend-0-0").update(
        box=m.Box.objects.create(name="sles", os=m.OS.objects.get(name="sles")))
    out = stack("report", "named").out
    for text in ('directory "/var/lib/named"', 'dump-file "/var/log/named_dump.db"',
                 'statistics-file "/var/log/named.stats"', 'file "root.hint"',
                 'file "localhost.zone"', 'file "127.0.0.zone"'):
        assert f"\t{text};\n" in out


def test_report_named_leaves_out_what_bind_would_refuse(stack):
    run(stack, "set", "network", "dns", "private", "dns=true")  # its zone is empty
    run(stack, "add", "network", "a", "address=10.1.0.0", "mask=255.255.0.0", "dns=true",
        "zone=same")
    run(stack, "add", "network", "b", "address=10.2.0.0", "mask=255.255.0.0", "dns=true",
        "zone=same")
    r = stack("report", "named")
    assert r.out.count("# Zone Mapping") == 1 and 'zone "same" {' in r.out
    assert r.err == ('warning - network "private" has no zone: not served in DNS\n'
                     'warning - network "b" has the zone "same" of network "a": not served '
                     "in DNS\n")


def test_report_named_missing_template(stack, monkeypatch, tmp_path):
    missing = tmp_path / "named.conf.tmpl"
    monkeypatch.setattr(report_dns, "TEMPLATE", missing)
    assert stack("report", "named") == Result(
        255, "", f"error - Unable to parse template file: {missing}\n")


# --- report zones ---------------------------------------------------------------------

def test_report_zones_fresh_frontend(stack):
    assert stack("report", "zones") == Result(0, "", "")


def test_report_zones_spec_example(stack, test_network):
    run(stack, "add", "host", "interface", "frontend-0-0", "interface=eth0", "ip=10.1.1.1",
        "network=test")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=10.1.1.5",
        "network=test")
    run(stack, "add", "host", "interface", "alias", "backend-0-0", "interface=eth0",
        "alias=b00")
    assert stack("report", "zones") == Result(0, f"""\
<stack:file stack:name="/var/named/test.domain" stack:perms="0644">
{PREAMBLE}frontend-0-0 A 10.1.1.1
backend-0-0 A 10.1.1.5
b00 CNAME backend-0-0
</stack:file>
<stack:file stack:name="/var/named/test.domain.local" stack:perms="0644">
;Extra host mappings go here. Example
;myhost\tA\t10.1.1.1
</stack:file>
<stack:file stack:name="/var/named/reverse.test.domain" stack:perms="0644">
{PREAMBLE}1 IN PTR frontend-0-0.test.
5 IN PTR backend-0-0.test.

; Custom entries for the "test" network
; can be placed in /var/named/reverse.test.domain.local
; These entries will be sourced on sync


</stack:file>
""", "")


def test_report_zones_imports_local_files(stack, test_network, sysroot):
    named = sysroot / "var/named"
    named.mkdir(parents=True)
    (named / "test.domain.local").write_text("printer A 10.1.1.200\n")
    (named / "reverse.test.domain.local").write_text("200 IN PTR printer.test.\n")
    assert stack("report", "zones").out == f"""\
<stack:file stack:name="/var/named/test.domain" stack:perms="0644">
{PREAMBLE}
;Imported from /var/named/test.domain.local

printer A 10.1.1.200
</stack:file>
<stack:file stack:name="/var/named/reverse.test.domain" stack:perms="0644">
{PREAMBLE}
;Imported from /var/named/reverse.test.domain.local

200 IN PTR printer.test.

</stack:file>
"""


def test_report_zones_shared_reverse_and_short_prefix(stack):
    cluster.build(stack)
    out = stack("report", "zones").out
    shared = format(zlib.crc32(b"test.small"), "x")
    assert f"""<stack:file stack:name="/var/named/reverse.{shared}.domain" stack:perms="0644">
{PREAMBLE}1 IN PTR frontend-0-0.test.
10 IN PTR backend-0-0.test.
11 IN PTR backend-0-1.test.

; Custom entries for the "test" network
; can be placed in /var/named/reverse.test.domain.local
; These entries will be sourced on sync


130 IN PTR backend-0-0.small.

; Custom entries for the "small" network
""" in out
    # A /20: two octets in the zone, two in each record.
    assert "\n10.0 IN PTR backend-0-0.ipmi.example.com.\n" in out


def test_report_zones_clashing_alias_is_left_out(stack, test_network):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=10.1.1.5",
        "network=test")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth1", "ip=10.1.1.6",
        "network=test")
    for device in ("eth0", "eth1"):  # the same alias on two interfaces: one CNAME
        run(stack, "add", "host", "interface", "alias", "backend-0-0", f"interface={device}",
            "alias=www")
    run(stack, "add", "host", "interface", "alias", "backend-0-0", "interface=eth0",
        "alias=later")
    run(stack, "add", "host", "later", "appliance=backend", "rack=1", "rank=0")  # named as the alias
    run(stack, "add", "host", "interface", "later", "interface=eth0", "ip=10.1.1.7",
        "network=test")
    r = stack("report", "zones")
    assert ("backend-0-0 A 10.1.1.5\nwww CNAME backend-0-0\nbackend-0-0 A 10.1.1.6\n"
            "later A 10.1.1.7\n</stack:file>\n") in r.out
    assert r.err == ('warning - alias "later" of host "backend-0-0" clashes with another name '
                     'in zone "test": left out\n')


def test_report_zones_ip_outside_network(stack, test_network):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=10.9.9.9",
        "network=test")
    r = stack("report", "zones")
    assert "10.9.9.9" not in r.out
    assert r.err == ('warning - host "backend-0-0" interface "eth0": IP 10.9.9.9 is not in '
                     'network "test": left out of its zone files\n')


def test_report_zones_needs_a_frontend(stack, test_network):
    from stacki.inventory import models as m

    m.Host.objects.filter(name="frontend-0-0").update(
        appliance=m.Appliance.objects.get(name="backend"))
    assert stack("report", "zones") == Result(
        255, "", "error - no frontend host: the zone files name it as their name server\n")
