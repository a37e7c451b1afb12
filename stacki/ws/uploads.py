"""Files a web-service caller hands to commands.

Each user has a private directory under STACKI_HOME/uploads; uploaded files
and the documents sent as `data` are stored there, and over the API a
`file=` parameter may name nothing else, so the service cannot be used to
read arbitrary files of the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stacki import home

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 100


def user_dir(username: str) -> Path:
    """The caller's private upload directory (made on first use, mode 0700)."""
    root = home.upload_dir()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Usernames are alphanumeric; the quoting only guards against old rows.
    path = root / _UNSAFE.sub("_", username)
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def prune(username: str, days: int) -> None:
    """Remove the user's uploads older than `days` (0: keep them)."""
    if days <= 0:
        return
    oldest = time.time() - days * 86400
    for entry in os.scandir(user_dir(username)):
        if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < oldest:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


def usage(username: str) -> int:
    """Bytes the user's uploads take."""
    return sum(e.stat().st_size for e in os.scandir(user_dir(username))
               if e.is_file(follow_symlinks=False))


def safe_name(client_name: str | None) -> str:
    """A file name made from the client's: its last component, harmless
    characters only, never hidden, never empty."""
    base = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).lstrip(".")[:MAX_NAME]
    return base or "upload"


def store(username: str, client_name: str | None, chunks: Iterator[bytes]) -> Path:
    """Write an uploaded file under a fresh name in the user's directory."""
    name = f"{secrets.token_hex(4)}-{safe_name(client_name)}"
    path = user_dir(username) / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
    return path


@contextlib.contextmanager
def data_file(username: str, data: Any) -> Iterator[Path]:
    """The `data` document as a private temporary file, removed afterwards."""
    path = user_dir(username) / f".data-{secrets.token_hex(8)}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        yield path
    finally:
        path.unlink(missing_ok=True)


def confine(username: str, value: str) -> str | None:
    """The absolute path `file=value` names when it lies inside the user's
    upload directory (relative names are taken from there; symbolic links
    and `..` are resolved first); None when it lies elsewhere."""
    base = user_dir(username).resolve()
    target = (base / value).resolve()
    return str(target) if base in target.parents else None
