"""The access table of the command line: command patterns (shell globs) and
the Unix groups they are for (cli.md §4, §7). It is kept, dumped and
loaded with the rest of the database."""

from __future__ import annotations

import grp

from stacki import errors
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m

PARAMS = (Param("command", optional=False, help='A command pattern, e.g. "list *".'),
          Param("group", optional=False, help="A Unix group: its name or gid."))


def unix_group(given: str) -> str | None:
    """The name of the Unix group named `given`, or whose gid it is."""
    try:
        return grp.getgrnam(given).gr_name
    except KeyError:
        pass
    if given.isdigit():
        try:
            return grp.getgrgid(int(given)).gr_name
        except KeyError:
            pass
    return None


def given(params: Params) -> tuple[str, str]:
    return params.require("command"), params.require("group")


class SetAccess(Command):
    """Let the members of a Unix group run the commands matching a pattern.

    A row that is already there is left as it is.
    """

    path = "set access"
    params = PARAMS
    examples = (Example('set access command="list *" group=staff',
                        "Members of staff may run the list commands."),)
    related = ("list access", "remove access")

    def run(self, args: list[str], params: Params) -> None:
        command, group = given(params)
        name = unix_group(group)
        if name is None:
            raise errors.CommandError(f"cannot find group {group}")
        m.Access.objects.get_or_create(command=command, group=name)


class RemoveAccess(Command):
    """Remove a row of the access table."""

    path = "remove access"
    params = PARAMS
    examples = (Example('remove access command="list *" group=staff',
                        "Removes the row that set access added."),)
    related = ("list access", "set access")

    def run(self, args: list[str], params: Params) -> None:
        command, group = given(params)
        name = unix_group(group)
        # A row may name a group this machine does not have (apache, wheel).
        removed, _ = m.Access.objects.filter(command=command, group__in={group, name}).delete()
        if not removed and name is None:
            raise errors.CommandError(f"cannot find group {group}")


class ListAccess(Command):
    """List the access table: command patterns and the Unix groups they are for."""

    path = "list access"
    examples = (Example("list access", "Lists the access table."),)
    related = ("set access", "remove access")

    def run(self, args: list[str], params: Params) -> Table:
        return Table(["command", "group"],
                     list(m.Access.objects.order_by("id").values_list("command", "group")))
