"""Hypervisors: their libvirt connection, storage pools and disk image files.

A hypervisor is reached at the libvirt URI of its `vm.libvirt.uri` attribute
(any scope), by default Stacki's qemu+ssh://HYPERVISOR/system. A URI that names
no remote host (test:///default, qemu:///system) is this machine: its image
files then live under STACKI_SYSROOT; a remote hypervisor's are made over ssh.
libvirt-python is imported only when a hypervisor is talked to.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from stacki.home import sysroot

URI_ATTR = "vm.libvirt.uri"
DEFAULT_URI = "qemu+ssh://{hypervisor}/system"
GIB = 1 << 30


class HypervisorError(Exception):
    """A hypervisor refused or could not be reached; the message names it."""


def uri_of(hypervisor: str, configured: str | None) -> str:
    return configured or DEFAULT_URI.format(hypervisor=hypervisor)


def _libvirt() -> Any:
    try:
        import libvirt
    except ImportError:
        raise HypervisorError("libvirt-python is not installed (pip install libvirt-python)") \
            from None
    # libvirt prints every error on stderr besides raising it: the exception is enough.
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    return libvirt


def _message(exc: Exception) -> str:
    text = getattr(exc, "get_error_message", lambda: None)() or str(exc)
    return str(text).strip()


class Hypervisor:
    """One open libvirt connection (a context manager)."""

    def __init__(self, name: str, uri: str):
        self.name, self.uri = name, uri
        self.conn: Any = None
        self.files = Files(name, uri)

    def __enter__(self) -> Hypervisor:
        libvirt = _libvirt()
        try:
            self.conn = libvirt.open(self.uri)
        except libvirt.libvirtError as exc:
            raise HypervisorError(
                f"Failed to connect to hypervisor {self.name}:\n{_message(exc)}") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _do(self, what: str, action: Any, *args: Any) -> Any:
        libvirt = _libvirt()
        try:
            return action(*args)
        except libvirt.libvirtError as exc:
            raise HypervisorError(f"{what} on hypervisor {self.name}: {_message(exc)}") from None

    # --- guests --------------------------------------------------------------
    def guests(self) -> dict[str, str]:
        """Each defined domain: 'on' (running) or 'off'."""
        domains = self._do("Failed to list guests", self.conn.listAllDomains)
        return {d.name(): "on" if d.isActive() else "off" for d in domains}

    def define(self, xml: str) -> None:
        self._do("Failed to define guest", self.conn.defineXML, xml)

    def undefine(self, guest: str) -> None:
        dom = self._do(f"Failed to find VM {guest}", self.conn.lookupByName, guest)
        self._do(f"Failed to undefine VM {guest}", dom.undefine)

    def start(self, guest: str) -> None:
        dom = self._do(f"Failed to find VM {guest}", self.conn.lookupByName, guest)
        self._do(f"Failed to start VM {guest}", dom.create)

    def stop(self, guest: str) -> None:
        dom = self._do(f"Failed to find VM {guest}", self.conn.lookupByName, guest)
        self._do(f"Failed to stop VM {guest}", dom.destroy)

    def autostart(self, guest: str) -> None:
        dom = self._do(f"Failed to find VM {guest}", self.conn.lookupByName, guest)
        self._do(f"Could not autostart {guest}", dom.setAutostart, 1)

    # --- storage pools ------------------------------------------------------------
    def pool_names(self) -> set[str]:
        return {p.name() for p in self._do("Failed to list pools", self.conn.listAllStoragePools)}

    def add_pool(self, pool: str, directory: str) -> bool:
        """A started, autostarted directory pool; False when it was there."""
        if pool in self.pool_names():
            return False
        self.files.mkdir(directory)
        xml = (f"<pool type='dir'><name>{_escape(pool)}</name><target>"
               f"<path>{_escape(str(self.files.path(directory)))}</path></target></pool>")
        made = self._do(f"Failed to create storage pool {directory}",
                        self.conn.storagePoolDefineXML, xml, 0)
        self._do(f"Failed to start storage pool {pool}", made.create)
        self._do(f"Failed to autostart storage pool {pool}", made.setAutostart, 1)
        return True

    def refresh_pool(self, pool: str) -> None:
        if pool in self.pool_names():
            found = self._do(f"Failed to find pool {pool}", self.conn.storagePoolLookupByName,
                             pool)
            if found.isActive():
                self._do(f"Failed to refresh pool {pool}", found.refresh, 0)

    def remove_pool(self, pool: str) -> None:
        if pool not in self.pool_names():
            return
        found = self._do(f"Failed to find pool {pool}", self.conn.storagePoolLookupByName, pool)
        if found.isActive():
            self._do(f"Failed to delete pool {pool}", found.destroy)
        self._do(f"Failed to delete pool {pool}", found.undefine)

    def pools(self, only: str = "") -> list[tuple[str, str, str, str, bool]]:
        """(name, allocated, available, capacity, active) of each pool, sizes in GB."""
        rows = []
        for pool in self._do("Failed to get pool info", self.conn.listAllStoragePools, 0):
            if only and pool.name() != only:
                continue
            _, capacity, allocation, available = self._do(
                "Failed to get pool info", pool.info)
            rows.append((pool.name(), _gb(allocation), _gb(available), _gb(capacity),
                         bool(pool.isActive())))
        return sorted(rows)


def _gb(size: int) -> str:
    return f"{round(size / GIB, 2)} GB"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")


class Files:
    """The files of a hypervisor: here under STACKI_SYSROOT when its URI is
    local, else on it over ssh (root's keys, as Stacki)."""

    def __init__(self, name: str, uri: str):
        self.name = name
        self.remote = urlsplit(uri).hostname or ""

    def path(self, directory: str) -> PurePosixPath | Path:
        if self.remote:
            return PurePosixPath(directory)
        return sysroot() / directory.lstrip("/")

    def run(self, argv: list[str], what: str) -> subprocess.CompletedProcess:
        if self.remote:
            argv = ["ssh", "-o", "BatchMode=yes", self.remote, shlex.join(argv)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()
            raise HypervisorError(f"{what} on hypervisor {self.name}: {detail}")
        return done

    def exists(self, path: str) -> bool:
        if not self.remote:
            return Path(self.path(path)).exists()
        argv = ["ssh", "-o", "BatchMode=yes", self.remote, shlex.join(["test", "-e", path])]
        return subprocess.run(argv, capture_output=True, check=False,
                              stdin=subprocess.DEVNULL).returncode == 0

    def mkdir(self, directory: str) -> None:
        self.run(["mkdir", "-p", str(self.path(directory))], f"Could not create {directory}")

    def create_image(self, path: str, size_gb: int) -> bool:
        """A new qcow2 image of `size_gb` GB; False when the file was there."""
        if self.exists(path):
            return False
        self.mkdir(str(PurePosixPath(path).parent))
        self.run(["qemu-img", "create", "-q", "-f", "qcow2", str(self.path(path)), f"{size_gb}G"],
                 f"Failed to create image {path}")
        return True

    def copy_image(self, source: str, directory: str) -> bool:
        """The frontend's image `source` copied into `directory` unless it is there."""
        target = f"{directory.rstrip('/')}/{PurePosixPath(source).name}"
        if self.exists(target):
            return False
        if not Path(source).is_file():
            raise HypervisorError(f"File {source} not found to transfer")
        self.mkdir(directory)
        if self.remote:
            argv = ["scp", "-q", "-o", "BatchMode=yes", source, f"{self.remote}:{target}"]
        else:
            argv = ["cp", "--sparse=always", source, str(self.path(target))]
        done = subprocess.run(argv, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise HypervisorError(f"Failed to transfer file {source} to {self.name} at "
                                  f"{target}: {done.stderr.strip()}")
        return True

    def remove(self, path: str) -> bool:
        """Delete a file; False when it was not there."""
        if not self.exists(path):
            return False
        self.run(["rm", "-f", str(self.path(path))], f"Failed to remove file {path}")
        return True

    def remove_empty_dir(self, directory: str) -> bool:
        """Remove a directory only when it holds nothing."""
        if not self.exists(directory):
            return False
        if self.remote:
            listed = self.run(["ls", "-A", directory], f"Failed to find {directory}").stdout
            if listed.strip():
                return False
        elif any(Path(self.path(directory)).iterdir()):
            return False
        self.run(["rmdir", str(self.path(directory))], f"Failed to remove directory {directory}")
        return True
