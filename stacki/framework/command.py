"""Command declarations, the Command base class and the command registry.

Each command declares its arguments and parameters once; usage lines, help
text, the command catalogue and the partial-command listings come from that
declaration.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from stacki import errors
from stacki.framework import output, types
from stacki.inventory.values import bool2str, str2bool

if TYPE_CHECKING:
    from stacki.framework.context import Context

# Verbs whose commands change the database (cli/commands spec §0.2).
MUTATING_VERBS = frozenset(
    "add set remove load unload swap enable disable create compile pack unpack config".split()
)

__all__ = ["Arg", "Command", "Example", "Param", "Params", "bool2str", "registry", "respelled", "str2bool"]


# Declarations are NamedTuples and the per-call objects plain classes, not
# dataclasses: making a dataclass costs each `stack` start about 0.5 ms.
class Arg(NamedTuple):
    """A positional argument. Commands check their own (Stacki words their
    errors differently from command to command)."""

    name: str
    optional: bool = False
    repeat: bool = False
    type: str = "string"
    help: str = ""

    def usage(self) -> str:
        inner = self.name + (" ..." if self.repeat else "")
        return f"[{inner}]" if self.optional else f"{{{inner}}}"


class Param(NamedTuple):
    """A `key=value` parameter: its type (a usage word such as "boolean" or a
    stacki.framework.types.Type), whether it is required, its default and help.

    The framework checks and converts every declared parameter before `run()`:
    a required one must be given and not empty (unless `empty_ok`: then
    `key=` is a value, e.g. one that clears); a typed one must convert. `hidden` ones
    work but are left out of usage lines (Stacki's lines do not show them).
    """

    name: str
    type: str | types.Type = "string"
    optional: bool = True
    repeat: bool = False
    default: Any = None
    help: str = ""
    empty_ok: bool = False
    hidden: bool = False

    @property
    def kind(self) -> types.Type:
        return types.of(self.type)

    def usage(self) -> str:
        inner = f"{self.name}={self.kind.label}" + (" ..." if self.repeat else "")
        return f"[{inner}]" if self.optional else f"{{{inner}}}"

    def require(self, text: str | None) -> None:
        """A required parameter missing (or empty) is an error."""
        if not self.optional and (text is None or (text == "" and not self.empty_ok)):
            raise errors.ParamRequired(self.name)

    def check(self, text: str | None) -> Any:
        """`text` checked and converted."""
        self.require(text)
        return self.convert(text)

    def convert(self, text: str | None) -> Any:
        """The typed value of `text` (the default when absent, or empty and not a string)."""
        if text is None:
            return self.default
        kind = self.kind
        if kind.convert is None:
            return text
        if text == "":
            return self.default
        return kind.convert(text, self.name)


class Example(NamedTuple):
    command: str
    text: str


class UndeclaredParameter(LookupError):
    """A command read a parameter it does not declare: a bug, never a user's mistake."""


class Params(dict):
    """The `key=value` words of a command line (last one wins).

    Once bound to a command (`bind`), reading a name the command does not
    declare raises UndeclaredParameter, and `typed()` gives the converted
    values. The accessors below read the text as given.
    """

    command: str = ""
    declared: dict[str, Param] | None = None
    # The values checked and converted so far (see Command.bind).
    converted: dict[str, Any]

    def _check(self, name: str) -> Param | None:
        """The declaration of `name`; a required parameter read must be given."""
        if self.declared is None:
            return None
        param = self.declared.get(name)
        if param is None:
            raise UndeclaredParameter(f"{self.command!r} reads parameter {name!r}, "
                                      "which it does not declare")
        if name not in self.converted:
            param.require(super().get(name))
        return param

    def settle(self) -> None:
        """Check and convert the declared parameters the command did not read."""
        for name in self.declared or ():
            self.typed(name)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self._check(name)
        return super().get(name, default)

    def __getitem__(self, name: str) -> Any:
        self._check(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self._check(str(name))
        return super().__contains__(name)

    def typed(self, name: str) -> Any:
        """The declared parameter's converted value (its default when not given)."""
        param = self._check(name)
        if param is None:
            raise UndeclaredParameter(f"parameters not bound to a command: {name!r}")
        if name not in self.converted:
            self.converted[name] = param.convert(super().get(name))
        return self.converted[name]

    def value(self, name: str, default: str | None = None) -> str | None:
        """The value, treating an empty one like a missing one."""
        value = self.get(name)
        return default if value in (None, "") else value

    def require(self, name: str) -> str:
        value = self.get(name)
        if value in (None, ""):
            raise errors.ParamRequired(name)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        return default if value is None else str2bool(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except ValueError:
            raise errors.ParamType(name, "integer") from None


class Command:
    """Base of every command. Subclasses set `path` and declare their interface.

    The docstring is the description. `run()` returns a Table, Text or None
    (see stacki.framework.output) and never prints.
    """

    path: ClassVar[str] = ""
    args: ClassVar[tuple[Arg, ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    related: ClassVar[tuple[str, ...]] = ()
    # Verbatim commands print text as is and ignore output-format.
    verbatim: ClassVar[bool] = False
    # Parameters whose values may span lines (free-form text such as attribute
    # values); every other value of a changing command is a single line.
    multiline: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: Context, prepared: Any = None):
        self.ctx = ctx
        # What `prepare` returned, for `run` (None for commands without one).
        self.prepared = prepared

    # --- metadata -------------------------------------------------------
    @classmethod
    def words(cls) -> tuple[str, ...]:
        return tuple(cls.path.split())

    @classmethod
    def dotted(cls) -> str:
        return ".".join(cls.words())

    @classmethod
    def mutates(cls) -> bool:
        return cls.words()[0] in MUTATING_VERBS

    @classmethod
    def description(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "").strip()

    @classmethod
    def summary(cls) -> str:
        return cls.description().split("\n\n")[0].replace("\n", " ")

    @classmethod
    def extra_params(cls) -> tuple[Param, ...]:
        """Parameters a family of commands adds to its members' own (a hook)."""
        return ()

    @classmethod
    def all_params(cls) -> list[Param]:
        """The command's parameters (not the shared ones), sorted by name."""
        return sorted((*cls.params, *cls.extra_params()), key=lambda p: p.name)

    @classmethod
    def shown_params(cls) -> list[Param]:
        """The parameters usage lines show (Stacki's lines leave some out)."""
        return [p for p in cls.all_params() if not p.hidden]

    @classmethod
    def usage(cls) -> str:
        parts = [a.usage() for a in cls.args if not a.optional]
        parts += [a.usage() for a in cls.args if a.optional]
        parts += [p.usage() for p in cls.shown_params() if not p.optional]
        parts += [p.usage() for p in cls.shown_params() if p.optional]
        return " ".join(parts)

    @classmethod
    def declared(cls) -> dict[str, Param]:
        """Every parameter the command accepts: its own and the shared ones."""
        found = cls.__dict__.get("_declared")
        if found is None:
            found = {p.name: p for p in SHARED_PARAMS}
            found.update((p.name, p) for p in cls.all_params())
            cls._declared = found  # type: ignore[attr-defined]
        return found

    @classmethod
    def bind(cls, given: dict[str, str], warn: Callable[[str], None] | None = None) -> Params:
        """The parameters of one call, checked and converted by the declarations.

        A name the command does not declare is ignored, as in Stacki, with a
        warning naming the closest declared one. The shared parameters are
        checked now; the command's own as it reads them, so that its checks
        of its arguments speak first, as in Stacki, and `settle()` checks the
        rest once it has run (inside its transaction: an error undoes it)."""
        declared = cls.declared()
        params = Params(given)
        params.command, params.declared = cls.path, declared
        if warn is not None:
            for name in given:
                if name not in declared:
                    warn(unknown_parameter(cls, name))
        params.converted = {p.name: p.check(dict.get(given, p.name)) for p in SHARED_PARAMS}
        return params

    # --- running --------------------------------------------------------
    def run(self, args: list[str], params: Params) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def prepare(self, args: list[str], params: Params) -> Any:
        """Work done once, before the transaction opens, whose result `run`
        finds in `self.prepared`: long copies, fetches and talks with other
        machines, so that a writer does not hold SQLite's write lock (every
        other writer waits) meanwhile. It must not write the database; `run`
        may run more than once with its result (a transaction that lost a
        race runs again). Commands without one do not override it."""
        return None

    @classmethod
    def prepares(cls) -> bool:
        return cls.prepare is not Command.prepare

    # Helpers shared by many commands; imported lazily to keep start-up light.
    def hosts(self, args: list[str], required: bool = False, unique: bool = False) -> list:
        from stacki.inventory.hostsel import select_hosts

        return select_hosts(self.ctx, args, required=required, unique=unique)

    def one_arg(self, args: list[str], name: str) -> str:
        """Exactly one argument, else Stacki's required/unique errors."""
        if not args:
            raise errors.ArgRequired(name)
        if len(args) > 1:
            raise errors.ArgUnique(name)
        return args[0]

    def call(self, words: list[str] | str, quiet: bool = False,
             params: dict[str, str] | None = None) -> Any:
        """Run another command inside this one's transaction (the one way to
        run a sub-command). `words` name the command and its arguments, or a
        str is split like a shell would; `params` adds parameters already
        split; `quiet` keeps its progress messages off a non-terminal."""
        from stacki.framework.runner import run_subcommand

        return run_subcommand(self.ctx, words, quiet=quiet, params=params)


def unknown_parameter(cls: type[Command], name: str) -> str:
    """The warning for a parameter `cls` does not declare."""
    import difflib

    text = f'warning - "{name}" is not a parameter of "{cls.path}"'
    declared = list(cls.declared())
    # Two letters swapped (rakc) first: difflib scores rank as near as rack.
    close = [d for d in declared if sorted(d) == sorted(name)] or \
        difflib.get_close_matches(name, declared, n=1, cutoff=0.6)
    return text + (f'; did you mean "{close[0]}"?' if close else "")


# The host selection argument, declared once in its three shapes.
ONE_HOST = Arg("host", help="A single host name.")
HOSTS = Arg("host", repeat=True,
            help="One or more host names or selections (a:backend, rack*, ...).")
ANY_HOSTS = Arg("host", optional=True, repeat=True,
                help="Host names or selections (a:backend, rack*, ...); none: every host.")

# Parameters every command accepts, declared once.
OUTPUT_FORMAT = Param("output-format", types.Type("format", "string", output.check_format,
                                                  output.FORMATS),
                      hidden=True, help="How a table prints: " + output.FORMATS_TEXT + ".")
SHARED_PARAMS = (OUTPUT_FORMAT,)


def respelled(command: type[Command], path: str, module: str) -> type[Command]:
    """`command` under another path (a short spelling), registered from `module`.
    Each knows the other: the web service matches its access rules on every
    spelling."""
    doc = f"{command.__doc__}\n\n    Short spelling of {command.path}.\n"
    name = command.__name__.replace("Api", "")
    command.short_paths = (*command.__dict__.get("short_paths", ()), path)  # type: ignore[attr-defined]
    return type(name, (command,), {"path": path, "__doc__": doc, "__module__": module,
                                   "spelling_of": command})


class Registry:
    """Every command path and where its class lives.

    A command's module is imported only when the command is used: the index of
    paths is cached (see `registry()`), so `stack list host` imports one
    command module, not all of them.
    """

    def __init__(self, index: dict[tuple[str, ...], tuple[str, str]]) -> None:
        self.index = index
        self.nodes = {words[:n] for words in index for n in range(1, len(words) + 1)}
        self.depth = max((len(words) for words in index), default=0)

    def get(self, words: tuple[str, ...]) -> type[Command] | None:
        entry = self.index.get(words)
        if entry is None:
            return None
        return getattr(importlib.import_module(entry[0]), entry[1])

    def below(self, node: tuple[str, ...]) -> list[type[Command]]:
        """Runnable commands at or under a node, sorted by path."""
        return [self.get(w) for w in sorted(self.index) if w[: len(node)] == node]

    @property
    def commands(self) -> dict[tuple[str, ...], type[Command]]:
        return {w: self.get(w) for w in sorted(self.index)}


def _scan(package: str) -> dict[tuple[str, ...], tuple[str, str]]:
    """Import every command module and list the commands it defines."""
    module_path = importlib.import_module(package).__path__
    index: dict[tuple[str, ...], tuple[str, str]] = {}
    for info in pkgutil.iter_modules(module_path):
        module = importlib.import_module(f"{package}.{info.name}")
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, Command) and obj.path
                    and obj.__module__ == module.__name__):
                if obj.words() in index:
                    raise RuntimeError(f"command {obj.path!r} declared twice")
                index[obj.words()] = (module.__name__, name)
    return index


def signature(directory: Path) -> dict[str, int]:
    """What the committed index depends on: the command modules and their sizes."""
    return {e.name: e.stat().st_size for e in os.scandir(directory)
            if e.name.endswith(".py") and e.name != "__init__.py"}


def _load_index(package: str = "stacki.commands") -> dict[tuple[str, ...], tuple[str, str]]:
    """The committed index (stacki/framework/command_index.py) when it matches
    the command modules; else (a module added or changed and the index not
    regenerated yet) a scan of every module, slower but right."""
    from stacki.framework import command_index

    directory = Path(importlib.import_module(package).__path__[0])
    if command_index.SIGNATURE == signature(directory):
        return {tuple(k.split()): v for k, v in command_index.INDEX.items()}
    return _scan(package)


_registry: Registry | None = None


def registry() -> Registry:
    global _registry
    if _registry is None:
        _registry = Registry(_load_index())
    return _registry


class Resolved:
    def __init__(self, command: type[Command], args: list[str] | None = None,
                 params: Params | None = None) -> None:
        self.command = command
        self.args = [] if args is None else args
        self.params = Params() if params is None else params


def check_input(command: type[Command], args: list[str], params: Params) -> None:
    """The words of a command that changes the database hold no control
    characters (line breaks only in its `multiline` parameters)."""
    if not command.mutates():
        return
    from stacki.inventory import validation

    try:
        validation.check_words(args)
        validation.check_params(params, command.multiline)
    except validation.BadValue as exc:
        raise errors.CommandError(str(exc)) from None


def split_words(words: list[str]) -> tuple[list[str], Params]:
    """Classify words into arguments and `key=value` parameters (cli.md §1.2)."""
    args: list[str] = []
    params = Params()
    for word in words:
        if word == "":
            continue
        if word.startswith("where") or "=" not in word:
            args.append(word)
        else:
            key, _, value = word.partition("=")
            params[key] = value
    return args, params


def closest(reg: Registry, words: list[str], longer_than: int = 0) -> list[str]:
    """The command paths nearest to mistyped words: those of the best score,
    comparing word by word the longest run of words that comes near one."""
    from difflib import SequenceMatcher

    words = [w for w in words[:reg.depth] if "=" not in w]
    for n in range(len(words), longer_than, -1):
        scored: dict[float, list[str]] = {}
        for node in reg.nodes:
            if len(node) == n:
                score = sum(SequenceMatcher(None, a, b).ratio()
                            for a, b in zip(words, node)) / n
                scored.setdefault(score, []).append(" ".join(node))
        best = max(scored, default=0.0)
        if best >= 0.75:
            return sorted(scored[best])
    return []


def resolve(words: list[str]) -> Resolved:
    """Find the command named by the longest prefix of `words`."""
    from stacki.framework import helptext

    reg = registry()
    if not words:
        words = ["help"]
    first = words[0]
    node: tuple[str, ...] = ()
    rest: list[str] = []
    if " " in first.strip() and tuple(first.split()) in reg.nodes:
        node, rest = tuple(first.split()), list(words[1:])
    else:
        # No command is longer than the deepest path: a line of 10,000 host
        # names costs no more than a short one.
        for n in range(min(len(words), reg.depth), 0, -1):
            prefix = tuple(words[:n])
            if all("=" not in w for w in prefix) and prefix in reg.nodes:
                node, rest = prefix, list(words[n:])
                break
    if not node:
        raise errors.InvalidCommand(first, closest(reg, words))
    cls = reg.get(node)
    if cls is None:
        listing = helptext.help_lines(reg.below(node))
        if rest and rest[0] in ("help", "--help", "-h"):
            raise errors.HelpShown(listing)
        word = rest[0] if rest and "=" not in rest[0] else None
        raise errors.PartialCommand(" ".join(node), listing, word,
                                    closest(reg, words, len(node)) if word else ())
    args, params = split_words(rest)
    return Resolved(cls, args, params)
