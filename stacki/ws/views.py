"""The HTTP endpoints of the web service (webservice.md §1). They only
translate between HTTP and `dispatch`; sessions and CSRF are Django's,
who the caller is comes from stacki.ws.authentication (`request.user`)."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

from stacki.apiusers import keys
from stacki.ws import audit, authentication, dispatch, uploads
from stacki.ws.replies import NOT_LOGGED_IN, error_response, json_response, too_large

log = logging.getLogger("stacki.ws")

# Parameter names whose values never reach the log.
SECRET = re.compile(r"pass|secret|key|token|cred|value", re.IGNORECASE)
def redact(params: dict[str, str]) -> dict[str, str]:
    return {k: ("<redacted>" if SECRET.search(k) else v)
            for k, v in params.items() if k != "output-format"}


def log_call(request: HttpRequest, what: str, status: int, started: float, **extra: Any) -> None:
    user = request.user.username if request.user is not None else "-"  # type: ignore[union-attr]
    details = "".join(f" {k}={v}" for k, v in extra.items())
    log.info("user=%s %s%s status=%d duration=%.1fms", user, what, details, status,
             (time.perf_counter() - started) * 1000)


def stack(request: HttpRequest) -> HttpResponse:
    """GET: hand out the CSRF cookie. POST: run a command."""
    if request.method == "GET":
        get_token(request)
        return json_response({})
    if request.method != "POST":
        return error_response("Method not allowed", 405)
    started = time.perf_counter()
    if request.user is None:
        log_call(request, "command=-", 403, started)
        return json_response(NOT_LOGGED_IN, 403)
    try:
        body = request.body
    except RequestDataTooBig:
        return too_large()
    reply = dispatch.run(request.user, body, settings.STACKI_SERVICE_ADDRESS or None)
    audit.note(request, command=reply.path, args=reply.args, params=redact(reply.params))
    log_call(request, f"command={reply.path or '-'}", reply.status, started,
             args=audit.capped_args(reply.args), params=audit.capped_params(redact(reply.params)))
    response = HttpResponse(reply.content(), status=reply.status, content_type="application/json")
    # Logged just now (a bug's traceback too, by dispatch): without this, Django
    # would add "Internal Server Error" for every command's ordinary error.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    username = request.POST.get("USERNAME", "")
    match = authentication.verify(request, username, request.POST.get("PASSWORD", ""))
    if not isinstance(match, keys.Match):
        status = 401 if match is None else match.status_code
        log.info("user=%s login status=%d duration=%.1fms", username or "-", status,
                 (time.perf_counter() - started) * 1000)
        return json_response({"login": "False"}, 401) if match is None else match
    authentication.login(request, match)
    # Logins are rare and cost a password hash anyway: the retention runs here.
    audit.prune(settings.STACKI_AUDIT_DAYS)
    log_call(request, "login", 200, started)
    return json_response({"login": "True"})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    log_call(request, "logout", 200, started)
    authentication.logout(request)
    return json_response({"logout": "True"})


@require_GET
def user(request: HttpRequest) -> HttpResponse:
    name = request.user.username if request.user is not None else "None"  # type: ignore[union-attr]
    return json_response({"user": name})


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    if request.user is None:
        log_call(request, "upload", 403, started)
        return json_response(NOT_LOGGED_IN, 403)
    username = request.user.username  # type: ignore[union-attr]
    upload = request.FILES.get("csvFile")
    if upload is None:
        response = error_response('No file in the "csvFile" field', 400)
    elif upload.size > settings.STACKI_MAX_UPLOAD:
        response = too_large()
    elif over_quota(username, upload.size):
        response = json_response({"API Error": (
            f"Upload quota of {settings.STACKI_UPLOAD_QUOTA} bytes reached; uploads are "
            f"removed after {settings.STACKI_UPLOAD_DAYS} days")}, 413)
    else:
        path = uploads.store(username, upload.name, upload.chunks())
        text = path.read_bytes().decode("utf-8", errors="replace")
        response = json_response({"csv": text, "name": path.name, "dir": str(path)})
    log_call(request, "upload", response.status_code, started)
    return response


def over_quota(username: str, size: int) -> bool:
    """Whether `size` more bytes would pass the user's quota (once expired
    uploads are gone)."""
    uploads.prune(username, settings.STACKI_UPLOAD_DAYS)
    quota = settings.STACKI_UPLOAD_QUOTA
    return quota > 0 and uploads.usage(username) + size > quota


# Django's own error pages are HTML; the service answers JSON, never a traceback.
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(f"CSRF verification failed: {reason}", 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large()
    return error_response("Bad request", 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("Forbidden", 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("Not found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except`: a database that cannot be reached
    # (while loading the session, say) is a 503, not a bug.
    from stacki.framework.runner import failure_kind

    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError) and failure_kind(exc) == "unavailable":
        return json_response(dispatch.UNAVAILABLE, 503)
    return json_response(dispatch.INTERNAL, 500)
