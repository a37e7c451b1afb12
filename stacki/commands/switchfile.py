"""Switch spreadsheets: load switchfile and report switchfile.

A switchfile holds switches and their own interfaces, one row per
interface: name, rack, rank, model, interface, ip, mac, network, username,
password (Stacki's columns). The model is the switch's `component.model`
attribute, the user name and password its `switch_username` and
`switch_password` (shadow) attributes.
"""

from __future__ import annotations

from collections.abc import Sequence

from stacki import errors
from stacki.commands.spreadsheet import (
    FILE,
    PROCESSOR,
    cells,
    csv_text,
    file_param,
    keep,
    read_rows,
    require_columns,
)
from stacki.commands.switch import select_switches
from stacki.framework.command import Command, Example, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory import switches as sw
from stacki.inventory.attrs import resolve

HEADER = ["NAME", "RACK", "RANK", "MODEL", "INTERFACE", "IP", "MAC", "NETWORK", "USERNAME",
          "PASSWORD"]
REQUIRED = ["name", "model", "ip", "mac", "interface", "rack", "rank", "network"]
# Stacki reads these lower-cased.
LOWERED = ("name", "model", "ip", "mac", "interface", "network")
SWITCH_COLUMNS = ("rack", "rank", "model", "username", "password")
USERNAME, PASSWORD, MODEL = "switch_username", "switch_password", "component.model"


class Sheet:
    """A switch of the file: its first row's line, its own values and its interface rows."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.values: dict[str, str] = {}
        self.nics: list[tuple[int, dict[str, str]]] = []


def parse(path: str) -> dict[str, Sheet]:
    """The file's switches by name, in file order, checked row by row."""
    rows = read_rows(path)
    header = [cell.strip().lower() for cell in rows[0][1]] if rows else []
    require_columns(header, REQUIRED)
    sheets: dict[str, Sheet] = {}
    for line, row in rows[1:]:
        values = {k: v for k, v in cells(header, line, row) if v.strip()}
        values = {k: v.lower() if k in LOWERED else v for k, v in values.items()}
        for column, value in values.items():
            if any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise errors.CommandError(
                    f'line {line}: "{column}" must not contain control characters')
        name = values.get("name")
        if not name:
            raise errors.CommandError(f'line {line}: empty switch name found in "name" column')
        sheet = sheets.get(name)
        if sheet is None:
            sheet = sheets[name] = Sheet(line)
            if not values.get("model"):
                raise errors.CommandError(
                    f'line {line}: empty model name found in "model" column')
        for column in SWITCH_COLUMNS:
            value, first = values.get(column), sheet.values.get(column)
            if value is not None and first is not None and value != first:
                raise errors.CommandError(
                    f'line {line}: switch "{name}" has {column} "{first}" on line {sheet.line}')
            if value is not None:
                sheet.values[column] = value
        nic = {k: values[k] for k in ("interface", "ip", "mac", "network") if k in values}
        if nic:
            sheet.nics.append((line, nic))
    return sheets


class LoadSwitchfile(Command):
    """Load switches and their interfaces from a CSV spreadsheet.

    The columns name, model, ip, mac, interface, rack, rank and network are
    required; username and password are optional. One row per interface of a
    switch; the switch's own columns may be left empty after its first row.
    Switches that do not exist are added; those that do get the file's rack,
    rank and model and exactly the file's interfaces. The whole file is
    applied or nothing is: an error names the line. The file is kept under
    /export/stack/spreadsheets.
    """

    path = "load switchfile"
    params = (FILE, PROCESSOR)
    examples = (Example("load switchfile file=switches.csv",
                        "Loads the switches of switches.csv."),)
    related = ("report switchfile", "list switch")

    def run(self, args: list[str], params: Params) -> None:
        path = file_param(params)
        sheets = parse(path)
        kinds = dict(m.Host.objects.filter(name__in=list(sheets))
                     .values_list("name", "appliance__name"))
        for name, sheet in sheets.items():
            if kinds.get(name, sw.SWITCH_APPLIANCE) != sw.SWITCH_APPLIANCE:
                raise errors.CommandError(
                    f'line {sheet.line}: host "{name}" exists and is not a switch')
        # The commands below check every value; the command's one transaction
        # undoes the rows before a failing one.
        for name, sheet in sheets.items():
            self.load(name, sheet, exists=name in kinds)
        keep(path)

    def step(self, line: int, words: Sequence[str]) -> None:
        try:
            self.call(list(words))
        except errors.StackError as exc:
            raise errors.CommandError(f"line {line}: {exc.message}") from None

    def load(self, name: str, sheet: Sheet, exists: bool) -> None:
        values, line = sheet.values, sheet.line
        place = [f"{k}={values[k]}" for k in ("rack", "rank") if k in values]
        if not exists:
            self.step(line, ["add", "host", name, "appliance=switch", *place])
        else:
            for word in place:
                key = word.split("=", 1)[0]
                self.step(line, ["set", "host", key, name, word])
            self.step(line, ["remove", "host", "interface", name, "all=true"])
        self.step(line, ["set", "host", "attr", name, f"attr={MODEL}",
                         f"value={values['model']}"])
        for column, attr, shadow in (("username", USERNAME, "false"),
                                     ("password", PASSWORD, "true")):
            if column in values:
                self.step(line, ["set", "host", "attr", name, f"attr={attr}",
                                 f"value={values[column]}", f"shadow={shadow}"])
        for nic_line, nic in sheet.nics:
            self.step(nic_line, ["add", "host", "interface", name,
                                 *(f"{k}={v}" for k, v in nic.items())])


class ReportSwitchfile(Command):
    """Print the switches and their interfaces as a CSV spreadsheet that
    `load switchfile` reads back (the password only for admins)."""

    path = "report switchfile"
    examples = (Example("report switchfile > switches.csv", "Saves every switch."),)
    related = ("load switchfile",)

    def run(self, args: list[str], params: Params) -> Table:
        switches = select_switches([])
        attrs = resolve(switches, shadow=self.ctx.admin, const=False, pattern="*")
        nics: dict[int, list[tuple]] = {s.id: [] for s in switches}
        for row in (m.Interface.objects.filter(host__appliance__name=sw.SWITCH_APPLIANCE)
                    .order_by("device", "id")
                    .values_list("host_id", "device", "ip", "mac", "network__name")):
            nics[row[0]].append(row[1:])
        rows: list[list] = [HEADER]
        for s in switches:
            mine = attrs[s.id]
            model, user, password = (mine.get(a) for a in (MODEL, USERNAME, PASSWORD))
            secrets = [user.value if user else None, password.value if password else None]
            for nic in nics[s.id] or [(None,) * 4]:
                rows.append([s.name, s.rack, s.rank, model.value if model else None, *nic,
                             *secrets])
                secrets = [None, None]
        return report([csv_text(rows)])
