"""An SSH session with a switch: its interactive console (the CLIs of the Dell
and Mellanox switches) or one command at a time (Cumulus Linux).

paramiko is imported only when a session opens: `stack` starts without it.
Every wait is bounded: connecting, logging in and each answer.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from stacki.home import stacki_home

# Seconds to reach the switch and finish the SSH handshake and login.
CONNECT_TIMEOUT = 10.0
# Seconds a switch may take to answer one command (writing a configuration
# to flash is the slowest thing asked).
ANSWER_TIMEOUT = 60.0
# The control sequences a switch's console mixes into its text (colours,
# cursor moves, the pager's erase line).
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")


class SwitchError(Exception):
    """Talking to a switch failed; `str()` is the message for the user."""


class Target(NamedTuple):
    """Where and as whom to reach one switch."""

    name: str
    address: str
    port: int
    username: str
    password: str


def _paramiko() -> Any:
    import logging

    import paramiko  # type: ignore[import-untyped]

    # paramiko logs a dropped connection at ERROR: the user gets a SwitchError
    # instead, not a log line on stderr from Python's last-resort handler.
    logger = logging.getLogger("paramiko")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return paramiko


def known_hosts() -> Path:
    return stacki_home() / "switch_known_hosts"


class _RememberKey:
    """Trust on first use: a switch's first host key is recorded in
    known_hosts(), and a later different one is refused (Stacki checked none,
    which let anyone on the path collect the switch password). A user who may
    not write the file still connects; the key is then not remembered."""

    def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
        client.get_host_keys().add(hostname, key.get_name(), key)
        try:
            client.save_host_keys(str(known_hosts()))
        except OSError:
            pass


def where(target: Target) -> str:
    return f'switch "{target.name}" at {target.address} port {target.port}'


@contextmanager
def connected(target: Target) -> Iterator[Any]:
    """An authenticated paramiko SSHClient, closed on the way out."""
    paramiko = _paramiko()
    client = paramiko.SSHClient()
    try:
        # Only an existing file: paramiko would re-read a missing one before saving.
        if known_hosts().exists():
            client.load_host_keys(str(known_hosts()))
    except (OSError, paramiko.SSHException) as exc:
        raise SwitchError(f"cannot read {known_hosts()}: {reason(exc)}") from None
    client.set_missing_host_key_policy(_RememberKey())
    try:
        client.connect(target.address, port=target.port, username=target.username,
                       password=target.password, timeout=CONNECT_TIMEOUT,
                       banner_timeout=CONNECT_TIMEOUT, auth_timeout=CONNECT_TIMEOUT,
                       channel_timeout=CONNECT_TIMEOUT, allow_agent=False, look_for_keys=False)
    except paramiko.AuthenticationException:
        client.close()
        raise SwitchError(refused(target)) from None
    except (socket.timeout, TimeoutError):
        client.close()
        raise SwitchError(f"could not connect to {where(target)}: timed out") from None
    except paramiko.BadHostKeyException:
        client.close()
        raise SwitchError(f"{where(target)} presented a host key other than the one recorded "
                          f"in {known_hosts()}: if the switch was replaced, remove its line "
                          "there") from None
    except (OSError, paramiko.SSHException, EOFError) as exc:
        client.close()
        raise SwitchError(f"could not connect to {where(target)}: {reason(exc)}") from None
    try:
        yield client
    finally:
        client.close()


def refused(target: Target) -> str:
    return (f'{where(target)} refused user "{target.username}": check its '
            "switch_username and switch_password attributes")


def reason(exc: BaseException) -> str:
    """The short cause of a failed connection, without errno numbers."""
    # paramiko gathers the failure of each address tried in `errors`.
    tried = list(getattr(exc, "errors", {}).values())
    if tried:
        exc = tried[0]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text or type(exc).__name__


class Console:
    """The interactive console of a switch: type a line, read up to the next
    prompt. The console echoes what is typed; answers come without the echo."""

    def __init__(self, target: Target, channel: Any) -> None:
        self.target = target
        self.channel = channel
        self.pending = ""

    def send(self, line: str) -> None:
        try:
            self.channel.sendall((line + "\n").encode())
        except (OSError, EOFError) as exc:
            raise SwitchError(f"{where(self.target)} closed the connection ({reason(exc)})") \
                from None

    def read_until(self, patterns: Sequence[re.Pattern[str]], what: str,
                   timeout: float = ANSWER_TIMEOUT) -> tuple[int, str]:
        """The index of the first pattern the text so far ends with, and that
        text; what the switch says after it stays for the next read."""
        deadline = time.monotonic() + timeout
        text = self.pending
        while True:
            for n, pattern in enumerate(patterns):
                found = pattern.search(text)
                if found:
                    self.pending = text[found.end():]
                    return n, text[:found.end()]
            left = deadline - time.monotonic()
            if left <= 0:
                raise SwitchError(f"{where(self.target)} did not answer {what} "
                                  f"within {timeout:g} seconds")
            self.channel.settimeout(min(left, 1.0))
            try:
                chunk = self.channel.recv(65536)
            except (socket.timeout, TimeoutError):
                continue
            except (OSError, EOFError) as exc:
                raise SwitchError(f"{where(self.target)} closed the connection "
                                  f"({reason(exc)})") from None
            if not chunk:
                raise SwitchError(f"{where(self.target)} closed the connection while "
                                  f"answering {what}")
            text += ESCAPES.sub("", chunk.decode(errors="replace").replace("\r", ""))

    def ask(self, line: str, prompts: Sequence[re.Pattern[str]],
            timeout: float = ANSWER_TIMEOUT) -> tuple[int, list[str]]:
        """Type `line`; the prompt that ended its answer and the answer's lines
        (without the echoed line and the prompt)."""
        self.send(line)
        n, text = self.read_until(prompts, f'"{line}"', timeout)
        lines = text.split("\n")[:-1]
        if lines and lines[0].strip() == line.strip():
            lines = lines[1:]
        # Consoles set their answers off with blank lines.
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        return n, lines


@contextmanager
def console(target: Target) -> Iterator[Console]:
    """An interactive console (a shell channel with a terminal)."""
    with connected(target) as client:
        try:
            channel = client.invoke_shell(term="vt100", width=200, height=1000)
        except (OSError, EOFError, _paramiko().SSHException) as exc:
            raise SwitchError(f"{where(target)} gave no console: {reason(exc)}") from None
        try:
            yield Console(target, channel)
        finally:
            channel.close()


class Shell:
    """A switch that runs one command per SSH channel (Cumulus Linux)."""

    def __init__(self, target: Target, client: Any) -> None:
        self.target = target
        self.client = client

    def run(self, command: str, timeout: float = ANSWER_TIMEOUT) -> str:
        """The command's output; SwitchError with its message when it fails."""
        try:
            _, stdout, stderr = self.client.exec_command(command, timeout=timeout)
            out = stdout.read().decode(errors="replace")
            err = stderr.read().decode(errors="replace")
            status = stdout.channel.recv_exit_status()
        except (socket.timeout, TimeoutError):
            raise SwitchError(f'{where(self.target)} did not answer "{command}" '
                              f"within {timeout:g} seconds") from None
        except (OSError, EOFError, _paramiko().SSHException) as exc:
            raise SwitchError(f'{where(self.target)} failed to run "{command}": '
                              f"{reason(exc)}") from None
        if status != 0:
            said = (err.strip() or out.strip()).splitlines()
            raise SwitchError(f'{where(self.target)} failed "{command}": '
                              + (said[-1] if said else f"exit status {status}"))
        return out


@contextmanager
def shell(target: Target) -> Iterator[Shell]:
    with connected(target) as client:
        yield Shell(target, client)
