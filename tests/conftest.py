"""Shared fixtures.

In-process tests run against one initialised test database, each test in a
transaction that is rolled back. Subprocess tests copy a pristine STACKI_HOME.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import engines


@dataclass
class Result:
    rc: int
    out: str
    err: str


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the default data of a fresh frontend."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        from stacki import home
        from stacki.inventory import defaults
        from stacki.inventory.models import Setting

        defaults.load("redhat", "frontend-0-0")
        home.create_admin()
        Setting.objects.create(key="initialised", value="1")
        Setting.objects.create(key="schema", value=home.latest_migration())


def pytest_sessionfinish(session, exitstatus):
    if engines.POSTGRES:
        engines.drop_created()


# Tests that start real `stack` processes or web servers are marked slow:
# `pytest -m "not slow"` runs the fast, in-process rest on its own.
SLOW_FIXTURES = {"pristine_home", "stacki_home", "stack_process", "server"}
SLOW_MODULES = {"test_concurrency.py", "test_multiserver.py", "test_faults.py", "test_server.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if (SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or item.path.name in SLOW_MODULES):
            item.add_marker(pytest.mark.slow)


def pytest_report_header(config):
    return f"database engine: {engines.ENGINE}"


@pytest.fixture(autouse=True)
def _db(db):
    """Every test may use the database (rolled back afterwards)."""


def run_cli(*words: str) -> Result:
    from stacki import cli

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = cli.main(list(words))
    return Result(rc, out.getvalue(), err.getvalue())


@pytest.fixture
def stack():
    """Run `stack WORDS...` in-process: returns Result(rc, out, err)."""
    return run_cli


@pytest.fixture(scope="session")
def pristine_home(tmp_path_factory):
    """An initialised STACKI_HOME made by a real `stack` process, copied per use."""
    root = tmp_path_factory.mktemp("pristine")
    env = subprocess_env(root / "home", root / "user")
    (root / "user").mkdir()
    subprocess.run([sys.executable, "-m", "stacki.cli", "list", "host"], env=env, check=True,
                   capture_output=True)
    return root


def subprocess_env(home: Path, user: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(STACKI_HOME=str(home), HOME=str(user), STACKI_FRONTEND_NAME="frontend-0-0",
               STACKI_SYSROOT=str(user / "sysroot"))
    if engines.POSTGRES:
        env["STACKI_DATABASE_URL"] = engines.home_database_url(home)
    env.update(extra)
    return env


@pytest.fixture
def stacki_home(pristine_home, tmp_path):
    """A private copy of the pristine STACKI_HOME and user HOME; returns the env."""
    shutil.copytree(pristine_home, tmp_path / "state")
    return subprocess_env(tmp_path / "state" / "home", tmp_path / "state" / "user")


@pytest.fixture
def stack_process(stacki_home):
    """Run `stack` as a real process against a private STACKI_HOME."""

    def run(*words: str, input: str | None = None) -> Result:
        proc = subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=stacki_home,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run
