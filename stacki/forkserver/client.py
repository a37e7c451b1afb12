"""The `stack` client: hand the command to the home's fork server, if one
serves this caller, and report its exit code.

`run()` returns None whenever the command should run in-process instead: no
server, a socket that cannot be trusted, a server that refuses (other code,
other settings, another user it cannot serve), or a failure before the
command started. Nothing here imports more than protocol does.
"""

from __future__ import annotations

import _socket
import os
import sys

from stacki.forkserver import protocol

SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


def _trusted(home: str) -> bool:
    """The socket's directory is one only its owner can write, and that owner
    is root, the caller or the owner of the home: nobody else can have put a
    server there to receive the caller's terminal and environment."""
    try:
        directory = os.lstat(protocol.socket_dir(home))
        owners = {0, os.geteuid(), os.stat(home).st_uid}
    except OSError:
        return False
    return (directory.st_mode & 0o170000 == 0o040000 and not directory.st_mode & 0o022
            and directory.st_uid in owners)


def _options(argv: list[str]) -> list[str]:
    """The leading `--` options (as stacki.cli reads them)."""
    options = []
    for word in argv:
        if not word.startswith("--") or word == "--":
            break
        options.append(word)
    return options


def _debug(argv: list[str], text: str) -> None:
    if "--debug" in _options(argv):
        sys.stderr.write(f"debug - {text}\n")


def run(argv: list[str]) -> int | None:
    words = argv[len(_options(argv)):]
    if words[:1] == ["--"]:
        words = words[1:]
    if os.environ.get("STACKI_NO_SERVER") or words[:1] == ["server"]:
        return None
    home = protocol.stacki_home()
    if not _trusted(home):
        if os.path.lexists(protocol.socket_dir(home)):
            _debug(argv, f"in-process: {protocol.socket_dir(home)} is not a trusted directory")
        return None
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    dir_fd = None
    try:
        path, dir_fd = protocol.connectable(
            os.path.join(protocol.socket_dir(home), protocol.SOCKET_NAME))
        conn.connect(path)
        cwd = os.open(".", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        _debug(argv, f"in-process: no fork server ({exc.strerror or exc})")
        conn.close()
        return None
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    try:
        umask = os.umask(0o022)
        os.umask(umask)
        request = protocol.encode_request(protocol.fingerprint(), home, umask, argv,
                                          dict(os.environ))
        fds = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2, cwd))
        sent = conn.sendmsg([request[:65536]], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        conn.sendall(request[sent:])
    except OSError:
        pass  # a server that refuses at once hangs up: its answer says why
    finally:
        os.close(cwd)
    return _follow(conn, argv)


def _follow(conn: _socket.socket, argv: list[str]) -> int | None:
    lines = _lines(conn)
    first = next(lines, None)
    if first is None or not first.startswith("P "):
        _debug(argv, f"in-process: the fork server refused ({first[2:] if first else 'closed'})")
        conn.close()
        return None
    pid = int(first[2:])
    _debug(argv, f"run by the fork server (pid {pid})")
    forwarded = _forward_signals(pid)
    for line in lines:
        kind, _, value = line.partition(" ")
        if kind == "X":
            return int(value)
        if kind == "S":
            _die_by(int(value))
    if forwarded:
        _die_by(forwarded[-1])  # the command ended by what we passed on (SIGTERM, SIGHUP)
    sys.stderr.write("error - the fork server's child ended without an exit code\n")
    return 255


def _lines(conn: _socket.socket):
    buffer = b""
    while True:
        while b"\n" in buffer:
            line, _, buffer = buffer.partition(b"\n")
            yield line.decode()
        try:
            chunk = conn.recv(4096)
        except OSError:
            return
        if not chunk:
            return
        buffer += chunk


def _forward_signals(pid: int) -> list[int]:
    """What the terminal sends `stack` (Ctrl-C) goes to the command's process;
    the list fills with the signals passed on."""
    import signal

    forwarded: list[int] = []

    def forward(signum: int, frame: object) -> None:
        forwarded.append(signum)
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    for name in SIGNALS:
        signal.signal(getattr(signal, name), forward)
    return forwarded


def _die_by(signum: int) -> None:
    import signal

    signal.signal(signum, signal.SIG_DFL)
    sys.stdout.flush()
    os.kill(os.getpid(), signum)
    sys.exit(128 + signum)
