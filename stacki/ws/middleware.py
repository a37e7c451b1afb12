"""Requests refused before any view sees them: for a host name the service
does not answer to (400), or with an oversized body (413)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from stacki.ws.replies import too_large

# Multipart framing around an uploaded file.
UPLOAD_SLACK = 64 * 1024
# An over-limit body is read and dropped (up to this much) so that the client,
# still sending, gets to see the 413 instead of a reset connection.
DRAIN_LIMIT = 64 * 1024 * 1024
CHUNK = 64 * 1024


class KnownHost:
    """Every call must name a host of ALLOWED_HOSTS (STACKI_ALLOWED_HOSTS).
    Django checks the Host header only when something asks for it, which
    GET /stack and a login without an Origin header never do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.get_host()  # DisallowedHost: Django answers 400 (stacki.ws.views.bad_request)
        return self.get_response(request)


def body_limit() -> int:
    """The largest body any endpoint takes."""
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.STACKI_MAX_UPLOAD + UPLOAD_SLACK)


class BodyLimit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit(request):
            self.drain(request, length)
            return too_large()
        return self.get_response(request)

    @staticmethod
    def limit(request: HttpRequest) -> int:
        if request.path.rstrip("/").endswith("/upload"):
            return settings.STACKI_MAX_UPLOAD + UPLOAD_SLACK
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def drain(request: HttpRequest, length: int) -> None:
        if length > DRAIN_LIMIT:
            return
        stream = request.META.get("wsgi.input")
        try:
            while length > 0 and stream is not None:
                chunk = stream.read(min(CHUNK, length))
                if not chunk:
                    break
                length -= len(chunk)
        except OSError:
            pass
