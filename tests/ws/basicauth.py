"""Helpers of the tests of Basic authentication, keys, audit, throttling and
the catalogue: Basic requests through Django's test client and over real
HTTP, and `stacki-ws` servers with their own settings."""

from __future__ import annotations

import base64
import json
import shutil
from typing import Any

import requests
from django.test import Client

from tests.conftest import subprocess_env
from tests.ws.conftest import Server, start_server

JSON = "application/json"


def authorization(username: str, key: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{key}".encode()).decode()


def basic_run(username: str, key: str, cmd: str, path: str = "/stack", **extra: Any):
    """POST {"cmd": cmd} with Basic credentials and nothing else: no cookie,
    no CSRF token (Django's client set to enforce CSRF)."""
    client = Client(enforce_csrf_checks=True)
    return client.post(path, json.dumps({"cmd": cmd}), content_type=JSON,
                       HTTP_AUTHORIZATION=authorization(username, key), **extra)


def basic_get(username: str, key: str, path: str):
    client = Client(enforce_csrf_checks=True)
    return client.get(path, HTTP_AUTHORIZATION=authorization(username, key))


def http_run(server: Server, username: str, key: str, cmd: str) -> requests.Response:
    """A Basic POST /stack over real HTTP, as `curl -u` sends it."""
    return requests.post(server.url, json={"cmd": cmd}, auth=(username, key), timeout=60)


def new_key(server: Server, *words: str) -> dict[str, Any]:
    """Run a key-issuing command with the real CLI; its one JSON row."""
    made = server.stack(*words, "output-format=json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)[0]


def own_server(pristine_home, tmp_path_factory, name: str, **env: str) -> Server:
    """A `stacki-ws` on a private copy of the pristine home, with extra settings."""
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(pristine_home, root / "state")
    environment = subprocess_env(root / "state" / "home", root / "state" / "user", **env)
    return start_server(environment, root / "server.log")
