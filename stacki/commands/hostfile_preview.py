"""`load hostfile preview=true`: every row's problem at once, nothing written.

`load hostfile` stops at the first problem; a preview checks each host's
rows on their own (so that one bad row does not hide the next), then, when
no row is wrong, the whole file as the load would (what spans hosts, like an
address used twice). The checks are the load's own (hostfile_plan)."""

from __future__ import annotations

from collections import defaultdict

from stacki import errors
from stacki.commands import hostfile_plan as plan
from stacki.commands.spreadsheet import cells, read_rows, require_columns
from stacki.framework.output import Table

HEADER = ["line", "name", "interface", "ip", "mac", "network", "error"]


def preview(path: str) -> Table:
    rows = read_rows(path)
    header = [cell.lower() for cell in rows[0][1]] if rows else []
    require_columns(header, plan.REQUIRED)
    inv = plan.Inventory()
    problems: dict[int, str] = {}
    values: dict[int, dict] = {}
    for line, row in rows[1:]:
        try:
            values[line] = plan.read_cells(cells(header, line, row))
        except errors.StackError as exc:
            problems[line] = exc.message
    for lines in _by_host(values).values():
        _check_host(lines, values, inv, problems)
    whole = ""
    if not problems:
        try:
            hosts = plan.only_this_boss(plan.parse(rows[0][1], rows[1:], inv))
            plan.check(hosts, inv)
            plan.check_writes(hosts, inv)
        except errors.StackError as exc:
            whole = exc.message
    table = [(str(line), *_shown(values.get(line, {}), row, header), problems.get(line))
             for line, row in rows[1:]]
    if whole:
        table.append(("", None, None, None, None, None, whole))
    return Table(HEADER, table)


def _by_host(values: dict[int, dict]) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = defaultdict(list)
    for line, cells_ in values.items():
        lines[str(cells_.get("name") or "")].append(line)
    return lines


def _check_host(lines: list[int], values: dict[int, dict], inv: plan.Inventory,
                problems: dict[int, str]) -> None:
    hosts: dict[str, plan.HostPlan] = {}
    for line in lines:
        try:
            plan.add_row(hosts, values[line], inv)
        except errors.StackError as exc:
            problems[line] = exc.message
            return
    try:
        hosts = plan.only_this_boss(hosts)
        plan.check(hosts, inv)
        plan.check_writes(hosts, inv)
    except errors.StackError as exc:
        problems[lines[0]] = exc.message


def _shown(cells_: dict, row: list[str], header: list[str]) -> list:
    """The row's identifying cells: as read, or as written when unreadable."""
    raw = dict(zip(header, row))
    return [cells_.get(c, raw.get(c) or None) if cells_ else (raw.get(c) or None)
            for c in ("name", "interface", "ip", "mac", "network")]
