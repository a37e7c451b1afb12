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

from django.db import DatabaseError, transaction

from stacki import errors
from stacki.commands import load_restore
from stacki.commands.load_hosts import BY_COMMAND, HostLoader
from stacki.commands.load_script import Line, host_lines, key_lines, parts, scoped, script
from stacki.framework.command import Command, Example, Param, Params, registry
from stacki.framework.output import Table, Text
from stacki.framework.runner import failure_kind

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
        # What `dump` prints is strict JSON: read it as such before scanning
        # a document character by character for comments and trailing commas.
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise errors.CommandError("syntax error: the document is nested too deeply") from None
    try:
        return json.loads(blank_extras(text))
    except json.JSONDecodeError as exc:
        start = text.rfind("\n", 0, exc.pos) + 1
        end = text.find("\n", exc.pos)
        line = text[start:len(text) if end < 0 else end]
        before = text[start:exc.pos]
        caret = " " * len(before.lstrip()) + "^"
        raise errors.CommandError(f"syntax error\n{line.strip()}\n{caret}\n{exc}") from None
    except RecursionError:
        raise errors.CommandError("syntax error: the document is nested too deeply") from None


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
    instance because the object exists) is skipped, and the commands that
    were not applied are listed with their errors. A whole dump (every
    section `dump` prints) describes the entire cluster: loaded with
    exec=true, it replaces the configuration here, built-in boot actions,
    appliances, OSes, networks and the rest included; API users it names keep
    their keys, and shadow attributes stay.
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

    def run(self, args: list[str], params: Params) -> Text | Table | None:
        document = read_document(self.source(args, params))
        if not params.flag("exec"):
            stack = stack_program()
            return Text("".join(line.shell(stack) + "\n" for line in script(document)))
        self.authorize(script(document))
        whole = load_restore.is_whole(document)
        kept = load_restore.clear(document) if whole else frozenset()
        before, hosts, after = parts(document, skip_users=kept)
        if whole:
            load_restore.direct(document)
            before, after = (
                [line for line in lines if line.path not in load_restore.DIRECT]
                for lines in (before, after))
        failed = [f for line in before if (f := self.execute(line))]
        # Hosts the bulk loader is sure of are written at once; the others,
        # and the keys, firewall rules, routes and storage of every host, by commands.
        others = HostLoader().load(hosts)
        for host in hosts:
            name = str(host["name"])
            lines = host_lines(host) if any(host is o for o in others) else \
                [*key_lines(host, name), *scoped(host, "host", name, BY_COMMAND)]
            failed += [f for line in lines if (f := self.execute(line))]
        failed += [f for line in after if (f := self.execute(line))]
        if whole:
            load_restore.finish(document, kept)
        if not failed:
            return None
        return Table(["command", "error"], failed)

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

    def authorize(self, lines: list[Line]) -> None:
        """Every command the document would run must be one the caller may run
        (the web service's permission, blacklist and admin checks): checked
        for all of them before any runs, so a refusal changes nothing."""
        if self.ctx.refusal is None:
            return
        for path in dict.fromkeys(line.path for line in lines):
            cls = registry().get(tuple(path.split()))
            refusal = None if cls is None else self.ctx.refusal(cls)
            if refusal:
                raise errors.NotPermitted(refusal)

    def execute(self, line: Line) -> tuple[str, str] | None:
        """Run one command of the document; (command, error) when it was not applied."""
        if registry().get(tuple(line.path.split())) is None:
            return line.shell("stack"), "no such command here"
        args = [" ".join(line.args)] if line.args else []
        try:
            with transaction.atomic():
                self.call([*line.path.split(), *args], params=dict(line.given()))
        except errors.StackError as exc:
            log.debug("load: skipped %s: %s", line.path, exc)
            return None if line.clearing else (line.shell("stack"), str(exc))
        except DatabaseError as exc:
            if failure_kind(exc) is not None:
                raise  # unreachable or a race: the whole load runs again
            log.debug("load: skipped %s: %s", line.path, exc)
            return line.shell("stack"), str(exc).strip().splitlines()[0]
        return None
