"""`stack batch`: many commands, one process.

Each line of standard input (or of `file=PATH`) is one command, written as
after `stack` (a leading `stack` word is allowed), quoted as in a shell;
blank lines and lines starting with `#` are skipped. Every command runs as
`stack` would run it (same output, errors, access table), each in its own
transaction, or all in one with `--one-transaction`. The batch stops at the
first command that fails, or with `--continue` goes on to the end; either way
it names the first failing line and exits with that command's exit code.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator

USAGE = "usage: stack batch [file=PATH] [--continue] [--one-transaction]"
HELP = f"""{USAGE}

Description

\tRuns the commands read from standard input (or file=PATH), one per line,
\tin one process. A line holds what follows `stack` on a command line;
\tblank lines and lines starting with # are skipped. Each command runs in
\tits own transaction; --one-transaction runs them all in one, so that a
\tfailure changes nothing. The batch stops at the first failing command
\t(--continue goes on) and reports its line number; the exit code is that
\tcommand's.

Examples

\t$ stack batch file=changes.txt
\t$ stack batch --continue < changes.txt
"""


class Options:
    def __init__(self) -> None:
        self.file: str | None = None
        self.keep_going = False
        self.one_transaction = False


def _options(words: list[str]) -> Options | str:
    """The batch's own options, or the error text."""
    options = Options()
    for word in words:
        if word == "--continue":
            options.keep_going = True
        elif word == "--one-transaction":
            options.one_transaction = True
        elif word.startswith("file="):
            options.file = word[len("file="):]
            if not options.file:
                return '"file" parameter is required'
        else:
            return f'"{word}" is not an option of stack batch'
    return options


def commands(lines: Iterator[str]) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, words) of each command line; the error text for a line
    that is not one (unbalanced quotes)."""
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            words = shlex.split(text)
        except ValueError as exc:
            yield number, str(exc).lower()
            continue
        if words[:1] == ["stack"]:
            words = words[1:]
        yield number, words


def main(words: list[str], debug: bool = False) -> int:
    if words[:1] == ["help"]:
        sys.stdout.write(HELP)
        return 255
    options = _options(words)
    if isinstance(options, str):
        sys.stderr.write(f"error - {options}\n{USAGE}\n")
        return 255
    if options.file is None:
        return Batch(options, debug).run(sys.stdin)
    try:
        source = open(options.file, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f'error - cannot read "{options.file}": {exc.strerror}\n')
        return 255
    with source:
        return Batch(options, debug).run(source)


class Batch:
    def __init__(self, options: Options, debug: bool) -> None:
        self.options, self.debug = options, debug
        self.failed = 0
        self.first: tuple[int, int] | None = None  # (line, exit code)
        self.rolled_back = False

    def run(self, source) -> int:
        if not self.options.one_transaction:
            self.each(source)
        else:
            from stacki import home
            from stacki.framework.runner import first_line

            # The home first (as each command would check it), then the transaction.
            try:
                home.setup()
            except home.Unusable as exc:
                sys.stderr.write(f"error - {exc}\n")
                return 255
            except Exception as exc:  # noqa: BLE001 - as stacki.cli words it
                sys.stderr.write(f"error - database unavailable: {first_line(exc)}\n")
                return 255
            self.all_in_one(source)
        return self.report()

    def each(self, source) -> None:
        from stacki import cli

        for number, words in commands(source):
            if isinstance(words, str):
                self.fail(number, 255, f"error - line {number}: {words}\n")
            else:
                code = cli.main(["--debug", *words] if self.debug else words)
                if code:
                    self.fail(number, code)
            if self.first and not self.options.keep_going:
                return

    def all_in_one(self, source) -> None:
        from django.db import connection, transaction

        class Failed(Exception):
            pass

        if connection.vendor == "sqlite":
            connection.ensure_connection()
            # A writer's lock up front, as every writing command takes it.
            connection.transaction_mode = "IMMEDIATE"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                self.each(source)
                if self.first and not self.options.keep_going:
                    raise Failed()
        except Failed:
            self.rolled_back = True
        finally:
            if connection.vendor == "sqlite":
                connection.transaction_mode = None  # type: ignore[attr-defined]

    def fail(self, number: int, code: int, text: str = "") -> None:
        sys.stderr.write(text)
        sys.stderr.flush()
        self.failed += 1
        if self.first is None:
            self.first = (number, code)

    def report(self) -> int:
        if self.first is None:
            return 0
        number, code = self.first
        if self.options.keep_going:
            sys.stderr.write(f"error - {self.failed} command{'s' if self.failed > 1 else ''} "
                             f"failed, the first at line {number}\n")
        else:
            sys.stderr.write(f"error - stopped at line {number}\n")
        if self.rolled_back:
            sys.stderr.write("error - nothing was changed\n")
        return code
