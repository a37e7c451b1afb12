"""Login throttling: N failures for a user or from an address within the
window, then 429 with Retry-After until the window passes."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stacki.inventory.models import AuditRecord, LoginFailure
from stacki.ws import throttle
from tests.conftest import Result
from tests.ws.basicauth import basic_run, http_run, own_server
from tests.ws.conftest import Api, body

TOO_MANY = "Too many failed logins; try again in {} seconds"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.STACKI_LOGIN_FAILURES = 3
    settings.STACKI_LOGIN_WINDOW = 60


@pytest.fixture
def clock(monkeypatch):
    """clock(seconds) moves the throttle's clock forward."""
    offset = [timedelta(0)]
    real = timezone.now
    monkeypatch.setattr(throttle.timezone, "now", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += timedelta(seconds=seconds)

    return advance


def form_login(username: str, key: str, address: str = "127.0.0.1"):
    client = Client(enforce_csrf_checks=True)
    client.get("/stack")
    return client.post("/stack/login", {"USERNAME": username, "PASSWORD": key},
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value, REMOTE_ADDR=address)


def refused(response, seconds: int | None = None) -> bool:
    if response.status_code != 429:
        return False
    wait = int(response["Retry-After"])
    assert body(response) == {"API Error": TOO_MANY.format(wait)}
    return seconds is None or wait == seconds


def test_failures_for_one_user_from_one_address_then_429(make_user):
    key = make_user("greg")
    for _ in range(3):
        assert form_login("greg", "wrong", "10.0.0.1").status_code == 401
    assert refused(form_login("greg", key, "10.0.0.1"), 60)
    assert refused(basic_run("greg", key, "list host", REMOTE_ADDR="10.0.0.1"))
    # The right key from another address still gets in: wrong keys sent from
    # one place never lock a user (an admin included) out everywhere.
    assert form_login("greg", key, "10.0.0.2").status_code == 200
    assert basic_run("greg", key, "list host", REMOTE_ADDR="10.0.0.3").status_code == 200
    # Other users are not affected, from anywhere else.
    make_user("fred")
    assert form_login("fred", "key-of-fred", "10.0.0.5").status_code == 200
    assert basic_run("fred", "key-of-fred", "list host").status_code == 200


def test_failures_for_one_user_from_many_addresses_lock_none(make_user):
    key = make_user("admin2", admin=True)
    for step in range(10):
        assert form_login("admin2", "wrong", f"10.3.0.{step}").status_code == 401
    assert form_login("admin2", key, "10.3.1.1").status_code == 200


def test_failures_from_one_address_then_429(make_user):
    make_user("greg")
    for name in ("a", "b", "c"):
        assert basic_run(name, "wrong", "list host", REMOTE_ADDR="10.0.0.9").status_code == 401
    assert refused(form_login("greg", "key-of-greg", "10.0.0.9"))
    assert form_login("greg", "key-of-greg", "10.0.0.8").status_code == 200


def test_basic_and_form_failures_count_together(make_user):
    make_user("greg")
    form_login("greg", "wrong", "10.0.0.1")
    basic_run("greg", "wrong", "list host", REMOTE_ADDR="10.0.0.1")
    form_login("greg", "wrong", "10.0.0.1")
    assert refused(basic_run("greg", "key-of-greg", "list host", REMOTE_ADDR="10.0.0.1"))


def test_throttling_releases_after_the_window(make_user, clock):
    make_user("greg")
    for step in range(3):
        form_login("greg", "wrong")
        clock(10)
    # The first failure leaves the window 60 s after it happened.
    assert refused(form_login("greg", "key-of-greg"), 30)
    clock(29)
    assert refused(form_login("greg", "key-of-greg"), 1)
    clock(1)
    assert form_login("greg", "key-of-greg").status_code == 200


def test_refused_attempts_are_not_checked_nor_counted(make_user, clock):
    make_user("greg")
    for _ in range(3):
        form_login("greg", "wrong")
    assert LoginFailure.objects.count() == 6
    for _ in range(5):
        assert refused(form_login("greg", "wrong"))
    assert LoginFailure.objects.count() == 6


def test_a_success_clears_the_count_of_its_user_and_address(make_user):
    make_user("greg")
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        form_login("greg", "wrong", address)
    assert form_login("greg", "key-of-greg", "10.0.0.1").status_code == 200
    assert sorted(LoginFailure.objects.filter(kind=throttle.PAIR)
                  .values_list("subject", flat=True)) == ["greg@10.0.0.2"]


def test_unknown_users_are_throttled_like_known_ones(make_user):
    for name in ("greg", "nobody"):
        if name == "greg":
            make_user("greg")
        for step in range(3):
            assert form_login(name, "wrong", f"10.1.{len(name)}.1").status_code == 401
        assert refused(form_login(name, "wrong", f"10.1.{len(name)}.1"), 60)


def test_old_failures_are_pruned(make_user, clock):
    make_user("greg")
    form_login("greg", "wrong")
    clock(61)
    form_login("fred", "wrong")
    assert sorted(LoginFailure.objects.values_list("subject", flat=True)) == [
        "127.0.0.1", "fred@127.0.0.1"]


def test_a_limit_of_zero_turns_throttling_off(make_user, settings):
    settings.STACKI_LOGIN_FAILURES = 0
    make_user("greg")
    for _ in range(5):
        assert form_login("greg", "wrong").status_code == 401
    assert form_login("greg", "key-of-greg").status_code == 200
    assert not LoginFailure.objects.exists()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_user, settings):
    settings.STACKI_TRUSTED_PROXIES = ["127.0.0.1", "10.9.9.9"]
    make_user("greg")
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.9.9.9"}
    for name in ("a", "b", "c"):
        basic_run(name, "wrong", "list host", **proxied)
    assert sorted(LoginFailure.objects.filter(kind=throttle.ADDRESS)
                  .values_list("subject", flat=True)) == ["1.2.3.4"] * 3
    assert refused(basic_run("greg", "key-of-greg", "list host", **proxied))
    other = {**proxied, "HTTP_X_FORWARDED_FOR": "5.6.7.8"}
    assert basic_run("greg", "key-of-greg", "list host", **other).status_code == 200
    assert AuditRecord.objects.last().address == "5.6.7.8"
    # A client that is not a trusted proxy cannot choose its address.
    forged = {"REMOTE_ADDR": "1.2.3.4", "HTTP_X_FORWARDED_FOR": "9.9.9.9"}
    assert refused(basic_run("greg", "key-of-greg", "list host", **forged))


