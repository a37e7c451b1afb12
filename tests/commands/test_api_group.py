"""API groups (commands.md §15)."""



import pytest

from stacki.inventory.models import Group
from tests.conftest import Result

ADD_USER_USAGE = "{username} [admin=bool] [group=string]"


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


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
