"""What the spreadsheet commands share (commands.md §10): reading a CSV file
by Stacki's rules, writing CSV text, progress on a terminal, keeping a copy
of each loaded file with its history, and the `sync` that follows a load.

Reading rules: the file must be ASCII; blank rows (every cell empty or
blank) and rows whose first cell starts with `#` are skipped; cells are not
trimmed. Header handling is left to each loader.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from stacki import errors, home
from stacki.framework.command import Command, Param, Params
from stacki.framework.context import Context
from stacki.inventory.batches import batches

T = TypeVar("T")

SHEETS = "/export/stack/spreadsheets"
FILE = Param("file", help="The CSV file to read.")
REQUIRED_FILE = Param("file", optional=False, help="The CSV file to read.")
PROCESSOR = Param("processor", help="How the file is read; default is the only one (default).")


def file_param(params: Params) -> str:
    return params.require("file")


def read_text(path: str) -> str:
    """The text of a spreadsheet: ASCII only (a leading UTF-8 byte-order mark,
    as spreadsheet programs write, is tolerated)."""
    source = Path(path)
    if not source.exists():
        raise errors.CommandError(f'file "{path}" does not exist')
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise errors.CommandError(f'cannot read file "{path}": {exc.strerror}') from None
    if b"\0" in data:
        raise errors.CommandError(f'file "{path}" is not a CSV file')
    data = data.removeprefix(codecs.BOM_UTF8)
    if not data.isascii():
        raise errors.CommandError("non-ascii character in file")
    return data.decode("ascii")


def read_rows(path: str) -> list[tuple[int, list[str]]]:
    """The (line number, cells) of every row that is neither blank nor a comment."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for row in reader:
            if all(not cell.strip() for cell in row) or row[0].startswith("#"):
                continue
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise errors.CommandError(
            f'file "{path}" is not a valid CSV file (line {reader.line_num}: {exc})') from None
    return rows


def require_columns(header: Sequence[str], required: Sequence[str]) -> None:
    missing = [column for column in required if column not in header]
    if missing:
        raise errors.CommandError("the following required fields are not present in the "
                                  f'input file: "{", ".join(missing)}"')


def cells(header: Sequence[str], line: int, row: list[str]) -> list[tuple[str, str]]:
    """(column, cell) pairs of a row; extra cells must be empty."""
    if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
        raise errors.CommandError(f"line {line} has more cells than the header")
    return list(zip(header, row))


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV (\\r\\n line ends, None as an empty cell) without the final line end."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    text = out.getvalue()
    return text.removesuffix("\r\n")


def progress(ctx: Context, items: Iterable[T], **options: Any) -> Iterable[T]:
    """`items`, with a progress bar on stderr when a person is watching a terminal."""
    if not ctx.tty or ctx.api:
        return items
    from tqdm import tqdm

    return tqdm(items, file=sys.stderr, leave=False, **options)


def keep(path: str) -> Path:
    """Copy a loaded spreadsheet to $STACKI_SYSROOT/export/stack/spreadsheets and
    record the version under RCS/ (one timestamped copy per distinct content)."""
    source = Path(path)
    sheets = home.system_path(SHEETS)
    history = sheets / "RCS"
    history.mkdir(parents=True, exist_ok=True)
    target = sheets / source.name
    if not (target.exists() and target.samefile(source)):
        shutil.copyfile(source, target)
    data = target.read_bytes()
    versions = sorted(p for p in history.iterdir() if p.name.startswith(source.name + ","))
    if not versions or versions[-1].read_bytes() != data:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        (history / f"{source.name},{stamp}").write_bytes(data)
    return target


def sync(cmd: Command, hosts: list[str]) -> None:
    """`sync config` and `sync host config` for the hosts, where those commands exist.

    Their progress messages show only where the loader's progress would."""
    cmd.call(["sync", "config"], quiet=True)
    if hosts:
        cmd.call(["sync", "host", "config", *hosts], quiet=True)


def update_by_value(model: Any, field: str, values: dict[int, Any]) -> None:
    """Set `field` of each row (by id): one UPDATE per distinct value and batch."""
    by_value: dict[Any, list[int]] = {}
    for pk, value in values.items():
        by_value.setdefault(value, []).append(pk)
    for value, ids in by_value.items():
        for batch in batches(ids):
            model.objects.filter(id__in=batch).update(**{field: value})
