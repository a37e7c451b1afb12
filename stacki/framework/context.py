"""Who runs a command and what they may do; passed to every command."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable


def _stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


@dataclass
class Context:
    user: str = "root"
    # Admins see shadow attributes; read-only callers run in a read-only transaction.
    admin: bool = True
    readonly: bool = False
    # True when the command came through the web service.
    api: bool = False
    # Where progress messages go (stderr on the CLI, nowhere over the API).
    progress: Callable[[str], None] = field(default=_stderr)
    # Host and port the web service was reached at, for `add api user` output.
    service_host: str | None = None
    # True when stdout is a terminal (progress bars).
    tty: bool = False

    @classmethod
    def for_api(cls, user: str, admin: bool, service_host: str | None = None) -> "Context":
        return cls(
            user=user,
            admin=admin,
            readonly=not admin,
            api=True,
            progress=lambda text: None,
            service_host=service_host,
        )
