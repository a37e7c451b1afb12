"""The command line enforces the access table for real Unix users (cli.md §4)."""

from __future__ import annotations

from tests import unixusers
from tests.conftest import Result
from tests.unixusers import open_to_group, run_as, shared_home, user_env

unix_users = unixusers.unix_users  # the fixture


def table(rows):
    width = max(len(c) for c, _ in rows + [("COMMAND", "")])
    return "".join(f"{c.ljust(width)} {g}\n" for c, g in [("COMMAND", "GROUP")] + rows)


DEFAULT_ROWS = [("*", "root"), ("*", "apache"), ("list*", "wheel"), ("list *", "nobody")]


def refused(user, path):
    return Result(255, "", f'error - user "{user.name}" does not have access "{path}"\n')


def test_the_access_table_decides_what_each_user_may_run(unix_users):
    users = unix_users
    a, b = users.a, users.b
    home = shared_home(users, "access-home")
    env_a, env_b = user_env(a, home), user_env(b, home)

    # Whoever makes the home may run everything: their group gets a `*` row.
    assert run_as(a, env_a, "list", "access") == Result(
        0, table(DEFAULT_ROWS + [("*", a.group)]), "")
    open_to_group(home)

    # b's groups have no row: refused before anything runs, help still open.
    assert run_as(b, env_b, "list", "host") == refused(b, "list host")
    assert run_as(b, env_b, "add", "host", "backend-0-9") == refused(b, "add host")
    help_text = run_as(b, env_b, "list", "host", "help")
    assert help_text.rc == 0 and help_text.out.startswith("stack list host ")  # help asked for
    assert run_as(a, env_a, "list", "host", "output-format=col:host") == Result(
        0, "frontend-0-0\n", "")

    # A row for b's own group, and one for a group b has besides (supplementary).
    assert run_as(a, env_a, "set", "access", "command=list *", f"group={b.group}") == Result(
        0, "", "")
    assert run_as(a, env_a, "set", "access", "command=report version",
                  f"group={users.shared}") == Result(0, "", "")
    assert run_as(b, env_b, "list", "host", "output-format=col:host") == Result(
        0, "frontend-0-0\n", "")
    version = run_as(b, env_b, "report", "version")
    assert version.rc == 0 and version.err == ""
    assert run_as(b, env_b, "report", "host") == refused(b, "report host")
    assert run_as(b, env_b, "add", "host", "backend-0-9") == refused(b, "add host")
    assert run_as(b, env_b, "remove", "access", "command=*", f"group={a.group}") == refused(
        b, "remove access")

    # Root always may, whatever the rows say.
    assert run_as(a, env_a, "remove", "access", "command=*", "group=root") == Result(0, "", "")
    assert run_as(a, env_a, "list", "access", "output-format=col:group").out.split() == [
        "apache", "wheel", "nobody", a.group, b.group, users.shared]


def test_an_empty_table_leaves_users_the_reading_verbs(unix_users):
    users = unix_users
    a, b = users.a, users.b
    home = shared_home(users, "empty-home")
    env_a, env_b = user_env(a, home), user_env(b, home)
    assert run_as(a, env_a, "list", "host", "output-format=col:host").rc == 0
    open_to_group(home)
    for command, group in DEFAULT_ROWS[:-2] + [("list*", "wheel"), ("list *", "nobody")]:
        assert run_as(a, env_a, "remove", "access", f"command={command}",
                      f"group={group}").rc == 0
    assert run_as(a, env_a, "remove", "access", "command=*", f"group={a.group}") == Result(
        0, "", "")
    # No rows: list/report/help/load for everyone, the rest for root and apache only.
    assert run_as(a, env_a, "list", "access") == Result(0, "", "")
    assert run_as(b, env_b, "list", "host", "output-format=col:host") == Result(
        0, "frontend-0-0\n", "")
    assert run_as(a, env_a, "add", "host", "backend-0-9") == refused(a, "add host")
    assert run_as(b, env_b, "set", "access", "command=*", f"group={b.group}") == refused(
        b, "set access")
