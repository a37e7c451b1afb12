"""Where state lives, and the first-use initialisation of a STACKI_HOME.

Everything the product keeps sits in STACKI_HOME (database, secret key,
uploads) or in the STACKI_DATABASE_URL database. Nothing stored there records
an absolute path, so a home directory can be copied or moved.
"""

from __future__ import annotations

import os
from pathlib import Path


def stacki_home() -> Path:
    return Path(os.environ.get("STACKI_HOME") or Path.home() / ".stacki")


def sysroot() -> Path:
    return Path(os.environ.get("STACKI_SYSROOT") or "/")


def system_path(path: str) -> Path:
    """The place of a system file (`/etc/hosts`) under STACKI_SYSROOT."""
    return sysroot() / path.lstrip("/")


def frontend_name() -> str:
    if os.environ.get("STACKI_FRONTEND_NAME"):
        return os.environ["STACKI_FRONTEND_NAME"]
    import socket

    return socket.gethostname().split(".")[0]


def upload_dir() -> Path:
    return stacki_home() / "uploads"


def secret_key() -> str:
    """The Django secret key, made once per STACKI_HOME (race-safe)."""
    home = stacki_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    import secrets

    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


CRED_FILE = "stacki-ws.cred"
DEFAULT_SERVICE_HOST = "localhost:8000"
_ready = False


def setup(service_host: str | None = None) -> None:
    """Configure Django and make sure the database is initialised (once per process).

    `service_host` is where the web service listens (`host:port`): when the
    service is what initialises the home, the admin's credentials point there.
    """
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")
    # django.setup() minus its URL-prefix step, which would import django.http
    # and django.urls: a third of the start-up time of a CLI command.
    from django.apps import apps
    from django.conf import settings

    from stacki import logs

    logs.configure()
    apps.populate(settings.INSTALLED_APPS)
    ensure_initialised(service_host)
    _ready = True


def latest_migration() -> str:
    """The newest migration this code ships (a directory listing, no imports)."""
    directory = Path(__file__).parent / "inventory" / "migrations"
    return max(p.stem for p in directory.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _state() -> tuple[bool, bool]:
    """(initialised, schema up to date): one query on every start."""
    from django.db import DatabaseError

    from stacki.inventory.models import Setting

    try:
        rows = dict(Setting.objects.filter(key__in=("initialised", "schema"))
                    .values_list("key", "value"))
    except DatabaseError:
        return False, False
    return "initialised" in rows, rows.get("schema") == latest_migration()


class _InitLock:
    """Serialises initialisation between processes: a file lock for SQLite,
    an advisory lock for PostgreSQL."""

    PG_LOCK_ID = 0x57AC1

    def __enter__(self) -> "_InitLock":
        from django.db import connection

        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [self.PG_LOCK_ID])
        else:
            import fcntl

            home = stacki_home()
            home.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.file = open(home / "init.lock", "w")
            fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        from django.db import connection

        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.PG_LOCK_ID])
        else:
            self.file.close()


def ensure_initialised(service_host: str | None = None) -> None:
    """First use: create the schema, the default data, the API admin and its
    credentials file. Idempotent and safe when several processes start at once."""
    if all(_state()):
        return
    with _InitLock():
        initialised, current = _state()
        if initialised and current:
            return
        from django.core.management import call_command

        if initialised:
            _refuse_legacy()
        # Also brings an existing home up to the schema of newer code.
        call_command("migrate", verbosity=0, interactive=False)
        from django.db import transaction

        from stacki.inventory import access, defaults
        from stacki.inventory.models import Setting

        with transaction.atomic():
            if not initialised:
                defaults.load(defaults.native_os(sysroot()), frontend_name())
                access.grant_creator()
                key = create_admin()
                Setting.objects.create(key="initialised", value="1")
            Setting.objects.update_or_create(key="schema", defaults={"value": latest_migration()})
        if not initialised:
            write_credentials([{"username": "admin",
                                "hostname": service_host or DEFAULT_SERVICE_HOST, "key": key}])


class Unusable(Exception):
    """A STACKI_HOME this code cannot work with (the message says why)."""


def _refuse_legacy() -> None:
    """Homes made before users and groups left Django's auth tables have a
    migration history this code cannot continue."""
    from django.db.migrations.recorder import MigrationRecorder

    if MigrationRecorder.Migration.objects.filter(app="auth").exists():
        raise Unusable(
            f"{stacki_home()} was made by an older development version of this product; "
            "dump it with that version (stack dump) and load the dump into a new home")


def new_api_key() -> str:
    """An API key: 32 random bytes, URL-safe."""
    import secrets

    return secrets.token_urlsafe(32)


def create_admin() -> str:
    from stacki.inventory.models import Group, User

    key = new_api_key()
    User.create("admin", key, admin=True, groups=[Group.objects.get(name="default")])
    return key


def write_credentials(creds: list[dict]) -> Path:
    """Write $HOME/stacki-ws.cred (0600); never overwrite an existing file."""
    import json
    import sys

    path = Path.home() / CRED_FILE
    candidates = [path] + [path.with_name(f"{CRED_FILE}.{n}") for n in range(1, 100)]
    for candidate in candidates:
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as f:
            json.dump(creds, f)
            f.write("\n")
        if candidate != path:
            sys.stderr.write(f"{path} exists; the new admin credentials are in {candidate}\n")
        return candidate
    raise RuntimeError(f"cannot write credentials next to {path}")
