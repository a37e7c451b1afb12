"""First use of a STACKI_HOME: initialisation, credentials, relocation."""

import json
import shutil
import sqlite3
import stat
import subprocess
import sys

import pytest

from tests import engines
from tests.conftest import subprocess_env


def stack(env, *words):
    return subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def test_two_processes_initialise_one_home(tmp_path):
    (tmp_path / "user").mkdir()
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    procs = [subprocess.Popen([sys.executable, "-m", "stacki.cli", "list", "host",
                               "output-format=col:host"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert [out for out, _ in outputs] == ["frontend-0-0\n"] * 3
    creds = sorted(p.name for p in (tmp_path / "user").iterdir())
    assert creds == ["stacki-ws.cred"]


def test_credentials_file(stacki_home):
    from pathlib import Path

    path = Path(stacki_home["HOME"]) / "stacki-ws.cred"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (cred,) = json.loads(path.read_text())
    assert cred["username"] == "admin"
    assert len(cred["key"]) >= 43  # 32 random bytes, URL-safe base64
    # the key is stored hashed, never in clear
    if not engines.POSTGRES:
        db = Path(stacki_home["STACKI_HOME"]) / "stacki.db"
        assert cred["key"].encode() not in db.read_bytes()


def test_existing_credentials_are_kept(tmp_path):
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "stacki-ws.cred").write_text("mine\n")
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    assert stack(env, "list", "host").returncode == 0
    assert (tmp_path / "user" / "stacki-ws.cred").read_text() == "mine\n"


def test_home_is_relocatable(stacki_home, tmp_path):
    from pathlib import Path

    old = Path(stacki_home["STACKI_HOME"])
    assert stack(stacki_home, "add", "host", "backend-0-0").returncode == 0
    new = tmp_path / "moved"
    shutil.move(old, new)
    env = dict(stacki_home, STACKI_HOME=str(new))
    r = stack(env, "list", "host", "output-format=col:host")
    assert (r.returncode, r.stdout) == (0, "frontend-0-0\nbackend-0-0\n")
    for f in new.rglob("*"):
        if f.is_file():
            assert str(old).encode() not in f.read_bytes()
            assert stacki_home["HOME"].encode() not in f.read_bytes()


@pytest.mark.skipif(engines.POSTGRES, reason="SQLite only")
def test_sqlite_runs_in_wal_mode(stacki_home):
    from pathlib import Path

    db = sqlite3.connect(Path(stacki_home["STACKI_HOME"]) / "stacki.db")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_bad_option_exits_255(stacki_home):
    r = stack(stacki_home, "--frobnicate", "list", "host")
    assert r.returncode == 255
    assert r.stderr.startswith("error - option --frobnicate not recognized\n")


@pytest.mark.skipif(engines.POSTGRES, reason="rolls the schema back in the SQLite file")
def test_older_home_is_migrated(stacki_home):
    """A home made by older code (an older schema recorded) gets the newer migrations."""
    from pathlib import Path

    # Django's own migrate takes the schema back to the first migration.
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0", "inventory", "0001_initial"],
                   env=dict(stacki_home, DJANGO_SETTINGS_MODULE="stacki.settings"), check=True,
                   stdin=subprocess.DEVNULL)
    db = sqlite3.connect(Path(stacki_home["STACKI_HOME"]) / "stacki.db")
    db.execute("UPDATE setting SET value = '0001_initial' WHERE key = 'schema'")
    db.commit()
    assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'api_key'").fetchall()
    r = stack(stacki_home, "list", "api", "key")
    assert r.returncode == 0, r.stderr
    # The software migration registers the stacki pallet of an existing frontend.
    assert stack(stacki_home, "list", "pallet", "output-format=col:name").stdout == "stacki\n"
    (schema,) = db.execute("SELECT value FROM setting WHERE key = 'schema'").fetchone()
    assert schema == sorted(p.stem for p in (Path(__file__).parent.parent / "stacki" / "inventory"
                                             / "migrations").glob("0*.py"))[-1]


@pytest.mark.skipif(engines.POSTGRES, reason="edits the SQLite file")
def test_a_home_with_the_old_auth_tables_is_refused_unchanged(stacki_home):
    """Homes of the development versions that kept users in Django's auth
    tables cannot be migrated: the command says so and changes nothing."""
    from pathlib import Path

    db = sqlite3.connect(Path(stacki_home["STACKI_HOME"]) / "stacki.db")
    db.execute("UPDATE setting SET value = '0003_api_keys_audit_throttle' WHERE key = 'schema'")
    db.execute("INSERT INTO django_migrations (app, name, applied) "
               "VALUES ('auth', '0001_initial', '2026-01-01')")
    db.commit()
    r = stack(stacki_home, "list", "host")
    assert r.returncode == 255
    assert "was made by an older development version of this product" in r.stderr
    assert "dump it with that version (stack dump)" in r.stderr
    (schema,) = db.execute("SELECT value FROM setting WHERE key = 'schema'").fetchone()
    assert schema == "0003_api_keys_audit_throttle"
