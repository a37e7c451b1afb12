"""How a web-service call proves who makes it, besides Django's session.

HTTP Basic, for scripts: `Authorization: Basic base64(user:key)` (what
`curl -u user:key` sends) authenticates that one request, with no session and
no CSRF token: CSRF protects credentials a browser adds on its own (cookies),
and these travel with the request. The service never answers with a Basic
challenge, so browsers never prompt for a key nor replay one by themselves,
and a Basic POST /stack must be sent as application/json, which no
cross-site form can do. Logging in and out are about sessions and ignore
the header.

The form login (POST /stack/login) is wrapped here too: both ways are
throttled alike (stacki.ws.throttle), and a session remembers the key it was
opened with, so that revoking or expiring that key ends the session.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.contrib import auth
from django.http import HttpRequest, HttpResponse

from stacki.ws import audit, keys, throttle

SESSION_ENDPOINTS = ("/stack/login", "/stack/logout")
JSON = "application/json"


class Malformed(Exception):
    pass


def credentials(header: str) -> tuple[str, str]:
    """User name and key of a Basic Authorization header."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise Malformed(f'Unsupported Authorization scheme "{scheme[:20]}": use Basic')
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise Malformed("Malformed Authorization header: expected Basic base64(user:key)") from None
    username, colon, key = decoded.partition(":")
    if not colon or not username:
        raise Malformed("Malformed Authorization header: expected Basic base64(user:key)")
    return username, key


def _error(message: str, status: int) -> HttpResponse:
    from stacki.ws.views import json_response

    return json_response({"API Error": message}, status)


class KeyAuthentication:
    """Basic authentication of single requests, and the end of sessions
    whose key no longer works. Runs after Django's AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None or request.path.rstrip("/") in SESSION_ENDPOINTS:
            check_session(request)
            return self.get_response(request)
        refusal = self.authenticate(request, header)
        return refusal or self.get_response(request)

    @staticmethod
    def authenticate(request: HttpRequest, header: str) -> HttpResponse | None:
        # The credentials are in the request, not in a cookie: no CSRF token.
        request._dont_enforce_csrf_checks = True
        try:
            username, key = credentials(header)
        except Malformed as exc:
            return _error(str(exc), 400)
        audit.note(request, username=username)
        if (request.method == "POST" and request.path.rstrip("/") == "/stack"
                and request.content_type != JSON):
            return _error(f"Basic authentication needs Content-Type: {JSON}", 415)
        gate = throttle.Gate(username, throttle.client_address(request))
        wait = gate.retry_after()
        if wait is not None:
            return throttle.too_many(wait)
        match = keys.authenticate(username, key)
        if match is None:
            gate.failed()
            return _error("Wrong user name or key", 401)
        gate.succeeded()
        request.user = match.user
        audit.note(request, auth=("basic", match.number))
        return None


def check_session(request: HttpRequest) -> None:
    """Log a session out when the key it was opened with is revoked or expired."""
    number = request.session.get(keys.SESSION_KEY)
    user_id = request.session.get(auth.SESSION_KEY)
    if user_id is None:
        return
    if not keys.session_key_live(user_id, number):
        auth.logout(request)
        return
    # Noted now: after a logout the request no longer knows who it was.
    audit.note(request, username=request.user.username,
               auth=("session", number or keys.PASSWORD_KEY))


def guarded_login(view: Callable[[HttpRequest], HttpResponse]):
    """POST /stack/login, throttled, remembering the key of the session."""

    def login(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return view(request)
        username = request.POST.get("USERNAME", "")
        audit.note(request, username=username)
        gate = throttle.Gate(username, throttle.client_address(request))
        wait = gate.retry_after()
        if wait is not None:
            return throttle.too_many(wait)
        response = view(request)
        if response.status_code == 401:
            gate.failed()
        elif response.status_code == 200:
            gate.succeeded()
            number = getattr(request.user, "stacki_key", keys.PASSWORD_KEY)
            request.session[keys.SESSION_KEY] = number
            audit.note(request, auth=("form", number))
        return response

    login.__doc__ = view.__doc__
    return login
