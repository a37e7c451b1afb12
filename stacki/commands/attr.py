"""Attributes at every scope: set/add/remove/list attr and their os,
appliance, environment and host wrappers (cli.md §6), attribute docs."""

from __future__ import annotations

from typing import Any, ClassVar

from stacki import errors
from stacki.commands.scoped import (
    GLOBAL,
    Scope,
    ScopedCommand,
    derive,
    scoped_rows,
)
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import attrs
from stacki.inventory import models as m
from stacki.inventory.attr_store import store_attrs
from stacki.inventory.batches import batches

COMMON = "_common_"
# What every scope's `list attr` reads; usage lines show only attr (and display
# at host scope), as Stacki's do.
LISTING_PARAMS = (
    Param("var", "boolean", hidden=True, help="List stored attributes. Default true."),
    Param("const", "boolean", hidden=True, help="List intrinsic attributes. Default true."),
    Param("resolve", "boolean", hidden=True,
          help="At host scope: resolve through every scope. Default true."),
)
SHADOW = Param("shadow", "boolean", hidden=True, help="List shadow attributes too. Default true.")
ATTR = Param("attr", help="A glob of the attribute names to list.")
DISPLAY = Param("display", help="all (default), common or distinct.")


class AttrWriter(ScopedCommand):
    """What set, add and remove attr share: one path for every scope."""

    overwrite: ClassVar[bool] = True
    multiline = frozenset({"value"})

    def store(self, args: list[str], params: Params, value: str | None = None) -> None:
        self.wrapper_needs_target(args)
        name = params.typed("attr")
        value = params.typed("value") if value is None else value
        scope = self.scope_of(params)
        self.require_targets(scope, args)
        if value and not attrs.is_plain(name):
            raise errors.CommandError(f'invalid attr name "{name}"')
        targets = self.targets(scope, args, required=True)
        match = attrs.name_matcher(name)
        doomed = [pk for rows in scoped_rows(m.Attribute, scope, targets)
                  for pk, attr in rows.values_list("id", "name") if match(attr)]
        if doomed and not self.overwrite:
            raise errors.CommandError(f'attr "{name}" already exists')
        if value:
            store_attrs(scope.name, {getattr(t, "id", None): {name: value} for t in targets},
                        shadow=params.flag("shadow"))
            return
        for batch in batches(doomed):
            m.Attribute.objects.filter(id__in=batch).delete()


