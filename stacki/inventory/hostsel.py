"""Host selection expressions (cli.md §5): names, a:/e:/o:/b:/r:/g:
selectors, globs, `where` expressions, IPs, FQDNs and `localhost`."""

from __future__ import annotations

import ast
import functools
import ipaddress
import socket
from operator import itemgetter
from typing import Any, Iterable, Protocol, Sequence

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.functions import Lower

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory import patterns
from stacki.inventory.prepared import Prepared


class Caller(Protocol):
    """Who selects: admins' `where` expressions see shadow attributes."""

    admin: bool

SELECTORS = {"a": "appliance", "e": "environment", "o": "os", "b": "box", "r": "rack", "g": "group"}


# Racks and ranks repeat over the hosts: each value is parsed once.
@functools.lru_cache(maxsize=4096)
def _num(value: str) -> tuple[bool, Any]:
    try:
        return (False, int(value))
    except (TypeError, ValueError):
        return (True, value or "")


def cluster_key(host: m.Host) -> tuple:
    """Frontends by rack/rank, then the rest numerically; ties in creation order."""
    if host.appliance.name == "frontend":
        return (0, host.rack, host.rank, host.id)
    return (1, *_num(host.rack), *_num(host.rank), host.id)


def cluster_order(hosts: Iterable[m.Host]) -> list[m.Host]:
    return sorted(hosts, key=cluster_key)


_HOST_COLUMNS = m.columns_of(m.Host)
_APPLIANCE_COLUMNS = m.columns_of(m.Appliance)
_ENVIRONMENT_COLUMNS = m.columns_of(m.Environment)
_BOX_COLUMNS = m.columns_of(m.Box)
_OS_COLUMNS = m.columns_of(m.OS)
# A box row followed by its OS's row.
_BOX_OS_COLUMNS = _BOX_COLUMNS + m.columns_of(m.OS, "os__")
_CACHE_NAMES = tuple(m.Host._meta.get_field(name).cache_name  # type: ignore[union-attr]
                     for name in ("appliance", "box", "environment"))
_OS_CACHE_NAME = m.Box._meta.get_field("os").cache_name
_APPLIANCE, _BOX, _ENVIRONMENT = (_HOST_COLUMNS.index(f"{name}_id")
                                  for name in ("appliance", "box", "environment"))


