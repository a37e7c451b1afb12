"""The web service's blacklist: command patterns no one may run over it,
admins included (webservice.md §6)."""

from __future__ import annotations

from typing import Any

from stacki import errors
from stacki.apiusers.access import same_pattern
from stacki.commands.api_perms import check_pattern, revoke
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m


class PatternList(Command):
    """Base of the blacklist and sudo-list commands (not a command itself)."""

    model: Any = m.Blacklist
    duplicate = ""
    absent = ""

    def patterns(self) -> list[str]:
        return list(self.model.objects.order_by("id").values_list("command", flat=True))

    def given(self, params: Params) -> str:
        command = params.value("command")
        if command is None:
            raise errors.ParamRequired("Command")
        return command

    def add(self, params: Params) -> None:
        command = check_pattern(self.given(params))
        if any(same_pattern(c, command) for c in self.patterns()):
            raise errors.CommandError(self.duplicate.format(command))
        self.model.objects.create(command=command)

    def remove(self, params: Params) -> None:
        revoke(self.model.objects.all(), self.given(params), self.absent.format(params["command"]))

    def listing(self) -> Table:
        return Table(["command"], [[c] for c in self.patterns()])


class AddApiBlacklistCommand(PatternList):
    """Forbid a command pattern over the web service, to admins too."""

    path = "add api blacklist command"
    params = (Param("command", help="The command pattern, e.g. list.host.message."),)
    examples = (Example('add api blacklist command command="report host"',
                        "No one may run report host through the web service."),)
    related = ("list api blacklist command", "remove api blacklist command")
    duplicate = "Command {} is already blacklisted"

    def run(self, args: list[str], params: Params) -> None:
        self.add(params)


class RemoveApiBlacklistCommand(PatternList):
    """Allow a blacklisted command pattern over the web service again."""

    path = "remove api blacklist command"
    params = (Param("command", help="The command pattern, as listed."),)
    examples = (Example('remove api blacklist command command="report system"',
                        "Takes report system off the blacklist."),)
    related = ("list api blacklist command",)
    absent = "Command {} is not blacklisted"

    def run(self, args: list[str], params: Params) -> None:
        self.remove(params)


class ListApiBlacklistCommand(PatternList):
    """List the command patterns no one may run over the web service."""

    path = "list api blacklist command"
    examples = (Example("list api blacklist command", "Lists the blacklist."),)
    related = ("add api blacklist command",)

    def run(self, args: list[str], params: Params) -> Table:
        return self.listing()
