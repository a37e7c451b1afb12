"""State files are private and the web service answers only to its own
names by default (issue 12, item 5)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests import engines
from tests.conftest import subprocess_env


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.skipif(engines.POSTGRES, reason="the SQLite files of a home")
def test_a_home_and_its_database_are_private(tmp_path):
    home, user = tmp_path / "home", tmp_path / "user"
    home.mkdir(mode=0o755)
    user.mkdir()
    os.chmod(home, 0o755)
    env = subprocess_env(home, user)
    stack = [sys.executable, "-m", "stacki.cli", "list", "host"]
    assert subprocess.run(stack, env=env, capture_output=True).returncode == 0
    assert mode(home) == 0o700
    assert mode(home / "stacki.db") == 0o600
    # An existing home left open (an older version made it so) is closed.
    os.chmod(home, 0o755)
    os.chmod(home / "stacki.db", 0o644)
    for suffix in ("-wal", "-shm"):
        (home / f"stacki.db{suffix}").touch(mode=0o644)
        os.chmod(home / f"stacki.db{suffix}", 0o644)
    assert subprocess.run(stack, env=env, capture_output=True).returncode == 0
    assert mode(home) == 0o700
    for suffix in ("", "-wal", "-shm"):
        state = home / f"stacki.db{suffix}"
        assert not state.exists() or mode(state) == 0o600, suffix


def test_allowed_hosts_default_to_the_frontends_names_and_loopback(tmp_path):
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    env.pop("STACKI_ALLOWED_HOSTS", None)
    code = ("import os, socket, django; os.environ['DJANGO_SETTINGS_MODULE']='stacki.settings';"
            "from django.conf import settings; import json;"
            "print(json.dumps([settings.ALLOWED_HOSTS, socket.gethostname()]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    allowed, hostname = json.loads(out)
    assert "*" not in allowed
    assert {"frontend-0-0", "localhost", "127.0.0.1", "[::1]", hostname.lower()} <= set(allowed)


def test_the_service_refuses_a_foreign_host_name(server):
    assert requests.get(server.url, timeout=30).status_code == 200
    foreign = requests.get(server.url, headers={"Host": "evil.example"}, timeout=30)
    assert foreign.status_code == 400
    fqdn = requests.get(server.url, headers={"Host": "frontend-0-0"}, timeout=30)
    assert fqdn.status_code == 200
