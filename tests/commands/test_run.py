"""iterate host, and run host against a real sshd on a loopback port."""

import getpass
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from stacki.framework.context import Context
from stacki.framework.runner import run_command
from tests.conftest import Result

SSHD = "/usr/sbin/sshd"
RUN_USAGE = ("[host ...] {command=string} [collate=string] [delay=string] [managed=boolean] "
             "[threads=string] [timeout=string] [x11=boolean]")


# --- iterate host -------------------------------------------------------------------

def test_iterate_host(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    assert stack("iterate", "host", "command=echo %-100%%") == Result(
        0, "backend-0-0-100%\nbackend-0-1-100%\n", "")
    assert stack("iterate", "host", "frontend-0-0", "command=echo %") == Result(
        0, "frontend-0-0\n", "")


def test_iterate_host_errors(stack):
    assert stack("iterate", "host") == Result(
        255, "", 'error - "command" parameter is required\n[host ...] {command=string}\n')
    with pytest.raises(Exception, match="'iterate host' command is not permitted"):
        run_command(["iterate", "host", "command=true"], Context.for_api("admin", True))


# --- run host: parameter errors ----------------------------------------------------------

@pytest.mark.parametrize("words, message", [
    ((), '"command" parameter is required'),
    (("command=",), '"cmd" parameter must be string with contents'),
    (("command=true", "timeout=x"), '"timeout" parameter must be an integer'),
    (("command=true", "threads=x"), '"threads" parameter must be an integer'),
    (("command=true", "delay=x"), '"delay" parameter must be a float'),
    (("command=true", "timeout=-1"), '"timeout" parameter must be > 0'),
    (("command=true", "threads=-1"), '"threads" parameter must be > 0'),
])
def test_run_host_errors(stack, words, message):
    assert stack("run", "host", *words) == Result(255, "", f"error - {message}\n{RUN_USAGE}\n")


def test_run_host_refused_over_the_api():
    with pytest.raises(Exception, match="'run host' command is not permitted"):
        run_command(["run", "host", "command=true"], Context.for_api("admin", True))


# --- run host against sshd ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"sshd exited: {process.stderr.read()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail("sshd did not start")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """An sshd on 127.0.0.1 and .2 with generated host and user keys; yields an ssh_config."""
    if not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        pytest.skip("OpenSSH (openssh-server, openssh-client) is not installed")
    root = tmp_path_factory.mktemp("sshd")
    for key in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(root / key)],
                       check=True)
    (root / "authorized_keys").write_text((root / "user_key.pub").read_text())
    port = free_port()
    (root / "sshd_config").write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", "ListenAddress 127.0.0.2",
        f"HostKey {root / 'host_key'}",
        f"AuthorizedKeysFile {root / 'authorized_keys'}", "PidFile none", "StrictModes no",
        "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "LogLevel ERROR", ""]))
    host_key = (root / "host_key.pub").read_text().strip()
    (root / "known_hosts").write_text(f"[127.0.0.1]:{port},[127.0.0.2]:{port} {host_key}\n")
    (root / "ssh_config").write_text("\n".join([
        "Host *", f"  Port {port}", f"  User {getpass.getuser()}",
        f"  IdentityFile {root / 'user_key'}", "  IdentitiesOnly yes",
        f"  UserKnownHostsFile {root / 'known_hosts'}", "  GlobalKnownHostsFile /dev/null",
        "  StrictHostKeyChecking yes", "  LogLevel ERROR", ""]))
    if os.geteuid() == 0:
        # sshd started by root needs its privilege-separation directory.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(root / "sshd_config")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for(port, process)
        yield root / "ssh_config"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cluster(stack, sshd, monkeypatch):
    """backend-0-0 reachable through stack.network, backend-0-1 through its default
    interface, backend-0-2 not at all."""
    monkeypatch.setenv("STACKI_SSH_CONFIG", str(sshd))
    stack("add", "network", "loop", "address=127.0.0.0", "mask=255.0.0.0")
    stack("add", "network", "other", "address=10.0.0.0", "mask=255.0.0.0")
    for rank, default, extra in ((0, "10.0.0.1", "127.0.0.1"), (1, "127.0.0.2", None),
                                 (2, "127.0.0.3", None)):
        name = f"backend-0-{rank}"
        stack("add", "host", name)
        network = "other" if extra else "loop"
        stack("add", "host", "interface", name, "interface=eth0", f"network={network}",
              f"ip={default}", "default=true")
        if extra:
            stack("add", "host", "interface", name, "interface=eth1", "network=loop",
                  f"ip={extra}")
    stack("set", "host", "attr", "backend-0-0", "attr=stack.network", "value=loop")


def test_run_host_over_ssh(stack, cluster):
    r = stack("run", "host", "backend-0-0", "backend-0-1", "command=echo one; echo two")
    assert r == Result(0, (
        "HOST        OUTPUT\n"
        "backend-0-0 one\n"
        "backend-0-0 two\n"
        "backend-0-1 one\n"
        "backend-0-1 two\n"), "")
    r = stack("run", "host", "backend-0-1", "command=echo out; echo err >&2", "collate=no")
    assert r == Result(0, "out\nerr\n", "")


def test_run_host_reports_each_host(stack, cluster):
    r = stack("run", "host", "a:backend", "command=echo up", "output-format=json",
              "threads=2", "delay=0.1")
    rows = {row["host"]: row["output"] for row in json.loads(r.out)}
    assert rows["backend-0-0"] == rows["backend-0-1"] == "up"
    assert "127.0.0.3" in rows["backend-0-2"] and "refused" in rows["backend-0-2"]
    assert r.rc == 1  # a host failed: the outputs print, the exit status says so


def test_run_host_exits_0_when_every_host_succeeded(stack, cluster):
    r = stack("run", "host", "backend-0-0", "backend-0-1", "command=true")
    assert (r.rc, r.err) == (0, "")
    assert stack("run", "host", "backend-0-0", "command=false").rc == 1


def test_run_host_timeout(stack, cluster):
    started = time.monotonic()
    r = stack("run", "host", "backend-0-1", "command=echo started; sleep 6", "timeout=2")
    assert time.monotonic() - started < 15
    assert r.rc == 1
    assert r.out.splitlines()[-1] == "backend-0-1 timed out after 2 seconds"


def test_run_host_managed(stack, cluster):
    stack("set", "host", "attr", "backend-0-1", "attr=managed", "value=false")
    r = stack("run", "host", "backend-0-0", "backend-0-1", "command=echo hi",
              "output-format=col:host")
    assert r.out.split() == ["backend-0-0", "backend-0-1"]
    r = stack("run", "host", "backend-0-[01]", "command=echo hi", "output-format=col:host")
    assert r.out.split() == ["backend-0-0"]
    r = stack("run", "host", "backend-0-[01]", "command=echo hi", "managed=false",
              "output-format=col:host")
    assert r.out.split() == ["backend-0-0", "backend-0-1"]
