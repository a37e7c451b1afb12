"""Queries the ORM compiles once per database connection, then runs again
with new values.

For a small query, the ORM's compiling (resolving names and joins, quoting,
building the SQL) costs more than the database's own work: about 0.1 ms of
the 0.15 ms it takes to read the blacklist. Every web-service call makes
the same few such queries (its session, the blacklist, its audit row, and
`list host`'s four). Each of them is declared here as an ordinary queryset.
Django's compiler turns it into SQL once per connection, for that
connection's database (SQLite or PostgreSQL alike). Later calls send that SQL
with the new values through Django's cursor, and the rows go through
Django's converters, exactly as iterating the queryset would. Only the
compiling is skipped; no SQL is written by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql import InsertQuery

# Where a connection keeps its compiled queries: they die with it.
_CACHE = "stacki_prepared"
# A marker's value when the field turns it into a number: large enough that
# no constant of a query's shape takes it by chance.
_MARK_INT = 7_350_000_000_000


class _Marker:
    """Stands for the n-th value while the query compiles. The field's own
    preparation turns it into a number (int()) or a string (str()); the
    compiled parameters then show where each value goes and of which type."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __int__(self) -> int:
        return _MARK_INT + self.n

    def __str__(self) -> str:
        return f"\x1fstacki-value-{self.n}\x1f"


def _cache(connection) -> dict:
    return connection.__dict__.setdefault(_CACHE, {})


class _Plan:
    def __init__(self, query: QuerySet, arity: int, using: str) -> None:
        self.compiler = query.query.get_compiler(using)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        # (parameter position, value index, int or str) of each value.
        self.slots: list[tuple[int, int, type]] = []
        markers = [_Marker(n) for n in range(arity)]
        for position, param in enumerate(self.params):
            for marker in markers:
                if param == int(marker) or param == str(marker):
                    self.slots.append((position, marker.n, type(param)))
                elif isinstance(param, str) and str(marker) in param:
                    raise ValueError(f"{self.sql}: a lookup changes value {marker.n}; "
                                     "it cannot be prepared")
        if {n for _, n, _ in self.slots} != set(range(arity)):
            raise ValueError(f"{self.sql}: not every value reaches the query")
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(fields)

    def bind(self, values: tuple) -> list[Any]:
        params = self.params.copy()
        for position, n, kind in self.slots:
            # What the field's preparation does to an int or str value.
            params[position] = kind(values[n])
        return params


class Prepared:
    """A values_list query, compiled once per connection.

        HOSTS_NAMED = Prepared(lambda name: Host.objects.filter(name=name).values_list("id"))
        HOSTS_NAMED("backend-0-0")  # -> [(3,)]

    `build` gets a stand-in for each value; every value must reach the query
    as it is (an `exact`/`in` comparison with a text or integer column), which
    compiling checks. Calls return the rows as tuples.
    """

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self.arity = build.__code__.co_argcount

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        connection = connections[using]
        cache = _cache(connection)
        plan = cache.get(self)
        if plan is None:
            query = self.build(*(_Marker(n) for n in range(self.arity)))
            plan = cache[self] = _Plan(query, self.arity, using)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, plan.bind(values))
            rows = cursor.fetchall()
        if plan.converters:
            return list(map(tuple, plan.compiler.apply_converters(rows, plan.converters)))
        return rows


class PreparedInsert:
    """The INSERT of one row of `model`, compiled once per connection. The
    values are prepared field by field as Model.save() prepares them."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.local_concrete_fields  # type: ignore[attr-defined]
                       if f is not model._meta.auto_field and not f.generated]

    def __call__(self, row: Model, using: str = DEFAULT_DB_ALIAS) -> None:
        connection = connections[using]
        cache = _cache(connection)
        compiled = cache.get(self)
        if compiled is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [row])
            compiler = query.get_compiler(using)
            [(sql, _)] = compiler.as_sql()
            compiled = cache[self] = (compiler, sql)
        compiler, sql = compiled
        params = [compiler.prepare_value(f, compiler.pre_save_val(f, row)) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
