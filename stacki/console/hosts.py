"""The hosts table: `list host` narrowed on the server, then filtered and
paged here, so that the browser gets one page whatever the cluster's size."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stacki.console.run import Answer, command

PAGE_SIZE = 50
# Filters of the table: a column of `list host` each, but group (a selector).
COLUMNS = ("appliance", "rack", "box", "environment")
FILTERS = (*COLUMNS, "group", "q")
# The one selector the command is narrowed with, most selective first: the
# selectors of one `list host` are a union, the rest is filtered here.
SELECTORS = (("group", "g"), ("rack", "r"), ("environment", "e"), ("box", "b"),
             ("appliance", "a"))


class Page:
    def __init__(self, answer: Answer, rows: list[dict[str, Any]], number: int,
                 total: int, filters: dict[str, str]) -> None:
        self.answer, self.rows, self.number, self.total = answer, rows, number, total
        self.filters = filters
        self.pages = max(1, -(-total // PAGE_SIZE))
        self.first = (number - 1) * PAGE_SIZE + 1 if total else 0
        self.last = min(number * PAGE_SIZE, total)


def filters_of(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in FILTERS}


def words_for(filters: dict[str, str]) -> list[str]:
    """The `list host` command that selects (a superset of) the hosts shown."""
    for name, prefix in SELECTORS:
        if filters[name]:
            return ["list", "host", f"{prefix}:{filters[name]}"]
    return ["list", "host"]


def matches(row: dict[str, Any], filters: dict[str, str], text: str) -> bool:
    for column in COLUMNS:
        if filters[column] and (row.get(column) or "") != filters[column]:
            return False
    if text:
        # One string per row: list host's cells are text (or None).
        return text in "\0".join([v for v in row.values() if isinstance(v, str)]).lower()
    return True


def page(request: HttpRequest) -> Page:
    filters = filters_of(request)
    answer = command(request, *words_for(filters))
    text = filters["q"].lower()
    narrowed = text or any(filters[column] for column in COLUMNS)
    rows = [row for row in answer.rows if matches(row, filters, text)] if narrowed else answer.rows
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(number, pages)
    start = (number - 1) * PAGE_SIZE
    return Page(answer, rows[start:start + PAGE_SIZE], number, len(rows), filters)
