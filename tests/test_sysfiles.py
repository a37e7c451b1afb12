"""stacki.sysfiles: reading <stack:file> blocks, writing them atomically under
STACKI_SYSROOT, and the service manager."""

import os
import subprocess
from pathlib import Path

import pytest

from stacki import sysfiles
from stacki.errors import CommandError
from stacki.sysfiles import FileBlock, ServiceManager

REPORT = [
    "text before is ignored",
    '<stack:file stack:name="/etc/a" stack:perms="0600">',
    "one\ntwo",  # a row holding two lines
    "</stack:file>",
    "<stack:file stack:name='/etc/b' stack:mode='append' stack:rcs='no'>",
    "</stack:file>",
]


def test_parse():
    blocks = sysfiles.parse(REPORT)
    assert [(b.name, b.lines, b.perms, b.append) for b in blocks] == [
        ("/etc/a", ["one", "two"], 0o600, False), ("/etc/b", [], None, True)]


@pytest.mark.parametrize("lines, message", [
    (['<stack:file stack:name="/etc/a">', "x"], 'stack:file "/etc/a" is not closed'),
    (['<stack:file stack:name="/etc/a">', '<stack:file stack:name="/etc/b">'],
     'stack:file "/etc/a" is not closed'),
    (['<stack:file stack:name="etc/a">'], 'stack:file name "etc/a" is not an absolute path'),
    (['<stack:file stack:name="/etc/../root/x">'],
     'stack:file name "/etc/../root/x" is not an absolute path'),
    (["<stack:file>"], 'stack:file name "" is not an absolute path'),
    (['<stack:file stack:name="/etc/a" stack:perms="rw">'],
     'stack:file "/etc/a" has invalid perms "rw"'),
])
def test_parse_errors(lines, message):
    with pytest.raises(CommandError) as caught:
        sysfiles.parse(lines)
    assert caught.value.message == message


def mode(path):
    return path.stat().st_mode & 0o7777


def test_write_modes_and_append(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/kept").write_text("old\n")
    os.chmod(tmp_path / "etc/kept", 0o640)
    (tmp_path / "etc/log").write_text("first\n")
    written = sysfiles.write([
        FileBlock("/etc/new/file", ["x"]),
        FileBlock("/etc/kept", ["new"]),
        FileBlock("/etc/secret", ["s"], perms=0o400),
        FileBlock("/etc/log", ["second"], append=True),
        FileBlock("/etc/twice", ["a"]),
        FileBlock("/etc/twice", ["b"], append=True),
    ], tmp_path)
    assert written == [tmp_path / p for p in ("etc/new/file", "etc/kept", "etc/secret",
                                              "etc/log", "etc/twice")]
    assert [(p.read_text(), mode(p)) for p in written] == [
        ("x\n", 0o644), ("new\n", 0o640), ("s\n", 0o400), ("first\nsecond\n", 0o644),
        ("a\nb\n", 0o644)]


def test_write_goes_under_sysroot(tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path))
    sysfiles.write([FileBlock("/etc/hosts", ["127.0.0.1\tlocalhost"])])
    assert (tmp_path / "etc/hosts").read_text() == "127.0.0.1\tlocalhost\n"


def fail_second_fsync(monkeypatch, errno, text):
    """Make the second file written fail at its last step (a full or broken disk)."""
    real_fsync, calls = os.fsync, []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno, text)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)


def test_failure_mid_write_changes_nothing(tmp_path, monkeypatch):
    """The second file fails while it is written: the first one is not
    replaced either, and no temporary file is left behind."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/one").write_text("old one\n")
    fail_second_fsync(monkeypatch, 28, "No space left on device")
    with pytest.raises(CommandError) as caught:
        sysfiles.write([FileBlock("/etc/one", ["new one"]), FileBlock("/etc/two", ["two"])],
                       tmp_path)
    assert caught.value.message == f"cannot write {tmp_path}/etc/two: No space left on device"
    assert os.listdir(tmp_path / "etc") == ["one"]
    assert (tmp_path / "etc/one").read_text() == "old one\n"


def test_unwritable_place(tmp_path):
    (tmp_path / "etc").write_text("a file, not a directory")
    with pytest.raises(CommandError) as caught:
        sysfiles.write([FileBlock("/etc/hosts", [])], tmp_path)
    assert caught.value.message.startswith(f"cannot write {tmp_path}/etc/hosts: ")


def test_read_system_file(tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path))
    assert sysfiles.read_system_file("/etc/hosts.local") is None
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/hosts.local").write_text("a\nb\n")
    assert sysfiles.read_system_file("/etc/hosts.local") == ["a", "b"]


# --- services ---------------------------------------------------------------

class Fake:
    """A system where some programs and systemd units exist; records what runs."""

    def __init__(self, programs=("dhcpd", "systemctl"), units=("isc-dhcp-server",), fail=()):
        self.programs, self.units, self.fail, self.ran = set(programs), set(units), fail, []
        self.messages = []

    def which(self, program):
        return f"/usr/sbin/{program}" if program in self.programs else None

    def run(self, argv):
        if argv[:2] == ["systemctl", "cat"]:
            found = argv[2].removesuffix(".service") in self.units
            return subprocess.CompletedProcess(argv, 0 if found else 1, "", "")
        self.ran.append(argv)
        if argv[1] in self.fail:
            return subprocess.CompletedProcess(argv, 1, "", "Job failed.\nSee the log.\n")
        return subprocess.CompletedProcess(argv, 0, "", "")

    def manager(self, systemd, init_dir):
        return ServiceManager(run=self.run, which=self.which, systemd=lambda: systemd,
                              init_dir=init_dir)

    def apply(self, running=True, systemd=True, service=sysfiles.DHCPD, init_dir="/nonexistent"):
        self.manager(systemd, Path(init_dir)).apply(service, running, self.messages.append)
        return self.ran, self.messages


@pytest.fixture
def real_root(monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", "/")


def test_service_restarted_with_systemd(real_root):
    assert Fake().apply() == (
        [["systemctl", "enable", "isc-dhcp-server"], ["systemctl", "restart", "isc-dhcp-server"]],
        ["dhcpd restarted"])


def test_service_stopped(real_root):
    assert Fake(programs=("named", "systemctl"), units=("named",)).apply(
        running=False, service=sysfiles.NAMED) == (
        [["systemctl", "disable", "named"], ["systemctl", "stop", "named"]], ["named stopped"])


def test_service_with_init_scripts(real_root, tmp_path):
    (tmp_path / "isc-dhcp-server").touch()
    assert Fake(programs=("dhcpd", "service")).apply(systemd=False, init_dir=tmp_path) == (
        [["service", "isc-dhcp-server", "restart"]], ["dhcpd restarted"])


def test_service_not_installed(real_root):
    assert Fake(programs=()).apply() == ([], ["dhcpd is not installed: not restarted"])


def test_service_without_a_manager(real_root):
    assert Fake(programs=("dhcpd", "systemctl"), units=()).apply() == (
        [], ["dhcpd: no service manager knows it; restart it by hand"])


def test_service_failure_is_reported_not_raised(real_root):
    assert Fake(fail=("restart",)).apply() == (
        [["systemctl", "enable", "isc-dhcp-server"], ["systemctl", "restart", "isc-dhcp-server"]],
        ["dhcpd: systemctl restart isc-dhcp-server failed: See the log."])


def test_service_left_alone_under_another_root(tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path))
    assert Fake().apply() == ([], [])
