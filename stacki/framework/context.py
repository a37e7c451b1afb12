"""Who runs a command and what they may do; passed to every command."""

from __future__ import annotations

import sys
from typing import Callable


def _stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


class Context:
    # A plain class, not a dataclass: see stacki.framework.command.Arg.
    def __init__(self, user: str = "root", admin: bool = True, readonly: bool = False,
                 api: bool = False, progress: Callable[[str], None] = _stderr,
                 service_host: str | None = None, tty: bool = False) -> None:
        self.user = user
        # Admins see shadow attributes; read-only callers run in a read-only transaction.
        self.admin = admin
        self.readonly = readonly
        # True when the command came through the web service.
        self.api = api
        # Where progress messages go (stderr on the CLI, nowhere over the API).
        self.progress = progress
        # Host and port the web service was reached at, for `add api user` output.
        self.service_host = service_host
        # True when stdout is a terminal (progress bars).
        self.tty = tty
        # The web service's access check of the caller, for the commands a
        # command runs on their behalf (`load`): the refusal's text, or None.
        self.refusal: Callable[[type], str | None] | None = None

    def replace(self, **changes: object) -> "Context":
        """A copy with some fields changed."""
        copy = Context.__new__(Context)
        copy.__dict__.update(self.__dict__, **changes)
        return copy

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
