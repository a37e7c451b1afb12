"""The requests stacki-sysfiles (stacki.privileged) accepts and refuses, in-process
(tests/ws/test_unprivileged.py runs it for real, as root, for a service user)."""

from __future__ import annotations

import pytest

from stacki import privileged


@pytest.fixture
def root(monkeypatch, tmp_path):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path))
    monkeypatch.delenv(privileged.ENV, raising=False)
    return tmp_path


def files(*entries):
    return {"files": [dict(zip(("name", "lines", "perms"), e)) for e in entries]}


def test_writes_the_files_a_sync_may_write(root):
    assert privileged.handle(files(("/etc/hosts", ["127.0.0.1 localhost"], 0o644),
                                   ("/var/named/lab.domain", ["@ IN SOA x"], None))) == {
        "progress": []}
    assert (root / "etc/hosts").read_text() == "127.0.0.1 localhost\n"
    assert (root / "var/named/lab.domain").exists()


@pytest.mark.parametrize(("request_", "error"), [
    (files(("/etc/sudoers.d/stacki_ws", ["stacki ALL=(ALL) ALL"], 0o440)),
     "refusing to write /etc/sudoers.d/stacki_ws: not a file of this sync"),
    (files(("/etc/cron.d/pwn", ["* * * * * root id"], 0o644)),
     "refusing to write /etc/cron.d/pwn: not a file of this sync"),
    (files(("/var/named/../../etc/shadow", ["x"], None)),
     'stack:file name "/var/named/../../etc/shadow" is not an absolute path'),
    (files(("/etc/hosts", ["x"], 0o4755)),
     'stack:file "/etc/hosts" perms "4755" are refused (setuid, setgid and world-writable '
     "files are never written)"),
    (files(("/etc/hosts", ["x"], 0o666)), None),
    (files(("/etc/hosts", ["a\nb"], None)), "/etc/hosts: lines must be single lines of text"),
    (files(('/etc/hosts" x="', ["a"], None)), "file names must be plain paths"),
    ({"service": "sshd", "running": True}, "unknown request"),
    ({"files": [{"lines": []}]}, "malformed request"),
])
def test_refuses(root, request_, error):
    reply = privileged.handle(request_)
    assert "error" in reply
    if error is not None:
        assert reply["error"] == error
    assert not (root / "etc").exists()


def test_not_used_by_root_or_without_a_socket(monkeypatch):
    monkeypatch.delenv(privileged.ENV, raising=False)
    assert not privileged.configured()
    monkeypatch.setenv(privileged.ENV, "/run/x.sock")
    monkeypatch.setattr(privileged.os, "geteuid", lambda: 0)
    assert not privileged.configured()
    monkeypatch.setattr(privileged.os, "geteuid", lambda: 1000)
    assert privileged.configured()
