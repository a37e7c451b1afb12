"""Smaller holes of issue 12 (item 5): shadow values, what the audit and the
log keep, uploads' retention and quota, out-of-range moments."""

import io
import logging
import os
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stacki import logs
from stacki.inventory.models import AuditRecord
from stacki.ws import audit, uploads
from tests.conftest import run_cli
from tests.ws.conftest import body


def test_report_named_hides_shadow_forwarders_from_non_admins(login_as):
    assert run_cli("set", "attr", "attr=Kickstart_PublicDNSServers", "value=10.9.9.9",
                   "shadow=true").rc == 0
    assert run_cli("set", "attr", "attr=Kickstart_PrivateDNSServers", "value=10.8.8.8",
                   "shadow=true").rc == 0
    plain = login_as("greg", perms=("report.*",)).run("report named").content.decode()
    assert "10.9.9.9" not in plain and "10.8.8.8" not in plain
    assert "forwarders" not in plain
    admin = login_as("boss", admin=True).run("report named").content.decode()
    assert "forwarders { 10.9.9.9; };" in admin


def test_an_audit_record_keeps_a_bounded_part_of_a_call(login_as):
    api = login_as("greg", groups=())
    AuditRecord.objects.all().delete()
    huge = "x" * 400_000
    response = api.run(f"list host {huge} " + "y " * 500 + f"comment={huge}")
    assert response.status_code == 403
    record = AuditRecord.objects.get()
    assert len(record.args) == audit.MAX_ITEMS + 1
    assert record.args[0] == "x" * 256 + "... (400000 characters)"
    assert record.args[-1] == f"... ({501 - audit.MAX_ITEMS} more)"
    assert record.params == {"comment": "x" * 256 + "... (400000 characters)"}


def test_audit_records_past_the_retention_go_at_the_next_login(login_as, settings):
    settings.STACKI_AUDIT_DAYS = 30
    AuditRecord.objects.all().delete()
    old = dict(username="x", command="list.host", outcome="ok", status=200, duration=1.0)
    AuditRecord.objects.create(time=timezone.now() - timedelta(days=31), **old)
    AuditRecord.objects.create(time=timezone.now() - timedelta(days=29), **old)
    login_as("greg")
    assert AuditRecord.objects.filter(username="x").count() == 1


def upload(api, content: bytes):
    return api.client.post("/stack/upload", {"csvFile": SimpleUploadedFile("a.csv", content)},
                           HTTP_X_CSRFTOKEN=api.token())


def test_uploads_have_a_per_user_quota_and_a_retention(login_as, settings):
    settings.STACKI_UPLOAD_QUOTA = 1000
    settings.STACKI_UPLOAD_DAYS = 7
    api = login_as("greg")
    first = upload(api, b"a" * 600)
    assert first.status_code == 200
    refused = upload(api, b"b" * 600)
    assert (refused.status_code, body(refused)) == (413, {
        "API Error": "Upload quota of 1000 bytes reached; uploads are removed after 7 days"})
    assert upload(login_as("ann"), b"c" * 600).status_code == 200  # a quota per user
    stale = time.time() - 8 * 86400
    os.utime(body(first)["dir"], (stale, stale))
    assert upload(api, b"b" * 600).status_code == 200
    assert not os.path.exists(body(first)["dir"])
    assert uploads.usage("greg") == 600


def test_control_characters_are_escaped_in_the_log(make_user):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.SafeFormatter(logs.FORMAT))
    logger = logging.getLogger("stacki.ws")
    logger.addHandler(handler)
    try:
        from tests.ws.conftest import Api

        api = Api()
        forged = "x\n2026-01-01 00:00:00,000 stacki.ws INFO user=admin login status=200"
        assert api.login(forged, "wrong").status_code == 401
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].split(" ", 4)[4].startswith(
        "user=x\\n2026-01-01 00:00:00,000 stacki.ws INFO user=admin login status=200 login")


def test_an_out_of_range_moment_is_a_parameter_error(login_as):
    api = login_as("boss", admin=True)
    response = api.run("add api key boss expires=9999-12-31T23:59:59-01:00")
    assert (response.status_code, body(response)["API Error"]) == (500, (
        'error - "expires" parameter must be a date (YYYY-MM-DD[ HH:MM[:SS]]) or a duration '
        "like 30d or 12h\n"))


def test_a_nul_in_a_login_is_a_wrong_key_recorded_escaped(make_user):
    from tests.ws.basicauth import basic_run
    from tests.ws.conftest import Api

    key = make_user("greg")
    AuditRecord.objects.all().delete()
    assert Api().login("gr\x00eg", key).status_code == 401
    assert basic_run("greg", key + "\x00", "list host").status_code == 401
    assert list(AuditRecord.objects.order_by("id").values_list("username", "outcome")) == [
        ("gr\\x00eg", "failed"), ("greg", "failed")]


def test_a_deeply_nested_document_is_a_syntax_error(stack, tmp_path):
    document = tmp_path / "nested.json"
    document.write_text('{"host": ' + "[" * 100_000 + "]" * 100_000 + "}")
    r = stack("load", str(document))
    assert (r.rc, r.out, r.err) == (
        255, "", "error - syntax error: the document is nested too deeply\n")
