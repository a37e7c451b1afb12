"""A sweep over every registered command: it imports, is documented, and its
usage line is what `stack help` and `stack CMD help` print."""

import pytest

from stacki.framework import helptext
from stacki.framework.command import _scan, registry


def _commands() -> list:
    try:
        return sorted(registry().commands.values(), key=lambda c: c.path)
    except Exception:  # noqa: BLE001 - a module that does not import fails the test below
        return []


COMMANDS = _commands()


def test_index_matches_a_fresh_scan():
    # The scan imports every command module: an import error fails here.
    assert _scan("stacki.commands") == registry().index
    assert COMMANDS


@pytest.mark.parametrize("cls", COMMANDS, ids=lambda c: c.path)
def test_command_is_documented(cls):
    assert cls.description(), "no description (docstring)"
    assert cls.examples, "no example"
    for example in cls.examples:
        assert example.command.strip() and example.text.strip(), example
    for item in cls.args + cls.params:
        assert item.help.strip(), f"{item.name} has no help text"


@pytest.fixture
def help_output(stack):
    return stack("help")


def test_help_lists_every_command_once(help_output):
    assert help_output.rc == 0 and help_output.err == ""
    assert help_output.out == "".join(helptext.help_line(c) + "\n" for c in COMMANDS)


@pytest.mark.parametrize("cls", COMMANDS, ids=lambda c: c.path)
def test_usage_line_in_help(cls, help_output):
    line = f"{cls.path} {cls.usage()}".rstrip() + " \n"
    assert line in help_output.out.splitlines(keepends=True)


@pytest.mark.parametrize("cls", COMMANDS, ids=lambda c: c.path)
def test_command_help(stack, cls):
    r = stack(*cls.words(), "help")
    assert (r.rc, r.err) == (0, "")
    assert r.out.startswith(f"stack {cls.path} {cls.usage()}".rstrip() + "\n\nDescription\n")
    assert r.out == helptext.plain(cls)
    assert "\nExamples\n" in r.out
