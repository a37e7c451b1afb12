"""API users and their group memberships (commands.md §15)."""


import json
import re

import pytest

from stacki.inventory.models import Group, User
from tests.conftest import Result

ADD_USER_USAGE = "{username} [admin=bool] [group=string]"


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


# --- users -----------------------------------------------------------------
@pytest.mark.parametrize("spelling", [["add", "api", "user"], ["add", "user"]])
def test_add_user(stack, spelling):
    r = stack(*spelling, "greg", "group=default", "admin=False", "output-format=json")
    assert (r.rc, r.err) == (0, "")
    [created] = json.loads(r.out)
    assert list(created) == ["username", "hostname", "key"]
    assert (created["username"], created["hostname"]) == ("greg", "frontend-0-0")
    key = created["key"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", key)
    user = User.objects.get(username="greg")
    assert user.password != key and key not in user.password and user.check_key(key)
    assert not user.admin
    assert list(user.groups.values_list("name", flat=True)) == ["default"]


def test_add_user_text_output_and_fresh_keys(stack):
    first = stack("add", "api", "user", "greg")
    second = stack("add", "api", "user", "fred")
    assert first.out.splitlines()[0] == "USERNAME HOSTNAME     KEY"
    assert first.out.split()[-1] != second.out.split()[-1]


def test_add_user_admin_in_groups(stack):
    Group.objects.create(name="staff")
    assert stack("add", "user", "ops", "group=default,staff", "admin=yes").rc == 0
    assert stack("list", "api", "user") == Result(0, (
        "USERNAME ADMIN GROUPS\n"
        "admin    True  default\n"
        "ops      True  default staff\n"
    ), "")


def test_add_user_names_the_address_stacki_ws_recorded(stack):
    from stacki.inventory.models import Setting

    Setting.objects.create(key="ws.address", value="frontend-0-0:8000")
    r = stack("add", "user", "greg", "output-format=json")
    assert json.loads(r.out)[0]["hostname"] == "frontend-0-0:8000"


def test_add_user_names_the_service_url_host(stack, monkeypatch):
    # One setting names the service in every credential, the first admin's and later ones.
    from stacki.inventory.models import Setting

    Setting.objects.create(key="ws.address", value="frontend-0-0:8000")
    monkeypatch.setenv("STACKI_SERVICE_URL", "https://stacki.example.com:8443/stack")
    r = stack("add", "user", "greg", "output-format=json")
    assert json.loads(r.out)[0]["hostname"] == "stacki.example.com:8443"
    monkeypatch.setenv("STACKI_SERVICE_ADDRESS", "other.example.com")
    r = stack("add", "user", "fred", "output-format=json")
    assert json.loads(r.out)[0]["hostname"] == "other.example.com"


@pytest.mark.parametrize("words, message, usage", [
    ([], '"username" argument is required', ADD_USER_USAGE),
    (["a", "b"], '"username" argument is required', ADD_USER_USAGE),
    (["gr-eg"], '"username" argument must be alphanumeric', ADD_USER_USAGE),
    (["admin"], "Username admin is already in use", None),
    (["greg", "group=default,nope"], "Group nope does not exist.", None),
])
def test_add_user_errors(stack, words, message, usage):
    assert stack("add", "api", "user", *words) == err(message, usage)
    assert not User.objects.filter(username="greg").exists()


def test_list_user_json(stack):
    r = stack("list", "user", "output-format=json")
    assert json.loads(r.out) == [{"username": "admin", "admin": True, "groups": "default"}]


def test_remove_user(stack):
    stack("add", "user", "greg")
    stack("add", "user", "fred")
    assert stack("remove", "user", "greg", "fred") == Result(0, "", "")
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]


@pytest.mark.parametrize("words, message, usage", [
    ([], '"Username" argument is required', "{user}"),
    (["%"], "Cannot use '%' as username", None),
    (["greg", "nobody"], "Cannot find user nobody", None),
])
def test_remove_user_errors(stack, words, message, usage):
    stack("add", "user", "greg")
    assert stack("remove", "api", "user", *words) == err(message, usage)
    assert User.objects.filter(username="greg").exists()


@pytest.mark.parametrize("spelling", [["set", "api", "user", "admin"], ["set", "user", "admin"]])
def test_set_user_admin(stack, spelling):
    stack("add", "user", "greg")
    assert stack(*spelling, "greg", "admin=True") == Result(0, "", "")
    assert User.objects.get(username="greg").admin
    assert stack(*spelling, "greg", "admin=False").rc == 0
    assert not User.objects.get(username="greg").admin
    assert stack(*spelling, "greg").rc == 0  # admin defaults to True
    assert User.objects.get(username="greg").admin


@pytest.mark.parametrize("words, message, usage", [
    ([], '"username" argument is required', "{Username} [admin=string]"),
    (["nobody"], "User nobody does not exist", None),
])
def test_set_user_admin_errors(stack, words, message, usage):
    assert stack("set", "api", "user", "admin", *words) == err(message, usage)




def test_user_group_membership(stack):
    stack("add", "api", "group", "staff")
    stack("add", "user", "greg")
    assert stack("add", "api", "user", "group", "greg", "group=staff") == Result(0, "", "")
    assert stack("add", "api", "user", "group", "greg", "group=staff").rc == 0
    assert stack("list", "user").out.splitlines()[-1] == "greg     False default staff"
    assert stack("remove", "api", "user", "group", "greg", "group=default") == Result(0, "", "")
    assert stack("list", "user").out.splitlines()[-1] == "greg     False staff"


@pytest.mark.parametrize("words, message, usage", [
    ([], '"User" argument is required', "{user} [group=string]"),
    (["greg"], '"Group" parameter is required', "{user} [group=string]"),
    (["greg", "group=nope"], "Group 'nope' does not exist", None),
    (["nobody", "group=default"], "Cannot find user 'nobody'", None),
])
@pytest.mark.parametrize("verb", ["add", "remove"])
def test_user_group_errors(stack, verb, words, message, usage):
    stack("add", "user", "greg")
    assert stack(verb, "api", "user", "group", *words) == err(message, usage)




def test_short_spelling_help_names_the_canonical_command(stack):
    r = stack("add", "user", "help")
    assert r.out.startswith(f"stack add user {ADD_USER_USAGE}\n")
    assert "Short spelling of add api user." in r.out
