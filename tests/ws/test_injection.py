"""No file injection over the web service: an admin's call storing a value
with a line break and a `<stack:file>` tag is refused (see
tests/commands/test_injection.py for the other paths)."""

from __future__ import annotations

import shlex

from stacki.inventory import models as m
from tests.commands.test_injection import PAYLOAD, nothing_stored
from tests.ws.conftest import body


def test_web_service_admin_is_refused(login_as):
    api = login_as("boss", admin=True)
    reply = api.run(f"set network zone private zone={shlex.quote(PAYLOAD)}")
    assert reply.status_code == 500
    assert "must not contain control characters" in body(reply)["API Error"]
    reply = api.run("add host interface alias frontend-0-0 interface=eth1 "
                    f"alias={shlex.quote(PAYLOAD)}")
    assert "must not contain control characters" in body(reply)["API Error"]
    nothing_stored()
    assert not m.Alias.objects.exists()
