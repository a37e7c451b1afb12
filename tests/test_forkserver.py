"""The fork server (`stack server`) runs commands exactly as `stack` would
in-process, and steps aside whenever it should."""

from __future__ import annotations

import os
import pty
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.forkserver import ServerProcess, run_stack

REPO = Path(__file__).resolve().parent.parent

COMMANDS = [
    ("list", "host"),
    ("list", "host", "output-format=json"),
    ("list", "appliance", "back%"),
    ("add", "host", "backend-0-0"),                 # an error: it exists
    ("list", "host", "nosuchhost"),
    ("nosuchcommand",),
    ("list",),                                       # a partial command
    ("list", "host", "help"),
    ("--badoption", "list", "host"),
    ("report", "host"),
]


@pytest.fixture
def server(stacki_home):
    run_stack(stacki_home, "add", "host", "backend-0-0")
    srv = ServerProcess(stacki_home)
    yield srv
    srv.stop()


def in_process(env, *words, **kw):
    return run_stack(env, *words, STACKI_NO_SERVER="1", **kw)


def test_commands_through_the_server_are_the_commands_in_process(server, stacki_home):
    for words in COMMANDS:
        before = server.served()
        through = run_stack(stacki_home, *words)
        assert server.served() == before + 1, words
        assert through == in_process(stacki_home, *words), words
    # Changes made through the server are there for the in-process path and back.
    assert run_stack(stacki_home, "add", "host", "backend-0-1") == Result(0, "", "")
    assert in_process(stacki_home, "list", "host", "output-format=col:host").out == (
        "frontend-0-0\nbackend-0-0\nbackend-0-1\n")
    assert in_process(stacki_home, "remove", "host", "backend-0-1").rc == 0
    assert run_stack(stacki_home, "list", "host", "output-format=col:host").out == (
        "frontend-0-0\nbackend-0-0\n")


def test_the_child_has_the_callers_stdin_directory_and_environment(server, stacki_home,
                                                                   tmp_path):
    report = run_stack(stacki_home, "report", "host").out
    here = tmp_path / "cwd"
    here.mkdir()
    (here / "hosts.txt").write_text(report)
    sysroot = str(tmp_path / "elsewhere")
    for kw in ({"input": report}, {"cwd": here}):
        words = ("report", "script") if "input" in kw else ("report", "script", "file=hosts.txt")
        before = server.served()
        through = run_stack(stacki_home, *words, STACKI_SYSROOT=sysroot, **kw)
        assert server.served() == before + 1
        assert through == in_process(stacki_home, *words, STACKI_SYSROOT=sysroot, **kw)
        assert through.rc == 0 and sysroot in through.out


def test_a_terminal_stays_a_terminal(server, stacki_home):
    """`report script` reads nothing from a terminal (reading one would wait
    for ever here): the child sees the caller's terminal as one."""

    def with_terminal(*extra):
        parent, child = pty.openpty()
        try:
            proc = subprocess.run([sys.executable, "-m", "stacki.cli", "report", "script"],
                                  env={**stacki_home, **dict(extra)}, stdin=child,
                                  capture_output=True, text=True, timeout=120)
        finally:
            os.close(parent)
            os.close(child)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    before = server.served()
    empty = in_process(stacki_home, "report", "script")
    assert empty.rc == 0 and "mv -f" not in empty.out
    assert with_terminal() == with_terminal(("STACKI_NO_SERVER", "1")) == empty
    assert server.served() == before + 1


def test_a_batch_through_the_server(server, stacki_home):
    lines = "add host backend-0-5\nlist host backend-0-5 output-format=col:host\n"
    assert run_stack(stacki_home, "batch", input=lines) == Result(0, "backend-0-5\n", "")


def test_clients_the_server_must_not_serve_run_in_process(server, stacki_home, tmp_path):
    # Other settings.
    result = run_stack(stacki_home, "--debug", "list", "host", "output-format=col:host",
                       STACKI_LOG_LEVEL="ERROR")
    assert result == Result(0, "frontend-0-0\nbackend-0-0\n",
                            "debug - in-process: the fork server refused "
                            "(other settings (STACKI_LOG_LEVEL))\n")
    # Other code: a copy of the package elsewhere.
    shutil.copytree(REPO / "stacki", tmp_path / "code" / "stacki",
                    ignore=shutil.ignore_patterns("__pycache__"))
    result = run_stack(stacki_home, "--debug", "list", "host", "output-format=col:host",
                       cwd=tmp_path / "code", PYTHONPATH=str(tmp_path / "code"))
    assert result == Result(0, "frontend-0-0\nbackend-0-0\n",
                            "debug - in-process: the fork server refused "
                            "(the server runs other code (restart it))\n")
    # Another home with the same socket (a symlink to this one's server directory).
    other = tmp_path / "other-home"
    shutil.copytree(stacki_home["STACKI_HOME"], other, ignore=shutil.ignore_patterns("server"))
    (other / "server").symlink_to(Path(stacki_home["STACKI_HOME"]) / "server")
    before = server.served()
    result = run_stack(stacki_home, "--debug", "list", "host", "output-format=col:host",
                       STACKI_HOME=str(other))
    # A symlink is not a trusted directory: not even a connection.
    assert result.err == f"debug - in-process: {other / 'server'} is not a trusted directory\n"
    assert server.served() == before
    # Nor is a directory others may write.
    directory = Path(stacki_home["STACKI_HOME"]) / "server"
    directory.chmod(0o775)
    try:
        result = run_stack(stacki_home, "--debug", "list", "host", "output-format=col:host")
        assert result == Result(0, "frontend-0-0\nbackend-0-0\n",
                                f"debug - in-process: {directory} is not a trusted directory\n")
    finally:
        directory.chmod(0o755)
    assert run_stack(stacki_home, "--debug", "list", "os", "output-format=null").err.startswith(
        "debug - run by the fork server (pid ")


