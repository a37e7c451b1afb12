"""The admin-only list and its sudoers file (webservice.md §6)."""



import pytest

from stacki import home
from tests.conftest import Result

ADD_USER_USAGE = "{username} [admin=bool] [group=string]"


def err(message: str, usage: str | None = None) -> Result:
    return Result(255, "", f"error - {message}\n" + (f"{usage}\n" if usage else ""))


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