class SetAttr(AttrWriter):
    """Set a global attribute.

    Any attribute of that name at the scope is replaced, shadow or not. With
    shadow=true the value is a secret only admins can read. An empty value
    removes the attribute; then the name may be a glob.
    """

    path = "set attr"
    params = (
        Param("attr", optional=False, empty_ok=True, help="Name of the attribute (a glob when removing)."),
        Param("value", optional=False, empty_ok=True, help="Value of the attribute; empty removes it."),
        Param("shadow", "boolean", help="Store a shadow (secret) value. Default false."),
    )
    examples = (Example("set attr attr=ssh.use_dns value=False",
                        "Sets ssh.use_dns to False for every host."),)
    related = ("list attr", "remove attr")
    wrapper_doc = """Set an attribute of one or more {plural}.

    Any attribute of that name at those {plural} is replaced, shadow or not.
    With shadow=true the value is a secret only admins can read.
    """
    wrapper_examples = (Example("set {scope} attr {example} attr=ssh.use_dns value=True",
                                "Sets ssh.use_dns for {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        self.store(args, params)


class AddAttr(SetAttr):
    """Add a global attribute; it must not exist yet.

    With shadow=true the value is a secret only admins can read.
    """

    path = "add attr"
    overwrite = False
    examples = (Example("add attr attr=time.protocol value=ntp",
                        "Adds the global attribute time.protocol."),)
    wrapper_doc = """Add an attribute to one or more {plural}; it must not exist there yet.

    With shadow=true the value is a secret only admins can read.
    """
    wrapper_examples = (Example("add {scope} attr {example} attr=rsh value=False",
                                "Adds the attribute rsh to {example}."),)


class RemoveAttr(AttrWriter):
    """Remove global attributes. The name may be a glob (attr=* removes all);
    removing a missing attribute is not an error."""

    path = "remove attr"
    params = (Param("attr", optional=False, empty_ok=True, help="Name or glob of the attributes."),)
    target_arg = "optional"
    named_target = False
    examples = (Example("remove attr attr=ssh.use_dns", "Removes the global ssh.use_dns."),)
    related = ("set attr", "list attr")
    wrapper_doc = """Remove attributes of one or more {plural}. The name may be a glob."""
    wrapper_examples = (Example("remove {scope} attr {example} attr=rsh",
                                "Removes the attribute rsh of {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        self.store(args, params, value="")


class ListAttr(ScopedCommand):
    """List the global attributes, the intrinsic (const) ones included.

    Shadow attributes are listed for admins only.
    """

    path = "list attr"
    params = (
        Param("attr", help="A glob of the attribute names to list."),
        Param("shadow", "boolean", help="List shadow attributes too. Default true."),
    )
    target_arg = "single"
    examples = (Example("list attr attr=Kickstart_*", "Lists the global Kickstart attributes."),)
    related = ("set attr", "list attr doc")
    wrapper_doc = """List the attributes of {plural}.

    At host scope each host's attributes are resolved: host, then
    environment, OS, appliance and global values, with the intrinsic ones
    on top. display=common lists what all the hosts share, display=distinct
    the rest.
    """
    wrapper_examples = (Example("list {scope} attr {example}", "Lists the attributes of {example}."),)

    @classmethod
    def extra_params(cls) -> tuple[Param, ...]:
        if cls.scope is None:  # the global command also lists other scopes (scope=)
            hidden: tuple[Param, ...] = (*LISTING_PARAMS, DISPLAY._replace(hidden=True))
        elif cls.scope == "host":
            hidden = (*LISTING_PARAMS, SHADOW)
        else:
            hidden = (*LISTING_PARAMS, SHADOW, ATTR._replace(hidden=True))
        return (*super().extra_params(), *hidden)

    @classmethod
    def params_for(cls, scope: Scope) -> tuple[Param, ...]:
        if scope.name != "host":
            return ()
        return (ATTR, DISPLAY)

    def run(self, args: list[str], params: Params) -> Table:
        scope = self.scope_of(params)
        targets = self.targets(scope, args)
        options: dict[str, Any] = {
            "shadow": params.flag("shadow", True) and self.ctx.admin,
            "var": params.flag("var", True),
            "const": params.flag("const", True),
            "pattern": params.value("attr"),
        }
        if scope.name == "host" and params.flag("resolve", True):
            found = attrs.resolve(targets, **options)
        else:
            found = attrs.unresolved(scope.name, targets, **options)
        names: dict[int | None, str] = {None: ""} if scope is GLOBAL else {t.id: t.name for t in targets}
        by_owner = {names[key]: values for key, values in found.items()}
        display = params.value("display", "all") if scope.name == "host" else "all"
        if display in ("common", "distinct"):
            rows = displayed(by_owner, display)
        else:
            rows = attr_rows(by_owner)
        header = ["" if scope is GLOBAL else scope.name, "scope", "type", "attr", "value"]
        return Table(header, rows, trim_owner=scope is GLOBAL)


def attr_rows(by_owner: dict[str, dict[str, attrs.Attr]],
              skip: frozenset[str] = frozenset()) -> list[tuple]:
    """Rows sorted by owner, then attribute name (plain string order)."""
    # Attr fields by position: this builds one row per host and attribute.
    return [(owner, a[1], a[2], name, a[0])
            for owner in sorted(by_owner)
            for name, a in sorted(by_owner[owner].items()) if name not in skip]


def displayed(by_owner: dict[str, dict[str, attrs.Attr]], display: str) -> list[tuple]:
    """display=common: the (name, value) pairs every host shares; distinct:
    each host's other attributes."""
    if not by_owner:
        return []
    pairs = [{(name, str(a.value)) for name, a in values.items()} for values in by_owner.values()]
    common = set.intersection(*pairs)
    if display == "distinct":
        return attr_rows(by_owner, frozenset(name for name, _ in common))
    first = next(iter(by_owner.values()))
    return [(COMMON, None, None, name, first[name].value) for name, _ in sorted(common)]


class ListAttrDoc(Command):
    """List the documentation of attributes."""

    path = "list attr doc"
    params = (Param("attr", help="A glob of the attribute names."),)
    examples = (Example("list attr doc attr=ssh.*", "Lists the docs of the ssh attributes."),)
    related = ("set attr doc",)

    def run(self, args: list[str], params: Params) -> Table:
        match = attrs.name_matcher(params.value("attr"))
        docs = sorted((a, d) for a, d in m.AttrDoc.objects.values_list("attr", "doc") if match(a))
        return Table(["attr", "doc"], docs)


class SetAttrDoc(Command):
    """Set the documentation of an attribute; an empty doc removes it.

    The attribute must be set (not as shadow) at some scope.
    """

    path = "set attr doc"
    multiline = frozenset({"doc"})
    params = (
        Param("attr", optional=False, empty_ok=True, help="Name of the attribute."),
        Param("doc", optional=False, empty_ok=True, help="The documentation text; empty removes it."),
    )
    examples = (Example('set attr doc attr=ssh.use_dns doc="Let sshd look up client names."',
                        "Documents ssh.use_dns."),)
    related = ("list attr doc", "set attr")

    def run(self, args: list[str], params: Params) -> None:
        name, doc = params.typed("attr"), params.typed("doc")
        if not m.Attribute.objects.filter(name=name, shadow=False).exists():
            raise errors.CommandError("Cannot set documentation for a non-existant attribute")
        m.AttrDoc.objects.filter(attr=name).delete()
        if doc:
            m.AttrDoc.objects.create(attr=name, doc=doc)


derive(SetAttr, globals())
derive(AddAttr, globals())
derive(RemoveAttr, globals())
derive(ListAttr, globals())
