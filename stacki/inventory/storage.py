"""Storage configuration: how stored controller and partition rows read in
listings, spreadsheets and dumps, and which of them apply to each host.

A host's storage is not merged row by row like attributes or routes: the
most specific scope holding any controller (or partition) rows for the host
supplies all of them (host > environment > os > appliance > global), as a
disk layout only makes sense whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from stacki.inventory import models as m
from stacki.inventory import scopes

CONTROLLER = ("enclosure", "adapter", "slot", "raidlevel", "arrayid", "options")
PARTITION = ("device", "partid", "mountpoint", "size", "fstype", "options")
HOTSPARE = "-1"  # the raidlevel of a hot spare
ARRAY_WORDS = {-1: "global", -2: "*"}
SIZE_WORDS = {-1: "recommended", -2: "hibernation"}
FIELDS = {m.StorageController: CONTROLLER, m.StoragePartition: PARTITION}


def controller_row(enclosure: int, adapter: int, slot: int, raidlevel: str, arrayid: int,
                   options: str) -> tuple:
    """A stored controller row as users see it (Stacki's list output)."""
    return (None if enclosure == -1 else enclosure, None if adapter == -1 else adapter,
            "*" if slot == -1 else slot, "hotspare" if raidlevel == HOTSPARE else raidlevel,
            ARRAY_WORDS.get(arrayid, arrayid), options.strip('"'))


def partition_row(device: str, partid: int, mountpoint: str | None, size: int,
                  fstype: str | None, options: str) -> tuple:
    return (device, partid or None, mountpoint, SIZE_WORDS.get(size, size), fstype, options)


def controller_key(row: tuple) -> tuple:
    """Stored rows by enclosure, adapter, slot ("any" and "*" first)."""
    return row[0], row[1], row[2]


def partition_key(row: tuple) -> tuple:
    """Stored rows by device, partid, size, fstype (no fstype first)."""
    return row[0], row[1], row[3], row[4] is not None, row[4] or ""


KEYS: dict[Any, Callable[[tuple], tuple]] = {m.StorageController: controller_key,
                                             m.StoragePartition: partition_key}
SHOW: dict[Any, Callable[..., tuple]] = {m.StorageController: controller_row,
                                         m.StoragePartition: partition_row}


def shown(model: Any, rows: list[tuple]) -> list[tuple]:
    """Stored rows (in FIELDS order) sorted and as users see them."""
    show = SHOW[model]
    return [show(*row) for row in sorted(rows, key=KEYS[model])]


def stored_at(model: Any, scope: str, ids: list[int] | None
              ) -> dict[int | None, list[tuple]]:
    """The shown rows stored at each target of `scope` (None: the global
    scope; `ids` None: every target), in one query."""
    wanted: dict[str, set | None] = {scope: None if ids is None else set(ids)}
    grouped = scopes.stored_rows(model, wanted, FIELDS[model], ordered=False)
    return {target: shown(model, rows) for (_, target), rows in grouped.items()}


def resolve(model: Any, hosts: list[m.Host]) -> dict[int, tuple[str, list[tuple]]]:
    """For each host, the scope its storage comes from and the shown rows
    ("" and no rows when nothing applies), in one query for all hosts."""
    grouped = scopes.stored_rows(model, scopes.wanted_for(hosts), FIELDS[model], ordered=False)
    cache: dict[tuple[str, int | None], list[tuple]] = {}
    result: dict[int, tuple[str, list[tuple]]] = {}
    for host in hosts:
        result[host.id] = ("", [])
        for target in reversed(scopes.host_targets(host)):
            rows = grouped.get(target)
            if rows:
                if target not in cache:
                    cache[target] = shown(model, rows)
                result[host.id] = (target[0], cache[target])
                break
    return result


def discovered(hosts: list[m.Host], fields: tuple[str, ...]) -> dict[int, list[tuple]]:
    """Each host's reported partitions (by device), in one query."""
    found: dict[int, list[tuple]] = defaultdict(list)
    rows = scopes.for_hosts(m.HostPartition.objects.all(), hosts)
    for host_id, *row in rows.order_by("device", "id").values_list("host_id", *fields):
        found[host_id].append(tuple(row))
    return found


def dump_lists(scope: str, ids: list[int] | None) -> dict[int | None, dict[str, list[dict]]]:
    """The `controller` and `partition` lists of each target, as `dump` writes them."""
    lists: dict[int | None, dict[str, list[dict]]] = defaultdict(
        lambda: {"controller": [], "partition": []})
    for model, name in ((m.StorageController, "controller"), (m.StoragePartition, "partition")):
        for target, rows in stored_at(model, scope, ids).items():
            lists[target][name] = [dict(zip(FIELDS[model], row)) for row in rows]
    return lists


def replace(model: Any, rows: dict[tuple[str, int | None], list[dict[str, Any]]]
            ) -> None:
    """Make `rows` (by (scope, target id)) all that is stored at those
    targets: one DELETE per scope and batch of targets, then bulk inserts."""
    by_scope: dict[str, list[int | None]] = defaultdict(list)
    for scope, target in rows:
        by_scope[scope].append(target)
    for scope, targets in by_scope.items():
        doomed = model.objects.filter(scope=scope)
        if scope == "global":
            doomed.delete()
            continue
        for start in range(0, len(targets), scopes.IN_LIMIT):
            doomed.filter(**{f"{scope}_id__in": targets[start:start + scopes.IN_LIMIT]}).delete()
    model.objects.bulk_create(
        [model(scope=scope, **({} if target is None else {f"{scope}_id": target}), **fields)
         for (scope, target), items in rows.items() for fields in items], batch_size=500)
