"""API keys on the command line: add, list, remove, rotate (set api user key)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from stacki.apiusers import keys
from stacki.inventory.models import ApiKey, User
from tests.conftest import Result

ADD_USAGE = "{username} [comment=string] [expires=string]"
DATE = ('"expires" parameter must be a date (YYYY-MM-DD[ HH:MM[:SS]]) or a duration '
        "like 30d or 12h")
T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


def works(username: str, key: str) -> bool:
    return keys.authenticate(username, key) is not None


@pytest.fixture
def greg(stack) -> str:
    """greg's first key (the one add api user prints)."""
    return json.loads(stack("add", "api", "user", "greg", "output-format=json").out)[0]["key"]


def add_key(stack, *words: str) -> dict:
    r = stack("add", "api", "key", "greg", *words, "output-format=json")
    assert (r.rc, r.err) == (0, "")
    [row] = json.loads(r.out)
    return row


# --- add api key ---------------------------------------------------------------
def test_add_key_prints_it_once_and_keeps_the_others(stack, greg):
    row = add_key(stack, "comment=backup script")
    assert list(row) == ["username", "hostname", "key", "id", "expires"]
    assert (row["username"], row["hostname"], row["id"], row["expires"]) == (
        "greg", "frontend-0-0", 2, None)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", row["key"])
    stored = ApiKey.objects.get(user__username="greg", number=2)
    assert row["key"] not in stored.hash and stored.hash.startswith("md5$")
    assert stored.comment == "backup script"
    assert works("greg", row["key"]) and works("greg", greg)
    assert add_key(stack)["id"] == 3


def test_add_key_text_output(stack, greg):
    r = stack("add", "api", "key", "greg", "expires=2099-12-31")
    header, line = r.out.splitlines()
    assert header.split() == ["USERNAME", "HOSTNAME", "KEY", "ID", "EXPIRES"]
    assert line.split()[:2] == ["greg", "frontend-0-0"]
    assert line.split()[3:] == ["2", "2099-12-31", "00:00:00"]


@pytest.mark.parametrize("expires, shown", [
    ("2099-12-31", "2099-12-31 00:00:00"),
    ("2099-12-31 13:14", "2099-12-31 13:14:00"),
    ("2099-12-31T13:14:15+02:00", "2099-12-31 11:14:15"),
])
def test_expiry_dates(stack, greg, expires, shown):
    assert add_key(stack, f"expires={expires}")["expires"] == shown


@pytest.mark.parametrize("expires, delta", [("30d", timedelta(days=30)),
                                            ("12h", timedelta(hours=12)),
                                            ("2w", timedelta(weeks=2))])
def test_expiry_durations(stack, greg, expires, delta):
    add_key(stack, f"expires={expires}")
    stored = ApiKey.objects.get(user__username="greg", number=2).expires
    assert abs(stored - (datetime.now(UTC) + delta)) < timedelta(minutes=1)


@pytest.mark.parametrize("words, message, usage", [
    ([], '"username" argument is required', ADD_USAGE),
    (["greg", "fred"], '"username" argument must be unique', ADD_USAGE),
    (["nobody"], "User nobody does not exist", None),
    (["greg", "expires=tomorrow"], DATE, ADD_USAGE),
    (["greg", "expires=2030-02-30"], DATE, ADD_USAGE),
    (["greg", "expires=99999999999d"], DATE, ADD_USAGE),
    (["greg", "expires=2001-01-01"], '"expires" parameter must be in the future', ADD_USAGE),
])
def test_add_key_errors(stack, greg, words, message, usage):
    assert stack("add", "api", "key", *words) == err(message, usage)
    assert not ApiKey.objects.exists()


def test_expired_key_fails_like_a_wrong_one(stack, greg):
    row = add_key(stack, "expires=1d")
    ApiKey.objects.filter(number=2).update(expires=datetime.now(UTC))
    assert not works("greg", row["key"])
    assert works("greg", greg)


