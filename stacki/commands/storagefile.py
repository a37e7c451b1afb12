"""Storage spreadsheets: load and report storage_controller and
storage_partition (also spelled `load storage controller|partition`).

Each row's NAME is `global`, an appliance, an OS, an environment or a host
(a name or a selection such as a:backend); an empty NAME repeats the row
above. The whole file is checked before anything changes; an error names
the line (and the column). Every target named in the file gets exactly the
file's rows, replacing what it had; the file is kept with its history under
/export/stack/spreadsheets. The reports print what is stored in the form
the loaders read, so that report | load | report is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from stacki import errors
from stacki.commands.spreadsheet import (
    PROCESSOR,
    REQUIRED_FILE,
    cells,
    csv_text,
    file_param,
    keep,
    progress,
    read_rows,
)
from stacki.framework.command import Command, Example, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory import storage
from stacki.inventory.hostsel import all_hosts

Target = tuple[str, Any]  # (scope, target id; None at the global scope)
CONTROLLER_HEADER = ("NAME", "SLOT", "RAID LEVEL", "ARRAY ID", "ENCLOSURE", "ADAPTER", "OPTIONS")
PARTITION_HEADER = ("NAME", "DEVICE", "PARTID", "MOUNTPOINT", "SIZE", "TYPE", "OPTIONS")
SIZE_WORDS = {"recommended": -1, "hibernation": -2}
MD = re.compile(r"md[0-9]+")
DISK = re.compile(r"xvd[a-z]+|[shv]d[a-z]+|nvme[0-9]+n[0-9]+")


def fail(text: str) -> errors.CommandError:
    return errors.CommandError(text)


class Names:
    """NAME cells to targets: global, appliances, OSes, environments, then
    hosts (case-insensitive names, else host selections)."""

    def __init__(self, cmd: Command) -> None:
        self.cmd = cmd
        self.named: dict[str, Target] = {}
        for scope, model in (("environment", m.Environment), ("os", m.OS),
                             ("appliance", m.Appliance)):
            self.named.update({name: (scope, pk) for pk, name in
                               model.objects.values_list("id", "name")})
        self.named["global"] = ("global", None)
        self.hosts = {name.lower(): pk for pk, name in m.Host.objects.values_list("id", "name")}
        self.seen: dict[str, list[Target]] = {}

    def targets(self, name: str, line: int) -> list[Target]:
        if name not in self.seen:
            self.seen[name] = self.lookup(name, line)
        return self.seen[name]

    def lookup(self, name: str, line: int) -> list[Target]:
        if name in self.named:
            return [self.named[name]]
        if name.lower() in self.hosts:
            return [("host", self.hosts[name.lower()])]
        try:
            hosts = self.cmd.hosts([name])
        except errors.StackError:
            hosts = []
        if not hosts:
            raise fail(f'Cannot find host "{name}" at line {line}')
        return [("host", h.id) for h in hosts]


def sheet(path: str, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The lower-cased header and the data rows; the required columns must be there."""
    rows = read_rows(path)
    header = [cell.strip().lower() for cell in rows[0][1]] if rows else []
    missing = sorted(set(required) - set(header))
    if missing:
        raise fail("the following required fields are not present in the input file: "
                   + ", ".join(missing))
    return header, rows[1:]


def row_cells(header: list[str], line: int, row: list[str]) -> dict[str, str]:
    """A row's non-empty cells by column; every value one printable line."""
    values = {}
    for column, cell in cells(header, line, row):
        if any(ord(c) < 32 or ord(c) == 127 for c in cell):
            raise fail(f'the "{column}" column has a control character at line {line}')
        if cell.strip():
            values[column] = cell.strip()
    return values


def number(column: str, value: str | None, line: int, minimum: int = 0) -> int | None:
    if value is None:
        return None
    try:
        found = int(value)
    except ValueError:
        raise fail(f'{column} "{value}" must be an integer at line {line}') from None
    if found < minimum:
        raise fail(f'{column} "{found}" must be >= {minimum} at line {line}')
    return found


def named_rows(header: list[str], rows: Iterable[tuple[int, list[str]]]
               ) -> Iterable[tuple[int, str, bool, dict[str, str]]]:
    """(line, name, whether the row names it, cells): an empty NAME repeats the last."""
    name = ""
    for line, row in rows:
        values = row_cells(header, line, row)
        given = "name" in values
        name = values.get("name", name)
        if not name:
            raise fail('empty host name found in "name" column')
        yield line, name, given, values


