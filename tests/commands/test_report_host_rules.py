"""report host firewall and report host route: the files, as Stacki writes them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import Result

OPEN = '<stack:file stack:name="/etc/sysconfig/iptables" stack:perms="500">\n'
FILTER = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
GLOBAL_RULES = (
    "# Accept all traffic on private network\n-A INPUT -i eth0 -j ACCEPT\n\n"
    "# Accept related and established connections\n"
    "-A INPUT -j ACCEPT -m state --state RELATED,ESTABLISHED\n\n"
    "# Accept all ssh traffic on all networks\n"
    "-A INPUT -j ACCEPT -p tcp -m state --state NEW --dport ssh\n\n"
    "# Accept all traffic over loopback interface\n-A INPUT -j ACCEPT -i lo\n\n")


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


@pytest.fixture
def backend(stack):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "network=private",
        "ip=192.168.0.5", "default=true")
    return "backend-0-0"


def test_firewall_of_a_backend(stack, backend):
    run(stack, "add", "network", "lab", "address=10.1.0.0", "mask=255.255.0.0")
    run(stack, "add", "host", "interface", backend, "interface=eth1", "network=lab",
        "ip=10.1.0.5")
    run(stack, "add", "host", "firewall", backend, "service=80", "protocol=all", "chain=INPUT",
        "action=DROP", "rulename=WEBDROP")
    run(stack, "add", "host", "firewall", backend, "service=8080", "protocol=tcp",
        "chain=FORWARD", "action=LOG", "network=lab", "output-network=private",
        "rulename=FWD", "comment=forwarded")
    run(stack, "add", "host", "firewall", backend, "service=all", "protocol=all",
        "chain=POSTROUTING", "action=MASQUERADE", "output-network=lab", "table=nat",
        "rulename=NAT")
    # A rule on a network the host is not on is left out.
    run(stack, "add", "network", "elsewhere", "address=10.2.0.0", "mask=255.255.0.0")
    run(stack, "add", "host", "firewall", backend, "service=22", "protocol=tcp", "chain=INPUT",
        "action=ACCEPT", "network=elsewhere", "rulename=AWAY")
    assert run(stack, "report", "host", "firewall", backend).out == (
        OPEN + FILTER +
        "# Accept all frontend traffic on private network - Intrinsic rule\n"
        "-A INPUT -i eth0 -j ACCEPT -s 192.168.0.2\n\n" + GLOBAL_RULES +
        "# forwarded\n-A FORWARD -i eth1 -o eth0 -j LOG -p tcp --dport 8080\n\n"
        "# Block all traffic\n-A INPUT -j REJECT\n\n"
        "# DROP rule\n-A INPUT -j DROP -p tcp --dport 80\n-A INPUT -j DROP -p udp --dport 80\n\n"
        "COMMIT\n"
        "*nat\n# MASQUERADE rule\n-A POSTROUTING -o eth1 -j MASQUERADE\n\nCOMMIT\n"
        "</stack:file>\n")


def test_firewall_without_rules(stack, backend):
    for rule in ("LOOPBACK-NET", "SSH", "PRIVATE-RELATED", "PRIVATE-NET", "REJECT-ALL"):
        run(stack, "remove", "firewall", f"rulename={rule}")
    run(stack, "set", "network", "pxe", "private", "pxe=false")
    assert run(stack, "report", "host", "firewall", backend).out == OPEN + "</stack:file>\n"


def test_firewall_of_the_frontend_and_errors(stack):
    out = run(stack, "report", "host", "firewall", "frontend-0-0").out
    assert out.startswith(OPEN + FILTER +
                          "# Accept UDP traffic for NTP on private network - Intrinsic rule\n"
                          "-A INPUT -i eth1 -j ACCEPT -p udp --dport ntp\n\n")
    assert ("# Accept Stacki traffic on private network - Intrinsic rule\n"
            "-A INPUT -i eth1 -j ACCEPT -p tcp -m multiport --dport http,https,3825,5001,5002"
            "\n\n# Accept all traffic on private network\n") in out
    assert stack("report", "host", "firewall") == Result(
        255, "", 'error - "host" argument is required\n{host ...}\n')
    assert stack("report", "host", "firewall", "nohost") == Result(
        255, "", 'error - cannot resolve host "nohost"\n')


def test_routes_redhat_and_sles(stack, backend):
    run(stack, "set", "network", "gateway", "private", "gateway=192.168.0.1")
    run(stack, "add", "route", "address=10.9.0.0", "gateway=10.1.0.1", "netmask=255.255.0.0")
    run(stack, "add", "appliance", "route", "backend", "address=10.8.0.1", "gateway=192.168.0.9")
    run(stack, "add", "host", "route", backend, "address=10.7.0.0", "netmask=255.255.0.0",
        "gateway=192.168.0.7", "interface=eth0")
    assert run(stack, "report", "host", "route", backend).out == (
        '<stack:file stack:name="/etc/sysconfig/static-routes">\n'
        "any net 10.7.0.0 netmask 255.255.0.0 gw 192.168.0.7\n"
        "any host 10.8.0.1 gw 192.168.0.9\n"
        "any net 10.9.0.0 netmask 255.255.0.0 gw 10.1.0.1\n"
        "any net 224.0.0.0 netmask 255.255.255.0 dev eth0\n"
        "any host 255.255.255.255 dev eth0\n"
        "</stack:file>\n")
    run(stack, "add", "box", "sl", "os=sles")
    run(stack, "set", "host", "box", backend, "box=sl")
    assert run(stack, "report", "host", "route", backend).out == (
        '<stack:file stack:name="/etc/sysconfig/network/routes">\n'
        "10.7.0.0\t192.168.0.7\t255.255.0.0\teth0\n"
        "10.8.0.1\t192.168.0.9\t255.255.255.255\t-\n"
        "10.9.0.0\t10.1.0.1\t255.255.0.0\t-\n"
        "224.0.0.0\t0.0.0.0\t255.255.255.0\teth0\n"
        "255.255.255.255\t0.0.0.0\t255.255.255.255\teth0\n"
        "default\t192.168.0.1\t0.0.0.0\teth0\n"
        "</stack:file>\n")


def test_reports_cost_a_few_queries_whatever_the_hosts(stack):
    for n in range(30):
        run(stack, "add", "host", f"backend-0-{n}")
        run(stack, "add", "host", "interface", f"backend-0-{n}", "interface=eth0",
            "network=private", f"ip=192.168.0.{n + 10}", "default=true")
    counts = []
    for hosts in ("backend-0-0", "a:backend"):
        for report in ("route", "firewall"):
            with CaptureQueriesContext(connection) as queries:
                run(stack, "report", "host", report, hosts)
            counts.append(len(queries))
    assert counts[0:2] == counts[2:4], counts
