"""The web service's blacklist (webservice.md §6)."""


import json

import pytest

from tests.conftest import Result

ADD_USER_USAGE = "{username} [admin=bool] [group=string]"


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


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
