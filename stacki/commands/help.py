"""help and list help."""

from __future__ import annotations

from stacki import errors
from stacki.framework import helptext
from stacki.framework.command import Arg, Command, Example, Param, Params, registry
from stacki.framework.output import Text


class Help(Command):
    """List the commands and their usage lines.

    With words, only the commands whose line contains those words are listed.
    """

    path = "help"
    args = (Arg("command", help="Words a listed command must contain."),)
    examples = (Example("help list host", "Lists every command containing 'list host'."),)
    verbatim = True

    def run(self, args: list[str], params: Params) -> Text:
        needle = " ".join(args)
        lines = [helptext.help_line(c) for c in registry().below(())]
        found = [line for line in lines if needle in line]
        if not found:
            raise errors.CommandError(f'no command matches "{needle}"')
        return Text("".join(line + "\n" for line in found))


class ListHelp(Command):
    """List the commands and their usage lines, wrapped to a width.

    cols=N wraps the lines at column N (default 80; 0 does not wrap).
    """

    path = "list help"
    # Stacki's usage line shows subdir only.
    params = (Param("subdir", help="Restrict the listing to a subtree, e.g. list/host."),
              Param("cols", "integer", default=80, hidden=True, help="Wrap at this column."))
    examples = (Example("list help subdir=list/host", "Lists the 'list host' commands."),)
    verbatim = True

    def run(self, args: list[str], params: Params) -> Text:
        node = tuple(w for w in (params.value("subdir") or "").split("/") if w)
        cols = params.integer("cols", 80)
        return Text(helptext.wrapped_lines(registry().below(node), cols))
