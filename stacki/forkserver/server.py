"""`stack server`: the fork server of one STACKI_HOME (the zygote pattern).

The server imports Django and every command once, opens no database
connection it keeps, and listens on `$STACKI_HOME/server/stack.sock`. For
each `stack` that connects it forks a child, which:

1. takes on the caller's identity as the kernel reports it (SO_PEERCRED,
   SO_PEERGROUPS: uid, gid and supplementary groups) before reading a byte
   of the request; a server that is not root serves only callers with its
   own identity;
2. refuses (the client then runs in-process) a request from other code (the
   fingerprint), for another home, or with other settings variables;
3. takes the caller's stdin, stdout, stderr, working directory, umask and
   environment, and runs `stacki.cli.main` exactly as the caller's own
   process would: its own database connection, the access table, TTY
   detection, files read with the caller's rights;
4. reports the exit code (or the signal that ended it).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import stat
import struct
import sys

from stacki.forkserver import protocol

log = logging.getLogger("stacki.server")
USAGE = "usage: stack server"
SO_PEERGROUPS = getattr(socket, "SO_PEERGROUPS", 59)  # Linux 4.13+
REQUEST_TIMEOUT = 30  # seconds a client has to send its request


class Unusable(Exception):
    """The server cannot start (the message says why)."""


class Peer:
    def __init__(self, pid: int, uid: int, gid: int, groups: list[int]) -> None:
        self.pid, self.uid, self.gid, self.groups = pid, uid, gid, groups


def peer_of(conn: socket.socket) -> Peer | None:
    """The connecting process's identity, as the kernel recorded it at connect()."""
    try:
        size = struct.calcsize("3i")
        pid, uid, gid = struct.unpack("3i", conn.getsockopt(
            socket.SOL_SOCKET, socket.SO_PEERCRED, size))
        for room in (256, 65536):
            try:
                raw = conn.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, 4 * room)
                break
            except OSError as exc:
                if exc.errno != 34 or room == 65536:  # ERANGE: more groups than room
                    raise
        groups = list(struct.unpack(f"{len(raw) // 4}I", raw[:len(raw) - len(raw) % 4]))
    except OSError:
        return None
    if uid < 0 or gid < 0:
        return None
    return Peer(pid, uid, gid, groups)


def socket_mode(home: os.stat_result) -> int:
    """Who may connect: whoever the home lets in (its group, or everybody);
    identity is then the kernel's word, not the socket's."""
    mode = 0o600
    if home.st_mode & stat.S_IXGRP:
        mode |= 0o060
    if home.st_mode & stat.S_IXOTH:
        mode |= 0o006
    return mode


