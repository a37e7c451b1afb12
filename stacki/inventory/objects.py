"""Selecting named objects (appliance, box, environment, os, network) by
SQL-LIKE patterns, as cli.md §5.5 describes."""

from __future__ import annotations

from typing import Any

from stacki import errors
from stacki.inventory.patterns import like

ALIASES = {"os": {"centos": "redhat"}}


def select_objects(model: Any, args: list[str], kind: str, *, sort: bool = False,
                   alias: str | None = None) -> list[Any]:
    """Objects named by `args` (all when none); unknown → `"X" argument is not a valid <kind>`.

    Results come in argument order, each argument's matches in creation order,
    or sorted by name and de-duplicated when `sort` is true.
    """
    everything = list(model.objects.order_by("id"))
    if not args:
        return sorted(everything, key=lambda o: o.name) if sort else everything
    chosen: list[Any] = []
    for arg in args:
        name = ALIASES.get(alias or "", {}).get(arg.lower(), arg)
        matches = like(name)
        found = [o for o in everything if matches(o.name)]
        if not found:
            raise errors.ArgNotFound(arg, kind)
        chosen += [o for o in found if o not in chosen]
    return sorted(chosen, key=lambda o: o.name) if sort else chosen
