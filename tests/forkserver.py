"""Running `stack server` for a test, and `stack` through it or in-process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Result

# This checkout's code, wherever the process runs (a test may run it in another directory).
REPO = str(Path(__file__).resolve().parent.parent)


class ServerProcess:
    """`stack server` for one STACKI_HOME, started with `env` (optionally as
    another user through `prefix`, e.g. runuser)."""

    def __init__(self, env: dict[str, str], python: str = sys.executable,
                 prefix: tuple[str, ...] = (), cwd: Path | None = None) -> None:
        self.env = env
        self.socket = Path(env["STACKI_HOME"]) / "server" / "stack.sock"
        self.log = Path(env["STACKI_HOME"]).parent / f"server-{os.getpid()}-{id(self)}.log"
        self.handle = open(self.log, "w")
        command = [*prefix, python, "-m", "stacki.cli", "server"]
        if prefix:  # runuser: the environment goes on the command line, whole
            command = [*prefix, "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in env.items()],
                       python, "-m", "stacki.cli", "server"]
        self.process = subprocess.Popen(command, env=None if prefix else env, cwd=cwd,
                                        stdin=subprocess.DEVNULL, stdout=self.handle,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not self.socket.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"stack server ended: {self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"stack server did not start: {self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        self.handle.flush()
        return self.log.read_text()

    def served(self, uid: int | None = None) -> int:
        """How many connections the server has forked a child for (of one uid)."""
        prefix = "INFO uid " if uid is None else f"INFO uid {uid} "
        return self.output().count(prefix)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=60)
        finally:
            self.handle.close()
        return code


def run_stack(env: dict[str, str], *words: str, input: str | None = None,
              cwd: Path | None = None, python: str = sys.executable, **extra: str) -> Result:
    """`stack WORDS...` as a process of its own (the way `stack` starts: cli.run)."""
    env = {"PYTHONPATH": REPO, **env, **extra}
    proc = subprocess.run([python, "-m", "stacki.cli", *words], env=env,
                          capture_output=True, text=True, input=input, cwd=cwd,
                          stdin=None if input is not None else subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)
