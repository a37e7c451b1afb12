"""HTTP Basic authentication: per request, no session, no CSRF token; the
session protocol unchanged beside it; bad headers answered 4xx."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from tests.conftest import run_cli
from tests.ws.basicauth import JSON, authorization, basic_get, basic_run, http_run, own_server
from tests.ws.conftest import Api, body

WRONG = (401, {"API Error": "Wrong user name or key"})
MALFORMED = "Malformed Authorization header: expected Basic base64(user:key)"


def listing():
    return json.loads(run_cli("list", "host", "output-format=json").out)


# --- through Django's test client (CSRF enforced) ---------------------------
def test_basic_runs_a_command_without_session_or_csrf(make_user):
    key = make_user("greg")
    response = basic_run("greg", key, "list host")
    assert (response.status_code, body(response)) == (200, listing())
    assert response["Content-Type"] == JSON
    # Nothing to keep: no session cookie, no CSRF cookie.
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_basic_applies_the_same_checks_as_a_session(make_user):
    key = make_user("greg")
    for cmd in ("add host backend-0-9", "list api audit", "run host backend-0-0 command=ls"):
        session = Api()
        session.login("greg", key)
        expected = session.run(cmd)
        got = basic_run("greg", key, cmd)
        assert (got.status_code, got.content) == (expected.status_code, expected.content)
    assert basic_run("greg", key, "add host backend-0-9").content == (
        b"Unauthorized Command: User greg is not allowed to run add.host")


@pytest.mark.parametrize("username, key", [("greg", "wrong"), ("nobody", "key-of-greg"),
                                           ("greg", ""), ("greg", "key-of-greg-and-more")])
def test_wrong_credentials_fail_alike(make_user, username, key):
    make_user("greg")
    response = basic_run(username, key, "list host")
    assert (response.status_code, body(response)) == WRONG
    # No Basic challenge: browsers neither prompt for a key nor replay one.
    assert not response.has_header("WWW-Authenticate")


def test_inactive_user_fails(make_user):
    from stacki.inventory.models import User

    key = make_user("greg")
    User.objects.filter(username="greg").update(active=False)
    assert (basic_run("greg", key, "list host").status_code) == 401


@pytest.mark.parametrize("header, message", [
    ("Bearer abc", 'Unsupported Authorization scheme "Bearer": use Basic'),
    ("Basic", MALFORMED),
    ("Basic !!!!", MALFORMED),
    ("Basic " + base64.b64encode(b"no-colon").decode(), MALFORMED),
    ("Basic " + base64.b64encode(b":key-without-user").decode(), MALFORMED),
    ("Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), MALFORMED),
    ("", 'Unsupported Authorization scheme "": use Basic'),
])
def test_malformed_headers_are_400(make_user, header, message):
    make_user("greg")
    response = Client(enforce_csrf_checks=True).post(
        "/stack", json.dumps({"cmd": "list host"}), content_type=JSON,
        HTTP_AUTHORIZATION=header)
    assert (response.status_code, body(response)) == (400, {"API Error": message})


def test_basic_post_must_be_json(make_user):
    key = make_user("greg")
    response = Client(enforce_csrf_checks=True).post(
        "/stack", "cmd=list+host", content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=authorization("greg", key))
    assert (response.status_code, body(response)) == (
        415, {"API Error": "Basic authentication needs Content-Type: application/json"})


def test_bad_body_with_basic_is_the_usual_400(make_user):
    key = make_user("greg")
    response = Client(enforce_csrf_checks=True).post(
        "/stack", b"not json", content_type=JSON, HTTP_AUTHORIZATION=authorization("greg", key))
    assert response.status_code == 400
    assert body(response)["API Error"].startswith("Request body is not JSON")


def test_basic_on_the_other_endpoints(make_user):
    key = make_user("greg")
    assert body(basic_get("greg", key, "/stack/user")) == {"user": "greg"}
    assert basic_get("greg", key, "/stack/commands").status_code == 200
    assert basic_get("greg", "wrong", "/stack/user").status_code == 401


def test_login_and_logout_ignore_the_header_and_keep_csrf(make_user):
    key = make_user("greg")
    client = Client(enforce_csrf_checks=True)
    client.get("/stack")
    response = client.post("/stack/login", {"USERNAME": "greg", "PASSWORD": key},
                           HTTP_AUTHORIZATION=authorization("greg", key))
    assert response.status_code == 403
    assert body(response)["API Error"].startswith("CSRF verification failed")


def test_the_session_protocol_is_unchanged(make_user):
    key = make_user("greg")
    api = Api()
    assert api.login("greg", key).status_code == 200
    assert (api.run("list host").status_code, body(api.run("list host"))) == (200, listing())
    # Without a token a session's POST is still refused.
    client = api.client
    refused = client.post("/stack", json.dumps({"cmd": "list host"}), content_type=JSON)
    assert refused.status_code == 403


def test_a_key_in_both_the_header_and_a_session(make_user):
    """The header decides who calls, not the cookie, and leaves the session be."""
    greg, fred = make_user("greg"), make_user("fred")
    api = Api()
    api.login("greg", greg)
    response = api.client.post("/stack", json.dumps({"cmd": "list api key"}), content_type=JSON,
                               HTTP_AUTHORIZATION=authorization("fred", fred))
    assert [k["username"] for k in body(response)] == ["fred"]
    assert body(api.client.get("/stack/user")) == {"user": "greg"}
    assert [k["username"] for k in body(api.run("list api key"))] == ["greg"]


@pytest.fixture
def hashes(monkeypatch):
    """How many times the password hasher ran."""
    calls = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


@pytest.mark.parametrize("username, key", [
    ("nobody", "some-key"),            # unknown user
    ("greg", "some-key"),              # wrong key, password key only
    ("fred", "some-key"),              # wrong key, keys in rows only
    ("fred", "{prefix}-wrong-rest"),   # the first characters of a key, the rest wrong
])
def test_one_hash_per_attempt_whoever_the_user(make_user, hashes, username, key):
    """No timing difference tells an unknown user from a wrong key: every
    failed attempt hashes exactly once."""
    from stacki.apiusers import keys
    from stacki.inventory.models import User

    make_user("greg")
    make_user("fred")
    fred = User.objects.get(username="fred")
    _, issued = keys.issue(fred)
    keys.revoke(fred, {keys.PASSWORD_KEY})
    hashes.clear()
    key = key.format(prefix=issued[:keys.LOOKUP])
    assert basic_run(username, key, "list host").status_code == 401
    assert len(hashes) == 1


def test_a_verified_key_is_not_hashed_again(make_user, hashes):
    key = make_user("greg")
    assert basic_run("greg", key, "list host").status_code == 200
    hashes.clear()
    assert basic_run("greg", key, "list host").status_code == 200
    assert hashes == []


# --- over real HTTP ------------------------------------------------------------
@pytest.fixture(scope="module")
def server(pristine_home, tmp_path_factory):
    server = own_server(pristine_home, tmp_path_factory, "basic")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def greg(server):
    made = server.stack("add", "api", "user", "greg", "output-format=json")
    return json.loads(made.stdout)[0]["key"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_basic(server, greg):
    """The line of the documentation, with the test server's port."""
    line = ["curl", "-s", "-u", f"greg:{greg}", "-H", "Content-Type: application/json",
            "-d", '{"cmd":"list host"}', f"http://127.0.0.1:{server.port}/stack"]
    out = subprocess.run(line, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == json.loads(server.stack("list", "host", "output-format=json").stdout)


def test_requests_with_basic(server, greg):
    response = http_run(server, "greg", greg, "list host")
    assert response.status_code == 200
    assert [h["host"] for h in response.json()] == ["frontend-0-0"]
    assert "Set-Cookie" not in response.headers
    assert http_run(server, "greg", "wrong", "list host").status_code == 401
    refused = http_run(server, "greg", greg, "add host backend-0-1")
    assert (refused.status_code, refused.text) == (
        403, "Unauthorized Command: User greg is not allowed to run add.host")


def test_wsclient_basic(server, greg, tmp_path):
    cred = tmp_path / "greg.cred"
    cred.write_text(json.dumps([{"username": "greg", "hostname": f"127.0.0.1:{server.port}",
                                 "key": greg}]))
    listed = server.wsclient("-f", str(cred), "--basic", "list", "host")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert json.loads(listed.stdout) == json.loads(
        server.stack("list", "host", "output-format=json").stdout)
    refused = server.wsclient("-f", str(cred), "--basic", "add", "host", "x")
    assert (refused.returncode, refused.stderr) == (
        255, "Unauthorized Command: User greg is not allowed to run add.host\n")
    cred.write_text(json.dumps({"username": "greg", "hostname": f"127.0.0.1:{server.port}",
                                "key": "wrong"}))
    failed = server.wsclient("-f", str(cred), "--basic", "list", "host")
    assert (failed.returncode, failed.stderr) == (255, "Wrong user name or key\n")


def test_stack_client_library_with_basic(server, greg):
    from stacki.client import StackWSClient

    client = StackWSClient(f"127.0.0.1:{server.port}", "greg", greg, basic=True)
    assert [h["host"] for h in client.call("list host")] == ["frontend-0-0"]
    assert not client.session.cookies
