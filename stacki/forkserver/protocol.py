"""What the `stack` client and the fork server agree on.

Imported by every `stack` process, so it uses only modules the interpreter
has loaded anyway (os, sys) and `_socket`, the C half of `socket` (the
Python half costs 3 ms of imports).

A request is one message: a 4-byte length, then NUL-separated fields
(protocol name, code fingerprint, home, umask, number of arguments, the
arguments, then the environment as KEY=VALUE), with the caller's stdin,
stdout, stderr and working directory attached as file descriptors
(SCM_RIGHTS). The answers are lines: `P pid` (running), `R reason` (refused:
run in-process), then `X code` (exit code) or `S signal` (killed by it).
"""

from __future__ import annotations

import _socket
import os
import sys

NAME = b"stacki-fork-1"
SOCKET_DIR = "server"
SOCKET_NAME = "stack.sock"
# sun_path holds 108 bytes with its NUL: longer paths go through /proc/self/fd.
MAX_PATH = 107
# Read at run time, so a client may differ from the server in them; every
# other STACKI_* and DJANGO_* variable shapes the settings the server loaded
# once and must be the same (STACKI_HOME is compared as a resolved path).
RUNTIME_VARIABLES = frozenset({"STACKI_HOME", "STACKI_SYSROOT", "STACKI_FRONTEND_NAME",
                               "STACKI_SSH_CONFIG", "STACKI_NO_SERVER"})
FD_COUNT = 4  # stdin, stdout, stderr, working directory


def stacki_home() -> str:
    """STACKI_HOME as stacki.home computes it, without pathlib."""
    return os.environ.get("STACKI_HOME") or os.path.join(os.path.expanduser("~"), ".stacki")


def socket_dir(home: str) -> str:
    return os.path.join(home, SOCKET_DIR)


def fingerprint() -> str:
    """The code a process runs: this package's files (names, sizes, times),
    the interpreter and its environment. A server answers only clients whose
    fingerprint is its own; a changed file means a server to restart."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    count = size = mtime = 0
    directories = [package]
    while directories:
        with os.scandir(directories.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        directories.append(entry.path)
                else:
                    st = entry.stat()
                    count, size, mtime = count + 1, size + st.st_size, mtime + st.st_mtime_ns
    return f"{sys.hexversion:x}:{sys.prefix}:{package}:{count}:{size}:{mtime}"


def settings_environment(environ: dict[str, str]) -> dict[str, str]:
    """The variables that must be equal in client and server."""
    return {k: v for k, v in environ.items()
            if k.startswith(("STACKI_", "DJANGO_")) and k not in RUNTIME_VARIABLES}


def connectable(path: str) -> tuple[str, int | None]:
    """A path `connect`/`bind` accept for `path`, and a directory fd to close
    afterwards when the path was too long and goes through /proc/self/fd."""
    if len(os.fsencode(path)) <= MAX_PATH:
        return path, None
    fd = os.open(os.path.dirname(path), os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    return f"/proc/self/fd/{fd}/{os.path.basename(path)}", fd


def encode_request(fingerprint: str, home: str, umask: int, argv: list[str],
                   environ: dict[str, str]) -> bytes:
    fields = [NAME, fingerprint.encode(), os.fsencode(home), str(umask).encode(),
              str(len(argv)).encode(), *map(os.fsencode, argv),
              *(os.fsencode(k) + b"=" + os.fsencode(v) for k, v in environ.items())]
    payload = b"\0".join(fields)
    return len(payload).to_bytes(4, "big") + payload


class Request:
    def __init__(self, payload: bytes, fds: list[int]) -> None:
        fields = payload.split(b"\0")
        if fields[0] != NAME or len(fields) < 5:
            raise ValueError("not a stacki fork-server request")
        self.fingerprint = fields[1].decode()
        self.home = os.fsdecode(fields[2])
        self.umask = int(fields[3])
        argc = int(fields[4])
        self.argv = [os.fsdecode(f) for f in fields[5:5 + argc]]
        self.environ = {}
        for item in fields[5 + argc:]:
            key, _, value = item.partition(b"=")
            self.environ[os.fsdecode(key)] = os.fsdecode(value)
        self.fds = fds


def receive_request(conn: _socket.socket, limit: int = 64 << 20) -> Request:
    """Read one request and the descriptors that came with it (close-on-exec)."""
    space = _socket.CMSG_SPACE(FD_COUNT * 4)
    data, ancillary, _flags, _addr = conn.recvmsg(65536, space, _socket.MSG_CMSG_CLOEXEC)
    fds: list[int] = []
    for level, kind, blob in ancillary:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            usable = len(blob) - len(blob) % 4
            fds += [int.from_bytes(blob[i:i + 4], sys.byteorder, signed=True)
                    for i in range(0, usable, 4)]
    try:
        if len(data) < 4:
            raise ValueError("short request")
        size = int.from_bytes(data[:4], "big")
        if size > limit:
            raise ValueError("request too large")
        chunks, got = [data[4:]], len(data) - 4
        while got < size:
            chunk = conn.recv(min(size - got, 1 << 20))
            if not chunk:
                raise ValueError("request cut short")
            chunks.append(chunk)
            got += len(chunk)
        if len(fds) != FD_COUNT:
            raise ValueError("the request lacks its file descriptors")
        return Request(b"".join(chunks), fds)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
