"""PostgreSQL as the engine: first use of an empty database by several
processes at once, the advisory lock that serialises it, the settings that
only apply there. Run when the suite runs on PostgreSQL
(STACKI_TEST_DATABASE_URL)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests import engines
from tests.conftest import subprocess_env

pytestmark = pytest.mark.skipif(not engines.POSTGRES, reason="PostgreSQL only")


def stack(env, *words, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "stacki.cli", *words], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def counts(url: str) -> tuple[int, int, int, int]:
    """Frontend hosts, API users, `initialised` markers and migrations recorded."""
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(conn.execute(sql).fetchone()[0] for sql in (
            "SELECT count(*) FROM host",
            "SELECT count(*) FROM api_user",
            "SELECT count(*) FROM setting WHERE key = 'initialised'",
            "SELECT count(*) FROM django_migrations",
        ))


def test_several_processes_initialise_one_empty_database(tmp_path):
    (tmp_path / "user").mkdir()
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    procs = [stack(env, "list", "host", "output-format=col:host") for _ in range(6)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [(p.returncode, err) for p, (_, err) in zip(procs, outputs)] == [(0, "")] * 6
    assert [out for out, _ in outputs] == ["frontend-0-0\n"] * 6
    hosts, users, markers, migrations = counts(env["STACKI_DATABASE_URL"])
    assert (hosts, users, markers) == (1, 1, 1)
    assert migrations > 0
    # one admin, whose key in the one credentials file opens the API
    assert sorted(p.name for p in (tmp_path / "user").iterdir()) == ["stacki-ws.cred"]
    [cred] = json.loads((tmp_path / "user" / "stacki-ws.cred").read_text())
    check = subprocess.run(
        [sys.executable, "-c", ("from stacki import home; home.setup();"
                                "from stacki.apiusers.keys import authenticate;"
                                f"print(authenticate('admin', {cred['key']!r}) is not None)")],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert check.stdout == "True\n"


def test_initialisation_waits_for_the_advisory_lock(tmp_path):
    """A process that finds the database empty waits while another holds the
    initialisation lock, then initialises it once the lock is free."""
    import psycopg

    from stacki.home import _InitLock

    (tmp_path / "user").mkdir()
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    with psycopg.connect(env["STACKI_DATABASE_URL"], autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [_InitLock.PG_LOCK_ID])
        waiting = stack(env, "list", "host", "output-format=col:host")
        time.sleep(3)
        assert waiting.poll() is None
        assert counts_tables(holder) == 0
        holder.execute("SELECT pg_advisory_unlock(%s)", [_InitLock.PG_LOCK_ID])
        out, err = waiting.communicate(timeout=300)
    assert (waiting.returncode, out, err) == (0, "frontend-0-0\n", "")


def counts_tables(conn) -> int:
    return conn.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = 'public'").fetchone()[0]


def test_database_settings():
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 10


def test_readonly_transaction_is_postgresql_own(stack):
    """A read-only caller's write is refused by PostgreSQL itself, and the
    connection is writable again for the next caller."""
    from stacki import errors
    from stacki.framework.context import Context
    from stacki.framework.runner import run_command
    from stacki.inventory.models import Host

    with pytest.raises(errors.ReadOnlyViolation):
        run_command(["add", "host", "backend-0-0"], Context(readonly=True, admin=False))
    assert not Host.objects.filter(name="backend-0-0").exists()
    assert stack("add", "host", "backend-0-0").rc == 0
    assert Host.objects.filter(name="backend-0-0").exists()
