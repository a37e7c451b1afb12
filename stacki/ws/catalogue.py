"""GET /stack/commands: the commands the caller may run, machine-readable.

Each entry is made from the command's declaration by the same code as its
help (`helptext.catalogue_entry`), and the list is filtered by the same
check as POST /stack, so the catalogue shows exactly what would be allowed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from stacki.apiusers import access
from stacki.framework.command import registry
from stacki.framework.helptext import catalogue_entry
from stacki.ws.replies import NOT_LOGGED_IN, json_response


def allowed(user) -> list[dict]:
    rules = access.Rules(user)
    return [catalogue_entry(command) for command in registry().commands.values()
            if access.check(user, command, rules) is None]


@require_GET
def commands(request: HttpRequest) -> HttpResponse:
    if request.user is None:
        return json_response(NOT_LOGGED_IN, 403)
    return json_response(allowed(request.user))