def test_sessions_are_not_throttled(login_as):
    api = login_as("greg")
    for _ in range(3):
        basic_run("greg", "wrong", "list host")
    assert api.run("list host").status_code == 200


def test_throttled_attempts_are_audited(make_user):
    make_user("greg")
    for _ in range(4):
        form_login("greg", "wrong")
    assert list(AuditRecord.objects.order_by("id").values_list("outcome", "status")) == [
        ("failed", 401)] * 3 + [("throttled", 429)]
    assert AuditRecord.objects.last().detail == TOO_MANY.format(60)


def test_api_login_helper_still_works(make_user):
    """The session protocol itself is unchanged by the throttle."""
    key = make_user("greg")
    assert body(Api().login("greg", key)) == {"login": "True"}


# --- over real HTTP ------------------------------------------------------------
WINDOW = 12


@pytest.fixture(scope="module")
def server(pristine_home, tmp_path_factory):
    # The window must outlast three failed logins, each a full password hash
    # (most of a second on a busy machine), yet keep the release wait short.
    server = own_server(pristine_home, tmp_path_factory, "throttle",
                        STACKI_LOGIN_FAILURES="3", STACKI_LOGIN_WINDOW=str(WINDOW))
    yield server
    server.stop()


def test_throttling_over_http(server):
    admin = server.admin_creds()
    for _ in range(3):
        assert http_run(server, "admin", "wrong", "list host").status_code == 401
    response = http_run(server, "admin", admin["key"], "list host")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= WINDOW
    assert response.json() == {"API Error": TOO_MANY.format(wait)}
    time.sleep(wait)
    assert http_run(server, "admin", admin["key"], "list host").status_code == 200


# --- list api lock / remove api lock -----------------------------------------
def test_list_and_remove_api_lock(make_user, stack):
    key = make_user("greg")
    for _ in range(3):
        form_login("greg", "wrong", "10.0.0.1")
    for name in ("a", "b", "c"):
        form_login(name, "wrong", "10.0.0.9")
    r = stack("list", "api", "lock", "output-format=json")
    rows = [(row["user"], row["address"], row["failures"]) for row in json.loads(r.out)]
    assert rows == [(None, "10.0.0.1", 3), (None, "10.0.0.9", 3), ("greg", "10.0.0.1", 3)]
    assert refused(form_login("greg", key, "10.0.0.1"))
    assert stack("remove", "api", "lock", "greg") == Result(0, "", "")
    # greg's own lock is lifted, but 10.0.0.1 still made 3 failures.
    assert refused(form_login("greg", key, "10.0.0.1"))
    assert stack("remove", "api", "lock", "address=10.0.0.1") == Result(0, "", "")
    assert form_login("greg", key, "10.0.0.1").status_code == 200
    assert refused(form_login("greg", key, "10.0.0.9"))
    r = stack("remove", "api", "lock")
    assert (r.rc, r.err) == (255, 'error - "user" argument is required\n'
                                  "[user ...] [address=string]\n")


def test_api_locks_are_admin_only_over_the_api(login_as):
    api = login_as("greg", perms=("list.api.lock", "remove.api.lock"))
    for cmd in ("list api lock", "remove api lock greg"):
        response = api.run(cmd)
        assert response.status_code == 403
        assert response.content.decode() == f'Command "{cmd.removesuffix(" greg")}" requires Admin Privileges'
    assert body(login_as("boss", admin=True).run("list api lock")) == {}
