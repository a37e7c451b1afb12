"""Attribute spreadsheets: load, report and unload attrfile (commands.md §10).

A target is `global`, an OS, an appliance, an environment or a host (and,
when loading, `default`: a row of values for the empty cells of later host
rows). Attributes are written set-based, whatever the number of targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stacki import errors
from stacki.commands.spreadsheet import (
    FILE,
    PROCESSOR,
    REQUIRED_FILE,
    cells,
    csv_text,
    file_param,
    keep,
    read_rows,
    sync,
)
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory import patterns
from stacki.inventory.attr_store import store_attrs
from stacki.inventory.hostsel import all_hosts

CTOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
LONG = ("attrName", "attrVal")


def check_attr(name: str) -> None:
    if name.lower() == "target":
        return
    if " " in name:
        raise errors.CommandError(f'attribute "{name}" cannot have a space character')
    parts = name.split("/")
    if len(parts) > 2:
        raise errors.CommandError(f'attribute "{name}" cannot have more than one "/"')
    for token in (t for part in parts for t in part.split(".")):
        if not CTOKEN.match(token):
            raise errors.CommandError(f'attribute "{name}" contains an invalid character.\n'
                                      f'"{token}" must be a valid ctoken')


def check_value(value: str) -> None:
    if "\n" in value:
        raise errors.CommandError(f'value "{value}" cannot be multi-line')


@dataclass(frozen=True)
class Target:
    scope: str
    obj: Any  # None at the global scope

    @property
    def key(self) -> tuple[str, int | None]:
        return self.scope, getattr(self.obj, "id", None)


class Targets:
    """Target names to scopes: global, then appliances, OSes, environments, hosts."""

    def __init__(self) -> None:
        self.named = {}
        for scope, model in (("environment", m.Environment), ("os", m.OS),
                             ("appliance", m.Appliance)):
            self.named.update({o.name: Target(scope, o) for o in model.objects.all()})
        self.named["global"] = Target("global", None)
        self.hosts = {h.name.lower(): h for h in m.Host.objects.all()}

    def get(self, name: str) -> Target:
        if name in self.named:
            return self.named[name]
        host = self.hosts.get(name.lower())
        if host is None:
            raise errors.CommandError(f'cannot resolve host "{name}"')
        return Target("host", host)

    def environment(self, name: str) -> Target:
        target = self.named.get(name)
        if target is None or target.scope != "environment":
            raise errors.ArgNotFound(name, "environment")
        return target


def header_at(rows: list[tuple[int, list[str]]]) -> int:
    """Index of the header row: the first whose first cell is `target`."""
    for index, (_, row) in enumerate(rows):
        if row[0].lower() == "target":
            return index
    raise errors.CommandError("'target' must be the first column in headers")


def row_values(header: list[str], line: int, row: list[str]) -> tuple[str, dict[str, str]]:
    """A row's target and its attribute cells (empty ones included)."""
    target, values, long_name, long_value = "", {}, None, None
    for column, cell in cells(header, line, row):
        check_value(cell)
        if column.lower() == "target":
            target = cell
        elif column == LONG[0]:
            long_name = cell
        elif column == LONG[1]:
            long_value = cell
        else:
            values[column] = cell
    if long_value:
        check_attr(long_name or "")
        values[long_name] = long_value
    return target, values


class LoadAttrfile(Command):
    """Load attributes from a CSV spreadsheet.

    Rows before the header (first cell `target`) are skipped. Each row is a
    target: global, an OS, an appliance, an environment, a host, or default
    (values for the empty cells of later host rows). Columns are attribute
    names, or the pair attrName/attrVal. Every attribute named for a target
    is replaced: removed, then set where the cell has a value.
    """

    path = "load attrfile"
    params = (FILE, PROCESSOR)
    examples = (Example("load attrfile file=attrs.csv", "Loads the attributes of attrs.csv."),)
    related = ("report attrfile", "unload attrfile")

    def run(self, args: list[str], params: Params) -> None:
        path = file_param(params)
        rows = read_rows(path)
        start = header_at(rows)
        header = rows[start][1]
        for name in header:
            check_attr(name)
        targets = Targets()
        wanted, last, environment = self.collect(rows[start + 1:], header, targets)
        moves = self.moves(wanted, last, environment, targets)
        write_attrs(wanted)
        for field, hosts in moves.items():
            for value, ids in hosts.items():
                m.Host.objects.filter(id__in=ids).update(**{field: value})
        sync(self, [t.obj.name for t in wanted if t.scope == "host"])
        keep(path)

    def collect(self, rows: list, header: list[str], targets: Targets
                ) -> tuple[dict[Target, dict[str, str]], Target | None, str | None]:
        """Attributes by target; the last target; the global row's environment."""
        wanted: dict[Target, dict[str, str]] = {}
        default: dict[str, str] = {}
        last = None
        for line, row in rows:
            name, values = row_values(header, line, row)
            if name == "default":
                default = values
                continue
            target = targets.get(name)
            if target.scope == "host":
                values = {**values, **{k: v for k, v in default.items() if not values.get(k)}}
            wanted.setdefault(target, {}).update(values)
            last = target
        environment = wanted.get(targets.get("global"), {}).get("environment")
        if environment:
            env_target = targets.environment(environment)
            wanted.setdefault(env_target, {}).update(wanted.pop(targets.get("global")))
        return wanted, last, environment or None

    def moves(self, wanted: dict[Target, dict[str, str]], last: Target | None,
              environment: str | None, targets: Targets) -> dict[str, dict[Any, list[int]]]:
        """Stacki's environment quirks: a host row's environment names its box, and
        the global row's environment takes in the last host."""
        boxes = {b.name: b for b in m.Box.objects.all()}
        moves: dict[str, dict[Any, list[int]]] = {"box": {}, "environment": {}}
        for target, values in wanted.items():
            box = values.get("environment") if target.scope == "host" else None
            if box:
                if box not in boxes:
                    raise errors.ArgNotFound(box, "box")
                moves["box"].setdefault(boxes[box], []).append(target.obj.id)
        if environment and last is not None and last.scope == "host":
            env = targets.environment(environment).obj
            moves["environment"][env] = [last.obj.id]
        return moves


