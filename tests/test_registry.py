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


def test_committed_index_is_current():
    """Regenerate with `python -m stacki.framework.index` after changing a command module."""
    from stacki.framework import index

    assert index.TARGET.read_text() == index.generate(), (
        "stale: run `python -m stacki.framework.index`")


def test_committed_index_is_what_the_registry_uses():
    from stacki.framework import command_index
    from stacki.framework.command import _load_index

    assert _load_index() == {tuple(k.split()): v for k, v in command_index.INDEX.items()}


def test_a_stale_index_falls_back_to_a_scan(monkeypatch):
    from stacki.framework import command_index
    from stacki.framework.command import _load_index

    monkeypatch.setattr(command_index, "SIGNATURE", {"gone.py": 1})
    monkeypatch.setattr(command_index, "INDEX", {})
    assert _load_index() == _scan("stacki.commands")


def test_every_parameter_a_command_reads_is_declared(stack):
    """Reading an undeclared parameter is a bug the framework refuses, loudly."""
    from stacki.framework.command import Command, Params, UndeclaredParameter

    class Sloppy(Command):
        path = "list sloppy"

        def run(self, args, params):
            return params.value("undeclared")

    with pytest.raises(UndeclaredParameter, match="'list sloppy' reads parameter 'undeclared'"):
        Sloppy(None).run([], Sloppy.bind(Params()))


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
