"""Commands over things stored at a scope: attributes, routes, firewall rules.

Each such command is written once, at the global scope, as a ScopedCommand;
`derive()` makes its `<verb> os|appliance|environment|host <noun>` wrappers.
A wrapper differs only in its declaration (its target argument, maybe a few
extra parameters) and in its fixed scope, so every scope shares one code path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from stacki import errors
from stacki.framework import types
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.inventory import models as m
from stacki.inventory.batches import batches
from stacki.inventory.objects import select_objects
from stacki.inventory.scopes import IN_LIMIT, LETTERS


@dataclass(frozen=True)
class Scope:
    name: str
    model: type[models.Model] | None
    kind: str  # in `"X" argument is not a valid <kind>`
    plural: str  # in generated help texts
    example: str  # a target for generated examples
    sort: bool = False  # OSes and environments come back sorted by name

    @property
    def letter(self) -> str:
        return LETTERS[self.name]


SCOPES = {
    "global": Scope("global", None, "", "", ""),
    "os": Scope("os", m.OS, "OS", "OSes", "redhat", sort=True),
    "appliance": Scope("appliance", m.Appliance, "appliance", "appliances", "backend"),
    "environment": Scope("environment", m.Environment, "environment", "environments", "test",
                         sort=True),
    "host": Scope("host", m.Host, "host", "hosts", "backend-0-0"),
}
GLOBAL = SCOPES["global"]
# What the global command reads to act at another scope (Stacki's spelling;
# the wrappers are the documented way, so usage lines leave it out).
SCOPE = Param("scope", types.choice(*SCOPES, case=True, invalid="is not valid"), hidden=True,
              help="The scope: global (default), os, appliance, environment or host.")


def target_q(scope: Scope, targets: Sequence[Any]) -> Q:
    """Rows of a Scoped model stored at these targets."""
    if scope.name == "global":
        return Q(scope="global")
    return Q(scope=scope.name, **{f"{scope.name}__in": targets})


def target_fields(scope: Scope, target: Any) -> dict[str, Any]:
    """The scope fields of a new Scoped row at `target`."""
    fields: dict[str, Any] = {"scope": scope.name}
    if target is not None:
        fields[scope.name] = target
    return fields


def target_id(scope: Scope) -> str:
    """The column naming a row's target (the primary key at global scope)."""
    return "id" if scope.name == "global" else f"{scope.name}_id"


def scoped_rows(model: type[models.Model], scope: Scope, targets: list,
                **match: Any) -> Iterator[models.QuerySet]:
    """Queries for the rows stored at these targets, one per batch of
    targets: a command over many hosts never builds an oversized statement."""
    if scope is GLOBAL:
        yield model._default_manager.filter(target_q(scope, targets), **match)
        return
    for batch in batches(targets, IN_LIMIT):
        yield model._default_manager.filter(target_q(scope, batch), **match)


def delete_rows(model: type[models.Model], scope: Scope, targets: list, **match: Any) -> None:
    for rows in scoped_rows(model, scope, targets, **match):
        rows.delete()


def target_ids(scope: Scope, targets: list) -> set[int | None]:
    return {None} if scope is GLOBAL else {t.id for t in targets}


def holders(model: type[models.Model], scope: Scope, targets: list,
            **match: Any) -> set[int | None]:
    """The targets (ids; None at global scope) holding a row like `match`."""
    found: set[int | None] = set()
    for rows in scoped_rows(model, scope, targets, **match):
        if scope is GLOBAL:
            found |= {None} if rows.exists() else set()
        else:
            found |= set(rows.values_list(target_id(scope), flat=True))
    return found