# --- controllers -----------------------------------------------------------------

class Array:
    """The rows of one array of one target, as the sheet gives them."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.raid: str | None = None
        self.slots: list[int] = []
        self.rows: list[dict[str, Any]] = []
        self.shared: dict[str, Any] = {}  # adapter, enclosure, options: for rows leaving them out


def parse_controllers(header: list[str], rows: Iterable, names: Names
                      ) -> dict[Target, dict[int, Array]]:
    found: dict[Target, dict[int, Array]] = {}
    for line, name, _, values in named_rows(header, rows):
        word = values.get("slot")
        slot = -1 if word == "*" else number("slot", word, line)
        raid = values.get("raid level", "").lower() or None
        array = array_number(values.get("array id"), line)
        own = {"adapter": number("adapter", values.get("adapter"), line),
               "enclosure": number("enclosure", values.get("enclosure"), line),
               "options": values.get("options")}
        for column, value in (("slot", slot), ("raid level", raid), ("array id", array)):
            if value is None:
                raise fail(f'empty value found for "{column}" column at line {line}')
        for target in names.targets(name, line):
            group = found.setdefault(target, {}).setdefault(array, Array(line))
            add_controller(group, slot, raid, own, line)
    return found


def array_number(value: str | None, line: int) -> int | None:
    if value is not None and value.lower() in ("global", "*"):
        return -1 if value.lower() == "global" else -2
    return number("array id", value, line, minimum=1)


def add_controller(group: Array, slot: int, raid: str, own: dict[str, Any], line: int) -> None:
    if slot == -1 and raid not in ("0", "1"):
        raise fail(f'raid level must be "0" or "1" when slot is "*". See line {line}')
    if slot in group.slots:
        shown = "*" if slot == -1 else slot
        raise fail(f'duplicate slot "{shown}" found in the spreadsheet at line {line}')
    if raid != "hotspare":
        group.raid = group.raid or raid
        if raid != group.raid:
            raise fail(f'RAID level mismatch "{raid}" found in the spreadsheet at line {line}')
    group.slots.append(slot)
    group.shared.update({k: v for k, v in own.items() if v is not None})
    group.rows.append({"slot": slot, "raidlevel": storage.HOTSPARE if raid == "hotspare" else raid,
                       "line": line, **own})


def controller_rows(arrays: dict[int, Array]) -> list[dict[str, Any]]:
    """A target's rows to store, arrays in Stacki's order (numbers, then global and *)."""
    rows, taken = [], set()
    for array in sorted(arrays, key=lambda a: (a < 0, a if a > 0 else -a)):
        group = arrays[array]
        if array == -1 and not any(r["raidlevel"] == storage.HOTSPARE for r in group.rows):
            raise fail(f'array id "global" has no hotspares at line {group.line}')
        for row in group.rows:
            stored = {"arrayid": array, "slot": row["slot"], "raidlevel": row["raidlevel"]}
            for key, default in (("adapter", -1), ("enclosure", -1), ("options", "")):
                value = row[key] if row[key] is not None else group.shared.get(key)
                stored[key] = default if value is None else value
            spec = (stored["adapter"], stored["enclosure"], stored["slot"])
            if spec in taken:
                raise fail('disk specification for "{}/{}/{}" already exists at line {}'.format(
                    *spec, row["line"]))
            taken.add(spec)
            rows.append(stored)
    return rows


# --- partitions ------------------------------------------------------------------

def parse_partitions(header: list[str], rows: Iterable, names: Names
                     ) -> dict[Target, list[dict[str, Any]]]:
    found: dict[Target, list[dict[str, Any]]] = {}
    seen: dict[Target, set] = {}
    auto, last = 0, None
    for line, name, given, values in named_rows(header, rows):
        # Unnumbered partitions count from 1 within each run of rows of one NAME.
        auto = 1 if given and name != last else auto + 1
        last = name
        row = partition_row(values, line)
        row["partid"] = row["partid"] or auto
        row["line"] = line
        for target in names.targets(name, line):
            key = (row["device"], row["mountpoint"])
            if row["mountpoint"] is not None and key in seen.setdefault(target, set()):
                raise fail(f'partition specification for device "{key[0]}" and mount point '
                           f'"{key[1]}" already exists at line {line}')
            seen[target].add(key)
            found.setdefault(target, []).append(row)
    return found


def partition_row(values: dict[str, str], line: int) -> dict[str, Any]:
    for column in ("device", "size"):
        if column not in values:
            raise fail(f'empty value found for "{column}" column at line {line}')
    mountpoint = values.get("mountpoint")
    size = values["size"].lower()
    if size in SIZE_WORDS:
        if mountpoint != "swap":
            raise fail(f'size "{values["size"]}" is only valid for the swap mountpoint '
                       f"at line {line}")
        size_number = SIZE_WORDS[size]
    else:
        size_number = number("size", values["size"], line)
    return {"device": values["device"].lower(), "mountpoint": mountpoint, "size": size_number,
            "fstype": values["type"].lower() if "type" in values else None,
            "options": values.get("options", ""),
            "partid": number("partid", values.get("partid"), line) or 0}


def check_layout(rows: list[dict[str, Any]]) -> None:
    """Stacki's sanity checks of one target's partitions: software RAID
    devices name their level and members, logical volumes have names,
    volume groups are made of physical volumes, and every device is known.
    Errors name the line of the partition at fault."""
    kinds: dict[str, set] = {"raid": set(), "lvm": set(), "volgroup": set()}
    by_device: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["fstype"] in kinds:
            kinds[row["fstype"]].add(row["mountpoint"])
        by_device.setdefault(row["device"], []).append(row)
    known = set()
    for device, parts in by_device.items():
        if MD.fullmatch(device):
            for part in parts:
                check_software_raid(device, part, kinds["raid"])
            known.add(device)
        elif DISK.fullmatch(device):
            known.add(device)
        elif device in kinds["volgroup"]:
            for part in parts:
                if "--name=" not in part["options"]:
                    raise fail(f'missing "--name" option for LVM partition '
                               f'"{part["mountpoint"]}" at line {part["line"]}')
            known.add(device)
        else:
            for part in parts:
                if part["fstype"] == "volgroup":
                    if device not in kinds["lvm"]:
                        raise fail(f'device "{device}" not defined for volgroup '
                                   f'"{part["mountpoint"]}" at line {part["line"]}')
                    known.add(device)
    unknown = sorted(set(by_device) - known)
    if unknown:
        line = min(by_device[device][0]["line"] for device in unknown)
        raise fail(f"unknown device(s) detected: {','.join(unknown)} at line {line}")


def check_software_raid(device: str, row: dict[str, Any], members: set) -> None:
    where = f'software raid device "{device}" at line {row["line"]}'
    if not row["options"]:
        raise fail(f"missing options for {where}")
    parts = row["options"].split()
    if not parts[0].startswith("--level=RAID"):
        raise fail(f'missing "--level=RAID" option for {where}')
    for part in parts[1:]:
        if part not in members:
            raise fail(f'device "{part}" not defined for {where}')


# --- commands --------------------------------------------------------------------

class LoadStorage_controller(Command):
    """Load storage controller configuration from a CSV spreadsheet.

    Columns: NAME, SLOT, RAID LEVEL and ARRAY ID are required; ENCLOSURE,
    ADAPTER and OPTIONS are optional (given on one row of an array, they
    apply to the array's rows that leave them empty). SLOT may be `*` (RAID
    level 0 or 1); RAID LEVEL `hotspare` makes a hot spare of the array, or
    a global one with ARRAY ID `global`.
    """

    path = "load storage_controller"
    params = (REQUIRED_FILE, PROCESSOR)
    examples = (Example("load storage_controller file=controller.csv",
                        "Loads the controller configuration of controller.csv."),)
    related: ClassVar[tuple[str, ...]] = ("report storage_controller", "list host storage controller")

    def run(self, args: list[str], params: Params) -> None:
        path = file_param(params)
        header, rows = sheet(path, ("name", "slot", "raid level", "array id"))
        arrays = parse_controllers(header, progress(self.ctx, rows, desc="Loading spreadsheet",
                                                    unit="row"), Names(self))
        storage.replace(m.StorageController,
                        {target: controller_rows(groups) for target, groups in arrays.items()})
        keep(path)


class LoadStorageController(LoadStorage_controller):
    """Load storage controller configuration from a CSV spreadsheet (the
    same as `load storage_controller`)."""

    path = "load storage controller"
    examples = (Example("load storage controller file=controller.csv",
                        "Loads the controller configuration of controller.csv."),)
    related = ("load storage_controller",)


class LoadStorage_partition(Command):
    """Load storage partition configuration from a CSV spreadsheet.

    Columns: NAME, DEVICE and SIZE are required; PARTID, MOUNTPOINT, TYPE
    and OPTIONS are optional. Partitions without a PARTID are numbered by
    their row within their NAME. Each target's layout is checked as a whole:
    software RAID devices (mdN) need --level=RAID... and member partitions
    of type raid, logical volumes need --name=, volume groups need
    physical volumes of type lvm, and other devices must be disks.
    """

    path = "load storage_partition"
    params = (REQUIRED_FILE, PROCESSOR)
    examples = (Example("load storage_partition file=partition.csv",
                        "Loads the partition configuration of partition.csv."),)
    related: ClassVar[tuple[str, ...]] = ("report storage_partition", "list host storage partition")

    def run(self, args: list[str], params: Params) -> None:
        path = file_param(params)
        header, rows = sheet(path, ("name", "device", "size"))
        found = parse_partitions(header, progress(self.ctx, rows, desc="Loading spreadsheet",
                                                  unit="row"), Names(self))
        layouts: dict[tuple, list[dict[str, Any]]] = {}
        for target, parts in found.items():
            signature = tuple(tuple(sorted(p.items())) for p in parts)
            if signature not in layouts:  # a layout shared by many hosts is checked once
                check_layout(parts)
                layouts[signature] = parts
        storage.replace(m.StoragePartition, {target: [{k: v for k, v in p.items() if k != "line"}
                                                      for p in parts]
                                             for target, parts in found.items()})
        keep(path)


class LoadStoragePartition(LoadStorage_partition):
    """Load storage partition configuration from a CSV spreadsheet (the
    same as `load storage_partition`)."""

    path = "load storage partition"
    examples = (Example("load storage partition file=partition.csv",
                        "Loads the partition configuration of partition.csv."),)
    related = ("load storage_partition",)


def report_targets(model: type) -> list[tuple[str, list[tuple]]]:
    """(NAME, shown rows) of every target holding rows of `model`, in order:
    global, OSes, appliances, environments (by name), hosts (cluster order)."""
    found = []
    for scope, sorter in (("global", None), ("os", m.OS), ("appliance", m.Appliance),
                          ("environment", m.Environment)):
        stored = storage.stored_at(model, scope, None)
        if scope == "global":
            found += [("global", stored[None])] if stored.get(None) else []
            continue
        names = dict(sorter.objects.values_list("id", "name"))
        found += sorted(((names[t], rows) for t, rows in stored.items()), key=lambda p: p[0])
    stored = storage.stored_at(model, "host", None)
    if stored:
        found += [(h.name, stored[h.id]) for h in all_hosts() if h.id in stored]
    return found


def as_cells(rows: list[tuple]) -> list[list]:
    return [["" if value is None else value for value in row] for row in rows]


class ReportStorage_controller(Command):
    """Print the stored storage controller configuration as a CSV
    spreadsheet that `load storage_controller` reads back."""

    path = "report storage_controller"
    examples = (Example("report storage_controller > controller.csv",
                        "Saves the controller configuration of every scope."),)
    related = ("load storage_controller",)

    def run(self, args: list[str], params: Params) -> Table:
        rows: list[list] = [list(CONTROLLER_HEADER)]
        for name, stored in report_targets(m.StorageController):
            # stored: enclosure, adapter, slot, raidlevel, arrayid, options
            rows += as_cells([(name, r[2], r[3], r[4], r[0], r[1], r[5]) for r in stored])
        return report([csv_text(rows)]) if len(rows) > 1 else report([])


class ReportStorage_partition(Command):
    """Print the stored storage partition configuration as a CSV
    spreadsheet that `load storage_partition` reads back."""

    path = "report storage_partition"
    examples = (Example("report storage_partition > partition.csv",
                        "Saves the partition configuration of every scope."),)
    related = ("load storage_partition",)

    def run(self, args: list[str], params: Params) -> Table:
        rows: list[list] = [list(PARTITION_HEADER)]
        for name, stored in report_targets(m.StoragePartition):
            # stored: device, partid, mountpoint, size, fstype, options
            rows += as_cells([(name, r[0], r[1], r[2], r[3], r[4], r[5]) for r in stored])
        return report([csv_text(rows)]) if len(rows) > 1 else report([])
