"""Real Unix users and groups for tests of who may do what.

As root the fixture makes two users with their own primary groups and a
group they share, and removes them afterwards; elsewhere the tests that need
them are skipped. Commands run as a user through `runuser`, with an
environment given whole (nothing of root's leaks in) and this checkout first
on the module path.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import engines
from tests.conftest import Result

REPO = Path(__file__).resolve().parent.parent
TOOLS = ("runuser", "useradd", "groupadd", "userdel", "groupdel")
# The interpreter the users run: this one, unless it sits where they may not
# go (a Python under /root); then one named by STACKI_TEST_USER_PYTHON.
PYTHON = os.environ.get("STACKI_TEST_USER_PYTHON") or sys.executable


@dataclass
class User:
    name: str
    group: str  # primary group
    uid: int = 0
    gid: int = 0


@dataclass
class Users:
    a: User
    b: User
    shared: str  # a group both belong to
    root: Path   # a directory every user may enter


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def unix_users():
    if os.geteuid() != 0:
        pytest.skip("making Unix users and groups needs root")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"no {', '.join(missing)} on this machine")
    tag = secrets.token_hex(3)
    a, b = User(f"stka{tag}", f"stka{tag}"), User(f"stkb{tag}", f"stkb{tag}")
    shared = f"stks{tag}"
    made: list[tuple[str, str]] = []
    root = Path(tempfile.mkdtemp(prefix="stacki-users-"))
    try:
        for group in (a.group, b.group, shared):
            _run("groupadd", group)
            made.append(("groupdel", group))
        for user in (a, b):
            _run("useradd", "-M", "-N", "-d", str(root / user.name), "-g", user.group,
                 "-G", shared, user.name)
            made.insert(0, ("userdel", user.name))
            import pwd

            entry = pwd.getpwnam(user.name)
            user.uid, user.gid = entry.pw_uid, entry.pw_gid
            (root / user.name).mkdir()
            os.chown(root / user.name, user.uid, user.gid)
        root.chmod(0o755)
        probe = subprocess.run(["runuser", "-u", a.name, "--", "/usr/bin/env", "-i",
                                f"PYTHONPATH={REPO}", PYTHON, "-c", "import django, stacki.cli"],
                               capture_output=True, cwd=root)
        if probe.returncode != 0:
            pytest.skip(f"{a.name} cannot run this checkout with {PYTHON}: the interpreter "
                        "or the checkout lies where other users may not go (set "
                        "STACKI_TEST_USER_PYTHON to an interpreter they may run)")
        yield Users(a, b, shared, root)
    finally:
        for cmd in made:
            subprocess.run(cmd, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def user_env(user: User, home: Path, **extra: str) -> dict[str, str]:
    """The whole environment of a `stack` run as `user` against STACKI_HOME `home`."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home.parent / user.name),
           "USER": user.name, "LOGNAME": user.name, "LANG": "C.UTF-8",
           "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1",
           "STACKI_HOME": str(home), "STACKI_FRONTEND_NAME": "frontend-0-0",
           "STACKI_SYSROOT": str(home.parent / user.name / "sysroot")}
    if engines.POSTGRES:
        env["STACKI_DATABASE_URL"] = engines.home_database_url(home)
    env.update(extra)
    return env


def run_as(user: User, env: dict[str, str], *words: str, input: str | None = None,
           cwd: Path | None = None, umask: int = 0o007) -> Result:
    """`stack WORDS...` as `user`."""
    cmd = ["runuser", "-u", user.name, "--", "/usr/bin/env", "-i",
           *[f"{k}={v}" for k, v in env.items()],
           "/bin/sh", "-c", f'umask {umask:03o}; exec "$@"', "sh",
           PYTHON, "-m", "stacki.cli", *words]
    proc = subprocess.run(cmd, capture_output=True, text=True, input=input,
                          cwd=cwd or Path(env["HOME"]),
                          stdin=None if input is not None else subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def shared_home(users: Users, name: str = "home") -> Path:
    """A STACKI_HOME for both users: owned by root and their shared group, which
    everything made inside inherits (set-group-id directory)."""
    import grp

    home = users.root / name
    home.mkdir()
    os.chown(home, 0, grp.getgrnam(users.shared).gr_gid)
    home.chmod(0o2770)
    return home


def open_to_group(home: Path) -> None:
    """What the admin of a shared home does once it is made: the secret key
    (private to its maker) readable and the SQLite database (made 0644 less
    the umask) writable by the group."""
    (home / "secret_key").chmod(0o640)
    if (home / "stacki.db").exists():
        (home / "stacki.db").chmod(0o660)
