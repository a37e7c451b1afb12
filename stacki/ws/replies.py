"""The web service's JSON answers: every `{"API Error": ...}` body is built
here, and every module of the service answers through these (views imports
nothing back from them)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

API_ERROR = "API Error"
NOT_LOGGED_IN = {"logged_in": False}


def error_body(message: str, **extra: Any) -> dict[str, Any]:
    """The body of a refused or failed call (`extra`: further keys, e.g. Output)."""
    return {API_ERROR: message, **extra}


def json_response(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def error_response(message: str, status: int) -> HttpResponse:
    return json_response(error_body(message), status)


def too_large() -> HttpResponse:
    return error_response("Request body too large", 413)