class ScopedCommand(Command):
    """A command for the global scope that also runs at the other scopes."""

    # Set by the wrappers; None: the global command, which reads `scope=`.
    scope: ClassVar[str | None] = None
    # How the wrappers take their targets: "required" {x ...}, "optional"
    # [x ...] or "single" [x].
    target_arg: ClassVar[str] = "required"
    # A wrapper given no target says `"x" argument is required` (else the
    # anonymous `argument is required`, as `remove ... attr` does).
    named_target: ClassVar[bool] = True
    # Parameters only the host wrapper declares (e.g. syncnow).
    host_params: ClassVar[tuple[Param, ...]] = ()
    # Help of the wrappers: formatted with {scope}, {plural} and {example}.
    wrapper_doc: ClassVar[str] = ""
    wrapper_examples: ClassVar[tuple[Example, ...]] = ()

    @classmethod
    def arg_for(cls, scope: Scope) -> Arg:
        help_text = f"Names of {scope.plural}." if cls.target_arg != "single" else \
            f"Which {scope.plural} (names or patterns); all when omitted."
        return Arg(scope.name, optional=cls.target_arg != "required",
                   repeat=cls.target_arg != "single", help=help_text)

    @classmethod
    def extra_params(cls) -> tuple[Param, ...]:
        return (SCOPE,) if cls.scope is None else ()

    @classmethod
    def params_for(cls, scope: Scope) -> tuple[Param, ...]:
        return cls.params + (cls.host_params if scope.name == "host" else ())

    # --- running ----------------------------------------------------------
    def scope_of(self, params: Params) -> Scope:
        return SCOPES[self.scope or params.typed("scope") or "global"]

    def wrapper_needs_target(self, args: list[str]) -> None:
        """A wrapper run without targets names what is missing."""
        if self.scope and self.named_target and not args:
            raise errors.ArgRequired(self.scope)

    def require_targets(self, scope: Scope, args: list[str]) -> None:
        if scope.name != "global" and not args:
            raise errors.ArgRequired()

    def write_targets(self, args: list[str], params: Params) -> tuple[Scope, list]:
        """The scope and targets of a command that adds or removes rows."""
        self.wrapper_needs_target(args)
        scope = self.scope_of(params)
        self.require_targets(scope, args)
        return scope, self.targets(scope, args, required=True)

    def targets(self, scope: Scope, args: list[str], *, required: bool = False) -> list:
        """The target objects of `args` ([None] at global scope); no args: all
        targets. `required`: hosts expanding to nothing are an error."""
        if scope.name == "global":
            if args:
                raise errors.CommandError("Arguments are not allowed at the global scope.")
            return [None]
        if scope.name == "host":
            return self.hosts(args, required=required)
        return select_objects(scope.model, args, scope.kind, sort=scope.sort, alias=scope.name)


class ScopedRemove(ScopedCommand):
    """Remove rows named by one parameter; each target must hold one."""

    model: ClassVar[type[models.Model]]
    param: ClassVar[str]  # the parameter naming the row
    field: ClassVar[str]  # the field it is matched with
    missing: ClassVar[str]  # the error, formatted with the parameter's value

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        match = {self.field: params.require(self.param)}
        if holders(self.model, scope, targets, **match) != target_ids(scope, targets):
            raise errors.CommandError(self.missing.format(*match.values()))
        delete_rows(self.model, scope, targets, **match)


def derive(base: type[ScopedCommand], namespace: dict[str, Any]) -> None:
    """Add the os/appliance/environment/host wrappers of `base` to a module."""
    verb, *noun = base.path.split()
    for scope in SCOPES.values():
        if scope is GLOBAL:
            continue
        words = [verb, scope.name, *noun]
        name = "".join(w.capitalize() for w in words)
        fields = {"scope": scope.name, "plural": scope.plural, "example": scope.example}
        namespace[name] = type(name, (base,), {
            "__module__": namespace["__name__"],
            "__doc__": base.wrapper_doc.format(**fields),
            "path": " ".join(words),
            "scope": scope.name,
            "args": (base.arg_for(scope),),
            "params": base.params_for(scope),
            "examples": tuple(Example(e.command.format(**fields), e.text.format(**fields))
                              for e in base.wrapper_examples),
            "related": (base.path,),
        })
