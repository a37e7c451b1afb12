"""Who makes a web-service call: a session opened by POST /stack/login, or
HTTP Basic on the request itself.

The session is Django's (stored in the database, cycled at login); what it
holds about the user is kept here: the user's id, the key number it was
opened with, and a fingerprint of the password hash, so that revoking or
expiring the key, making the password unusable, deactivating or removing
the user ends the session at the next request.

HTTP Basic, for scripts: `Authorization: Basic base64(user:key)` (what
`curl -u user:key` sends) authenticates that one request, with no session and
no CSRF token: CSRF protects credentials a browser adds on its own (cookies),
and these travel with the request. The service never answers with a Basic
challenge, so browsers never prompt for a key nor replay one by themselves,
and a Basic POST /stack must be sent as application/json, which no
cross-site form can do. Logging in and out are about sessions and ignore
the header. Both ways are throttled alike (stacki.ws.throttle).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.utils.crypto import constant_time_compare, salted_hmac

from stacki.apiusers import keys
from stacki.inventory.models import User
from stacki.logs import escape
from stacki.ws import audit, throttle
from stacki.ws.replies import error_response
from stacki.ws.sessions import USER_ID

SESSION_ENDPOINTS = ("/stack/login", "/stack/logout")
JSON = "application/json"
# What a session holds about its user besides the id (stacki.ws.sessions).
FINGERPRINT = "stacki_password"


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
    return error_response(message, status)


def verify(request: HttpRequest, username: str, key: str) -> keys.Match | HttpResponse | None:
    """The throttled key check of both ways in: the match, the 429 refusal,
    or None for a wrong user name or key."""
    audit.note(request, username=username)
    gate = throttle.Gate(escape(username), throttle.client_address(request))
    wait = gate.retry_after()
    if wait is not None:
        return throttle.too_many(wait)
    # No name or key holds a NUL, and PostgreSQL could not even look one up.
    match = None if "\x00" in username + key else keys.authenticate(username, key)
    if match is None:
        gate.failed()
        return None
    gate.succeeded()
    return match


class Authentication:
    """Sets `request.user`: the User of the session or of the Basic header,
    or None for an anonymous request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None or request.path.rstrip("/") in SESSION_ENDPOINTS:
            request.user = session_user(request)  # type: ignore[assignment]
            return self.get_response(request)
        request.user = None
        refusal = self.basic(request, header)
        return refusal or self.get_response(request)

    @staticmethod
    def basic(request: HttpRequest, header: str) -> HttpResponse | None:
        # The credentials are in the request, not in a cookie: no CSRF token.
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        try:
            username, key = credentials(header)
        except Malformed as exc:
            return _error(str(exc), 400)
        if (request.method == "POST" and request.path.rstrip("/") == "/stack"
                and request.content_type != JSON):
            audit.note(request, username=username)
            return _error(f"Basic authentication needs Content-Type: {JSON}", 415)
        match = verify(request, username, key)
        if match is None:
            return _error("Wrong user name or key", 401)
        if isinstance(match, HttpResponse):
            return match
        request.user = match.user  # type: ignore[assignment]
        audit.note(request, auth=("basic", match.number))
        return None


def fingerprint(user: User) -> str:
    """Changes whenever the password hash does (Django's session auth hash)."""
    return salted_hmac("stacki.ws.session", user.password).hexdigest()


def session_user(request: HttpRequest) -> User | None:
    """The user of the session, when the session and its key still hold."""
    session = request.session
    if session.get(USER_ID) is None:
        return None
    number = session.get(keys.SESSION_KEY, keys.PASSWORD_KEY)
    user = session.user  # type: ignore[attr-defined]  # read with the session
    if (user is None or not user.active
            or not constant_time_compare(session.get(FINGERPRINT, ""), fingerprint(user))
            or not keys.session_key_live(user.id, number)):
        session.flush()
        return None
    # Noted now: after a logout the request no longer knows who it was.
    audit.note(request, username=user.username, auth=("session", number))
    return user


def login(request: HttpRequest, match: keys.Match) -> None:
    """Open a session for the matched user, under a new session key and a
    new CSRF token (no fixation of either)."""
    session = request.session
    if session.get(USER_ID, match.user.id) != match.user.id:
        session.flush()
    else:
        session.cycle_key()
    session[USER_ID] = match.user.id
    session[FINGERPRINT] = fingerprint(match.user)
    session[keys.SESSION_KEY] = match.number
    session.clear_expired()  # logins are rare and slow anyway (a password hash)
    rotate_token(request)
    request.user = match.user  # type: ignore[assignment]
    audit.note(request, auth=("form", match.number))


def logout(request: HttpRequest) -> None:
    request.session.flush()
    request.user = None
