"""What commands return, and the one renderer for every output format."""

from __future__ import annotations

import json
from typing import Any, Sequence

from stacki import errors

FORMATS = ("text", "json", "shell", "python", "null")
FORMATS_TEXT = ", ".join(FORMATS) + " or col:NAME"


def check_format(text: str, name: str = "output-format") -> str:
    """A known output format (any case), else the error listing the known ones."""
    lowered = text.lower()
    if lowered in FORMATS or (lowered[:4] in ("col:", "col-") and len(lowered) > 4):
        return lowered
    raise errors.ParamValue(name, "one of " + FORMATS_TEXT)


class Table:
    """Rows of (owner, col1, col2, ...) under a header of lower-case names.

    `header=None` makes the JSON keys col-0, col-1, ... . `trim_owner` drops
    the owner column in text when every row has the same owner. `status` is
    the exit status after printing (non-zero: the command ran but part of
    its work failed, as `run host` on a host that failed).
    """

    status = 0

    def __init__(self, header: Sequence[str | None] | None,
                 rows: Sequence[Sequence[Any]] | None = None, trim_owner: bool = False,
                 show_header: bool = True) -> None:
        self.header = header
        # Kept as given (not copied): some commands fill the list afterwards.
        self.rows: list[Sequence[Any]] = [] if rows is None else rows  # type: ignore[assignment]
        self.trim_owner = trim_owner
        self.show_header = show_header


class Text:
    """Verbatim text (dump, help, load scripts): output-format has no effect."""

    status = 0  # as Table.status

    def __init__(self, text: str) -> None:
        self.text = text


def report(lines: Sequence[str], owner: str = "") -> Table:
    """Report-style output: a header-less one-column table of text lines."""
    return Table(None, [(owner, line) for line in lines], trim_owner=True, show_header=False)


def objects(table: Table) -> list[dict[str, Any]]:
    """Rows as JSON objects (cli.md §2.1)."""
    if not table.rows:
        return []
    if table.header is not None:
        header = list(table.header)
    else:
        header = [f"col-{i}" for i in range(max(len(r) for r in table.rows))]
    if header and all(header) and len(set(header)) == len(header):
        return _plain_objects(header, table.rows)
    result = []
    for row in table.rows:
        obj: dict[str, Any] = {}
        for i, key in enumerate(header):
            if not key:
                continue
            value = row[i] if i < len(row) else None
            if i == 0 and value is not None:
                value = str(value)
            if key in obj:
                prior = obj[key]
                obj[key] = (prior if isinstance(prior, list) else [prior]) + [value]
            else:
                obj[key] = value
        result.append(obj)
    return result


def column_names(table: Table) -> list[str]:
    """The names `col:NAME` may use: the header's, else col-0, col-1, ..."""
    if table.header is not None:
        names = [h.lower() for h in table.header if h]
    else:
        names = [f"col-{i}" for i in range(max((len(r) for r in table.rows), default=0))]
    return list(dict.fromkeys(names))


def _plain_objects(header: list[str], rows: list[Sequence[Any]]) -> list[dict[str, Any]]:
    """`objects` for a header of distinct names, the usual case: one dict
    straight from each row (the web service converts every answer)."""
    first, width = header[0], len(header)
    result = []
    for row in rows:
        obj = dict(zip(header, row))
        if len(row) < width:
            obj.update(dict.fromkeys(header[len(row):]))
        value = obj[first]
        if value is not None and type(value) is not str:
            obj[first] = str(value)
        result.append(obj)
    return result


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == "None"


def _column(values: list[Any]) -> tuple[list[str | None], int]:
    """A column's printed cells (None where it prints dashes) and its width.

    Widths measure strings by len, other values by repr, None as 0."""
    cells: list[str | None] = []
    width = 0
    for v in values:
        if v is None:
            cells.append(None)
            continue
        text = v if isinstance(v, str) else str(v)
        width = max(width, len(text) if isinstance(v, str) else len(repr(v)))
        cells.append(None if text in ("", "None") else text)
    return cells, width


def render_text(table: Table) -> str:
    rows = table.rows
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    if any(len(r) != ncols for r in rows):
        rows = [tuple(r) + (None,) * (ncols - len(r)) for r in rows]
    header = list(table.header) if table.header is not None else None
    if header is not None:
        header = (header + [None] * ncols)[:ncols]
    first = 0
    owners = [r[0] for r in rows]
    if all(_empty(o) for o in owners) or (table.trim_owner and len(set(owners)) == 1):
        first = 1
    if ncols - first <= 0:
        return ""
    show_header = table.show_header and header is not None
    head = [(h or "").upper() for h in header[first:]] if header is not None else None
    columns = []
    for i in range(first, ncols):
        cells, width = _column([r[i] for r in rows])
        if show_header:
            width = max(width, len(head[i - first]))
        columns.append((cells, width))
    last = len(columns) - 1
    # Empty cells print dashes: the column's width, or the header's length in the last column.
    printed = []
    for n, (cells, width) in enumerate(columns):
        dash = "-" * (len(head[n]) if head and n == last else 0 if n == last else width)
        if n == last:
            printed.append([dash if c is None else c for c in cells])
        else:
            printed.append([(dash if c is None else c).ljust(width) for c in cells])
    lines = [" ".join(cells) for cells in zip(*printed)]
    if show_header:
        lines.insert(0, " ".join(h if n == last else h.ljust(columns[n][1])
                                 for n, h in enumerate(head)))
    return "\n".join(lines) + "\n"


def render(result: Any, fmt: str | None) -> str:
    """Turn a command's result into the text the CLI prints."""
    if result is None:
        return ""
    if isinstance(result, Text):
        text = result.text
        return text if not text or text.endswith("\n") else text + "\n"
    if not result.rows:
        return ""
    fmt = (fmt or "text").lower()
    if fmt == "json":
        return json.dumps(objects(result), indent=8) + "\n"
    if fmt == "null":
        return ""
    if fmt == "python":
        return repr(objects(result)) + "\n"
    if fmt == "shell":
        rows = objects(result)
        out = []
        for index, obj in enumerate(rows):
            prefix = f"stack_{index}_" if len(rows) > 1 else "stack_"
            out += [f'{prefix}{k}="{"" if v is None else v}"' for k, v in obj.items()]
            out.append("")
        return "\n".join(out) + "\n"
    if fmt.startswith("col:") or fmt.startswith("col-"):
        name = fmt[4:].lower()
        columns = column_names(result)
        if name not in columns:
            raise errors.ParamError("output-format", f'names no column "{name}"; the columns are '
                                    + ", ".join(columns))
        out = [f"{obj[k]}" for obj in objects(result) for k in obj if k.lower() == name]
        return "".join(line + "\n" for line in out)
    return render_text(result)
