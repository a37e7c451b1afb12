"""API users, groups, permissions, blacklist and sudo list (commands.md §15)."""

from __future__ import annotations

import json
import re

import pytest

from stacki import home
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


# --- groups ----------------------------------------------------------------
def test_add_list_remove_group(stack):
    assert stack("add", "api", "group", "staff") == Result(0, "", "")
    stack("add", "user", "greg", "group=staff,default")
    assert stack("list", "api", "group") == Result(0, (
        "GROUP   USERS\n"
        "default admin greg\n"
        "staff   greg\n"
    ), "")
    assert stack("remove", "api", "group", "staff") == Result(0, "", "")
    assert list(Group.objects.values_list("name", flat=True)) == ["default"]


@pytest.mark.parametrize("command, words, message, usage", [
    ("add", [], '"group name" argument is required', "{group}"),
    ("add", ["a", "b"], '"group name" argument is required', "{group}"),
    ("add", ["st_aff"], '"Group name" argument must be alphanumeric', "{group}"),
    ("add", ["default"], "Group default is already in use", None),
    ("remove", [], '"Group Name" argument is required', "{group}"),
    ("remove", ["default"], "Cannot remove 'default' group", None),
    ("remove", ["nope"], "Cannot find group nope", None),
])
def test_group_errors(stack, command, words, message, usage):
    assert stack(command, "api", "group", *words) == err(message, usage)


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


# --- blacklist and sudo list -------------------------------------------------
def test_blacklist(stack):
    assert stack("list", "api", "blacklist", "command") == Result(0, (
        "COMMAND\nlist host message\nadd api sudo command\nreport system\n"), "")
    assert stack("add", "api", "blacklist", "command", "command=list host") == Result(0, "", "")
    assert stack("add", "api", "blacklist", "command", "command=list.host") == err(
        "Command list.host is already blacklisted")
    assert stack("remove", "api", "blacklist", "command", "command=report system").rc == 0
    assert json.loads(stack("list", "api", "blacklist", "command", "output-format=json").out) == [
        {"command": "list host message"}, {"command": "add api sudo command"},
        {"command": "list host"}]


@pytest.mark.parametrize("verb, words, message, usage", [
    ("add", [], '"Command" parameter is required', "[command=string]"),
    ("add", ["command=*"], "Invalid command specification", None),
    ("add", ["command=nope"], "Command nope not found", None),
    ("remove", [], '"Command" parameter is required', "[command=string]"),
    ("remove", ["command=list host"], "Command list host is not blacklisted", None),
])
def test_blacklist_errors(stack, verb, words, message, usage):
    assert stack(verb, "api", "blacklist", "command", *words) == err(message, usage)


SUDOERS_HEAD = (
    "<stack:file stack:name='/etc/sudoers.d/stacki_ws' stack:perms='0400' stack:rcs='no'>\n"
    "# Stacki - SUDO Access to run commands as Apache\n"
)
SUDOERS_TAIL = (
    "Defaults!STACK_CMDS !requiretty\n"
    "apache ALL = (root) NOPASSWD:STACK_CMDS\n"
    "</stack:file>\n"
)


def sudoers_file():
    return home.system_path("/etc/sudoers.d/stacki_ws")


def test_sudo_list_report_and_sync(stack):
    from stacki.inventory.models import SudoCommand

    SudoCommand.objects.all().delete()
    assert stack("report", "api", "sudo", "command") == Result(0, "", "")
    assert stack("add", "api", "sudo", "command", "command=sync *", "sync=false").rc == 0
    assert stack("add", "api", "sudo", "command", "command=remove.host").rc == 0
    assert stack("list", "api", "sudo", "command").out == "COMMAND\nsync *\nremove.host\n"
    body = ("Cmnd_Alias STACK_CMDS = /opt/stack/bin/stack sync *, \\\n"
            "\t/opt/stack/bin/stack remove host *\n")
    assert stack("report", "api", "sudo", "command") == Result(
        0, SUDOERS_HEAD + body + SUDOERS_TAIL, "")
    written = sudoers_file().read_text()
    assert written == SUDOERS_HEAD.split("\n", 1)[1] + body + SUDOERS_TAIL.rsplit("<", 1)[0]
    assert sudoers_file().stat().st_mode & 0o777 == 0o400
    assert stack("remove", "api", "sudo", "command", "command=sync *").rc == 0
    assert "sync" not in sudoers_file().read_text()
    assert stack("remove", "api", "sudo", "command", "command=remove host").rc == 0
    assert not sudoers_file().exists()
    assert stack("sync", "api", "sudo", "command") == Result(0, "", "")


@pytest.mark.parametrize("verb, words, message, usage", [
    ("add", [], '"Command" parameter is required', "[command=string]"),
    ("add", ["command=sync.*"], "Command sync.* is already in sudo list", None),
    ("add", ["command=list host2"], "Invalid command specification", None),
    ("remove", [], '"Command" parameter is required', "[command=string]"),
    ("remove", ["command=list host"], "Command list host is not a sudo command", None),
])
def test_sudo_errors(stack, verb, words, message, usage):
    assert stack(verb, "api", "sudo", "command", *words) == err(message, usage)


def test_short_spelling_help_names_the_canonical_command(stack):
    r = stack("add", "user", "help")
    assert r.out.startswith(f"stack add user {ADD_USER_USAGE}\n")
    assert "Short spelling of add api user." in r.out
