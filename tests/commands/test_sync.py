"""sync host, sync dhcpd, sync dns, sync config and the per-host syncs."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki import sysfiles
from stacki.commands import report_dns
from tests.commands import cluster
from tests.commands.cluster import run
from tests.conftest import Result
from tests.test_sysfiles import fail_second_fsync


class Services:
    """Records what the syncs ask of the service manager."""

    def __init__(self):
        self.calls = []

    def apply(self, service, running, progress):
        self.calls.append((service.label, running))


@pytest.fixture(autouse=True)
def sysroot(monkeypatch, tmp_path):
    monkeypatch.setattr(report_dns, "serial", lambda: 1700000000)
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root


@pytest.fixture
def services(monkeypatch):
    recorder = Services()
    monkeypatch.setattr(sysfiles, "services", recorder)
    return recorder


def sync(stack, *words):
    r = stack("sync", *words)
    assert r.rc == 0 and r.out == "", (words, r)


def files(root):
    """The generated files under root (not the list of them that syncs keep)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and p != root / sysfiles.WRITTEN)


def report_files(stack, *words):
    """What a report says the files hold: {path: content}."""
    r = stack("report", *words)
    assert r.rc == 0, r
    return {b.name: b.text() for b in sysfiles.parse(r.out.splitlines())}


def on_disk(root, names):
    return {name: (root / name.lstrip("/")).read_text() for name in names}


def mode(root, name):
    return (root / name.lstrip("/")).stat().st_mode & 0o777


def test_sync_host(stack, sysroot, services):
    expected = report_files(stack, "host")
    assert stack("sync", "host") == Result(0, "", "Sync Host\n")
    assert files(sysroot) == ["etc/hosts"]
    assert on_disk(sysroot, expected) == expected
    assert mode(sysroot, "/etc/hosts") == 0o644 and services.calls == []


def test_sync_dhcpd(stack, sysroot, services):
    cluster.build(stack)
    expected = report_files(stack, "dhcpd")
    assert stack("sync", "dhcpd") == Result(0, "", "Sync DHCP\n")
    assert files(sysroot) == ["etc/dhcp/dhcpd.conf", "etc/sysconfig/dhcpd"]
    assert on_disk(sysroot, expected) == expected
    assert services.calls == [("dhcpd", True)]


def test_sync_dns(stack, sysroot, services):
    cluster.build(stack)
    expected = report_files(stack, "zones") | report_files(stack, "named")
    expected |= report_files(stack, "host", "resolv", "localhost")
    assert stack("sync", "dns") == Result(0, "", "Sync DNS\n")
    assert on_disk(sysroot, expected) == expected
    assert "var/named/test.domain.local" in files(sysroot)
    assert mode(sysroot, "/etc/named.conf") == 0o644
    assert services.calls == [("named", True)]
    # The stubs written by the first sync are imported by the next one.
    assert "\n;Imported from /var/named/test.domain.local\n" in stack("report", "zones").out


def test_sync_dns_stops_named_without_dns_networks(stack, sysroot, services):
    assert stack("sync", "dns") == Result(0, "", "Sync DNS\n")
    assert files(sysroot) == ["etc/named.conf", "etc/resolv.conf"]
    assert services.calls == [("named", False)]


def test_sync_config(stack, sysroot, services):
    cluster.build(stack)
    assert stack("sync", "config") == Result(
        0, "", "Sync Config\nSync Host\nSync DHCP\nSync DNS\n")
    assert {"etc/hosts", "etc/dhcp/dhcpd.conf", "etc/sysconfig/dhcpd", "etc/named.conf",
            "etc/resolv.conf", "var/named/private.domain",
            "var/named/reverse.ipmi.domain", "etc/yum.repos.d/stacki.repo"} <= set(files(sysroot))
    assert services.calls == [("dhcpd", True), ("named", True)]


@pytest.mark.parametrize("platform", ["docker", "aws"])
def test_sync_config_leaves_foreign_platform_files(stack, sysroot, services, platform):
    run(stack, "set", "attr", "attr=platform", f"value={platform}")
    assert stack("sync", "config") == Result(0, "", "Sync Config\nSync DHCP\nSync DNS\n")
    assert files(sysroot) == ["etc/dhcp/dhcpd.conf", "etc/named.conf", "etc/sysconfig/dhcpd",
                              "etc/yum.repos.d/stacki.repo"]


def test_failed_sync_leaves_old_files(stack, sysroot, services, monkeypatch):
    assert stack("sync", "dhcpd").rc == 0
    before = on_disk(sysroot, ["/etc/dhcp/dhcpd.conf", "/etc/sysconfig/dhcpd"])
    run(stack, "set", "network", "gateway", "private", "gateway=192.168.0.1")
    fail_second_fsync(monkeypatch, 5, "Input/output error")
    assert stack("sync", "dhcpd") == Result(
        255, "", f"Sync DHCP\nerror - cannot write {sysroot}/etc/sysconfig/dhcpd: "
        "Input/output error\n")
    assert on_disk(sysroot, before) == before
    assert files(sysroot) == ["etc/dhcp/dhcpd.conf", "etc/sysconfig/dhcpd"]


