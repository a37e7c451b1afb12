"""`run_command`: the one path every command takes, from the CLI or the web.

It resolves the words, handles `CMD help`, runs the command in one database
transaction (read-only for read-only callers) and returns its result. It
keeps no global state besides the command registry, so many commands can run
per process and from several threads.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from stacki import errors
from stacki.framework import helptext
from stacki.framework.command import Command, Params, Resolved, check_input, resolve
from stacki.framework.context import Context
from stacki.framework.output import Text, render
from stacki.inventory.patterns import BadPattern


class Outcome:
    def __init__(self, command: type[Command], args: list[str], params: Params,
                 result: Any) -> None:
        self.command, self.args, self.params, self.result = command, args, params, result

    @property
    def format(self) -> str | None:
        return dict.get(self.params, "output-format")

    @property
    def status(self) -> int:
        """The exit status: a result may carry its own (`run host` when a host failed)."""
        return getattr(self.result, "status", 0)

    def render(self, fmt: str | None = None) -> str:
        return render(self.result, fmt or self.format)


def run_command(words: Sequence[str], ctx: Context | None = None) -> Outcome:
    """Resolve and run a command; raises a StackError for every user mistake."""
    return run_resolved(resolve(list(words)), ctx or Context())


# How often a command that lost a race with a concurrent writer runs again.
RETRIES = 4


class DatabaseUnavailable(errors.StackError):
    """The database cannot be reached (server down, file unreadable)."""

    def __init__(self, exc: BaseException):
        super().__init__(f"database unavailable: {first_line(exc)}")


class Conflict(errors.CommandError):
    """Still colliding with concurrent writers after every retry."""

    def __init__(self, exc: BaseException):
        super().__init__(f"conflicting concurrent change, try again ({first_line(exc)})")


def run_resolved(resolved: Resolved, ctx: Context) -> Outcome:
    """Run an already resolved command (the web service resolves first to check access).

    A transaction that lost a race (a unique name taken, a row deleted, a
    deadlock, SQLite's write lock held past the busy timeout) rolled back
    whole, so the command runs again: its own checks then see the winner's
    committed work and answer with the command's usual error
    ("... already exists"), never a database error.
    """
    cls, args = resolved.command, resolved.args
    if args and (args[0] == "help" or "--help" in args or "-h" in args):
        raise errors.HelpShown(helptext.command_help(cls, dict.get(resolved.params, "format")))
    check_input(cls, args, resolved.params)
    params = cls.bind(resolved.params, ctx.progress)
    prepared = prepare(cls, ctx, args, params)
    for attempt in range(RETRIES + 1):
        try:
            with _transaction(cls, ctx):
                result = checked_run(cls, ctx, args, params, prepared)
                params.settle()
            return Outcome(cls, args, params, result)
        except BadPattern as exc:
            raise errors.CommandError(str(exc)) from None
        except DatabaseError as exc:
            kind = failure_kind(exc)
            if kind == "unavailable":
                raise DatabaseUnavailable(exc) from exc
            if kind != "race":
                raise
            if attempt == RETRIES:
                raise Conflict(exc) from exc
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# PostgreSQL SQLSTATEs. Races: unique or foreign key violated, serialization
# failure, deadlock, lock not available. Down: connection exceptions (class
# 08), server shutting down or starting (57P0x).
RACE_STATES = {"23505", "23503", "40001", "40P01", "55P03"}
DOWN_STATES = ("08", "57P01", "57P02", "57P03")
SQLITE_RACES = ("unique constraint failed", "foreign key constraint failed", "database is locked",
                "database table is locked")
SQLITE_DOWN = ("unable to open database", "disk i/o error", "database disk image is malformed")


def failure_kind(exc: BaseException) -> str | None:
    """"unavailable" when the database cannot be reached, "race" when another
    writer got in the way (running again is right), else None (a bug)."""
    if isinstance(exc, InterfaceError):
        return "unavailable"
    if connection.vendor == "postgresql":
        state = getattr(exc.__cause__, "sqlstate", None)
        if state is None and isinstance(exc, OperationalError):
            return "unavailable"  # psycopg's "connection failed", "server closed the connection"
        if state and state.startswith(DOWN_STATES):
            return "unavailable"
        return "race" if state in RACE_STATES else None
    text = str(exc).lower()
    if any(t in text for t in SQLITE_DOWN):
        return "unavailable"
    return "race" if any(t in text for t in SQLITE_RACES) else None


def prepare(cls: type[Command], ctx: Context, args: list[str], params: Params) -> Any:
    """A command's work before its transaction (see Command.prepare). Outside
    a transaction nothing stops a read-only caller's side effects: refused."""
    if not cls.prepares():
        return None
    if ctx.readonly:
        raise errors.ReadOnlyViolation()
    # It writes nothing, so no stored value can be refused (see checked_run).
    return cls(ctx).prepare(args, params)


def checked_run(cls: type[Command], ctx: Context, args: list[str], params: Params,
                prepared: Any = None) -> Any:
    """Run a command; a value the inventory refuses to store is the command's error."""
    from stacki.inventory.validation import BadValue

    try:
        return cls(ctx, prepared).run(args, params)
    except BadValue as exc:
        raise errors.CommandError(str(exc)) from None


def run_subcommand(ctx: Context, words: Sequence[str] | str, quiet: bool = False,
                   params: dict[str, str] | None = None) -> Any:
    """Run a command from inside another: same transaction, same caller, its
    parameters checked by its declarations like any call's. `params` adds
    parameters already split (a value may then hold anything); with `quiet`
    its progress messages show only on a terminal."""
    if isinstance(words, str):
        import shlex

        words = shlex.split(words)
    resolved = resolve(list(words))
    if params:
        resolved.params.update(params)
    if quiet and not (ctx.tty and not ctx.api):
        ctx = ctx.replace(progress=_quiet)
    cls = resolved.command
    check_input(cls, resolved.args, resolved.params)
    bound = cls.bind(resolved.params, ctx.progress)
    result = checked_run(cls, ctx, resolved.args, bound, prepare(cls, ctx, resolved.args, bound))
    bound.settle()
    return result


def _quiet(text: str) -> None:
    pass


def is_readonly_violation(exc: BaseException) -> bool:
    text = str(exc).lower()
    cause = exc.__cause__
    return (
        getattr(cause, "sqlstate", None) == "25006"
        or "readonly database" in text
        or "read-only transaction" in text
    )


@contextlib.contextmanager
def _transaction(cls: type[Command], ctx: Context) -> Iterator[None]:
    vendor = connection.vendor
    if vendor == "sqlite" and not connection.in_atomic_block:
        connection.ensure_connection()
        # Writers take the write lock up front so that two writers queue on
        # the busy timeout instead of failing halfway with "database is locked".
        connection.transaction_mode = "IMMEDIATE" if cls.mutates() and not ctx.readonly else None  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            if ctx.readonly:
                _set_readonly(vendor, True)
            yield
            if ctx.readonly:
                # Nothing to keep, and rolling back also ends PostgreSQL's
                # read-only mode when this block is a savepoint of an outer
                # transaction (which would otherwise stay read-only).
                transaction.set_rollback(True)
    except DatabaseError as exc:
        if ctx.readonly and is_readonly_violation(exc):
            raise errors.ReadOnlyViolation() from exc
        raise
    finally:
        # Reset only after the atomic block has rolled back: inside a block
        # broken by the refused write no statement can run, and SQLite's
        # query_only would outlive the command on this connection.
        if ctx.readonly and vendor == "sqlite":
            _set_readonly(vendor, False)


def _set_readonly(vendor: str, on: bool) -> None:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            if on:
                cursor.execute("SET TRANSACTION READ ONLY")
        else:
            cursor.execute(f"PRAGMA query_only = {1 if on else 0}")


__all__ = ["Outcome", "Text", "run_command", "run_resolved", "run_subcommand"]
