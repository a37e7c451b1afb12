"""Permissions of API users and groups (commands.md §15)."""


import json

import pytest

from stacki.inventory.models import Group
from tests.conftest import Result

ADD_USER_USAGE = "{username} [admin=bool] [group=string]"


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


# --- permissions -----------------------------------------------------------
@pytest.mark.parametrize("spelling", [["add", "api", "group", "perms"], ["add", "group", "perms"]])
def test_add_group_perms(stack, spelling):
    assert stack(*spelling, "default", 'perms=report.*') == Result(0, "", "")
    assert stack(*spelling, "default", "perm=list.host") == Result(0, "", "")
    assert stack(*spelling, "default", "perm=list host").rc == 0  # held already: no-op
    assert stack("list", "api", "group", "perms") == Result(0, (
        "GROUP   COMMAND\n"
        "default list *\n"
        "default report.*\n"
        "default list.host\n"
    ), "")


def test_add_group_perms_defaults_to_list(stack):
    Group.objects.create(name="staff")
    assert stack("add", "api", "group", "perms", "staff").rc == 0
    assert stack("list", "api", "group", "perms", "staff", "nope").out == (
        "GROUP COMMAND\nstaff list.*\n")


@pytest.mark.parametrize("words, message, usage", [
    ([], '"group name" argument is required', "{group} [perm=string]"),
    (["default", "perm=*"], "Invalid command specification", None),
    (["default", "perm=huh"], "Command huh not found", None),
    (["nope", "perm=list.*"], "Group nope does not exist", None),
])
def test_add_group_perms_errors(stack, words, message, usage):
    assert stack("add", "api", "group", "perms", *words) == err(message, usage)


@pytest.mark.parametrize("spelling", [["add", "api", "user", "perms"], ["add", "user", "perms"]])
def test_add_user_perms_and_list(stack, spelling):
    stack("add", "user", "greg")
    assert stack(*spelling, "greg", "perms=report.*") == Result(0, "", "")
    assert stack(*spelling, "greg", "perm=list *").rc == 0
    assert stack("list", "api", "user", "perms", "greg") == Result(0, (
        "USER COMMAND  SOURCE\n"
        "greg report.* U\n"
        "greg list *   U\n"
    ), "")
    assert json.loads(stack("list", "api", "user", "perms", "output-format=json").out) == [
        {"user": "admin", "command": "list *", "source": "G"},
        {"user": "greg", "command": "report.*", "source": "U"},
        {"user": "greg", "command": "list *", "source": "U"},
    ]


@pytest.mark.parametrize("words, message, usage", [
    ([], '"Username" argument is required', "{user} [perm=string]"),
    (["greg"], '"Permission" parameter is required', "{user} [perm=string]"),
    (["nobody", "perm=list.*"], "User nobody does not exist", None),
    (["greg", "perm=huh"], "Command huh not found", None),
    (["greg", "perm=list host2"], "Invalid command specification", None),
])
def test_add_user_perms_errors(stack, words, message, usage):
    stack("add", "user", "greg")
    assert stack("add", "api", "user", "perms", *words) == err(message, usage)


def test_remove_perms(stack):
    stack("add", "user", "greg")
    stack("add", "user", "perms", "greg", "perm=report.*")
    assert stack("remove", "api", "user", "perms", "greg", "perm=report.*") == Result(0, "", "")
    assert stack("remove", "api", "group", "perms", "default", "perm=list.*") == Result(0, "", "")
    assert stack("list", "api", "user", "perms").out == ""


@pytest.mark.parametrize("kind, words, message, usage", [
    ("group", [], '"Group name" argument is required', "{group} [perm=string]"),
    ("group", ["default"], '"perm" parameter is required', "{group} [perm=string]"),
    ("group", ["nope", "perm=list *"], "Group nope does not exist", None),
    ("group", ["default", "perm=report.*"], 'Group default does not have perm "report.*"', None),
    ("user", [], '"User name" argument is required', "{user} [perm=string]"),
    ("user", ["admin"], '"perm" parameter is required', "{user} [perm=string]"),
    ("user", ["nobody", "perm=list *"], "User nobody does not exist", None),
    ("user", ["admin", "perm=list *"], 'User admin does not have perm "list *"', None),
])
def test_remove_perms_errors(stack, kind, words, message, usage):
    assert stack("remove", "api", kind, "perms", *words) == err(message, usage)