def test_remove_host_syncs_config(stack, sysroot, services):
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "ip=192.168.0.10",
        "network=private", "default=true")
    sync(stack, "host")
    assert "backend-0-0" in (sysroot / "etc/hosts").read_text()
    r = stack("remove", "host", "backend-0-0")
    assert r == Result(0, "", "Sync Config\nSync Host\nSync DHCP\nSync DNS\n")
    assert "backend-0-0" not in (sysroot / "etc/hosts").read_text()


def test_sync_in_a_real_process(stack_process, stacki_home):
    r = stack_process("sync", "config")
    assert r == Result(0, "", "Sync Config\nSync Host\nSync DHCP\nSync DNS\n")
    with open(os.path.join(stacki_home["STACKI_SYSROOT"], "etc/hosts")) as f:
        assert f.read().endswith("\n192.168.0.2\tfrontend-0-0\n")


# --- per-host sync of dhcpd.conf -------------------------------------------------------

def dhcpd_conf(root):
    return (root / "etc/dhcp/dhcpd.conf").read_text()


@pytest.fixture
def synced(stack, sysroot, services):
    cluster.build(stack)
    sync(stack, "dhcpd")
    return sysroot


def test_sync_dhcpd_one_host_equals_a_full_sync(stack, synced):
    before = dhcpd_conf(synced)
    run(stack, "set", "host", "interface", "mac", "backend-0-0", "interface=eth1",
        "mac=00:11:22:33:55:aa")
    assert dhcpd_conf(synced) == before
    assert stack("sync", "dhcpd", "backend-0-0") == Result(0, "", "Sync DHCP\n")
    assert dhcpd_conf(synced) == report_files(stack, "dhcpd")["/etc/dhcp/dhcpd.conf"]
    assert "00:11:22:33:55:aa" in dhcpd_conf(synced)


def test_sync_dhcpd_one_host_in_an_edited_file(stack, synced):
    path = synced / "etc/dhcp/dhcpd.conf"
    full = path.read_text()
    path.write_text(full.replace("}\n\nhost ", "}\nhost ") + "# a note\n")
    sync(stack, "dhcpd", "backend-0-0")
    assert path.read_text() == full + "# a note\n"


def test_sync_dhcpd_new_and_renamed_hosts(stack, synced):
    cluster.backend(stack, 2)
    run(stack, "set", "host", "name", "backend-0-1", "name=compute-0-1")
    sync(stack, "dhcpd", "backend-0-2", "compute-0-1")
    text = dhcpd_conf(synced)
    full = report_files(stack, "dhcpd")["/etc/dhcp/dhcpd.conf"]
    assert "backend-0-1" not in text and text.count("host compute-0-1.") == 3
    # The same declarations as a full sync, the new ones at the end.
    assert sorted(text.split("\n\n")) == sorted(full.split("\n\n"))
    assert text.index("host compute-0-1.") < text.index("host backend-0-2.")


def test_sync_dhcpd_host_with_nothing_to_declare(stack, synced):
    run(stack, "remove", "host", "interface", "backend-0-1", "all=true")
    before = dhcpd_conf(synced)
    sync(stack, "dhcpd", "backend-0-1")
    after = dhcpd_conf(synced)
    assert "backend-0-1" in before and "backend-0-1" not in after
    assert after == report_files(stack, "dhcpd")["/etc/dhcp/dhcpd.conf"]


def test_sync_dhcpd_frontend_or_no_file_means_full(stack, synced):
    run(stack, "set", "network", "gateway", "test", "gateway=10.1.1.100")
    sync(stack, "dhcpd", "backend-0-0")
    assert "10.1.1.100" not in dhcpd_conf(synced)  # the subnets are not touched
    sync(stack, "dhcpd", "frontend-0-0")
    assert dhcpd_conf(synced) == report_files(stack, "dhcpd")["/etc/dhcp/dhcpd.conf"]
    (synced / "etc/dhcp/dhcpd.conf").unlink()
    sync(stack, "dhcpd", "backend-0-0")
    assert dhcpd_conf(synced) == report_files(stack, "dhcpd")["/etc/dhcp/dhcpd.conf"]


def test_sync_dhcpd_one_host_queries(stack, synced):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert stack("sync", "dhcpd", "backend-0-1").rc == 0
        return len(captured)

    before = count()
    for n in range(2, 8):
        cluster.backend(stack, n)
    assert count() == before <= 25


# --- syncs that push to hosts ----------------------------------------------------------

@pytest.mark.parametrize("what", ["boot", "config", "network", "time"])
def test_per_host_syncs_do_nothing_here(stack, sysroot, what):
    assert stack("sync", "host", what, "frontend-0-0") == Result(0, "", "")
    assert stack("sync", "host", what, "localhost") == Result(0, "", "")
    assert not sysroot.exists()
    assert stack("sync", "host", what, "nope") == Result(
        255, "", 'error - cannot resolve host "nope"\n')
    assert "Does nothing here" in stack("sync", "host", what, "help").out
