"""`load`: a JSON document (as `dump` prints it) turned into stack commands
(commands.md §11). By default the commands are printed as a shell script;
`exec=true` runs them here, each in its own savepoint, skipping the ones
that fail (an object that already exists, ...)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from django.db import transaction

from stacki import errors
from stacki.commands.load_script import Line, script
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Text

log = logging.getLogger(__name__)


def stack_program() -> str:
    """The `stack` that runs this product here: the console script next to the
    running Python, else the bare name."""
    candidate = Path(sys.executable).parent / "stack"
    return str(candidate.absolute()) if candidate.exists() else "stack"


# --- the lenient JSON of Stacki's data files ----------------------------------------

def blank_extras(text: str) -> str:
    """`text` with `#` and `//` comments and trailing commas outside strings
    replaced by spaces, so every offset (for error messages) stays the same."""
    out = list(text)
    comma = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _string_end(text, i)
            comma = None
            continue
        if c == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        if c == ",":
            comma = i
        elif c in "]}" and comma is not None:
            out[comma] = " "
            comma = None
        elif not c.isspace():
            comma = None
        i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """The offset just past the JSON string starting at `start`."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return len(text)


def parse(text: str) -> Any:
    try:
        return json.loads(blank_extras(text))
    except json.JSONDecodeError as exc:
        start = text.rfind("\n", 0, exc.pos) + 1
        end = text.find("\n", exc.pos)
        line = text[start:len(text) if end < 0 else end]
        before = text[start:exc.pos]
        caret = " " * len(before.lstrip()) + "^"
        raise errors.CommandError(f"syntax error\n{line.strip()}\n{caret}\n{exc}") from None


def read_document(name: str) -> dict[str, Any]:
    try:
        text = Path(name).read_text()
    except (OSError, UnicodeDecodeError):
        raise errors.CommandError(f"cannot read {name}") from None
    document = parse(text)
    if not isinstance(document, dict):
        raise errors.CommandError(f"{name} is not a JSON object")
    return document


class Load(Command):
    """Load a JSON document, as `dump` prints it, into the database.

    The document is the first argument (or document=). By default the stack
    commands that load it are printed as a shell script (one command per
    line) and nothing changes: `stack load cluster.json | sh` applies it.
    With exec=true the commands run here instead; one that fails (for
    instance because the object exists) is skipped.
    """

    path = "load"
    verbatim = True
    params = (
        Param("document", help="The JSON file to load (instead of the first argument)."),
        Param("file", hidden=True, help="Same as document."),
        Param("exec", "boolean", help="Run the commands instead of printing them. Default false."),
        Param("force", "boolean", help="Skip the partition sanity checks. Default false."),
    )
    examples = (
        Example("load cluster.json", "Prints the commands that load cluster.json."),
        Example("load cluster.json exec=true", "Loads cluster.json into the database."),
    )
    related = ("dump",)

    def run(self, args: list[str], params: Params) -> Text | None:
        document = read_document(self.source(args, params))
        lines = script(document)
        if not params.flag("exec"):
            stack = stack_program()
            return Text("".join(line.shell(stack) + "\n" for line in lines))
        for line in lines:
            self.execute(line)
        return None

    def source(self, args: list[str], params: Params) -> str:
        # Over the web service the document arrives as the private file `file=`
        # (or document= naming an upload): the service confines both parameters.
        name = params.value("document") or params.value("file")
        if name is not None:
            return name
        if not args:
            raise errors.ArgRequired("filename")
        if len(args) > 1:
            raise errors.ArgUnique("filename")
        if self.ctx.api:
            raise errors.CommandError("over the web service, send the document as data")
        return args[0]

    def execute(self, line: Line) -> None:
        args = [" ".join(line.args)] if line.args else []
        try:
            with transaction.atomic():
                self.call([*line.path.split(), *args], params=dict(line.given()))
        except Exception as exc:  # noqa: BLE001 - `exec` skips a command that fails, as documented
            log.debug("load: skipped %s: %s", line.path, exc)
