"""Permission patterns and the command-pattern check."""

import time

import pytest

from stacki import errors
from stacki.apiusers import access
from stacki.framework.command import registry


@pytest.mark.parametrize("pattern, path, expected", [
    ("list *", "list.host", True),
    ("list.*", "list.host.interface", True),
    ("list host", "list.host", True),
    ("list\t host", "list.host", True),
    ("list.host", "list.host.interface", False),  # the whole path must match
    ("host", "list.host", False),
    ("report.*", "list.host", False),
    ("sync *", "sync.config", True),
    ("list (", "list.host", False),  # a broken regular expression matches nothing
])
def test_matches(pattern, path, expected):
    assert access.matches(pattern, path) is expected


@pytest.mark.parametrize("path", [
    "add.api.user", "remove.api.group.perms", "set.api.user.admin", "sync.api.sudo.command",
    "sync.config", "load.hostfile", "unload.attrfile", "report.script",
])
def test_admin_only(path):
    assert access.admin_only_path(path)


@pytest.mark.parametrize("path", ["list.api.user", "report.api.sudo.command", "list.host",
                                  "add.host", "report.host"])
def test_not_admin_only(path):
    assert not access.admin_only_path(path)


@pytest.mark.parametrize("path", ["add user", "set user admin", "remove user", "add user perms",
                                  "add group perms"])
def test_short_spellings_are_admin_only(path):
    from stacki.framework.command import registry

    assert access.admin_only(registry().get(tuple(path.split())))


@pytest.mark.parametrize("pattern", ["list host", "list.*", "list *", "list", "list.host.*",
                                     "add.api.user", "help"])
def test_check_pattern_accepts(pattern):
    assert access.check_pattern(pattern, registry().nodes) == pattern


@pytest.mark.parametrize("pattern, message", [
    ("*", "Invalid command specification"),
    ("list_host", "Invalid command specification"),
    ("list.host2", "Invalid command specification"),
    ("list..host", "Invalid command specification"),
    ("huh", "Command huh not found"),
    ("list huh.*", "Command list huh.* not found"),
])
def test_check_pattern_refuses(pattern, message):
    with pytest.raises(errors.CommandError) as exc:
        access.check_pattern(pattern, registry().nodes)
    assert exc.value.message == message


def test_check_pattern_is_linear_on_hostile_input():
    started = time.perf_counter()
    with pytest.raises(errors.CommandError):
        access.check_pattern("a" * 200 + "!", registry().nodes)
    assert time.perf_counter() - started < 0.5


def test_refused_words_even_without_the_command():
    denial = access.refused_words(["run", "host", "backend-0-0", "command=ls"])
    assert (denial.status, denial.body) == (403, "'run host' command is not permitted")
    assert access.refused_words(["list", "host"]) is None
