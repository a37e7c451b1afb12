"""Access rules hold for every spelling of a command and for the commands
`load` runs (issue 12, item 4)."""

import pytest

from stacki.inventory.models import Blacklist, SudoCommand, User
from tests.ws.conftest import body


@pytest.mark.parametrize("rule, cmd, path", [
    ("add api user", "add user bob", "add.user"),
    ("add.api.user", "add user bob", "add.user"),
    ("set api user admin", "set user admin boss admin=false", "set.user.admin"),
    ("list api user", "list user", "list.user"),
    ("remove api user", "remove user boss", "remove.user"),
    ("add api group perms", "add group perms default perm=list.*", "add.group.perms"),
    ("add api user perms", "add user perms boss perm=list.*", "add.user.perms"),
    ("add user", "add api user bob", "add.api.user"),
])
def test_the_blacklist_holds_for_every_spelling(login_as, rule, cmd, path):
    api = login_as("boss", admin=True)
    Blacklist.objects.create(command=rule)
    response = api.run(cmd)
    assert response.status_code == 403
    assert response.content.decode() == f"Blacklisted Command: Command {path} is not permitted"
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.parametrize("rule", ["list api user", "list.user"])
def test_the_sudo_list_holds_for_every_spelling(login_as, rule):
    SudoCommand.objects.create(command=rule)
    api = login_as("greg")  # the default group may run list.*
    for cmd in ("list user", "list api user"):
        response = api.run(cmd)
        assert response.status_code == 403
        assert response.content.decode() == f'Command "{cmd}" requires Admin Privileges'


def test_a_permission_for_one_spelling_is_one_for_the_command(login_as):
    api = login_as("greg", groups=(), perms=("report.api.sudo.command",))
    assert api.run("report api sudo command").status_code == 200
    api = login_as("ann", groups=(), perms=("list.api.user",))
    assert api.run("list user").status_code == 200


def document(**api):
    return {"api": api}


@pytest.mark.parametrize("section, path", [
    (document(sudo=["list host"]), "add.api.sudo.command"),   # blacklisted by default
    (document(user=[{"name": "mallory", "admin": True}]), "add.api.user"),
])
def test_load_exec_runs_nothing_the_caller_may_not_run(login_as, section, path):
    if path == "add.api.user":
        Blacklist.objects.create(command="add api user")
    api = login_as("boss", admin=True)
    before = sorted(SudoCommand.objects.values_list("command", flat=True))
    response = api.run("load exec=true", data=section)
    assert (response.status_code, body(response)) == (
        403, {"API Error": f"Blacklisted Command: Command {path} is not permitted"})
    assert sorted(SudoCommand.objects.values_list("command", flat=True)) == before
    assert not User.objects.filter(username="mallory").exists()


def test_load_exec_still_runs_what_the_caller_may_run(login_as):
    api = login_as("boss", admin=True)
    response = api.run("load exec=true", data=document(group=[{"name": "ops"}]))
    assert (response.status_code, body(response)) == (200, {})
    from stacki.inventory.models import Group

    assert Group.objects.filter(name="ops").exists()
