"""The admin-only ("sudo") list of the web service and its sudoers file
(webservice.md §6)."""

from __future__ import annotations

from stacki import errors
from stacki.apiusers.sudoers import SUDOERS, sudoers_lines, write_sudoers
from stacki.commands.api_blacklist import PatternList
from stacki.framework.command import Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m


class SudoList(PatternList):
    model = m.SudoCommand

    def synced(self, params: Params) -> None:
        """Rewrite the sudoers file unless sync=false; the file is a courtesy
        to Stacki tooling, so failing to write it only warns."""
        if params.flag("sync", True):
            try:
                write_sudoers(self.patterns())
            except errors.CommandError as exc:
                self.ctx.progress(f"warning - {exc.message}")


class AddApiSudoCommand(SudoList):
    """Make a command pattern admin-only over the web service.

    With sync=true (the default) the sudoers file is rewritten too.
    """

    path = "add api sudo command"
    params = (Param("command", help="The command pattern, e.g. sync.*."),
              Param("sync", "boolean", default=True, hidden=True,
                    help="Rewrite the sudoers file too. Default true."))
    examples = (Example('add api sudo command command="set host boot"',
                        "Only admins may run set host boot through the web service."),)
    related = ("list api sudo command", "remove api sudo command", "sync api sudo command")
    duplicate = "Command {} is already in sudo list"

    def run(self, args: list[str], params: Params) -> None:
        self.add(params)
        self.synced(params)


class RemoveApiSudoCommand(SudoList):
    """Take a command pattern off the admin-only list.

    With sync=true (the default) the sudoers file is rewritten too.
    """

    path = "remove api sudo command"
    params = (Param("command", help="The command pattern, as listed."),
              Param("sync", "boolean", default=True, hidden=True,
                    help="Rewrite the sudoers file too. Default true."))
    examples = (Example('remove api sudo command command="remove host"',
                        "Takes remove host off the admin-only list."),)
    related = ("list api sudo command",)
    absent = "Command {} is not a sudo command"

    def run(self, args: list[str], params: Params) -> None:
        self.remove(params)
        self.synced(params)


class ListApiSudoCommand(SudoList):
    """List the command patterns only admins may run over the web service."""

    path = "list api sudo command"
    examples = (Example("list api sudo command", "Lists the admin-only patterns."),)
    related = ("add api sudo command",)

    def run(self, args: list[str], params: Params) -> Table:
        return self.listing()


class ReportApiSudoCommand(SudoList):
    """Print the sudoers file that lets the web service run the admin-only
    commands as root (nothing when the list is empty)."""

    path = "report api sudo command"
    examples = (Example("report api sudo command", "Prints the sudoers file."),)
    related = ("sync api sudo command",)

    def run(self, args: list[str], params: Params) -> Table:
        lines = sudoers_lines(self.patterns())
        if not lines:
            return report([])
        return report([f"<stack:file stack:name='{SUDOERS}' stack:perms='0400' stack:rcs='no'>",
                       *lines, "</stack:file>"])


class SyncApiSudoCommand(SudoList):
    """Write the sudoers file of report api sudo command (under STACKI_SYSROOT)."""

    path = "sync api sudo command"
    examples = (Example("sync api sudo command", "Rewrites /etc/sudoers.d/stacki_ws."),)
    related = ("report api sudo command",)

    def run(self, args: list[str], params: Params) -> None:
        write_sudoers(self.patterns())