def write_attrs(wanted: dict[Target, dict[str, str]]) -> None:
    """For every (target, name): remove the attribute, then store the non-empty value."""
    by_scope: dict[str, dict[int | None, dict[str, str]]] = {}
    for target, values in wanted.items():
        by_scope.setdefault(target.scope, {})[target.key[1]] = values
    for scope, values_of in by_scope.items():
        store_attrs(scope, values_of)


class ReportAttrfile(Command):
    """Print the stored attributes as a CSV spreadsheet that `load attrfile`
    reads back: one row per target (global, OSes, appliances, environments,
    hosts) that has attributes, one column per attribute name.

    Shadow attributes and intrinsic ones are not reported.
    """

    path = "report attrfile"
    params = (Param("filter", help="A regular expression the attribute names must start with."),)
    examples = (Example("report attrfile > attrs.csv", "Saves every attribute."),
                Example("report attrfile filter='test\\.'",
                        "Reports only the attributes whose names start with test."))
    related = ("load attrfile",)

    def run(self, args: list[str], params: Params) -> Table:
        pattern = params.value("filter")
        try:
            regex = patterns.compile_regex(pattern) if pattern else None
        except patterns.BadPattern as exc:
            raise errors.ParamValue("filter", f"a regular expression ({exc})") from None
        stored: dict[tuple[str, int | None], dict[str, str]] = {}
        for scope, os_id, app_id, env_id, host_id, name, value in m.Attribute.objects.filter(
                shadow=False).order_by("id").values_list(
                "scope", "os_id", "appliance_id", "environment_id", "host_id", "name", "value"):
            # An empty cell means "no attribute" to load attrfile: empty values stay out.
            if value != "" and (regex is None or regex.match(name)):
                target = {"os": os_id, "appliance": app_id, "environment": env_id,
                          "host": host_id}.get(scope)
                stored.setdefault((scope, target), {})[name] = value
        names = sorted({name for values in stored.values() for name in values})
        rows: list[list] = [["target", *names]]
        for label, key in report_targets(stored):
            rows.append([label, *(stored[key].get(n) for n in names)])
        return report([csv_text(rows)]) if len(rows) > 1 else report([])


def report_targets(stored: dict) -> list[tuple[str, tuple[str, int | None]]]:
    """Targets that hold attributes, in report order."""
    order: list[tuple[str, tuple[str, int | None]]] = [("global", ("global", None))]
    for scope, model in (("os", m.OS), ("appliance", m.Appliance),
                         ("environment", m.Environment)):
        order += [(o.name, (scope, o.id)) for o in model.objects.order_by("name")]
    hosts = {key[1] for key in stored if key[0] == "host"}
    order += [(h.name, ("host", h.id)) for h in (all_hosts(id__in=hosts) if hosts else [])]
    return [(label, key) for label, key in order if key in stored]


class UnloadAttrfile(Command):
    """Remove the attributes a CSV spreadsheet names from its targets.

    The first row is the header (a target column, then attribute names);
    each row removes the attributes whose cells have a value from its target.
    """

    path = "unload attrfile"
    params = (REQUIRED_FILE, PROCESSOR)
    examples = (Example("unload attrfile file=attrs.csv",
                        "Removes the attributes listed in attrs.csv."),)
    related = ("load attrfile",)

    def run(self, args: list[str], params: Params) -> None:
        rows = read_rows(file_param(params))
        if not rows or rows[0][1][0].lower() != "target":
            raise errors.CommandError("'target' must be the first column in headers")
        header = rows[0][1]
        targets = Targets()
        doomed: dict[Target, dict[str, str]] = {}
        for line, row in rows[1:]:
            name, values = row_values(header, line, row)
            target = targets.get(name)
            doomed.setdefault(target, {}).update({k: "" for k, v in values.items() if v})
        write_attrs(doomed)
