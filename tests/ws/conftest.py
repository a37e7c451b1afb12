"""Fixtures of the web-service tests: a protocol-speaking Django test client
(CSRF enforced), API users, and a real `stacki-ws` process."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import subprocess_env


class Api:
    """Django's test client speaking the service's protocol, CSRF enforced."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)

    def token(self) -> str:
        return self.client.cookies["csrftoken"].value

    def login(self, username: str, key: str):
        self.client.get("/stack")
        return self.client.post("/stack/login", {"USERNAME": username, "PASSWORD": key},
                                HTTP_X_CSRFTOKEN=self.token())

    def post(self, body: bytes | str, path: str = "/stack", **headers: Any):
        headers.setdefault("HTTP_X_CSRFTOKEN", self.token())
        return self.client.post(path, body, content_type="application/json", **headers)

    def run(self, cmd: str, **request: Any):
        return self.post(json.dumps({"cmd": cmd, **request}))


def body(response) -> Any:
    return json.loads(response.content)


@pytest.fixture
def make_user():
    """make_user(name, admin=False, perms=(), groups=("default",)) -> key."""
    from stacki.inventory.models import Group, User, UserPerm

    def make(name: str, admin: bool = False, perms: tuple[str, ...] = (),
             groups: tuple[str, ...] = ("default",)) -> str:
        key = f"key-of-{name}"
        user = User.create(name, key, admin=admin, groups=Group.objects.filter(name__in=groups))
        UserPerm.objects.bulk_create([UserPerm(user=user, command=p) for p in perms])
        return key

    return make


@pytest.fixture
def login_as(make_user):
    """login_as(name, **user) -> a logged-in Api for a new user."""

    def login(name: str, **user: Any) -> Api:
        key = make_user(name, **user)
        api = Api()
        assert api.login(name, key).status_code == 200
        return api

    return login


# --- real processes ---------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    @property
    def home(self) -> Path:
        return Path(self.env["HOME"])

    def admin_creds(self) -> dict[str, str]:
        return json.loads((self.home / "stacki-ws.cred").read_text())[0]

    def stack(self, *words: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=self.env,
                              capture_output=True, text=True, check=False)

    def wsclient(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "stacki.client", *args], env=self.env,
                              capture_output=True, text=True, check=False)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def start_server(env: dict[str, str], log: Path, workers: int = 1) -> Server:
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "stacki.ws.server", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/stack"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stacki-ws exited: {log.read_text()}")
        try:
            requests.get(url, timeout=2)
            return Server(url, port, env, process, log)
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"stacki-ws did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def server(pristine_home, tmp_path_factory):
    """One `stacki-ws` per test module on a private copy of an initialised home,
    with small body and upload limits."""
    root = tmp_path_factory.mktemp("ws")
    shutil.copytree(pristine_home, root / "state")
    env = subprocess_env(root / "state" / "home", root / "state" / "user",
                         STACKI_MAX_BODY="65536", STACKI_MAX_UPLOAD="4096")
    server = start_server(env, root / "server.log")
    yield server
    server.stop()


class Session:
    """The CSRF/login/POST dance by hand, as any HTTP client would do it."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()

    def token(self) -> str:
        return [c.value for c in self.http.cookies if c.name == "csrftoken"][-1]

    def login(self, username: str, key: str) -> requests.Response:
        self.http.get(self.url, timeout=30)
        return self.post("/login", data={"USERNAME": username, "PASSWORD": key})

    def post(self, path: str = "", **kwargs: Any) -> requests.Response:
        headers = {"X-CSRFToken": self.token(), **kwargs.pop("headers", {})}
        return self.http.post(self.url + path, headers=headers, timeout=60, **kwargs)

    def run(self, cmd: str) -> requests.Response:
        return self.post(json={"cmd": cmd})
