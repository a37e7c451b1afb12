"""Commands run for a page: through the same dispatch as POST /stack."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from stacki.ws import dispatch


class Answer:
    """A command's answer as POST /stack would give it."""

    def __init__(self, cmd: str, status: int, body: Any, text: bool) -> None:
        self.cmd, self.status, self.body, self.text = cmd, status, body, text

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The table's rows (none for an empty table, a report or a refusal)."""
        return self.body if self.ok and isinstance(self.body, list) else []

    @property
    def error(self) -> str:
        """What the caller would read on failure: the refusal or `error - ...`."""
        if self.ok:
            return ""
        if self.text:
            return str(self.body)
        if isinstance(self.body, dict) and "API Error" in self.body:
            return str(self.body["API Error"]).strip()
        return json.dumps(self.body)


def quoted(words: Sequence[str]) -> str:
    return " ".join(shlex.quote(w) for w in words)


def command(request: HttpRequest, *words: str) -> Answer:
    """Run `words` as the logged-in user, exactly as POST /stack would."""
    cmd = quoted(words)
    reply = dispatch.run(request.user, json.dumps({"cmd": cmd}).encode(), request.get_host())
    return Answer(cmd, reply.status, reply.body, reply.text)


class Columns:
    """A table of rows for a template: the header and each row's cells."""

    def __init__(self, answer: Answer, drop: Sequence[str] = ()) -> None:
        rows = answer.rows
        self.header = [k for k in rows[0] if k not in drop] if rows else []
        self.rows = [[row.get(k) for k in self.header] for row in rows]
        self.error = answer.error
        self.cmd = answer.cmd
