"""Safe by default: generated files go to a preview tree inside STACKI_HOME
unless STACKI_SYSROOT=/ is chosen; a file stacki did not write is kept once
beside the one it replaces; a real frontend's first use takes its own address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stacki import home, sysfiles
from tests.conftest import Result

ROUTES = """Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
ens4\t0000050A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
ens3\t00000000\t0100050A\t0003\t0\t0\t0\t00000000\t0\t0\t0
"""


def test_the_default_sysroot_is_a_preview_tree_in_the_home(monkeypatch, tmp_path):
    monkeypatch.delenv("STACKI_SYSROOT")
    monkeypatch.setenv("STACKI_HOME", str(tmp_path / "home"))
    assert home.sysroot() == tmp_path / "home" / "sysroot"
    assert not home.real_system()
    monkeypatch.setenv("STACKI_SYSROOT", "/")
    assert home.real_system()


def test_remove_host_without_sysroot_writes_the_preview(stacki_home):
    env = dict(stacki_home)
    del env["STACKI_SYSROOT"]
    for words in (["add", "host", "backend-0-0"], ["remove", "host", "backend-0-0"]):
        proc = subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc
    preview = Path(env["STACKI_HOME"]) / "sysroot"
    assert "frontend-0-0" in (preview / "etc/hosts").read_text()
    assert (preview / "etc/dhcp/dhcpd.conf").exists()
    # Nothing was restarted: the files did not go to the real root.
    assert "restarted" not in proc.stderr and "not installed" not in proc.stderr


@pytest.fixture
def sysroot(monkeypatch, tmp_path):
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root


def test_a_file_stacki_did_not_write_is_kept_once(stack, sysroot):
    (sysroot / "etc").mkdir(parents=True)
    (sysroot / "etc/hosts").write_text("127.0.0.1 localhost mine\n")
    os.chmod(sysroot / "etc/hosts", 0o640)
    assert stack("sync", "host") == Result(0, "", "Sync Host\n")
    original = sysroot / "etc/hosts.stacki-orig"
    assert original.read_text() == "127.0.0.1 localhost mine\n"
    assert original.stat().st_mode & 0o777 == 0o640
    assert "frontend-0-0" in (sysroot / "etc/hosts").read_text()
    # Later syncs replace stacki's own file: the original stays as it was.
    (sysroot / "etc/hosts").write_text("edited by hand\n")
    assert stack("sync", "host").rc == 0
    assert original.read_text() == "127.0.0.1 localhost mine\n"
    # A file stacki made itself is never kept as an "original".
    assert stack("sync", "dhcpd").rc == 0
    assert stack("sync", "dhcpd").rc == 0
    assert not (sysroot / "etc/dhcp/dhcpd.conf.stacki-orig").exists()
    assert sorted(p.name for p in (sysroot / "etc").iterdir()) == [
        "dhcp", "hosts", "hosts.stacki-orig", "sysconfig"]


def test_sysfiles_write_keeps_originals_under_any_root(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/resolv.conf").write_text("nameserver 9.9.9.9\n")
    sysfiles.write([sysfiles.FileBlock("/etc/resolv.conf", ["nameserver 10.0.0.1"])], tmp_path)
    assert (tmp_path / "etc/resolv.conf.stacki-orig").read_text() == "nameserver 9.9.9.9\n"
    assert (tmp_path / sysfiles.WRITTEN).read_text() == "/etc/resolv.conf\n"


def test_default_route_device():
    from stacki import localnet

    assert localnet.default_route_device(ROUTES) == "ens3"
    assert localnet.default_route_device(ROUTES.splitlines()[0]) is None


FAKE_NIC = """
from stacki import localnet

def fake(device=None):
    from stacki.inventory.defaults import Nic
    return Nic("ens3", "10.5.0.7", "255.255.0.0", "52:54:00:ab:cd:ef", "10.5.0.1")

localnet.frontend_nic = fake
from stacki import cli
raise SystemExit(cli.main(["list", "host", "interface", "output-format=json"]))
"""


def first_use(tmp_path, sysroot: str) -> str:
    env = dict(os.environ, STACKI_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               STACKI_SYSROOT=sysroot, STACKI_FRONTEND_NAME="fe")
    env.pop("STACKI_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", FAKE_NIC], env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, check=True)
    return proc.stdout


def test_a_real_frontend_takes_its_own_address_at_first_use(tmp_path):
    import json

    (tmp_path / "real").mkdir()
    (tmp_path / "preview").mkdir()
    real = json.loads(first_use(tmp_path / "real", "/"))
    assert [(r["interface"], r["ip"], r["mac"]) for r in real] == [
        ("ens3", "10.5.0.7", "52:54:00:ab:cd:ef")]
    preview = json.loads(first_use(tmp_path / "preview", str(tmp_path / "preview" / "root")))
    assert [(r["interface"], r["ip"], r["mac"]) for r in preview] == [
        ("eth1", "192.168.0.2", "52:54:00:00:00:02")]


def test_the_real_frontends_network_and_attributes(tmp_path):
    from stacki.inventory.defaults import Nic, global_attrs

    attrs = global_attrs("redhat", "fe", Nic("ens3", "10.5.0.7", "255.255.0.0",
                                             "52:54:00:ab:cd:ef", "10.5.0.1"))
    assert (attrs["Kickstart_PrivateAddress"], attrs["Kickstart_PrivateNetwork"],
            attrs["Kickstart_PrivateNetmaskCIDR"], attrs["Kickstart_PrivateGateway"],
            attrs["Kickstart_PrivateEthernet"]) == (
        "10.5.0.7", "10.5.0.0", "16", "10.5.0.1", "52:54:00:ab:cd:ef")


def test_first_use_credentials_name_the_configured_service_url(tmp_path):
    import json

    env = dict(os.environ, STACKI_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               STACKI_SYSROOT=str(tmp_path / "root"), STACKI_FRONTEND_NAME="fe",
               STACKI_SERVICE_URL="https://stacki.example.com/stack")
    env.pop("STACKI_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "stacki.cli", "list", "host"], env=env, check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    [cred] = json.loads((tmp_path / "stacki-ws.cred").read_text())
    assert (cred["hostname"], cred["url"]) == ("stacki.example.com",
                                               "https://stacki.example.com/stack")
