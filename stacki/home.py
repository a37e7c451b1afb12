"""Where state lives, and the first-use initialisation of a STACKI_HOME.

Everything the product keeps sits in STACKI_HOME (database, secret key,
uploads) or in the STACKI_DATABASE_URL database. Nothing stored there records
an absolute path, so a home directory can be copied or moved.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stacki.inventory import defaults


def stacki_home() -> Path:
    return Path(os.environ.get("STACKI_HOME") or Path.home() / ".stacki")


def sysroot() -> Path:
    """Where generated system files go. By default a preview tree inside
    STACKI_HOME: writing the machine's own /etc is the deliberate choice
    STACKI_SYSROOT=/ (a real frontend)."""
    value = os.environ.get("STACKI_SYSROOT")
    return Path(value) if value else stacki_home() / "sysroot"


def real_system() -> bool:
    """Whether the files go to this machine's own root (STACKI_SYSROOT=/)."""
    return sysroot().resolve() == Path("/")


def system_path(path: str) -> Path:
    """The place of a system file (`/etc/hosts`) under STACKI_SYSROOT."""
    return sysroot() / path.lstrip("/")


def frontend_name() -> str:
    if os.environ.get("STACKI_FRONTEND_NAME"):
        return os.environ["STACKI_FRONTEND_NAME"]
    import socket

    return socket.gethostname().split(".")[0]


def own_host_names() -> list[str]:
    """This machine's names (short and as configured) and loopback's: the
    default of STACKI_ALLOWED_HOSTS. No DNS query: start-up stays fast."""
    import socket

    hostname = socket.gethostname()
    names = [frontend_name(), hostname, hostname.split(".")[0],
             "localhost", "127.0.0.1", "[::1]"]
    address = service_address_setting()
    if address:
        names.append(address.rsplit(":", 1)[0] if not address.endswith("]") else address)
    return list(dict.fromkeys(n.lower() for n in names if n))


def service_address_setting() -> str:
    """The `host[:port]` every credential names, from one setting:
    STACKI_SERVICE_ADDRESS, else the host of STACKI_SERVICE_URL ("" when
    neither is set)."""
    address = os.environ.get("STACKI_SERVICE_ADDRESS", "")
    url = os.environ.get("STACKI_SERVICE_URL", "")
    if not address and url:
        from urllib.parse import urlsplit

        address = urlsplit(url).netloc
    return address


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
    make_private(stacki_home(), settings.DATABASES["default"])
    apps.populate(settings.INSTALLED_APPS)
    ensure_initialised(service_host)
    _ready = True


STATE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def make_private(home: Path, database: Mapping[str, Any]) -> None:
    """STACKI_HOME 0700 and the SQLite database with its -wal and -shm 0600:
    they hold every key hash and shadow secret. SQLite gives the files it
    makes the database file's mode, so the database is made 0600 first.
    An existing home left open to others is closed; one that cannot be
    (owned by someone else) is refused. A home whose directory has the
    set-group-id bit is one an admin shares with a group on purpose (several
    Unix users, the access table deciding what each may run): its group
    keeps its rights there, others never have any."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = home.stat().st_mode
        closed = 0o007 if mode & stat.S_ISGID else 0o077
        if mode & closed:
            home.chmod(stat.S_IMODE(mode) & ~closed)
    except PermissionError:
        raise Unusable(f"{home} is open to other users and cannot be made private: "
                       f"chmod 700 {home}") from None
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return
    path = Path(database["NAME"])
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in STATE_SUFFIXES:
        state = path.with_name(path.name + suffix)
        try:
            mode = state.stat().st_mode
            if mode & closed:
                state.chmod(stat.S_IMODE(mode) & ~closed)
        except FileNotFoundError:
            pass
        except PermissionError:
            raise Unusable(f"{state} is open to other users and cannot be made private: "
                           f"chmod 600 {state}") from None


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
                defaults.load(defaults.native_os(sysroot()), frontend_name(), frontend_nic())
                access.grant_creator()
                key = create_admin()
                Setting.objects.create(key="initialised", value="1")
            Setting.objects.update_or_create(key="schema", defaults={"value": latest_migration()})
        if not initialised:
            write_credentials([{"username": "admin", **service_location(service_host),
                                "key": key}])


def frontend_nic() -> "defaults.Nic":
    """The frontend's private interface at first use: this machine's own on a
    real frontend (STACKI_SYSROOT=/), else the seeded 192.168.0.2."""
    import sys

    from stacki.inventory import defaults

    if not real_system():
        return defaults.SEEDED
    from stacki import localnet

    nic = localnet.frontend_nic()
    if nic is None:
        sys.stderr.write("no IPv4 interface found for the frontend (set STACKI_FRONTEND_INTERFACE):"
                         f" it gets the seeded address {defaults.FRONTEND_IP}\n")
        return defaults.SEEDED
    return nic


def service_location(service_host: str | None = None) -> dict[str, str]:
    """Where the admin's first credentials say the service is: STACKI_SERVICE_URL
    (its public URL, e.g. behind nginx), else the address the initialising
    `stacki-ws` listens on, else `./scripts/serve`'s default."""
    url = os.environ.get("STACKI_SERVICE_URL")
    if url:
        from urllib.parse import urlsplit

        return {"hostname": urlsplit(url).netloc or url, "url": url}
    return {"hostname": service_host or DEFAULT_SERVICE_HOST}


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