# --- list api key ---------------------------------------------------------------
def test_list_keys(stack, greg):
    add_key(stack, "comment=cron")
    add_key(stack, "expires=1d")
    add_key(stack)
    stack("remove", "api", "key", "greg", "id=4")
    User.objects.filter(username__in=["admin", "greg"]).update(joined=T0)
    ApiKey.objects.filter(number=2).update(created=T0, last_used=T0 + timedelta(days=1))
    ApiKey.objects.filter(number=3).update(created=T0, expires=T0 + timedelta(hours=1))
    assert keys.authenticate("greg", greg)
    ApiKey.objects.filter(number=1).update(last_used=T0 + timedelta(days=2))
    assert stack("list", "api", "key") == Result(0, (
        "USERNAME ID CREATED             EXPIRES             LAST_USED           STATUS  COMMENT\n"
        "admin    1  2024-01-02 03:04:05 ------------------- ------------------- active  -------\n"
        "greg     1  2024-01-02 03:04:05 ------------------- 2024-01-04 03:04:05 active  -------\n"
        "greg     2  2024-01-02 03:04:05 ------------------- 2024-01-03 03:04:05 active  cron\n"
        "greg     3  2024-01-02 03:04:05 2024-01-02 04:04:05 ------------------- expired -------\n"
    ), "")
    listed = json.loads(stack("list", "api", "key", "greg", "output-format=json").out)
    assert [k["id"] for k in listed] == [1, 2, 3]
    assert "key" not in listed[0] and all(greg not in json.dumps(k) for k in listed)


def test_list_keys_of_unknown_user(stack, greg):
    assert stack("list", "api", "key", "greg", "nobody") == err("User nobody does not exist")


def test_key_use_is_recorded_to_the_minute(stack, greg):
    row = add_key(stack)
    assert works("greg", row["key"])
    first = ApiKey.objects.get(number=2).last_used
    assert abs(first - datetime.now(UTC)) < timedelta(minutes=1)
    assert works("greg", row["key"])
    assert ApiKey.objects.get(number=2).last_used == first


# --- remove api key ---------------------------------------------------------------
def test_remove_keys(stack, greg):
    second, third = add_key(stack)["key"], add_key(stack)["key"]
    assert stack("remove", "api", "key", "greg", "id=2,1") == Result(0, "", "")
    assert not works("greg", second) and not works("greg", greg)
    assert works("greg", third)
    assert not User.objects.get(username="greg").has_usable_password()
    # Ids are never reused.
    assert add_key(stack)["id"] == 4
    assert [k["id"] for k in json.loads(stack("list", "api", "key", "greg",
                                              "output-format=json").out)] == [3, 4]


def test_an_expired_key_can_be_removed(stack, greg):
    add_key(stack, "expires=1d")
    ApiKey.objects.filter(number=2).update(expires=datetime.now(UTC))
    assert stack("remove", "api", "key", "greg", "id=2") == Result(0, "", "")


@pytest.mark.parametrize("words, message, usage", [
    (["greg"], '"id" parameter is required', "{username} {id=string}"),
    (["greg", "id=,"], '"id" parameter is required', "{username} {id=string}"),
    (["greg", "id=two"], '"id" parameter must be an integer', "{username} {id=string}"),
    (["greg", "id=2,9"], "User greg has no key 9", None),
    (["nobody", "id=1"], "User nobody does not exist", None),
    ([], '"username" argument is required', "{username} {id=string}"),
])
def test_remove_key_errors(stack, greg, words, message, usage):
    second = add_key(stack)["key"]
    assert stack("remove", "api", "key", *words) == err(message, usage)
    assert works("greg", second) and works("greg", greg)


def test_remove_a_revoked_key_again(stack, greg):
    stack("remove", "api", "key", "greg", "id=1")
    assert stack("remove", "api", "key", "greg", "id=1") == err("User greg has no key 1")


# --- set api user key (rotation) -------------------------------------------------
def test_rotation_revokes_every_other_key(stack, greg):
    second = add_key(stack)["key"]
    r = stack("set", "api", "user", "key", "greg", "expires=30d", "output-format=json")
    [row] = json.loads(r.out)
    assert (row["username"], row["id"]) == ("greg", 3)
    assert works("greg", row["key"])
    assert not works("greg", greg) and not works("greg", second)
    assert [k["id"] for k in json.loads(stack("list", "api", "key", "greg",
                                              "output-format=json").out)] == [3]


def test_rotation_output_is_a_credentials_file(stack, greg, tmp_path):
    from stacki.client import read_credentials

    path = tmp_path / "greg.cred"
    path.write_text(stack("set", "api", "user", "key", "greg", "output-format=json").out)
    creds = read_credentials(path)
    assert works(creds["username"], creds["key"])


@pytest.mark.parametrize("words, message", [
    (["nobody"], "User nobody does not exist"),
    (["greg", "expires=never"], DATE),
])
def test_rotation_errors_change_nothing(stack, greg, words, message):
    r = stack("set", "api", "user", "key", *words)
    assert (r.rc, r.err.splitlines()[0]) == (255, f"error - {message}")
    assert works("greg", greg)
    assert not ApiKey.objects.filter(number__gt=1).exists()


def test_removing_a_user_removes_their_keys(stack, greg):
    add_key(stack)
    stack("remove", "api", "user", "greg")
    assert not ApiKey.objects.exists()
