"""The firmware tree and what reads and writes it: fetching an image from its
source, hashing it, and the names of the implementations this product ships.

Images live where Stacki keeps them, /export/stack/firmware/MAKE/MODEL/FILE,
found under STACKI_SYSROOT. The database stores that path as on the frontend,
so a dump names the same files wherever it is loaded.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from django.db.models import QuerySet

from stacki import home

TREE = PurePosixPath("/export/stack/firmware")
SUPPORTED_SCHEMES = ("file", "http", "https")
SUPPORTED_HASH_ALGS = tuple(sorted(hashlib.algorithms_guaranteed))
DEFAULT_HASH_ALG = "md5"
FETCH_TIMEOUT = 60  # seconds without a byte from an HTTP source

# Stacki checks that an implementation's files are on disk (imp_NAME.py under
# `list host firmware` and `sync host firmware`). This product ships no device
# code yet, so an implementation is valid when it is one Stacki ships: the
# names are recorded for the day device syncing exists.
IMPLEMENTATIONS = ("dell_x1052", "mellanox")

# Makes, models, implementations and regex names are part of paths and of
# command lines: lower case words without spaces or slashes.
NAME = re.compile(r"^[a-z0-9_][a-z0-9_.+-]*$")


class FirmwareError(Exception):
    """A fetch or hash failure; the message is for the user."""


class HashMismatch(FirmwareError):
    """The image does not have the hash it should have."""


def valid_name(name: str) -> bool:
    return bool(NAME.match(name)) and len(name) <= 255


def local(path: str | PurePosixPath) -> Path:
    """Where a path of the real system is under STACKI_SYSROOT."""
    return home.sysroot() / str(path).lstrip("/")


def new_file(make: str, model: str) -> PurePosixPath:
    """A fresh name in the tree for an image of make and model."""
    return TREE / make / model / uuid.uuid4().hex


def calculate_hash(path: Path, hash_alg: str, expected: str | None = None) -> str:
    """The hex digest of a file; FirmwareError if it differs from `expected`."""
    if hash_alg not in SUPPORTED_HASH_ALGS:
        raise FirmwareError(f"hash_alg must be one of the following: {', '.join(SUPPORTED_HASH_ALGS)}")
    digest = hashlib.new(hash_alg)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    calculated = digest.hexdigest()
    if expected is not None and expected.lower() != calculated:
        raise HashMismatch(f"Calculated hash {calculated} does not match expected hash {expected}."
                            f" Algorithm was {hash_alg}.")
    return calculated


def _open_source(source: str):
    """A binary stream of the source: a local path, file:// or http(s):// URL."""
    url = urlparse(source)
    if url.scheme in ("", "file"):
        path = Path(url.path if url.scheme else source)
        if not path.is_file():
            raise FirmwareError(f"{path} does not exist or is not a file")
        try:
            return path.open("rb")
        except OSError as exc:
            raise FirmwareError(f"cannot read {path}: {exc.strerror}") from None
    if url.scheme in ("http", "https"):
        try:
            return urllib.request.urlopen(source, timeout=FETCH_TIMEOUT)  # noqa: S310 - scheme checked
        except urllib.error.HTTPError as exc:
            raise FirmwareError(f"cannot fetch {source}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FirmwareError(f"cannot fetch {source}: {reason}") from None
    raise FirmwareError("source must use one of the following supported schemes: "
                        + ", ".join(SUPPORTED_SCHEMES))


def fetch(source: str, target: PurePosixPath, hash_alg: str = DEFAULT_HASH_ALG,
          expected: str | None = None) -> str:
    """Copy the source to `target` in the tree and return its hash.

    The copy is written beside the target and renamed into place only when
    its hash is right: a failed fetch or a wrong hash leaves the tree as it was.
    """
    if hash_alg not in SUPPORTED_HASH_ALGS:
        raise FirmwareError(f"hash_alg must be one of the following: {', '.join(SUPPORTED_HASH_ALGS)}")
    dest = local(target)
    digest = hashlib.new(hash_alg)
    with _open_source(source) as stream:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".fetch-")
        try:
            with os.fdopen(fd, "wb") as out:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            calculated = digest.hexdigest()
            if expected is not None and expected.lower() != calculated:
                raise HashMismatch(f"Calculated hash {calculated} does not match expected hash"
                                    f" {expected}. Algorithm was {hash_alg}.")
            os.replace(tmp, dest)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise FirmwareError(f"cannot fetch {source}: {exc}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return calculated


def remove_files(paths: Iterable[str]) -> None:
    """Remove images from the tree, and directories left empty."""
    for path in paths:
        target = local(path)
        target.unlink(missing_ok=True)
        for parent in (target.parent, target.parent.parent):
            try:
                parent.rmdir()
            except OSError:
                break


def tree_files() -> list[PurePosixPath]:
    """Every file in the tree, as paths of the real system."""
    root = local(TREE)
    if not root.is_dir():
        return []
    return sorted(TREE / p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def delete_images(images: QuerySet) -> None:
    """Delete image rows (a queryset) and their files from the tree.

    The files go right after the rows: a transaction that still fails leaves
    rows without files, which `sync firmware` fetches again from their source.
    """
    files = list(images.values_list("file", flat=True))
    images.delete()
    remove_files(files)
