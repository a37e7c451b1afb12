import json

from stacki.inventory.models import Group, User
from tests.conftest import Result

HOST_GROUP_USAGE = "{host ...} {group=string}"


def groups_json(stack, *words):
    r = stack("list", "group", *words, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out) if r.out else []


def test_add_group(stack):
    assert stack("add", "group", "test") == Result(0, "", "")
    assert groups_json(stack, "test") == [{"group": "test", "hosts": ""}]
    assert Group.objects.filter(name="test").exists()


def test_add_group_errors(stack):
    assert stack("add", "group") == Result(255, "", 'error - "group" argument is required\n{group}\n')
    assert stack("add", "group", "test", "test") == Result(
        255, "", 'error - "group" argument must be unique\n{group}\n')
    stack("add", "group", "test")
    assert stack("add", "group", "test") == Result(255, "", 'error - "test" group already exists\n')


def test_list_group_sorted_with_members_in_cluster_order(stack):
    for name in ("backend-0-1", "backend-0-0"):
        stack("add", "host", name)
    stack("add", "group", "test")
    stack("add", "group", "coolkids")
    assert stack("add", "host", "group", "backend-0-1", "backend-0-0", "frontend-0-0",
                 "group=test") == Result(0, "", "")
    # The API's `default` group is a group like any other.
    assert groups_json(stack) == [
        {"group": "coolkids", "hosts": ""},
        {"group": "default", "hosts": ""},
        {"group": "test", "hosts": "frontend-0-0 backend-0-0 backend-0-1"},
    ]
    assert stack("list", "group", "test", "nope") == Result(0, (
        "GROUP HOSTS\n"
        "test  frontend-0-0 backend-0-0 backend-0-1\n"), "")
    assert stack("list", "group", "nope") == Result(0, "", "")


def test_remove_group(stack):
    stack("add", "group", "test")
    assert stack("remove", "group", "test") == Result(0, "", "")
    assert stack("list", "group", "test") == Result(0, "", "")


def test_remove_group_errors(stack):
    assert stack("remove", "group") == Result(
        255, "", 'error - "group" argument is required\n{group}\n')
    assert stack("remove", "group", "test", "test") == Result(
        255, "", 'error - "group" argument must be unique\n{group}\n')
    assert stack("remove", "group", "test") == Result(255, "", "error - group test does not exist\n")
    stack("add", "group", "test")
    stack("add", "host", "group", "frontend-0-0", "group=test")
    assert stack("remove", "group", "test") == Result(255, "", "error - group test is in use\n")


def test_remove_group_with_api_users_is_refused(stack):
    assert User.objects.filter(username="admin", groups__name="default").exists()
    assert stack("remove", "group", "default") == Result(255, "", "error - group default is in use\n")


def test_add_host_group_errors(stack):
    required = Result(255, "", f'error - "host" argument is required\n{HOST_GROUP_USAGE}\n')
    assert stack("add", "host", "group") == required
    assert stack("add", "host", "group", "a:test") == required
    assert stack("add", "host", "group", "frontend-0-0") == Result(
        255, "", f'error - "group" parameter is required\n{HOST_GROUP_USAGE}\n')
    assert stack("add", "host", "group", "frontend-0-0", "group=test") == Result(
        255, "", "error - group test does not exist\n")
    stack("add", "group", "test")
    stack("add", "group", "test2")
    assert stack("add", "host", "group", "frontend-0-0", "group=test2").rc == 0
    # Exact names: being in test2 is not being in test.
    assert stack("add", "host", "group", "frontend-0-0", "group=test") == Result(0, "", "")
    assert stack("add", "host", "group", "frontend-0-0", "group=test") == Result(
        255, "", "error - frontend-0-0 already member of test\n")


def test_host_group_membership(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "group", "test")
    stack("add", "group", "alpha")
    stack("add", "host", "group", "a:backend", "group=test")
    stack("add", "host", "group", "backend-0-0", "group=alpha")
    assert stack("list", "host", "group") == Result(0, (
        "HOST         GROUPS\n"
        "frontend-0-0 ------\n"
        "backend-0-0  alpha test\n"), "")
    assert json.loads(stack("list", "host", "group", "group=test,nope",
                            "output-format=json").out) == [
        {"host": "backend-0-0", "groups": "test"}]
    assert stack("list", "host", "group", "frontend-0-0", "group=test") == Result(0, "", "")
    assert stack("list", "host", "g:alpha", "output-format=col:host") == Result(
        0, "backend-0-0\n", "")


def test_remove_host_group(stack):
    stack("add", "group", "test")
    assert stack("remove", "host", "group", "frontend-0-0", "group=test") == Result(
        255, "", "error - frontend-0-0 is not a member of test\n")
    assert stack("remove", "host", "group", "frontend-0-0", "group=nope") == Result(
        255, "", "error - group nope does not exist\n")
    assert stack("remove", "host", "group") == Result(
        255, "", f'error - "host" argument is required\n{HOST_GROUP_USAGE}\n')
    assert stack("remove", "host", "group", "test") == Result(
        255, "", 'error - use "g:test" for host in the test group\n')
    stack("add", "host", "group", "frontend-0-0", "group=test")
    assert stack("remove", "host", "group", "frontend-0-0", "group=test") == Result(0, "", "")
    assert json.loads(stack("list", "host", "group", "frontend-0-0", "output-format=json").out) == [
        {"host": "frontend-0-0", "groups": ""}]