class Server:
    def __init__(self) -> None:
        self.fingerprint = protocol.fingerprint()
        self.environ = protocol.settings_environment(dict(os.environ))
        self.home = os.path.realpath(protocol.stacki_home())
        self.path = os.path.join(protocol.socket_dir(self.home), protocol.SOCKET_NAME)
        self.listener: socket.socket | None = None
        self.inode: int | None = None

    # -- start and stop -------------------------------------------------

    def start(self) -> None:
        from stacki import home

        home.setup()
        preload()
        warm_up()
        from django.db import connections

        # Connections are opened in each child, never shared across forks.
        connections.close_all()
        self.bind()

    def bind(self) -> None:
        directory = os.path.dirname(self.path)
        try:
            os.mkdir(directory, 0o755)
        except FileExistsError:
            pass
        st = os.lstat(directory)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            raise Unusable(f"{directory} must be a directory that only this user owns and writes")
        if self._answers():
            raise Unusable(f"a fork server already serves {self.home}")
        home_st = os.stat(self.home)
        temporary = f"{self.path}.{os.getpid()}"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address, dir_fd = protocol.connectable(temporary)
        old_umask = os.umask(0o177)
        try:
            if os.path.lexists(temporary):
                os.unlink(temporary)
            listener.bind(address)
            os.chmod(address, socket_mode(home_st))
            if os.geteuid() == 0:
                os.chown(address, -1, home_st.st_gid)
            os.rename(temporary, self.path)
        finally:
            os.umask(old_umask)
            if dir_fd is not None:
                os.close(dir_fd)
        listener.listen(128)
        self.listener = listener
        self.inode = os.stat(self.path).st_ino

    def _answers(self) -> bool:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address, dir_fd = protocol.connectable(self.path)
        try:
            probe.connect(address)
            return True
        except OSError:
            return False
        finally:
            probe.close()
            if dir_fd is not None:
                os.close(dir_fd)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.close()
        try:
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)
        except OSError:
            pass

    def serve_forever(self) -> None:
        assert self.listener is not None
        gc.freeze()  # the children share the imported modules' pages untouched
        while True:
            conn, _ = self.listener.accept()
            try:
                self.spawn(conn)
            except OSError as exc:  # a caller gone, no process left to fork: serve the next
                log.warning("connection dropped: %s", exc)
            finally:
                conn.close()

    # -- one connection -------------------------------------------------

    def can_serve(self, peer: Peer) -> str | None:
        if os.geteuid() == 0:
            return None
        if peer.uid != os.getuid():
            return "this server serves only its own user"
        if peer.gid != os.getgid() or set(peer.groups) != set(os.getgroups()):
            return "this server runs with other groups than the caller"
        return None

    def spawn(self, conn: socket.socket) -> None:
        peer = peer_of(conn)
        if peer is None:
            return  # unreadable credentials: hang up, the client runs in-process
        reason = self.can_serve(peer)
        if reason:
            conn.sendall(f"R {reason}\n".encode())
            return
        # Logged before the fork, so the line is there before the caller's answer.
        log.info("uid %d (pid %d)", peer.uid, peer.pid)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                Child(self, conn, peer).run()
            except BaseException:  # noqa: BLE001 - a child never returns to the accept loop
                code = 1
            finally:
                os._exit(code)

    def refusal(self, request: protocol.Request) -> str | None:
        """Why this server must not run the request (checked as the caller)."""
        if request.fingerprint != self.fingerprint:
            return "the server runs other code (restart it)"
        if os.path.realpath(request.home) != self.home:
            return "the server serves another home"
        theirs = protocol.settings_environment(request.environ)
        if theirs != self.environ:
            names = sorted(k for k in theirs.keys() | self.environ.keys()
                           if theirs.get(k) != self.environ.get(k))
            return f"other settings ({', '.join(names)})"
        return None


class Child:
    """The forked process that runs one command for one caller."""

    def __init__(self, server: Server, conn: socket.socket, peer: Peer) -> None:
        self.server, self.conn, self.peer = server, conn, peer

    def run(self) -> None:
        for name in ("SIGTERM", "SIGCHLD", "SIGHUP", "SIGQUIT"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        assert self.server.listener is not None
        self.server.listener.close()
        self.become()
        self.conn.settimeout(REQUEST_TIMEOUT)
        try:
            request = protocol.receive_request(self.conn)
        except (OSError, ValueError) as exc:
            self.send(f"R unreadable request ({exc})")
            return
        reason = self.server.refusal(request)
        if reason is None and _words(request.argv)[:1] == ["server"]:
            reason = "a server is not started through a server"
        if reason:
            for fd in request.fds:
                os.close(fd)
            self.send(f"R {reason}")
            return
        self.conn.settimeout(None)
        try:
            self.take_over(request)
        except OSError as exc:
            self.send(f"R cannot take over the caller's files ({exc})")
            return
        self.send(f"P {os.getpid()}")
        self.send(execute(request.argv))

    def become(self) -> None:
        """Drop to the caller's identity before anything of theirs is read."""
        if os.geteuid() != 0:
            return
        peer = self.peer
        os.setgroups(peer.groups)
        os.setresgid(peer.gid, peer.gid, peer.gid)
        os.setresuid(peer.uid, peer.uid, peer.uid)
        if peer.uid != 0 and (os.geteuid() == 0 or _can_regain_root()):
            raise RuntimeError("privileges not dropped")

    def take_over(self, request: protocol.Request) -> None:
        import fcntl

        fds = [fd if fd > 2 else fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3) for fd in request.fds]
        stdin, stdout, stderr, cwd = fds
        os.fchdir(cwd)
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        os.umask(request.umask)
        os.environ.clear()
        os.environ.update(request.environ)
        from django.conf import settings

        # What loading the settings does to a process's environment (Django
        # sets TZ); the server did it once for its own.
        if settings.TIME_ZONE:
            os.environ["TZ"] = settings.TIME_ZONE
        sys.argv = ["stack", *request.argv]
        _standard_streams(unbuffered=bool(request.environ.get("PYTHONUNBUFFERED")))
        from stacki import home

        # The in-process path checks the home on every start: so does the child.
        home._ready = False

    def send(self, line: str) -> None:
        try:
            self.conn.sendall(line.encode() + b"\n")
        except OSError:
            pass


