"""Faults: a database that cannot be reached, a server killed in the middle
of a write. Real processes, loopback only."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests import engines
from tests.ws.conftest import Session, start_server

UNAVAILABLE = {"API Error": "Database unavailable, try again later"}


def stack(env: dict[str, str], *words: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          check=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unreachable_url(tmp_path: Path) -> str:
    if engines.POSTGRES:
        return engines.TEST_URL.replace(engines.TEST_URL.rsplit("@", 1)[1].split("/")[0],
                                        f"127.0.0.1:{closed_port()}")
    # A database file in a directory that does not exist cannot be opened.
    return f"sqlite:///{tmp_path}/missing/dir/stacki.db"


@pytest.mark.parametrize("words", [("list", "host"), ("add", "host", "backend-0-0")])
def test_cli_database_unreachable(stacki_home, tmp_path, words):
    env = dict(stacki_home, STACKI_DATABASE_URL=unreachable_url(tmp_path))
    r = stack(env, *words)
    assert r.returncode == 255
    assert r.stdout == ""
    assert r.stderr.startswith("error - database unavailable: ")
    assert r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr
    # and once it is back, nothing was changed
    r = stack(stacki_home, "list", "host", "output-format=col:host")
    assert (r.returncode, r.stdout) == (0, "frontend-0-0\n")


# --- the database going away under a running server (PostgreSQL) -------------------------

class Proxy:
    """A loopback TCP relay to the database server that can be cut (every
    connection dropped, new ones refused) and restored on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = closed_port()
        self.listener: socket.socket | None = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            a.close()
            b.close()


@pytest.mark.skipif(not engines.POSTGRES, reason="a database server to lose: PostgreSQL only")
def test_database_lost_and_back(stacki_home, tmp_path):
    from urllib.parse import urlsplit

    url = urlsplit(stacki_home["STACKI_DATABASE_URL"])
    proxy = Proxy((url.hostname, url.port))
    via_proxy = url._replace(netloc=f"{url.username}:{url.password}@127.0.0.1:{proxy.port}")
    env = dict(stacki_home, STACKI_DATABASE_URL=via_proxy.geturl())
    server = start_server(env, tmp_path / "server.log", workers=2)
    try:
        admin = Session(server.url)
        assert admin.login(**creds(server)).status_code == 200
        assert admin.run("add host backend-0-0").status_code == 200

        proxy.down()
        for _ in range(3):  # every worker, whatever connection it held
            reply = admin.run("list host")
            assert (reply.status_code, reply.json()) == (503, UNAVAILABLE)
        reply = admin.http.get(server.url + "/user", timeout=30)  # the session is in the database
        assert (reply.status_code, reply.json()) == (503, UNAVAILABLE)
        r = stack(env, "list", "host")
        assert r.returncode == 255
        assert r.stderr.startswith("error - database unavailable: ")

        proxy.up()
        for _ in range(3):  # no failed request after it is back
            reply = admin.run("list host")
            assert reply.status_code == 200
            assert [h["host"] for h in reply.json()] == ["frontend-0-0", "backend-0-0"]
        r = stack(env, "list", "host", "output-format=col:host")
        assert (r.returncode, r.stdout) == (0, "frontend-0-0\nbackend-0-0\n")
    finally:
        assert server.stop() == 0
        proxy.down()


def creds(server) -> dict[str, str]:
    c = server.admin_creds()
    return {"username": c["username"], "key": c["key"]}


# --- killed in the middle of a load -----------------------------------------------------

HOSTS = 5000


def write_hostfile(path: Path) -> None:
    lines = ["name,appliance,rack,rank,ip,mac,interface,network,default"]
    lines += [f"backend-{i // 100}-{i % 100},backend,{i // 100},{i % 100},"
              f"10.1.{i // 250}.{i % 250 + 1},,eth0,lab,True" for i in range(HOSTS)]
    path.write_text("\n".join(lines) + "\n")


def writing(env: dict[str, str]) -> bool:
    """True while some transaction holds uncommitted writes (PostgreSQL) or the
    write lock (SQLite) on the home's database."""
    if engines.POSTGRES:
        import psycopg

        with psycopg.connect(env["STACKI_DATABASE_URL"], autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL").fetchone()[0] > 0
    import sqlite3

    db = sqlite3.connect(Path(env["STACKI_HOME"]) / "stacki.db", timeout=0,
                         isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


def wait_for_writer(env: dict[str, str], busy: subprocess.Popen | threading.Thread) -> None:
    deadline = time.monotonic() + 60
    while not writing(env):
        alive = busy.is_alive() if isinstance(busy, threading.Thread) else busy.poll() is None
        assert alive, "the load ended before it was seen writing"
        assert time.monotonic() < deadline, "the load never started writing"
        time.sleep(0.05)
    time.sleep(0.3)  # well inside the load


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def state(env: dict[str, str]) -> tuple[str, str]:
    hosts = stack(env, "list", "host", "output-format=col:host")
    interfaces = stack(env, "list", "host", "interface", "output-format=col:ip")
    assert (hosts.returncode, interfaces.returncode) == (0, 0)
    return hosts.stdout, interfaces.stdout


@pytest.fixture
def lab_home(stacki_home, tmp_path):
    assert stack(stacki_home, "add", "network", "lab", "address=10.1.0.0",
                 "mask=255.255.0.0").returncode == 0
    write_hostfile(tmp_path / "hosts.csv")
    return stacki_home


def test_server_killed_during_load_changes_nothing(lab_home, tmp_path):
    before = state(lab_home)
    server = start_server(lab_home, tmp_path / "server.log", workers=1)
    admin = Session(server.url)
    assert admin.login(**creds(server)).status_code == 200
    upload = admin.post("/upload", files={"csvFile": ("hosts.csv", (tmp_path / "hosts.csv")
                                                      .read_bytes())})
    assert upload.status_code == 200
    outcome: list = []

    def load() -> None:
        try:
            outcome.append(admin.run(f"load hostfile file={upload.json()['dir']}"))
        except requests.RequestException as exc:
            outcome.append(exc)

    loader = threading.Thread(target=load)
    loader.start()
    try:
        wait_for_writer(lab_home, loader)
    finally:
        for pid in children(server.process.pid) + [server.process.pid]:
            os.kill(pid, signal.SIGKILL)
        server.process.wait(timeout=30)
    loader.join(timeout=60)
    assert isinstance(outcome[0], requests.ConnectionError)
    assert state(lab_home) == before
    # the database is whole and usable
    r = stack(lab_home, "load", "hostfile", f"file={tmp_path / 'hosts.csv'}")
    assert r.returncode == 0, r.stderr
    assert stack(lab_home, "list", "host", "output-format=col:host").stdout.count("\n") == HOSTS + 1


def test_cli_killed_during_load_changes_nothing(lab_home, tmp_path):
    before = state(lab_home)
    load = subprocess.Popen([sys.executable, "-m", "stacki.cli", "load", "hostfile",
                             f"file={tmp_path / 'hosts.csv'}"], env=lab_home,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_writer(lab_home, load)
    finally:
        load.kill()
        load.wait(timeout=30)
    assert load.returncode == -signal.SIGKILL
    assert state(lab_home) == before