def _make(model: type[Model], names: list[str], row: Sequence[Any], db: str) -> Any:
    """An instance made straight from its row, as Model.from_db would but
    without Model.__init__'s per-field descriptor work: half the cost of
    reading 10,000 hosts. It is an ordinary instance (save, relations)."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, row))
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    return obj


def host_rows() -> QuerySet:
    """Every host as a tuple of its columns; filter it and pass it to `instances`."""
    return m.rows_of(m.Host, *_HOST_COLUMNS).all()


# Read whole by every listing: compiled once (stacki.inventory.prepared).
_HOSTS = Prepared(host_rows)
_APPLIANCES = Prepared(lambda: m.rows_of(m.Appliance, *_APPLIANCE_COLUMNS))
_ENVIRONMENTS = Prepared(lambda: m.rows_of(m.Environment, *_ENVIRONMENT_COLUMNS))
_BOXES = Prepared(lambda: m.rows_of(m.Box, *_BOX_OS_COLUMNS))


def instances(rows: Iterable[Sequence[Any]], db: str = DEFAULT_DB_ALIAS) -> list[m.Host]:
    """The hosts of `rows` (of `host_rows`), each with its appliance, box
    (with OS) and environment loaded as select_related would, but shared
    between hosts and read with one small query per table: no four instances
    per host, and no joins that make the database step through a wider row
    per host."""
    rows = list(rows)
    if not rows:
        return []
    appliances = _table(m.Appliance, _APPLIANCE_COLUMNS, _APPLIANCES(using=db), db)
    # Environments are optional: no query when no host has one.
    environments = (_table(m.Environment, _ENVIRONMENT_COLUMNS, _ENVIRONMENTS(using=db), db)
                    if any(map(itemgetter(_ENVIRONMENT), rows)) else {})
    boxes: dict[int, m.Box] = {}
    oses: dict[int, m.OS] = {}
    width = len(_BOX_COLUMNS)
    for row in _BOXES(using=db):
        box = boxes[row[0]] = _make(m.Box, _BOX_COLUMNS, row, db)
        os = oses.get(row[width])
        if os is None:
            os = oses[row[width]] = _make(m.OS, _OS_COLUMNS, row[width:], db)
        box._state.fields_cache = {_OS_CACHE_NAME: os}
    appliance, box, environment = _CACHE_NAMES
    hosts = []
    for row in rows:  # type: ignore[assignment]
        host = _make(m.Host, _HOST_COLUMNS, row, db)
        # What select_related leaves, without the descriptors' per-assignment checks.
        host._state.fields_cache = {appliance: appliances.get(row[_APPLIANCE]),
                                    box: boxes.get(row[_BOX]),
                                    environment: environments.get(row[_ENVIRONMENT])}
        hosts.append(host)
    return hosts


def _table(model: type[Model], names: list[str], rows: list[tuple], db: str) -> dict[int, Any]:
    return {row[0]: _make(model, names, row, db) for row in rows}


def all_hosts(*conditions: Q, **filters: Any) -> list[m.Host]:
    """Hosts matching the conditions, in cluster order, related objects loaded."""
    if conditions or filters:
        return cluster_order(instances(host_rows().filter(*conditions, **filters)))
    return cluster_order(instances(_HOSTS()))


def select_hosts(ctx: Caller, args: list[str], required: bool = False,
                 unique: bool = False) -> list[m.Host]:
    """Expand host arguments to hosts in cluster order.

    No arguments means every host, except for commands that require hosts.
    """
    if required and not args:
        raise errors.ArgRequired("host")
    if not args:
        hosts = all_hosts()
    else:
        hosts = _expand(ctx, args)
    if required and not hosts:
        raise errors.ArgRequired("host")
    if unique and len(hosts) > 1:
        raise errors.ArgUnique("host")
    return hosts


def _kind(arg: str) -> str:
    if arg.startswith("where"):
        return "where"
    if ":" in arg:
        return "selector"
    if any(c in arg for c in "*?["):
        return "glob"
    return "name"


def _expand(ctx: Caller, args: list[str]) -> list[m.Host]:
    """One query for names, selectors and globs; `where` and the rarer forms
    (IP, FQDN, localhost) are looked at only when present."""
    kinds = [(_kind(arg), arg) for arg in args]
    names = [arg for kind, arg in kinds if kind == "name"]
    # Globs are matched here, by RE2 in linear time, not by the database's
    # regex engine (Python's re under SQLite backtracks without bound).
    globs = [patterns.glob(arg, ignore_case=True) for kind, arg in kinds if kind == "glob"]
    query = Q(lname__in={n.lower() for n in names})
    for kind, arg in kinds:
        if kind == "selector":
            query |= _selector(*arg.split(":", 1))
    found = {h.id: h for h in instances(host_rows().alias(lname=Lower("name")).filter(query))}
    if globs:
        found.update({h.id: h for h in all_hosts() if any(match(h.name) for match in globs)})
    known = {h.name.lower() for h in found.values()}
    for arg in names:
        if arg.lower() not in known:
            found.update({h.id: h for h in _other_forms(arg)})
    wheres = [arg for kind, arg in kinds if kind == "where"]
    if wheres:
        everything = all_hosts()
        for arg in wheres:
            found.update({h.id: h for h in _where(ctx, arg[len("where"):].strip(), everything)})
    return cluster_order(found.values())


def _other_forms(arg: str) -> list[m.Host]:
    """A word that is no host name: localhost, an IP or an FQDN, else an error."""
    if arg == "localhost":
        return localhost(all_hosts(appliance__name="frontend") or all_hosts())
    ids = _by_address(arg) or _by_fqdn(arg)
    if ids:
        return all_hosts(pk__in=ids)
    raise errors.CommandError(_unknown_host_message(arg))


def _selector(prefix: str, value: str) -> Q:
    field = SELECTORS.get(prefix)
    if field is None:
        return Q(pk__in=[])
    if field == "group":
        members = m.Host.groups.through.objects.filter(group__name=value).values("host_id")
        return Q(pk__in=members)
    lookup = {"appliance": "appliance__name", "environment": "environment__name",
              "os": "box__os__name", "box": "box__name", "rack": "rack"}[field]
    return Q(**{lookup: value})


def localhost(hosts: list[m.Host]) -> list[m.Host]:
    """The frontend this runs on among `hosts`: named like this machine or
    STACKI_FRONTEND_NAME, else the first frontend."""
    me = socket.gethostname().split(".")[0].lower()
    from stacki.home import frontend_name

    for name in (me, frontend_name().lower()):
        for h in hosts:
            if h.name.lower() == name:
                return [h]
    return [h for h in hosts if h.appliance.name == "frontend"][:1]


def _by_address(arg: str) -> set[int]:
    try:
        ipaddress.IPv4Address(arg)
    except ValueError:
        return set()
    return set(m.Interface.objects.filter(ip=arg).values_list("host_id", flat=True))


def _by_fqdn(arg: str) -> set[int]:
    if "." not in arg:
        return set()
    name, _, zone = arg.partition(".")
    rows = m.Interface.objects.filter(network__zone=zone).values_list("host_id", "name", "host__name")
    return {hid for hid, ifname, hname in rows
            if (ifname or "").lower() == name.lower() or hname.lower() == name.lower()}


def _unknown_host_message(name: str) -> str:
    if m.Appliance.objects.filter(name=name).exists():
        return f'use "a:{name}" for {name} appliances'
    if m.Environment.objects.filter(name=name).exists():
        return f'use "e:{name}" for hosts in the {name} environment'
    if m.OS.objects.filter(name=name).exists():
        return f'use "o:{name}" for {name} hosts'
    if m.Box.objects.filter(name=name).exists():
        return f'use "b:{name}" for hosts using the {name} box'
    if m.Group.objects.filter(name=name).exists():
        return f'use "g:{name}" for host in the {name} group'
    if name.startswith("rack"):
        return f'use "r:{name}" for hosts in {name}'
    return f'cannot resolve host "{name}"'


# --- where expressions ---------------------------------------------------

_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.Compare,
            ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
            ast.IsNot, ast.Name, ast.Load, ast.Constant, ast.Attribute, ast.List, ast.Tuple)
_TRUE = {"on", "true", "yes", "y"}
_FALSE = {"off", "false", "no", "n"}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _evaluate(node: ast.AST, attrs: dict[str, Any]) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, attrs)
    if isinstance(node, ast.BoolOp):
        values = (_evaluate(v, attrs) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        return not _evaluate(node.operand, attrs)
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, attrs)
        for op, comp in zip(node.ops, node.comparators):
            right = _evaluate(comp, attrs)
            try:
                ok = _compare(op, left, right)
            except TypeError:
                ok = False
            if not ok:
                return False
            left = right
        return True
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_evaluate(e, attrs) for e in node.elts]
    name = _dotted(node)
    value = attrs.get(name) if name is not None else None
    if isinstance(value, str):
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
    return value


def _compare(op: ast.cmpop, a: Any, b: Any) -> bool:
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    if isinstance(op, ast.GtE):
        return a >= b
    if isinstance(op, ast.In):
        return a in b
    if isinstance(op, ast.NotIn):
        return a not in b
    if isinstance(op, ast.Is):
        return a is b
    return a is not b




# A `where` expression's cost is bounded: its evaluation visits each node
# once per host, and parsing and evaluating recurse once per level.
MAX_WHERE_LENGTH = 1024
MAX_WHERE_NODES = 1024
MAX_WHERE_DEPTH = 32


def parse_where(expr: str) -> ast.Expression:
    """The checked syntax tree of a `where` expression."""
    if len(expr) > MAX_WHERE_LENGTH:
        raise errors.CommandError(f"where expression longer than {MAX_WHERE_LENGTH} characters")
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError):
        raise errors.CommandError(f'group syntax "{expr}"') from None
    except (RecursionError, MemoryError):
        tree = None
    if tree is None or not _small(tree):
        raise errors.CommandError(f"where expression too complex: at most {MAX_WHERE_NODES} "
                                  f"terms, {MAX_WHERE_DEPTH} levels deep")
    if not all(isinstance(n, _ALLOWED) for n in ast.walk(tree)):
        raise errors.CommandError(f'group syntax "{expr}"')
    return tree


def _small(tree: ast.AST) -> bool:
    """Within the node and depth limits (walked without recursion)."""
    count, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_WHERE_NODES or depth > MAX_WHERE_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return True


def _where(ctx: Caller, expr: str, hosts: list[m.Host]) -> list[m.Host]:
    tree = parse_where(expr)
    from stacki.inventory.attrs import resolve

    resolved = resolve(hosts, shadow=ctx.admin)
    chosen = []
    for h in hosts:
        attrs = {k: a.value for k, a in resolved[h.id].items()}
        if _evaluate(tree, attrs):
            chosen.append(h)
    return chosen