def _words(argv: list[str]) -> list[str]:
    options = 0
    for word in argv:
        if not word.startswith("--"):
            break
        options += 1
        if word == "--":
            break
    return argv[options:]


def _can_regain_root() -> bool:
    try:
        os.setuid(0)
    except PermissionError:
        return False
    return True


def _standard_streams(unbuffered: bool) -> None:
    """sys.stdin/stdout/stderr over the caller's descriptors, set up as the
    interpreter sets them up at start (line-buffered stdout on a terminal)."""
    import io

    encoding = sys.stdout.encoding if sys.stdout else "utf-8"

    def stream(fd: int, mode: str, errors: str, line_buffering: bool) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding=encoding, errors=errors,
                                line_buffering=line_buffering,
                                write_through=unbuffered and mode == "w")

    sys.stdin = sys.__stdin__ = stream(0, "r", "strict", False)  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = stream(1, "w", "strict", os.isatty(1))  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = stream(2, "w", "backslashreplace", True)  # type: ignore[misc]
    for name in ("stacki", "django.request", ""):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                    handler, logging.FileHandler):
                handler.setStream(sys.stderr)


def execute(argv: list[str]) -> str:
    """Run the command as `stack` would; the answer line for the client."""
    from stacki import cli

    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except KeyboardInterrupt:
        import traceback

        traceback.print_exc()
        _flush()
        _close_connections()
        return f"S {signal.SIGINT.value}"
    except BaseException:  # noqa: BLE001 - what the interpreter does with an escaped exception
        import traceback

        traceback.print_exc()
        code = 1
    if not _flush():
        code = 120  # the interpreter's exit code when flushing stdout fails
    _close_connections()
    return f"X {code}"


def _close_connections() -> None:
    """Say goodbye to a database server, as an exiting interpreter would (the
    child leaves by os._exit). SQLite connections are left to the exit: the
    last one to close checkpoints the write-ahead log into the database,
    which costs more than a small command, and SQLite does it anyway once the
    log has grown (committed changes are safe in the log either way)."""
    try:
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            if connection.vendor != "sqlite":
                connection.close()
    except Exception:  # noqa: BLE001 - the command's outcome is already decided
        pass


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    sys.stderr.write(f"{value}\n")
    return 1


def _flush() -> bool:
    ok = True
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            ok = False
    return ok


def preload() -> None:
    """Import what commands import lazily, so that no child pays for it."""
    import importlib

    from stacki.framework.command import registry

    reg = registry()
    for words in reg.index:
        reg.get(words)
    for name in ("stacki.framework.runner", "stacki.framework.helptext",
                 "stacki.framework.output", "stacki.inventory.hostsel", "stacki.inventory.access",
                 "stacki.batch", "tqdm", "shlex", "json", "ipaddress", "secrets", "traceback",
                 "fcntl", "io"):
        importlib.import_module(name)


# Commands the server runs once at start, their changes rolled back ({host}:
# the first host). Django fills process-wide caches (lookups, query shapes) on
# first use; its children then find them filled. Nothing read is kept.
WARM_UP = ("list appliance", "list os", "list box", "list network", "list attr",
           "list host {host}", "list host interface {host}", "list host attr {host}",
           "set host attr {host} attr=stacki.warmup value=1",
           "set host comment {host} comment=warmup", "set attr attr=stacki.warmup value=1")


def warm_up() -> None:
    from django.db import transaction

    from stacki.framework.context import Context
    from stacki.framework.runner import run_command
    from stacki.inventory import models as m

    host = m.Host.objects.order_by("id").values_list("name", flat=True).first()
    if host is None:
        return
    ctx = Context(progress=lambda text: None)
    for words in WARM_UP:
        try:
            with transaction.atomic():
                run_command(words.format(host=host).split(), ctx).render()
                transaction.set_rollback(True)
        except Exception:  # noqa: BLE001 - a warm-up that fails only leaves a cache cold
            log.debug("warm-up of %r failed", words, exc_info=True)


def main(words: list[str], debug: bool = False) -> int:
    if words:
        sys.stderr.write(f"error - stack server takes no arguments\n{USAGE}\n")
        return 255
    server = Server()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - a server that cannot start says why, in one line
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"error - {exc}\n")
        return 255
    logging.getLogger("stacki.server").setLevel(os.environ.get("STACKI_SERVER_LOG_LEVEL", "INFO"))

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    def reap(signum: int, frame: object) -> None:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGCHLD, reap)
    log.info("serving %s on %s (pid %d)", server.home, server.path, os.getpid())
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.stop()
        log.info("stopped")
    return 0
