"""API keys through the web service: expired and revoked keys fail at once
(Basic, form login and the sessions they opened); admins manage anyone's
keys; a non-admin lists and rotates only their own."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from stacki.apiusers import keys
from stacki.inventory.models import ApiKey, User
from tests.conftest import run_cli
from tests.ws.basicauth import basic_run, http_run, new_key, own_server
from tests.ws.conftest import Api, Session, body

WRONG = (401, {"API Error": "Wrong user name or key"})
NOT_LOGGED_IN = (403, {"logged_in": False})


def issue(name: str, **fields) -> str:
    _, key = keys.issue(User.objects.get(username=name), **fields)
    return key


def expire(name: str, number: int) -> None:
    ApiKey.objects.filter(user__username=name, number=number).update(
        expires=datetime.now(UTC))


def api_error(response) -> tuple[int, str]:
    return response.status_code, body(response)["API Error"]


# --- failing keys -------------------------------------------------------------
def test_a_second_key_works_for_basic_and_login(make_user):
    make_user("greg")
    second = issue("greg")
    assert basic_run("greg", second, "list host").status_code == 200
    api = Api()
    assert api.login("greg", second).status_code == 200
    assert api.run("list host").status_code == 200


def test_expired_key_fails_basic_and_login(make_user):
    make_user("greg")
    second = issue("greg")
    assert basic_run("greg", second, "list host").status_code == 200
    expire("greg", 2)
    assert (basic_run("greg", second, "list host").status_code,
            body(basic_run("greg", second, "list host"))) == WRONG
    login = Api().login("greg", second)
    assert (login.status_code, body(login)) == (401, {"login": "False"})


def test_revoked_key_fails_at_once_even_when_remembered(make_user):
    key = make_user("greg")
    second = issue("greg")
    for k in (key, second):
        assert basic_run("greg", k, "list host").status_code == 200
    assert run_cli("remove", "api", "key", "greg", "id=1,2").rc == 0
    for k in (key, second):
        assert (basic_run("greg", k, "list host").status_code) == 401


@pytest.mark.parametrize("end", ["revoke", "expire"])
def test_a_session_ends_with_its_key(make_user, end):
    make_user("greg")
    second, third = issue("greg"), issue("greg")
    by_second, by_third = Api(), Api()
    by_second.login("greg", second)
    by_third.login("greg", third)
    if end == "revoke":
        run_cli("remove", "api", "key", "greg", "id=2")
    else:
        expire("greg", 2)
    response = by_second.run("list host")
    assert (response.status_code, body(response)) == NOT_LOGGED_IN
    assert body(by_second.client.get("/stack/user")) == {"user": "None"}
    assert by_third.run("list host").status_code == 200


def test_a_session_of_the_first_key_ends_when_it_is_revoked(make_user):
    key = make_user("greg")
    api = Api()
    api.login("greg", key)
    run_cli("remove", "api", "key", "greg", "id=1")
    assert (api.run("list host").status_code, body(api.run("list host"))) == NOT_LOGGED_IN


# --- who manages which keys ---------------------------------------------------------
def test_a_non_admin_lists_only_their_own_keys(make_user):
    key = make_user("greg")
    make_user("fred")
    issue("greg", comment="cron")
    mine = basic_run("greg", key, "list api key")
    assert [(k["username"], k["id"], k["comment"]) for k in body(mine)] == [
        ("greg", 1, ""), ("greg", 2, "cron")]
    assert basic_run("greg", key, "list api key greg").content == mine.content
    for cmd in ("list api key fred", "list api key greg fred"):
        refused = basic_run("greg", key, cmd)
        assert api_error(refused) == (500, "error - Only admins may list the keys of other users\n")


def test_a_user_without_list_permissions_still_sees_their_keys(make_user):
    key = make_user("greg", groups=())
    assert basic_run("greg", key, "list host").status_code == 403
    assert [k["id"] for k in body(basic_run("greg", key, "list api key"))] == [1]


def test_a_non_admin_rotates_their_own_key(make_user):
    key = make_user("greg")
    second = issue("greg")
    api = Api()
    api.login("greg", key)
    rotated = api.run("set api user key greg comment=rotated")
    assert rotated.status_code == 200
    [row] = body(rotated)
    assert (row["username"], row["hostname"], row["id"]) == ("greg", "frontend-0-0", 3)
    # The old keys, and the session opened with one, are done.
    assert (api.run("list host").status_code, body(api.run("list host"))) == NOT_LOGGED_IN
    for old in (key, second):
        assert basic_run("greg", old, "list host").status_code == 401
    listed = body(basic_run("greg", row["key"], "list api key"))
    assert [(k["id"], k["comment"]) for k in listed] == [(3, "rotated")]


def test_a_non_admin_cannot_rotate_anyone_else(make_user):
    key = make_user("greg")
    fred = make_user("fred")
    refused = basic_run("greg", key, "set api user key fred")
    assert api_error(refused) == (500, "error - Only admins may rotate the keys of other users\n")
    assert basic_run("fred", fred, "list host").status_code == 200
    assert not ApiKey.objects.filter(number__gt=1).exists()


@pytest.mark.parametrize("cmd, words", [("add api key greg", "add api key"),
                                        ("remove api key greg id=1", "remove api key")])
def test_only_admins_add_and_remove_keys(make_user, cmd, words):
    key = make_user("greg")
    path = words.replace(" ", ".")
    refused = basic_run("greg", key, cmd)
    assert (refused.status_code, refused.content.decode()) == (
        403, f"Unauthorized Command: User greg is not allowed to run {path}")
    make_user("granted", perms=("add.*", "remove.*"))
    refused = basic_run("granted", "key-of-granted", cmd)
    assert (refused.status_code, refused.content.decode()) == (
        403, f'Command "{words}" requires Admin Privileges')
    assert not ApiKey.objects.filter(number__gt=1).exists()
    assert basic_run("greg", key, "list host").status_code == 200


def test_an_admin_manages_anyone_s_keys(make_user):
    admin = make_user("boss", admin=True)
    greg = make_user("greg")
    made = basic_run("boss", admin, "add api key greg expires=2099-01-01 comment=ci")
    [row] = body(made)
    assert (row["username"], row["id"], row["expires"]) == ("greg", 2, "2099-01-01 00:00:00")
    assert basic_run("greg", row["key"], "list host").status_code == 200
    listed = body(basic_run("boss", admin, "list api key greg"))
    assert [k["id"] for k in listed] == [1, 2]
    assert body(basic_run("boss", admin, "remove api key greg id=1")) == {}
    assert basic_run("greg", greg, "list host").status_code == 401
    rotated = body(basic_run("boss", admin, "set api user key greg"))[0]
    assert basic_run("greg", row["key"], "list host").status_code == 401
    assert basic_run("greg", rotated["key"], "list host").status_code == 200


def test_the_blacklist_can_close_self_service(make_user):
    key = make_user("greg")
    run_cli("add", "api", "blacklist", "command", "command=set.api.user.key")
    refused = basic_run("greg", key, "set api user key greg")
    assert (refused.status_code, refused.content) == (
        403, b"Blacklisted Command: Command set.api.user.key is not permitted")
    assert basic_run("greg", key, "list host").status_code == 200


def test_self_service_writes_nothing_else(make_user, monkeypatch):
    """Rotation is the one writing call open to non-admins: everything else
    they run stays read-only, even past the verb check."""
    from stacki.apiusers import access

    monkeypatch.setattr(access, "REFUSE_MUTATING_VERBS", False)
    make_user("greg", perms=("add.host",))
    refused = basic_run("greg", "key-of-greg", "add host backend-0-9")
    assert api_error(refused) == (403, "Database Permission Denied. Admin privileges required")


# --- over real HTTP ----------------------------------------------------------------
@pytest.fixture(scope="module")
def server(pristine_home, tmp_path_factory):
    server = own_server(pristine_home, tmp_path_factory, "keys", STACKI_LOGIN_FAILURES="0")
    yield server
    server.stop()


def test_expired_key_over_http(server):
    server.stack("add", "api", "user", "exp")
    row = new_key(server, "add", "api", "key", "exp", "expires=5s")
    assert http_run(server, "exp", row["key"], "list host").status_code == 200
    ends = datetime.fromisoformat(row["expires"]).replace(tzinfo=UTC)
    time.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 1.1)
    response = http_run(server, "exp", row["key"], "list host")
    assert (response.status_code, response.json()) == WRONG


def test_bad_key_over_http(server):
    made = new_key(server, "add", "api", "user", "bad")
    for key in ("wrong", made["key"] + "x", made["key"][:-1], ""):
        response = http_run(server, "bad", key, "list host")
        assert (response.status_code, response.json()) == WRONG
    assert http_run(server, "bad", made["key"], "list host").status_code == 200


def test_revoked_key_over_http_fails_at_once(server):
    server.stack("add", "api", "user", "rev")
    row = new_key(server, "add", "api", "key", "rev")
    session = Session(server.url)
    assert session.login("rev", row["key"]).status_code == 200
    assert session.run("list host").status_code == 200
    assert http_run(server, "rev", row["key"], "list host").status_code == 200
    assert server.stack("remove", "api", "key", "rev", f"id={row['id']}").returncode == 0
    assert http_run(server, "rev", row["key"], "list host").status_code == 401
    assert (session.run("list host").status_code, session.run("list host").json()) == (
        403, {"logged_in": False})


def test_rotation_over_http_with_wsclient(server, tmp_path):
    made = new_key(server, "add", "api", "user", "rot")
    cred = tmp_path / "rot.cred"
    cred.write_text(json.dumps([made]).replace(made["hostname"], f"127.0.0.1:{server.port}"))
    rotated = server.wsclient("-f", str(cred), "set", "api", "user", "key", "rot")
    assert rotated.returncode == 0, rotated.stderr
    [row] = json.loads(rotated.stdout)
    assert http_run(server, "rot", made["key"], "list host").status_code == 401
    assert http_run(server, "rot", row["key"], "list host").status_code == 200
    failed = server.wsclient("-f", str(cred), "list", "host")
    assert (failed.returncode, failed.stderr) == (
        255, 'error - login failed (401): {"login": "False"}\n')