def test_the_socket_and_its_directory(server, stacki_home):
    home = Path(stacki_home["STACKI_HOME"])
    directory = os.lstat(home / "server")
    assert stat.S_IMODE(directory.st_mode) == 0o755 and directory.st_uid == os.geteuid()
    sock = os.lstat(server.socket)
    assert stat.S_ISSOCK(sock.st_mode)
    # The home lets only its owner in (0700): so does the socket.
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    assert stat.S_IMODE(sock.st_mode) == 0o600


def test_one_server_per_home_and_sigterm_stops_it(stacki_home):
    first = ServerProcess(stacki_home)
    second = run_stack(stacki_home, "server")
    assert second == Result(
        255, "", f"error - a fork server already serves {os.path.realpath(stacki_home['STACKI_HOME'])}\n")
    assert run_stack(stacki_home, "server", "now") == Result(
        255, "", "error - stack server takes no arguments\nusage: stack server\n")
    assert first.stop() == 0
    assert not first.socket.exists()
    # Without a server: in-process, the same answers.
    assert run_stack(stacki_home, "--debug", "list", "os", "output-format=null").err.startswith(
        "debug - in-process: no fork server")


def test_ctrl_c_reaches_the_command(server, stacki_home):
    """A batch waiting on its input is interrupted as it would be in-process:
    the traceback of KeyboardInterrupt, and `stack` ends by SIGINT."""
    import signal

    def interrupted(**extra):
        proc = subprocess.Popen([sys.executable, "-m", "stacki.cli", "batch"],
                                env={**stacki_home, "PYTHONPATH": str(REPO), **extra},
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        # One command done: the batch is running and waits for the next line.
        proc.stdin.write("list os redhat output-format=col:os\n")
        proc.stdin.flush()
        first = proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)  # input still open: only the signal can end the batch
        out, err = proc.communicate(timeout=60)
        return proc.returncode, first + out, err.splitlines()[-1:]

    before = server.served()
    assert interrupted() == (-signal.SIGINT, "redhat\n", ["KeyboardInterrupt"])
    assert server.served() == before + 1
    assert interrupted(STACKI_NO_SERVER="1") == (-signal.SIGINT, "redhat\n", ["KeyboardInterrupt"])


def test_the_peer_is_who_the_kernel_says(monkeypatch):
    import socket

    from stacki.forkserver import server as forkserver

    mine, theirs = socket.socketpair()
    with mine, theirs:
        peer = forkserver.peer_of(mine)
        assert (peer.pid, peer.uid, peer.gid) == (os.getpid(), os.getuid(), os.getgid())
        assert sorted(peer.groups) == sorted(os.getgroups())
        # Credentials that cannot be read: the server hangs up without a word
        # (the client then runs in-process) and forks nothing.
        monkeypatch.setattr(forkserver, "peer_of", lambda conn: None)
        monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked"))
        srv = forkserver.Server.__new__(forkserver.Server)
        srv.spawn(mine)
        mine.close()
        assert theirs.recv(100) == b""


def test_long_command_lines_and_long_home_paths(stacki_home, tmp_path):
    """Arguments beyond one socket message, and a socket path beyond the 108
    bytes an address holds (reached through /proc/self/fd)."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    home = deep / "home"
    shutil.copytree(stacki_home["STACKI_HOME"], home)
    env = {**stacki_home, "STACKI_HOME": str(home)}
    assert len(str(home / "server" / "stack.sock")) > 108
    srv = ServerProcess(env)
    try:
        names = [f"nosuchhost-{n:05d}" for n in range(8000)]
        before = srv.served()
        through = run_stack(env, "list", "host", *names)
        assert srv.served() == before + 1
        assert through == in_process(env, "list", "host", *names) == Result(
            255, "", 'error - cannot resolve host "nosuchhost-00000"\n')
    finally:
        assert srv.stop() == 0
