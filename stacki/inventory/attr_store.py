"""The one way attributes are written, at any scope."""

from __future__ import annotations

from collections.abc import Mapping

from stacki.inventory import models as m
from stacki.inventory.batches import batches


def store_attrs(scope: str, wanted: Mapping[int | None, Mapping[str, str]],
                shadow: bool = False, keep_empty: bool = False) -> None:
    """Replace attributes at one scope.

    `wanted` maps each target id (None at the global scope) to names and
    values: every such name is removed from its target, whatever its kind
    (var or shadow), then the non-empty values are stored (every value with
    `keep_empty`: the seed data holds a few empty ones).
    """
    column = None if scope == "global" else f"{scope}_id"
    # Targets naming the same attributes share their DELETEs.
    groups: dict[frozenset[str], list[int | None]] = {}
    for target, values in wanted.items():
        if values:
            groups.setdefault(frozenset(values), []).append(target)
    for names, ids in groups.items():
        doomed = m.Attribute.objects.filter(scope=scope, name__in=sorted(names))
        if column is None:
            doomed.delete()
            continue
        for batch in batches(ids):
            doomed.filter(**{f"{column}__in": batch}).delete()
    m.Attribute.objects.bulk_create(
        [m.Attribute(scope=scope, name=name, value=value, shadow=shadow,
                     **({} if column is None else {column: target}))
         for target, values in wanted.items() for name, value in values.items() if value or keep_empty],
        batch_size=500)
