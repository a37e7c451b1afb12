"""Who may run what: the permission matrix, the read-only guarantee, and
checks made on the resolved command path."""

from __future__ import annotations

import json

import pytest

from stacki.apiusers import access
from stacki.inventory import models as m
from tests.conftest import run_cli
from tests.ws.conftest import Api, body

NOT_LOGGED_IN = (403, {"logged_in": False})
READ_ONLY = (403, {"API Error": "Database Permission Denied. Admin privileges required"})


def unauthorized(user, path):
    return 403, f"Unauthorized Command: User {user} is not allowed to run {path}"


def listing():
    return 200, json.loads(run_cli("list", "host", "output-format=json").out)


def help_output():
    return 200, {"Output": run_cli("help", "list", "host").out}


COMMANDS = {
    "read": "list host",
    "write": "add host backend-0-9",
    "sudo": "sync api sudo command",
    "blacklisted": "add api sudo command command=list.host",
    "run host": "run host backend-0-0 command=ls",
    "help": "help list host",
}

EXPECTED = {
    "plain": {
        "read": listing,
        "write": lambda: unauthorized("plain", "add.host"),
        "sudo": lambda: unauthorized("plain", "sync.api.sudo.command"),
    },
    "granted": {
        "read": listing,
        "write": lambda: READ_ONLY,
        "sudo": lambda: (403, 'Command "sync api sudo command" requires Admin Privileges'),
    },
    "admin": {
        "read": listing,
        "write": lambda: (200, {}),
        "sudo": lambda: (200, {}),
    },
}
for _row in EXPECTED.values():
    _row["blacklisted"] = lambda: (
        403, "Blacklisted Command: Command add.api.sudo.command is not permitted")
    _row["run host"] = lambda: (403, "'run host' command is not permitted")
    _row["help"] = help_output


def session(kind, login_as):
    if kind == "anonymous":
        api = Api()
        api.client.get("/stack")
        return api
    if kind == "plain":
        return login_as("plain")
    if kind == "granted":
        return login_as("granted", perms=("add.*", "sync.*", "report.*"))
    return login_as("boss", admin=True)


def answer(response):
    if response.content.startswith((b"{", b"[")):
        return response.status_code, body(response)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("kind", ["anonymous", "plain", "granted", "admin"])
@pytest.mark.parametrize("what", list(COMMANDS))
def test_matrix(login_as, kind, what):
    api = session(kind, login_as)
    expected = NOT_LOGGED_IN if kind == "anonymous" else EXPECTED[kind][what]()
    response = api.run(COMMANDS[what])
    assert answer(response) == expected
    assert response["Content-Type"] == "application/json"
    created = m.Host.objects.filter(name="backend-0-9").exists()
    assert created is (kind == "admin" and what == "write")


def test_read_only_guarantee_holds_without_the_verb_check(login_as, monkeypatch):
    """A non-admin granted add.* gets the 403 from the database itself."""
    monkeypatch.setattr(access, "REFUSE_MUTATING_VERBS", False)
    api = login_as("granted", perms=("add.*", "set.*"))
    before = list(m.Host.objects.values_list("name", flat=True))
    response = api.run("add host backend-0-9")
    assert (response.status_code, body(response)) == READ_ONLY
    assert list(m.Host.objects.values_list("name", flat=True)) == before
    # The connection is writable again for the next caller.
    assert run_cli("add", "host", "backend-0-8").rc == 0


@pytest.mark.parametrize("cmd, path", [
    ("add api user eve admin=True", "add api user"),
    ("set api user admin granted admin=True", "set api user admin"),
    ("set user admin granted admin=True", "set user admin"),
    ("add api user perms granted perm=add.*", "add api user perms"),
    ("remove api user plain", "remove api user"),
    ("sync api sudo command", "sync api sudo command"),
])
def test_admin_only_api_commands_need_an_admin_even_when_granted(login_as, cmd, path):
    from stacki.inventory.models import User

    api = login_as("granted", perms=("add.*", "set.*", "remove.*", "sync.*"))
    response = api.run(cmd)
    assert answer(response) == (403, f'Command "{path}" requires Admin Privileges')
    assert not User.objects.filter(username="eve").exists()
    assert not User.objects.get(username="granted").admin


def test_sudo_listed_command_needs_an_admin(login_as):
    m.SudoCommand.objects.create(command="list api user")
    response = login_as("plain").run("list api user")
    assert answer(response) == (403, 'Command "list api user" requires Admin Privileges')
    assert login_as("boss", admin=True).run("list api user").status_code == 200


def test_blacklist_binds_admins_too(login_as):
    m.Blacklist.objects.create(command="list.host")
    response = login_as("boss", admin=True).run("list host")
    assert answer(response) == (403, "Blacklisted Command: Command list.host is not permitted")


def test_arguments_do_not_widen_a_permission(login_as):
    api = login_as("narrow", perms=("list api user",), groups=())
    assert api.run("list api user").status_code == 200
    assert answer(api.run("list api user perms narrow")) == unauthorized(
        "narrow", "list.api.user.perms")
    assert answer(api.run("list host list api user")) == unauthorized("narrow", "list.host")


def test_group_permissions_count(login_as):
    from stacki.inventory.models import Group

    staff = Group.objects.create(name="staff")
    m.GroupPerm.objects.create(group=staff, command="report api sudo command")
    api = login_as("member", groups=("staff",))
    assert api.run("report api sudo command").status_code == 200
    assert answer(api.run("list host")) == unauthorized("member", "list.host")


def test_help_is_always_allowed(login_as):
    api = login_as("nobody", groups=())
    assert api.run("help").status_code == 200
    assert api.run("list help").status_code == 200
    assert answer(api.run("list host")) == unauthorized("nobody", "list.host")


def test_admin_rights_are_read_per_request(login_as):
    api = login_as("greg")
    assert answer(api.run("add host backend-0-9")) == unauthorized("greg", "add.host")
    assert run_cli("set", "user", "admin", "greg", "admin=True").rc == 0
    assert answer(api.run("add host backend-0-9")) == (200, {})


def test_iterate_host_is_refused_like_run_host(login_as):
    response = login_as("boss", admin=True).run("iterate host command=ls")
    assert answer(response) == (403, "'iterate host' command is not permitted")


def test_shadow_attributes_are_invisible_to_non_admins(login_as):
    m.Attribute.objects.create(scope="global", name="secret.pw", value="hunter2", shadow=True)
    plain = login_as("plain").run("list attr")
    assert plain.status_code == 200 and b"hunter2" not in plain.content
    admin = login_as("boss", admin=True).run("list attr")
    assert {"scope": "global", "type": "shadow", "attr": "secret.pw", "value": "hunter2"} in (
        body(admin))
