"""Slicing long id lists so that no `IN (...)` list nears a database's
parameter limit (SQLite's 32766 variables, PostgreSQL's 65535)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# The default slice: small enough for every engine, large enough that a
# command over 10,000 hosts still runs only a handful of statements.
BATCH = 500


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """`items` in consecutive slices of at most `size` (none for no items)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
