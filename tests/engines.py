"""The database engine the suite runs on.

SQLite by default; PostgreSQL when STACKI_TEST_DATABASE_URL names a server
(`postgresql://user:pw@host:port/db`, a role that may create databases).

In-process tests use pytest-django's test database. Real `stack` and
`stacki-ws` processes get one database per STACKI_HOME, the way each SQLite
home has its own file: a file `test-database` in the home names it, so a
copied home (`shutil.copytree` of the pristine one) is noticed and gets a
clone of the database it was copied from (PostgreSQL's CREATE DATABASE ...
TEMPLATE), and a fresh home gets an empty database that the product
initialises itself.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TEST_URL = os.environ.get("STACKI_TEST_DATABASE_URL", "")
POSTGRES = TEST_URL.startswith(("postgres://", "postgresql://"))
ENGINE = "postgresql" if POSTGRES else "sqlite"

MARKER = "test-database"
_SESSION = secrets.token_hex(3)
_created: list[str] = []


def url_for(database: str, url: str = TEST_URL) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def admin_connection():
    """An autocommit connection to the server (CREATE/DROP DATABASE)."""
    import psycopg

    return psycopg.connect(TEST_URL, autocommit=True)


def create_database(name: str, template: str | None = None) -> None:
    sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    with admin_connection() as conn:
        conn.execute(sql)
    _created.append(name)


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def home_database_url(home: Path) -> str:
    """The URL of the database of a STACKI_HOME, made (or cloned) on first use."""
    digest = hashlib.sha1(str(Path(home).absolute()).encode()).hexdigest()[:16]
    name = f"stacki_{_SESSION}_{digest}"
    marker = Path(home) / MARKER
    source = marker.read_text().strip() if marker.exists() else None
    if source != name:
        create_database(name, template=source)
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        marker.write_text(name + "\n")
    return url_for(name)


def drop_created() -> None:
    """Drop the databases this test session made. A process of another role
    (an autovacuum worker: the server's own) cannot be forced off by this
    role, but finishes soon: the drop is tried again for a few seconds, then
    the database is left for the throw-away server (scripts/test) to take
    with it."""
    import time

    import psycopg

    while _created:
        name = _created.pop()
        for attempt in range(10):
            try:
                drop_database(name)
                break
            except psycopg.Error as exc:
                if attempt == 9:
                    sys.stderr.write(f"engines: database {name} left in place: {exc}\n")
                time.sleep(0.5)
