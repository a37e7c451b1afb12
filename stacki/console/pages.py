"""Rendering the console's HTML: Django templates from this package,
autoescaped, through an engine of our own (the service's settings configure
no template engine and need none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine

from stacki.console import static

_ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")], autoescape=True,
                 libraries={}, builtins=[])


def render(request: HttpRequest, template: str, status: int = 200, **context: Any
           ) -> HttpResponse:
    user = request.user
    context.update(
        user=user, admin=bool(getattr(user, "admin", False)),
        csrf_token=get_token(request),  # also sets the csrftoken cookie the script sends back
        css=static.url("console.css"), js=static.url("console.js"),
        path=request.path)
    html = _ENGINE.get_template(template).render(Context(context))
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    # Pages show the caller's own view of the cluster: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "DENY"
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    return response
