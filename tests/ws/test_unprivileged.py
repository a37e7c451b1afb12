"""The documented deployment: stacki-ws runs as an unprivileged user, and
`remove host`, `load hostfile`, `load networkfile` and `sync` over the API
still write the root-owned system files, through the root helper
`stacki-sysfiles` (stacki.privileged).

The test makes a throw-away system user (useradd, so it needs root), runs the
helper as root and the service as that user on SQLite, over real HTTP.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.ws.conftest import free_port

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: the test makes an unprivileged user (useradd) and runs the root helper")

WORKTREE = Path(__file__).resolve().parents[2]


@pytest.fixture
def user():
    name = f"stk{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    name], check=True, capture_output=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)


def as_user(account, argv: list[str], env: dict[str, str], **kwargs):
    return subprocess.run(argv, env=env, cwd=WORKTREE, user=account.pw_uid,
                          group=account.pw_gid, extra_groups=[], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False, **kwargs)


def python_for(account, env: dict[str, str]) -> list[str]:
    """An interpreter the user may run with this product importable: the test's
    own, else the system's with the test environment's packages."""
    def runs(python: str) -> bool:
        try:
            return as_user(account, [python, "-c", "import django, stacki.cli"], env).returncode == 0
        except OSError:
            return False

    if runs(sys.executable):
        return [sys.executable]
    system = shutil.which("python3", path="/usr/bin:/bin")
    if system:
        env["PYTHONPATH"] = f"{WORKTREE}:{sysconfig.get_paths()['purelib']}"
        if runs(system):
            return [system]
    pytest.skip("no Python interpreter the unprivileged user may run")


@pytest.fixture
def deployment(user, tmp_path_factory):
    base = Path(tempfile.mkdtemp(prefix="stacki-unprivileged-"))
    os.chmod(base, 0o755)
    root = base / "root"
    (root / "etc").mkdir(parents=True)
    sheets = root / "export/stack/spreadsheets"
    sheets.mkdir(parents=True)
    os.chown(sheets, user.pw_uid, user.pw_gid)  # as the deployment guide makes it
    for private in (base / "home", base / "user"):
        private.mkdir(mode=0o700)
        os.chown(private, user.pw_uid, user.pw_gid)
    (base / "run").mkdir()
    sock = base / "run" / "sysfiles.sock"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKI_")}
    env.update(STACKI_HOME=str(base / "home"), HOME=str(base / "user"), STACKI_SYSROOT=str(root),
               STACKI_FRONTEND_NAME="frontend-0-0", STACKI_SYSFILES_SOCKET=str(sock))
    python = python_for(user, env)
    helper = subprocess.Popen(
        [sys.executable, "-m", "stacki.privileged", "--socket", str(sock), "--user",
         user.pw_name, "--group", str(user.pw_name), "--sysroot", str(root)],
        cwd=WORKTREE, env={k: v for k, v in env.items() if k != "STACKI_SYSFILES_SOCKET"},
        stdout=subprocess.DEVNULL, stderr=open(base / "helper.log", "w"))
    port = free_port()
    server = subprocess.Popen(
        [*python, "-m", "stacki.ws.server", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=WORKTREE, env=env, user=user.pw_uid, group=user.pw_gid, extra_groups=[],
        stdout=open(base / "server.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/stack"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None or helper.poll() is not None:
                pytest.fail((base / "server.log").read_text() + (base / "helper.log").read_text())
            try:
                requests.get(url, timeout=2)
                if sock.exists():
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("stacki-ws or stacki-sysfiles did not start")
            time.sleep(0.2)
        yield {"url": url, "root": root, "base": base, "env": env, "python": python,
               "user": user}
    finally:
        for process in (server, helper):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(base, ignore_errors=True)


def test_the_service_as_an_unprivileged_user_writes_system_files(deployment):
    import json

    base, root, url = deployment["base"], deployment["root"], deployment["url"]
    assert (base / "home").stat().st_uid == deployment["user"].pw_uid
    key = json.loads((base / "user" / "stacki-ws.cred").read_text())[0]["key"]
    auth = ("admin", key)

    def run(cmd: str) -> requests.Response:
        return requests.post(url, json={"cmd": cmd}, auth=auth, timeout=120)

    def upload(name: str, text: str) -> str:
        reply = requests.post(url + "/upload", files={"csvFile": (name, text)}, auth=auth,
                              timeout=60)
        assert reply.status_code == 200, reply.text
        return reply.json()["name"]

    for cmd in ("add host backend-0-0", "remove host backend-0-0"):
        reply = run(cmd)
        assert (reply.status_code, reply.json()) == (200, {}), (cmd, reply.text)
    hosts = root / "etc/hosts"
    assert hosts.stat().st_uid == 0 and "frontend-0-0" in hosts.read_text()
    assert "backend-0-0" not in hosts.read_text()

    nets = upload("nets.csv", "NETWORK,ADDRESS,MASK,ZONE,DNS\nlab,10.1.0.0,255.255.0.0,lab.example,True\n")
    reply = run(f"load networkfile file={nets}")
    assert reply.status_code == 200, reply.text
    sheet = upload("hosts.csv", "name,appliance,rack,rank,ip,mac,interface,network,default\n"
                                "backend-0-1,backend,0,1,10.1.0.5,,eth0,lab,True\n")
    reply = run(f"load hostfile file={sheet}")
    assert reply.status_code == 200, reply.text
    assert "10.1.0.5" in hosts.read_text()
    assert "backend-0-1" in (root / "var/named/lab.domain").read_text()
    reply = run("sync config")
    assert reply.status_code == 200, reply.text
    assert (root / "etc/dhcp/dhcpd.conf").stat().st_uid == 0

    # The helper writes only generated files: never a sudoers file.
    reply = run("sync api sudo command")
    assert reply.status_code == 500
    assert "refusing to write /etc/sudoers.d/stacki_ws: not a file of this sync" in \
        reply.json()["API Error"]
    assert not (root / "etc/sudoers.d").exists()


def test_without_the_helper_the_user_cannot_write(deployment):
    env = dict(deployment["env"])
    del env["STACKI_SYSFILES_SOCKET"]
    done = as_user(deployment["user"], [*deployment["python"], "-m", "stacki.cli", "sync",
                                        "host"], env)
    assert done.returncode == 255
    assert "cannot write" in done.stderr and "Permission denied" in done.stderr


def test_the_helper_refuses_other_users(deployment):
    """Only root and the --user accounts may connect (the socket is 0660 too)."""
    sock = deployment["base"] / "run" / "sysfiles.sock"
    assert sock.stat().st_mode & 0o777 == 0o660
    nobody = pwd.getpwnam("nobody")
    code = ("import socket, struct, sys; s = socket.socket(socket.AF_UNIX); "
            f"s.connect({str(sock)!r})")
    done = as_user(nobody, [*deployment["python"], "-c", code], deployment["env"])
    assert done.returncode != 0 and "Permission denied" in done.stderr
