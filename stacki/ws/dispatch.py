"""From a `{"cmd": ..., "data": ...}` request to a reply (webservice.md §2–§4).

The same path as the CLI: split the words, resolve the command with the one
registry, check access on the resolved path, run it with `run_resolved` in
the caller's name. Only the HTTP statuses and bodies are added here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from stacki import errors
from stacki.apiusers import access
from stacki.framework import words as splitting
from stacki.framework.command import Params, Resolved, resolve
from stacki.framework.context import Context
from stacki.framework.output import Table, objects
from stacki.framework.runner import DatabaseUnavailable, Outcome, run_resolved
from stacki.ws import uploads
from stacki.ws.replies import error_body

log = logging.getLogger("stacki.ws")

NOT_FOUND = error_body("Command Not Found")
# Parameters naming a server file: over the API only the caller's uploads.
FILE_PARAMS = ("file", "document")
INTERNAL = error_body("Internal server error (details are in the server log)")
UNAVAILABLE = error_body("Database unavailable, try again later")


@dataclass
class Reply:
    status: int
    body: Any
    # A text body is sent as it is; anything else as JSON.
    text: bool = False
    # What ran, for the call log.
    path: str = ""
    args: list[str] = field(default_factory=list)
    params: Params = field(default_factory=Params)

    def content(self) -> str:
        return self.body if self.text else json.dumps(self.body)


class BadRequest(Exception):
    status = 400


class TooLarge(BadRequest):
    status = 413


def parse_body(body: bytes) -> tuple[list[str], Any]:
    """The command words and the `data` document (None when absent)."""
    try:
        request = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"Request body is not JSON: {exc}") from None
    except RecursionError:
        raise BadRequest("Request body is not JSON: nested too deeply") from None
    if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
        raise BadRequest('Request body must be a JSON object with a "cmd" string')
    cmd = request["cmd"]
    if len(cmd) > settings.STACKI_MAX_CMD:
        raise TooLarge(f'"cmd" is longer than {settings.STACKI_MAX_CMD} characters')
    if not _text(cmd) or not _text(request.get("data")):
        raise BadRequest('"cmd" and "data" must be Unicode text without NUL characters '
                         'or lone surrogates')
    try:
        words = splitting.split(cmd, settings.STACKI_MAX_WORDS)
    except splitting.TooManyWords as exc:
        raise BadRequest(f'"cmd" has {exc}') from None
    except ValueError as exc:
        raise BadRequest(f"Cannot split the command: {exc}") from None
    if not words:
        raise BadRequest('"cmd" is empty')
    return words, request.get("data")


def _text(value: Any) -> bool:
    """False when `value` holds a string that no stored or written value can
    hold: a lone surrogate (JSON's "\\ud800") or a NUL (PostgreSQL refuses it)."""
    pending = [value]
    while pending:  # not recursive: `data` may be nested a thousand deep
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def run(user, body: bytes, service_host: str | None) -> Reply:
    """Answer one POST /stack from an authenticated `user`."""
    try:
        words, data = parse_body(body)
    except BadRequest as exc:
        return Reply(exc.status, error_body(str(exc)))
    try:
        resolved = resolve(words)
    except (errors.InvalidCommand, errors.PartialCommand):
        denial = access.refused_words(words)
        if denial:
            return Reply(denial.status, denial.body, text=True, path=denial.path)
        return Reply(404, NOT_FOUND)
    reply = _guarded(user, resolved, data, service_host)
    reply.path, reply.args, reply.params = resolved.command.dotted(), resolved.args, resolved.params
    return reply


def _guarded(user, resolved: Resolved, data: Any, service_host: str | None) -> Reply:
    rules = access.Rules(user)  # the access lists, read once for this call and `load`'s
    denial = access.check(user, resolved.command, rules)
    if denial:
        return Reply(denial.status, error_body(denial.body) if denial.json else denial.body,
                     text=not denial.json)
    resolved.params["output-format"] = "json"
    ctx = Context.for_api(user.username, user.admin, service_host)
    ctx.refusal = lambda command: _refusal(user, command, rules)
    if access.self_service(resolved.command) and resolved.command.mutates():
        ctx.readonly = False  # the command keeps a non-admin to their own keys
    if data is not None:
        resolved.params.pop("file", None)  # the document sent as data takes its place
    for name in FILE_PARAMS:
        if resolved.params.get(name):
            path = uploads.confine(user.username, resolved.params[name])
            if path is None:
                return Reply(403, error_body(f"{name}={resolved.params[name]} is not a file "
                                             "uploaded by this user (POST /stack/upload)"))
            resolved.params[name] = path
    if data is not None:
        with uploads.data_file(user.username, data) as data_path:
            resolved.params["file"] = str(data_path)
            return _execute(resolved, ctx)
    return _execute(resolved, ctx)


def _refusal(user, command, rules: access.Rules) -> str | None:
    denial = access.check(user, command, rules)
    return None if denial is None else denial.body


def _execute(resolved: Resolved, ctx: Context) -> Reply:
    try:
        return Reply(200, output_body(run_resolved(resolved, ctx)))
    except errors.HelpShown as exc:
        return Reply(200, {"Output": exc.text})
    except (errors.ReadOnlyViolation, errors.NotPermitted) as exc:
        return Reply(403, error_body(exc.message))
    except DatabaseUnavailable as exc:
        log.error("command %s: %s", resolved.command.path, exc.message)
        return Reply(503, UNAVAILABLE)
    except errors.StackError as exc:
        return Reply(500, error_body(f"error - {exc.message}\n", Output=""))
    except Exception:  # a bug: the traceback goes to the log, never to the client
        log.exception("command %s failed", resolved.command.path)
        return Reply(500, INTERNAL)


def output_body(outcome: Outcome) -> Any:
    """What `output-format=json` prints, parsed: a table's rows as objects
    (taken directly: the CLI's indented JSON is slow to produce and re-read),
    other JSON text parsed, other text as `Output`, nothing as {}."""
    if isinstance(outcome.result, Table):
        return objects(outcome.result) if outcome.result.rows else {}
    text = outcome.render("json")
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"Output": text}
