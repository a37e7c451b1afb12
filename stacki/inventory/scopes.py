"""What is stored at scopes, read for many hosts at once (cli.md §6).

Attributes, routes and firewall rules live at the global, os, appliance,
environment or host scope. A host sees the union of its scopes, the most
specific one winning per key (attr name, route address, rule name): one
query per kind of row, whatever the number of hosts, then one pass in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from stacki.inventory import models as m

# Highest priority first.
PRIORITY = ("host", "environment", "os", "appliance", "global")
# The one-letter `source` column of host routes and firewall rules.
LETTERS = {"global": "G", "os": "O", "appliance": "A", "environment": "E", "host": "H"}
# With more targets than this, a scope is read whole and filtered in Python
# rather than through an `IN (...)` list: parameter counts stay bounded on
# every database and the query count stays flat.
IN_LIMIT = 500
TARGET_FIELDS = ("scope", "os_id", "appliance_id", "environment_id", "host_id")
_TARGET_INDEX = {"os": 1, "appliance": 2, "environment": 3, "host": 4}


_GLOBAL = ("global", None)


def host_targets(host: m.Host) -> tuple[tuple[str, int | None], ...]:
    """The (scope, target id) pairs a host sees, lowest priority first.

    `host` needs box loaded (hosts from host selection have it).
    """
    environment = host.environment_id
    if environment is None:
        return (_GLOBAL, ("appliance", host.appliance_id), ("os", host.box.os_id),
                ("host", host.id))
    return (_GLOBAL, ("appliance", host.appliance_id), ("os", host.box.os_id),
            ("environment", environment), ("host", host.id))


def placement(host: m.Host) -> tuple[int, int, int | None]:
    """The host's appliance, box and environment ids: hosts that share them
    share every scope below their own.

    Read from the instance's fields: the foreign key attributes are data
    descriptors, a Python call each, which shows over every host of a
    listing."""
    fields = vars(host)
    try:
        return fields["appliance_id"], fields["box_id"], fields["environment_id"]
    except KeyError:  # deferred fields: Django loads them
        return host.appliance_id, host.box_id, host.environment_id


def scope_filter(scope: str, ids: Iterable[int | None] | None) -> Q:
    """Rows stored at `scope` for the targets `ids` (None: every target)."""
    if scope == "global":
        return Q(scope="global")
    if ids is None:
        return Q(scope=scope)
    ids = set(ids)
    if len(ids) > IN_LIMIT:
        return Q(scope=scope)
    return Q(scope=scope, **{f"{scope}_id__in": ids})


def stored_rows(model: type[models.Model], wanted: dict[str, set | None], fields: Iterable[str],
                extra: Q | None = None, ordered: bool = True
                ) -> dict[tuple[str, int | None], list[tuple]]:
    """Rows of a Scoped model for the wanted targets of each scope, in one
    query, grouped by (scope, target id) in creation order (unless not
    `ordered`: for callers that read at most one row per target).

    `wanted` maps a scope to target ids (None: all targets of that scope).
    """
    whole = [scope for scope, ids in wanted.items() if ids is None or scope == "global"]
    if len(whole) == len(PRIORITY):
        query = Q()  # every target of every scope: no need to name them
    else:
        query = Q(scope__in=whole) if whole else Q(pk__in=[])
        for scope, ids in wanted.items():
            if scope not in whole and ids:
                query |= scope_filter(scope, ids)
    if extra is not None:
        query &= extra
    rows = m.rows_of(model, *TARGET_FIELDS, *fields,
                     order=("id",) if ordered else ()).filter(query)
    return grouped_rows(rows, wanted)


def grouped_rows(rows: Iterable[tuple], wanted: dict[str, set | None]
             ) -> dict[tuple[str, int | None], list[tuple]]:
    """Rows of TARGET_FIELDS + fields by (scope, target id), those of
    targets not wanted left out."""
    grouped: dict[tuple[str, int | None], list[tuple]] = defaultdict(list)
    for row in rows:
        scope = row[0]
        target = None if scope == "global" else row[_TARGET_INDEX[scope]]
        ids = wanted.get(scope)
        if scope != "global" and ids is not None and target not in ids:
            continue  # the scope was read whole (IN_LIMIT)
        grouped[(scope, target)].append(row[5:])
    return grouped


def for_hosts(queryset: models.QuerySet, hosts: list[m.Host],
              field: str = "host_id") -> models.QuerySet:
    """`queryset` narrowed to the hosts, unless they are many (IN_LIMIT):
    callers then pick their hosts' rows out of the whole table."""
    if len(hosts) > IN_LIMIT:
        return queryset
    return queryset.filter(**{f"{field}__in": [h.id for h in hosts]})


def wanted_for(hosts: Iterable[m.Host]) -> dict[str, set | None]:
    wanted: dict[str, set | None] = {scope: set() for scope in PRIORITY}
    for host in hosts:
        for scope, target in host_targets(host):
            wanted[scope].add(target)
    return wanted


def resolve_rows(model: type[models.Model], hosts: list[m.Host], fields: tuple[str, ...],
                 key: int = 0, extra: Q | None = None) -> dict[int, dict[Any, tuple[str, tuple]]]:
    """For each host, the rows it sees keyed by `fields[key]`, the most
    specific scope winning: {host id: {key: (scope, row)}}."""
    grouped = stored_rows(model, wanted_for(hosts), fields, extra)
    result: dict[int, dict[Any, tuple[str, tuple]]] = {}
    for host in hosts:
        seen: dict[Any, tuple[str, tuple]] = {}
        for scope, target in host_targets(host):
            for row in grouped.get((scope, target), ()):
                seen[row[key]] = (scope, row)
        result[host.id] = seen
    return result
