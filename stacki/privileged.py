"""Writing system files for an unprivileged web service: `stacki-sysfiles`.

The web service runs as an unprivileged user, yet `remove host`, `load
hostfile`, `load networkfile` and `sync` rewrite /etc/hosts, the dhcpd and
named configuration and restart those daemons. Rather than running commands
as root through sudo (which would have root open the database as well), the
service generates the files itself, inside its own transaction, and hands
only the finished files to this small root process over a Unix socket:

    stacki-sysfiles --socket /run/stacki/sysfiles.sock --user stacki

It accepts a connection only from root and the users named by --user (the
socket's peer credentials), writes only the files a sync may write (hosts,
dhcpd, named and zone files, resolv.conf, the frontend's repository
file: `ENTITLED`), never a setuid,
setgid or world-writable mode, under its own STACKI_SYSROOT (default /), and
restarts only dhcpd and named. It reads no database and runs no command, so
a compromised service can do no more through it than change those files,
which it could already do by changing the database.

A `stack` process that is not root uses it when STACKI_SYSFILES_SOCKET names
the socket; the answer is synchronous, so a failed write fails the command
and its transaction rolls back, as when the files are written in-process.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import socket
import struct
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ENV = "STACKI_SYSFILES_SOCKET"
# Every file some sync may write (globs, `*` within one path component).
ENTITLED = (
    "/etc/hosts", "/etc/dhcp/dhcpd.conf", "/etc/sysconfig/dhcpd", "/etc/named.conf",
    "/etc/resolv.conf", "/etc/yum.repos.d/stacki.repo", "/etc/zypp/repos.d/stacki.repo",
    *(f"{directory}/{name}" for directory in ("/var/named", "/var/lib/named")
      for name in ("*.domain", "*.domain.local", "reverse.*.domain", "reverse.*.domain.local")),
)
SERVICES = ("dhcpd", "named")
MAX_REQUEST = 64 * 1024 * 1024


class Refused(Exception):
    """The helper refused or failed the request (the message says why)."""


# --- the client side ---------------------------------------------------------

def configured() -> bool:
    """Whether this process hands its system files to the helper."""
    return bool(os.environ.get(ENV)) and os.geteuid() != 0


def _call(request: dict) -> dict:
    data = json.dumps(request).encode()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(300)
            conn.connect(os.environ[ENV])
            conn.sendall(struct.pack("!Q", len(data)) + data)
            conn.shutdown(socket.SHUT_WR)
            reply = _receive(conn)
    except OSError as exc:
        raise Refused(f"cannot reach stacki-sysfiles at {os.environ[ENV]}: "
                      f"{exc.strerror or exc}") from None
    if "error" in reply:
        raise Refused(reply["error"])
    return reply


def write(blocks: Sequence) -> None:
    """Have the helper write file blocks (sysfiles.FileBlock)."""
    _call({"files": [{"name": b.name, "lines": b.lines, "perms": b.perms, "append": b.append}
                     for b in blocks]})


def apply(label: str, running: bool, progress: Callable[[str], None]) -> None:
    """Have the helper restart (or stop) a service; relays what it did."""
    for line in _call({"service": label, "running": running}).get("progress", []):
        progress(line)


# --- the root side --------------------------------------------------------------

def _receive(conn: socket.socket) -> dict:
    head = _exactly(conn, 8)
    (size,) = struct.unpack("!Q", head)
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    return json.loads(_exactly(conn, size))


def _exactly(conn: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            raise ValueError("truncated request")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def handle(request: dict) -> dict:
    """Do one request; the answer is {"progress": [...]} or {"error": "..."}."""
    from stacki import sysfiles
    from stacki.errors import StackError

    try:
        if "files" in request:
            blocks = []
            for entry in request["files"]:
                name, perms = entry["name"], entry.get("perms")
                if not isinstance(name, str) or not name.isprintable() or '"' in name:
                    raise Refused("file names must be plain paths")
                # Parsed as a tag: one check of paths and modes for every writer.
                header = f'stack:name="{name}"' + (
                    f' stack:perms="{perms:o}"' if isinstance(perms, int) else "")
                block = sysfiles.parse([f"<stack:file {header}>", "</stack:file>"])[0]
                if not all(isinstance(line, str) and "\n" not in line for line in entry["lines"]):
                    raise Refused(f"{entry['name']}: lines must be single lines of text")
                block.lines = list(entry["lines"])
                block.append = bool(entry.get("append"))
                blocks.append(block)
            sysfiles.write(blocks, allowed=ENTITLED)
            return {"progress": []}
        if request.get("service") in SERVICES:
            service = {"dhcpd": sysfiles.DHCPD, "named": sysfiles.NAMED}[request["service"]]
            said: list[str] = []
            sysfiles.ServiceManager().apply(service, bool(request.get("running")), said.append)
            return {"progress": said}
        raise Refused("unknown request")
    except (Refused, StackError) as exc:
        return {"error": str(exc)}
    except (KeyError, TypeError, ValueError, IndexError):
        return {"error": "malformed request"}


def serve(path: str, users: set[int], group: int | None,
          ready: Callable[[], None] = lambda: None) -> None:
    """Answer requests one at a time (syncs are rare and each is all-or-nothing)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        old = os.umask(0o177)
        try:
            server.bind(path)
        finally:
            os.umask(old)
        if group is not None:
            os.chown(path, 0, group)
            os.chmod(path, 0o660)
        server.listen(16)
        ready()
        while True:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(300)
                try:
                    uid = peer_uid(conn)
                    if uid != 0 and uid not in users:
                        reply = {"error": f"uid {uid} may not use stacki-sysfiles"}
                    else:
                        reply = handle(_receive(conn))
                except (OSError, ValueError) as exc:
                    reply = {"error": f"bad request: {exc}"}
                data = json.dumps(reply).encode()
                try:
                    conn.sendall(struct.pack("!Q", len(data)) + data)
                except OSError:
                    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="stacki-sysfiles",
        description="Write the generated system files of an unprivileged stacki-ws (as root).")
    parser.add_argument("--socket", required=True, help="the Unix socket to listen on")
    parser.add_argument("--user", action="append", default=[],
                        help="a user allowed to connect (repeatable); root always is")
    parser.add_argument("--group", help="the group owning the socket (mode 0660)")
    parser.add_argument("--sysroot", default=os.environ.get("STACKI_SYSROOT") or "/",
                        help="where the files go (default: STACKI_SYSROOT, else /)")
    opts = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.stderr.write("stacki-sysfiles must run as root\n")
        return 255
    try:
        users = {pwd.getpwnam(name).pw_uid for name in opts.user}
        group = grp.getgrnam(opts.group).gr_gid if opts.group else None
    except KeyError as exc:
        sys.stderr.write(f"unknown user or group: {exc}\n")
        return 255
    os.environ["STACKI_SYSROOT"] = str(Path(opts.sysroot))
    os.environ.pop(ENV, None)
    Path(opts.socket).parent.mkdir(parents=True, exist_ok=True)
    serve(opts.socket, users, group)
    return 0


if __name__ == "__main__":
    sys.exit(main())
