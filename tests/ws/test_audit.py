"""The audit trail: a row for every call, allowed, denied or failed, with
secrets redacted; written whatever the caller may do, never changing the
answer; queried and pruned by list/remove api audit."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection
from django.test import Client

from stacki.inventory.models import AuditRecord
from tests.conftest import Result, run_cli
from tests.ws.basicauth import basic_get, basic_run, http_run, own_server
from tests.ws.conftest import Api

MOMENT = "a date (YYYY-MM-DD[ HH:MM[:SS]]) or a duration like 30d or 12h"
LIST_USAGE = "[command=string] [outcome=string] [since=string] [until=string] [user=string]"


def rows(**filters) -> list[dict]:
    return list(AuditRecord.objects.filter(**filters).order_by("id").values(
        "username", "address", "auth", "key_number", "command", "args", "params", "outcome",
        "detail", "status"))


def last() -> dict:
    return rows()[-1]


def audit_json(*words: str) -> list[dict]:
    r = run_cli("list", "api", "audit", *words, "output-format=json")
    assert (r.rc, r.err) == (0, "")
    return json.loads(r.out) if r.out else []


# --- what is recorded -------------------------------------------------------------
def test_an_allowed_call_of_a_read_only_caller(login_as):
    api = login_as("greg")
    AuditRecord.objects.all().delete()
    assert api.run("list host frontend-0-0 password=hunter2 comment=x").status_code == 200
    assert rows() == [{
        "username": "greg", "address": "127.0.0.1", "auth": "session", "key_number": 1,
        "command": "list.host", "args": ["frontend-0-0"],
        "params": {"password": "<redacted>", "comment": "x"}, "outcome": "ok", "detail": "",
        "status": 200}]
    record = AuditRecord.objects.get()
    assert record.duration > 0
    assert abs(record.time - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize("cmd, status, outcome, detail", [
    ("add host backend-0-9", 403, "denied",
     "Unauthorized Command: User greg is not allowed to run add.host"),
    ("run host backend-0-0 command=ls", 403, "denied", "'run host' command is not permitted"),
    ("list host nosuchhost", 500, "error",
     'error - cannot resolve host "nosuchhost"'),
    ("frobnicate", 404, "error", "Command Not Found"),
])
def test_refused_and_failing_calls(login_as, cmd, status, outcome, detail):
    api = login_as("greg")
    assert api.run(cmd).status_code == status
    record = last()
    assert (record["username"], record["outcome"], record["detail"], record["status"]) == (
        "greg", outcome, detail, status)


def test_a_read_only_violation_is_recorded(login_as, monkeypatch):
    from stacki.apiusers import access

    monkeypatch.setattr(access, "REFUSE_MUTATING_VERBS", False)
    api = login_as("greg", perms=("add.host",))
    assert api.run("add host backend-0-9").status_code == 403
    assert (last()["command"], last()["outcome"], last()["detail"]) == (
        "add.host", "denied", "Database Permission Denied. Admin privileges required")


def test_logins(make_user):
    key = make_user("greg")
    AuditRecord.objects.all().delete()
    Api().login("greg", "wrong")
    Api().login("nobody", key)
    Api().login("greg", key)
    assert [(r["username"], r["command"], r["outcome"], r["detail"], r["status"], r["auth"])
            for r in rows()] == [
        ("greg", "/stack/login", "failed", "wrong user name or key", 401, ""),
        ("nobody", "/stack/login", "failed", "wrong user name or key", 401, ""),
        ("greg", "/stack/login", "ok", "", 200, "form")]


def test_basic_calls(make_user):
    key = make_user("greg")
    AuditRecord.objects.all().delete()
    basic_run("greg", key, "list host key=secret")
    basic_run("greg", "wrong", "list host")
    assert [(r["username"], r["auth"], r["key_number"], r["command"], r["params"],
             r["outcome"]) for r in rows()] == [
        ("greg", "basic", 1, "list.host", {"key": "<redacted>"}, "ok"),
        ("greg", "", None, "/stack", {}, "failed")]


def test_calls_that_are_not_logged_in_or_lack_csrf(make_user):
    make_user("greg")
    client = Client(enforce_csrf_checks=True)
    AuditRecord.objects.all().delete()
    client.get("/stack")
    client.get("/stack/user")
    client.post("/stack/login", {"USERNAME": "greg", "PASSWORD": "x"})
    api = Api()
    api.client.get("/stack")
    api.run("list host")
    assert [(r["username"], r["command"], r["outcome"], r["detail"][:24], r["status"])
            for r in rows()] == [
        ("", "/stack/login", "denied", "CSRF verification failed", 403),
        ("", "/stack", "denied", "not logged in", 403)]


def test_other_endpoints(login_as):
    api = login_as("greg")
    AuditRecord.objects.all().delete()
    api.client.get("/stack/commands")
    api.client.post("/stack/logout", HTTP_X_CSRFTOKEN=api.token())
    assert [(r["username"], r["command"], r["status"]) for r in rows()] == [
        ("greg", "/stack/commands", 200), ("greg", "/stack/logout", 200)]
    basic_get("greg", "key-of-greg", "/stack/user")
    assert (last()["command"], last()["auth"]) == ("/stack/user", "basic")


def test_a_refused_body_is_recorded(login_as, settings):
    api = login_as("greg")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    AuditRecord.objects.all().delete()
    assert api.run("list host", data="x" * 200).status_code == 413
    assert [(r["command"], r["outcome"], r["detail"], r["status"]) for r in rows()] == [
        ("/stack", "error", "Request body too large", 413)]


def test_recording_never_changes_the_answer(login_as, caplog):
    api = login_as("greg")
    expected = api.run("list host")

    def disk_full(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "api_audit"'):
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(disk_full), caplog.at_level(logging.ERROR, logger="stacki.ws"):
        got = api.run("list host")
        refused = api.run("add host x")
    assert (got.status_code, got.content) == (expected.status_code, expected.content)
    assert refused.status_code == 403
    assert "cannot write the audit record of POST /stack" in caplog.text
    # The failed write left the connection usable.
    count = AuditRecord.objects.count()
    assert api.run("list host").status_code == 200
    assert AuditRecord.objects.count() == count + 1


# --- list api audit / remove api audit ------------------------------------------------
@pytest.fixture
def trail(make_user):
    """Calls of greg and the admin boss, at known times."""
    greg = make_user("greg")
    boss = make_user("boss", admin=True)
    AuditRecord.objects.all().delete()
    basic_run("greg", greg, "list host")
    basic_run("greg", greg, "add host backend-0-9")
    basic_run("greg", "wrong", "list host")
    basic_run("boss", boss, "list network")
    basic_run("boss", boss, "add host backend-0-9 comment=secret-free")
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for n, record in enumerate(AuditRecord.objects.order_by("id")):
        record.time = start + timedelta(hours=n)
        record.duration = 1.5
        record.save()
    return boss


def test_list_audit_text(trail):
    assert run_cli("list", "api", "audit", "user=greg") == Result(0, (
        "TIME                USER VIA         ADDRESS   COMMAND   ARGUMENTS   OUTCOME DETAIL"
        "                                                         STATUS DURATION\n"
        "2024-05-01 00:00:00 greg basic key 1 127.0.0.1 list.host ----------- ok      "
        "-------------------------------------------------------------- 200    1.5\n"
        "2024-05-01 01:00:00 greg basic key 1 127.0.0.1 add.host  backend-0-9 denied  "
        "Unauthorized Command: User greg is not allowed to run add.host 403    1.5\n"
        "2024-05-01 02:00:00 greg ----------- 127.0.0.1 /stack    ----------- failed  "
        "Wrong user name or key                                         401    1.5\n"), "")


@pytest.mark.parametrize("words, commands", [
    ([], ["list.host", "add.host", "/stack", "list.network", "add.host"]),
    (["user=boss"], ["list.network", "add.host"]),
    (["command=add host"], ["add.host", "add.host"]),
    (["command=list.*"], ["list.host", "list.network"]),
    (["command=/stack"], ["/stack"]),
    (["outcome=denied"], ["add.host"]),
    (["outcome=failed"], ["/stack"]),
    (["since=2024-05-01 02:00", "until=2024-05-01T04:00:00"], ["/stack", "list.network"]),
    (["since=2024-05-01 02:00+01:00"], ["add.host", "/stack", "list.network", "add.host"]),
    (["until=1d"], ["list.host", "add.host", "/stack", "list.network", "add.host"]),
    (["since=1d"], []),
    (["user=nobody"], []),
])
def test_list_audit_filters(trail, words, commands):
    assert [r["command"] for r in audit_json(*words)] == commands


@pytest.mark.parametrize("words, message", [
    (["outcome=maybe"], '"outcome" parameter must be one of ok, denied, error, failed, throttled'),
    (["since=yesterday"], f'"since" parameter must be {MOMENT}'),
    (["until=2024-13-01"], f'"until" parameter must be {MOMENT}'),
])
def test_list_audit_errors(trail, words, message):
    assert run_cli("list", "api", "audit", *words) == Result(
        255, "", f"error - {message}\n{LIST_USAGE}\n")


def test_list_audit_is_admin_only_over_the_api(trail):
    refused = basic_run("greg", "key-of-greg", "list api audit")
    assert (refused.status_code, refused.content) == (
        403, b'Command "list api audit" requires Admin Privileges')
    listed = json.loads(basic_run("boss", "key-of-boss", "list api audit user=boss").content)
    assert [r["command"] for r in listed] == ["list.network", "add.host"]
    assert listed[1]["arguments"] == "backend-0-9 comment=secret-free"


def test_remove_audit(trail):
    assert run_cli("remove", "api", "audit", "before=2024-05-01 02:00") == Result(0, "", "")
    assert [r["command"] for r in audit_json()] == ["/stack", "list.network", "add.host"]
    assert run_cli("remove", "api", "audit", "before=1h") == Result(0, "", "")
    assert audit_json() == []


@pytest.mark.parametrize("words, message", [
    ([], '"before" parameter is required'),
    (["before=soon"], f'"before" parameter must be {MOMENT}'),
])
def test_remove_audit_errors(trail, words, message):
    assert run_cli("remove", "api", "audit", *words) == Result(
        255, "", f"error - {message}\n{{before=string}}\n")
    assert AuditRecord.objects.count() == 5


def test_remove_audit_is_admin_only_over_the_api(trail):
    refused = basic_run("greg", "key-of-greg", "remove api audit before=1d")
    assert refused.status_code == 403
    assert AuditRecord.objects.filter(time__lt=datetime(2025, 1, 1, tzinfo=UTC)
                                      ).count() == 5


# --- over real HTTP ----------------------------------------------------------------
@pytest.fixture(scope="module")
def server(pristine_home, tmp_path_factory):
    server = own_server(pristine_home, tmp_path_factory, "audit")
    yield server
    server.stop()


def test_audit_over_http(server):
    made = json.loads(server.stack("add", "api", "user", "greg", "output-format=json").stdout)[0]
    key = made["key"]
    assert http_run(server, "greg", key, "list host password=hunter2").status_code == 200
    assert http_run(server, "greg", key, "add host backend-0-1").status_code == 403
    assert http_run(server, "greg", "wrong", "list host").status_code == 401
    admin = server.admin_creds()
    assert http_run(server, "admin", admin["key"], "list host nosuch").status_code == 500
    listed = json.loads(server.stack("list", "api", "audit", "output-format=json").stdout)
    assert [(r["user"], r["via"], r["command"], r["arguments"], r["outcome"], r["status"])
            for r in listed] == [
        ("greg", "basic key 1", "list.host", "password=<redacted>", "ok", 200),
        ("greg", "basic key 1", "add.host", "backend-0-1", "denied", 403),
        ("greg", None, "/stack", "", "failed", 401),
        ("admin", "basic key 1", "list.host", "nosuch", "error", 500)]
    assert "hunter2" not in server.stack("list", "api", "audit").stdout
    assert listed[3]["detail"] == 'error - cannot resolve host "nosuch"'
    assert all(r["address"] == "127.0.0.1" and r["duration"] > 0 for r in listed)
