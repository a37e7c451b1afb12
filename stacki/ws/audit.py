"""The audit trail: a database row for every web-service call, allowed or not.

The middleware wraps the whole request, so it sees every answer, including
those of Django's CSRF check and of the body limit. It writes after the
answer is made, in its own small transaction: by then the command's
transaction (read-only for non-admins) is over, so read-only callers are
recorded too; and a record that cannot be written is only logged, so
recording never changes what the caller gets.

What the views know and the answer does not (the resolved command, its
arguments and parameters with secrets redacted, the user name a failed login
gave, the key that authenticated) they leave on the request with `note()`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stacki.inventory.models import AuditRecord
from stacki.inventory.prepared import PreparedInsert
from stacki.logs import escape
from stacki.ws.replies import API_ERROR
from stacki.ws.throttle import client_address

log = logging.getLogger("stacki.ws")

_ENDPOINT = re.compile(r"^/stack(?:/(login|logout|upload|commands|user))?/?$")
# Asking for a CSRF token or who one is changes and reveals nothing.
_QUIET = ("GET /stack", "GET /stack/user")
OUTCOMES = AuditRecord.OUTCOMES
MAX_DETAIL = 2000
# What is kept of a call's arguments and parameters: a refused 9 MB call
# must not cost 18 MB of database and log.
MAX_ITEMS = 64
MAX_VALUE = 256
_ATTR = "stacki_audit"
_INSERT = PreparedInsert(AuditRecord)


def clip(value: Any) -> str:
    # Control characters escaped: PostgreSQL stores no NUL, terminals obey ESC.
    text = escape(str(value))
    return text if len(text) <= MAX_VALUE else f"{text[:MAX_VALUE]}... ({len(text)} characters)"


def capped_args(args: list[Any]) -> list[str]:
    """At most MAX_ITEMS arguments, each at most MAX_VALUE characters."""
    kept = [clip(a) for a in args[:MAX_ITEMS]]
    if len(args) > MAX_ITEMS:
        kept.append(f"... ({len(args) - MAX_ITEMS} more)")
    return kept


def capped_params(params: dict[str, Any]) -> dict[str, str]:
    items = list(params.items())
    kept = {clip(k)[:MAX_VALUE]: clip(v) for k, v in items[:MAX_ITEMS]}
    if len(items) > MAX_ITEMS:
        kept["..."] = f"{len(items) - MAX_ITEMS} more"
    return kept


def prune(days: int) -> int:
    """Remove the records older than `days` (0: keep them); how many went."""
    if days <= 0:
        return 0
    return AuditRecord.objects.filter(time__lt=timezone.now() - timedelta(days=days)).delete()[0]


def note(request: HttpRequest, **fields: Any) -> None:
    """Leave facts about the call for its record."""
    request.__dict__.setdefault(_ATTR, {}).update(fields)


def outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "failed", 403: "denied", 429: "throttled"}.get(status, "error")


def detail(response: HttpResponse) -> str:
    """Why a call did not succeed, in a line: the refusal or the error."""
    if response.status_code < 400 or getattr(response, "streaming", False):
        return ""
    text = response.content.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text[:MAX_DETAIL]
    if isinstance(body, dict) and API_ERROR in body:
        return str(body[API_ERROR]).strip()[:MAX_DETAIL]
    if body in ({"logged_in": False}, {"login": "False"}):
        return "not logged in" if "logged_in" in body else "wrong user name or key"
    return text[:MAX_DETAIL]


class AuditTrail:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        when, started = timezone.now(), time.perf_counter()
        response = self.get_response(request)
        endpoint = self.endpoint(request)
        if endpoint is not None:
            try:
                record(request, response, endpoint, when, (time.perf_counter() - started) * 1000)
            except Exception:  # the caller's answer stands whatever happens here
                log.exception("cannot write the audit record of %s %s", request.method,
                              request.path)
        return response

    @staticmethod
    def endpoint(request: HttpRequest) -> str | None:
        """The endpoint a call to record went to; None for calls not recorded."""
        match = _ENDPOINT.match(request.path)
        if match is None:
            return None
        endpoint = "/stack" + (f"/{match.group(1)}" if match.group(1) else "")
        if (f"{request.method} {endpoint}" in _QUIET
                and "HTTP_AUTHORIZATION" not in request.META):
            return None
        return endpoint


def record(request: HttpRequest, response: HttpResponse, endpoint: str, when, duration: float
           ) -> None:
    notes = getattr(request, _ATTR, {})
    user = getattr(request, "user", None)
    username = user.username if user is not None else ""
    auth, key = notes.get("auth", ("", None))
    row = AuditRecord(
        time=when, username=escape(username or notes.get("username", ""))[:150],
        address=client_address(request)[:64], auth=auth, key_number=key,
        command=(notes.get("command") or endpoint)[:255],
        args=capped_args(notes.get("args", [])), params=capped_params(notes.get("params", {})),
        outcome=outcome(response.status_code),
        detail=escape(detail(response)), status=response.status_code, duration=round(duration, 3))
    # A single INSERT, in autocommit mode: a transaction of its own.
    _INSERT(row)
