"""Who may run what over the web service (webservice.md §5).

Every rule is matched against the RESOLVED command path written with dots
(`list.host.interface`), never against the words a client sent, so arguments
can neither widen nor dodge a rule. A pattern is a regular expression over
that path in which runs of spaces and tabs count as dots; it must match the
whole path.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory import patterns
from stacki.inventory.prepared import Prepared

# Commands never run over the API, admins included: they execute shell
# commands on the frontend or on the hosts.
REFUSED = ("run.host", "iterate.host")
ALWAYS_ALLOWED = ("help", "list.help")
# Commands that change who may do what, or run with root rights on the
# frontend: admin-only whatever the permissions say (commands.md §0.1).
ADMIN_VERBS_ON_API = ("add", "remove", "set", "sync")
ADMIN_ONLY_PREFIXES = (("sync",), ("load",), ("unload",), ("report", "script"))

_SEPARATORS = re.compile(r"[ \t]+")
# Stacki's `^([a-z]+\.?)+(\*)?$`, rewritten without nested quantifiers so
# that a long hostile pattern cannot make the check backtrack for ever.
_SPEC = re.compile(r"[a-z]+(?:\.[a-z]+)*\.?\*?")
MAX_PATTERN = 255
# Refusing the mutating verbs of non-admins up front is only the first line;
# the read-only transaction is the guarantee (tests switch this off to prove it).
REFUSE_MUTATING_VERBS = True

# The access lists, read by every call (stacki.inventory.prepared).
_BLACKLIST = Prepared(lambda: m.Blacklist.objects.values_list("command"))
_SUDO = Prepared(lambda: m.SudoCommand.objects.values_list("command"))
_OWN = Prepared(lambda user: m.UserPerm.objects.filter(user_id=user).values_list("command"))
_INHERITED = Prepared(lambda user: m.GroupPerm.objects.filter(group__users__id=user)
                      .values_list("command"))


def dotted(pattern: str) -> str:
    """`list host` and `list.host` are the same pattern."""
    return _SEPARATORS.sub(".", pattern.strip())


@lru_cache(maxsize=1024)
def _compiled(pattern: str):
    # RE2: a stored pattern cannot make a check backtrack (stacki.inventory.patterns).
    try:
        return patterns.compile_regex(dotted(pattern))
    except patterns.BadPattern:
        return None


def matches(pattern: str, path: str) -> bool:
    regex = _compiled(pattern)
    return regex is not None and regex.fullmatch(path) is not None


def any_match(patterns: Iterable[str], path: str) -> bool:
    return any(matches(p, path) for p in patterns)


def same_pattern(a: str, b: str) -> bool:
    return dotted(a) == dotted(b)


def check_pattern(pattern: str, nodes: Collection[tuple[str, ...]]) -> str:
    """Stacki's checkCommand: the pattern must be well formed and name an
    existing command node (one of `nodes`). Returns the pattern as given."""
    spec = dotted(pattern)
    if len(spec) > MAX_PATTERN or not _SPEC.fullmatch(spec):
        raise errors.CommandError("Invalid command specification")
    node = tuple(w for w in spec.rstrip(".*").split(".") if w)
    if node not in nodes:
        raise errors.CommandError(f"Command {pattern} not found")
    return pattern


@dataclass(frozen=True)
class Denial:
    """Why a command is refused: the HTTP status and the exact body."""

    status: int
    body: str
    json: bool = False
    path: str = ""


def refused(path: str) -> Denial | None:
    if path in REFUSED:
        return Denial(403, f"'{path.replace('.', ' ')}' command is not permitted", path=path)
    return None


def refused_words(words: list[str]) -> Denial | None:
    """The refusal of `run host` holds even when no such command is installed."""
    for path in REFUSED:
        if [w.lower() for w in words[: path.count(".") + 1]] == path.split("."):
            return refused(path)
    return None


def spellings(command) -> tuple[str, ...]:
    """The dotted paths of one command: the one it was called by, the
    canonical one and its short spellings (`add.user`, `add.api.user`).
    Every rule is matched on all of them, so no spelling dodges a rule
    written for another."""
    canonical = command.__dict__.get("spelling_of") or command
    shorts = canonical.__dict__.get("short_paths", ())
    return tuple(dict.fromkeys([command.dotted(), canonical.dotted(),
                                *(dotted(p) for p in shorts)]))


def admin_only(command) -> bool:
    """Judged on every path the command has: a short spelling (`set user
    admin`) is as admin-only as the canonical command it subclasses. A
    command may also declare itself admin-only over the API (`list api audit`)."""
    if getattr(command, "admin_only_on_api", False):
        return True
    return any(admin_only_path(c.dotted()) for c in command.__mro__ if getattr(c, "path", ""))


def admin_only_path(path: str) -> bool:
    words = tuple(path.split("."))
    if len(words) > 1 and words[0] in ADMIN_VERBS_ON_API and words[1] == "api":
        return True
    return any(words[: len(p)] == p for p in ADMIN_ONLY_PREFIXES)


class Rules:
    """The access lists as one user sees them, each read once and only when
    first needed, with plain queries: one compound query costs more to build
    than these small ones. One Rules serves many checks (the catalogue)."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def blacklist(self) -> list[str]:
        return [command for command, in _BLACKLIST()]

    @cached_property
    def sudo(self) -> list[str]:
        return [command for command, in _SUDO()]

    @cached_property
    def own(self) -> list[str]:
        return [command for command, in _OWN(self.user.id)]

    @cached_property
    def inherited(self) -> list[str]:
        return [command for command, in _INHERITED(self.user.id)]


def self_service(command) -> bool:
    """Commands every user may run on their own records (their API keys):
    the command itself refuses a non-admin anyone else's."""
    return getattr(command, "self_service", False)


def check(user, command, rules: Rules | None = None) -> Denial | None:
    """None when `user` (an authenticated User) may run `command` (a
    Command class); else the refusal, in the order Stacki makes them."""
    rules = rules or Rules(user)
    path = command.dotted()
    paths = spellings(command)
    for spelling in paths:
        denial = refused(spelling)
        if denial:
            return denial
    if any(any_match(rules.blacklist, p) for p in paths):
        return Denial(403, f"Blacklisted Command: Command {path} is not permitted")
    if path in ALWAYS_ALLOWED or (user.active and (user.admin or self_service(command))):
        return None
    if not user.active or not any(permitted(user, p, rules) for p in paths):
        return Denial(403, f"Unauthorized Command: User {user.username} is not allowed to run {path}")
    if admin_only(command) or any(any_match(rules.sudo, p) for p in paths):
        return Denial(403, f'Command "{command.path}" requires Admin Privileges')
    if REFUSE_MUTATING_VERBS and command.mutates():
        return Denial(403, errors.ReadOnlyViolation().message, json=True)
    return None


def permitted(user, path: str, rules: Rules | None = None) -> bool:
    """One of the user's own permissions or one of their groups' matches."""
    rules = rules or Rules(user)
    return any_match(rules.own, path) or any_match(rules.inherited, path)
