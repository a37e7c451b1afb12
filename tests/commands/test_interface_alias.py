"""Host interface aliases."""

import pytest

from tests.commands.interfaces import error, snapshot
from tests.conftest import Result

# --- aliases -----------------------------------------------------------------------

ALIAS_USAGE = "{host} {alias=string} {interface=string}"


def test_aliases(stack, two):
    for words in (("interface=eth0", "alias=b00"), ("interface=eth1", "alias=b00"),
                  ("interface=eth1", "alias=fast")):
        assert stack("add", "host", "interface", "alias", two, *words) == Result(0, "", "")
    assert stack("list", "host", "interface", "alias") == Result(0, (
        "HOST        ALIAS INTERFACE\n"
        "backend-0-0 b00   eth0\n"
        "backend-0-0 b00   eth1\n"
        "backend-0-0 fast  eth1\n"), "")
    assert stack("list", "host", "interface", "alias", two, "interface=eth0",
                 "output-format=col:alias").out == "b00\n"
    assert stack("remove", "host", "interface", "alias", two, "alias=b00",
                 "interface=eth1") == Result(0, "", "")
    assert stack("list", "host", "interface", "alias", "output-format=col:alias").out == \
        "b00\nfast\n"
    assert stack("remove", "host", "interface", "alias", two, "alias=nothing").rc == 0
    assert stack("remove", "host", "interface", "alias", two).rc == 0
    assert stack("list", "host", "interface", "alias") == Result(0, "", "")


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', ALIAS_USAGE),
    (("backend-0-0", "frontend-0-0"), '"host" argument must be unique', ALIAS_USAGE),
    (("backend-0-0", "interface=eth0"), '"alias" parameter is required', ALIAS_USAGE),
    (("backend-0-0", "alias=x"), '"interface" parameter is required', ALIAS_USAGE),
    (("backend-0-0", "alias=frontend-0-0", "interface=eth0"), "hostname already in use", None),
    (("backend-0-0", "alias=1234", "interface=eth0"), "aliases cannot be only numbers", None),
    (("backend-0-0", "alias=10.1.1.1", "interface=eth0"), "aliases cannot be an IP address", None),
    (("backend-0-0", "alias=b00", "interface=eth0"), 'alias "b00" exists', None),
    (("backend-0-0", "alias=fe", "interface=eth0"), 'alias "fe" exists', None),
    (("backend-0-0", "alias=x", "interface=eth5"), "interface does not exist", None),
])
def test_add_alias_errors(stack, two, words, text, usage):
    stack("add", "host", "interface", "alias", two, "interface=eth0", "alias=b00")
    stack("add", "host", "interface", "alias", "frontend-0-0", "interface=eth1", "alias=fe")
    before = snapshot()
    error(stack("add", "host", "interface", "alias", *words), text, usage)
    assert snapshot() == before


def test_alias_list_and_remove_errors(stack, two):
    list_usage = "[host ...] [interface=string]"
    error(stack("list", "host", "interface", "alias", "host=backend-0-0"), "Incorrect usage.",
          list_usage)
    error(stack("list", "host", "interface", "alias", "hosts=x"), "Incorrect usage.", list_usage)
    usage = "{host} [alias=string] [interface=string]"
    error(stack("remove", "host", "interface", "alias"), '"host" argument is required', usage)
    error(stack("remove", "host", "interface", "alias", "backend-0-0", "frontend-0-0"),
          '"host" argument must be unique', usage)


