"""What commands return, and the one renderer for every output format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence


@dataclass
class Table:
    """Rows of (owner, col1, col2, ...) under a header of lower-case names.

    `header=None` makes the JSON keys col-0, col-1, ... . `trim_owner` drops
    the owner column in text when every row has the same owner.
    """

    header: Sequence[str | None] | None
    rows: list[Sequence[Any]] = field(default_factory=list)
    trim_owner: bool = False
    show_header: bool = True


@dataclass
class Text:
    """Verbatim text (dump, help, load scripts): output-format has no effect."""

    text: str


def report(lines: Sequence[str], owner: str = "") -> Table:
    """Report-style output: a header-less one-column table of text lines."""
    return Table(None, [(owner, line) for line in lines], trim_owner=True, show_header=False)


def objects(table: Table) -> list[dict[str, Any]]:
    """Rows as JSON objects (cli.md §2.1)."""
    if not table.rows:
        return []
    width = max(len(r) for r in table.rows)
    header = list(table.header) if table.header is not None else [f"col-{i}" for i in range(width)]
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


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == "None"


def _width(value: Any) -> int:
    if value is None:
        return 0
    return len(value) if isinstance(value, str) else len(repr(value))


def render_text(table: Table) -> str:
    rows = [list(r) for r in table.rows]
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    rows = [r + [None] * (ncols - len(r)) for r in rows]
    header = list(table.header) if table.header is not None else None
    if header is not None:
        header = (header + [None] * ncols)[:ncols]
    drop_owner = not any(not _empty(r[0]) for r in rows)
    if table.trim_owner and len({r[0] for r in rows}) == 1:
        drop_owner = True
    if drop_owner:
        rows = [r[1:] for r in rows]
        header = header[1:] if header is not None else None
        ncols -= 1
    if ncols <= 0:
        return ""
    show_header = table.show_header and header is not None
    head = [(h or "").upper() for h in header] if header is not None else [""] * ncols
    widths = [max(_width(r[i]) for r in rows) for i in range(ncols)]
    if show_header:
        widths = [max(w, len(h)) for w, h in zip(widths, head)]
    lines = []
    if show_header:
        lines.append(_line(head, widths, head))
    for r in rows:
        cells = []
        for i, value in enumerate(r):
            if _empty(value):
                cells.append("-" * (len(head[i]) if i == ncols - 1 else widths[i]))
            else:
                cells.append(str(value))
        lines.append(_line(cells, widths, head))
    return "\n".join(lines) + "\n"


def _line(cells: list[str], widths: list[int], head: list[str]) -> str:
    last = len(cells) - 1
    return " ".join(c if i == last else c.ljust(widths[i]) for i, c in enumerate(cells))


def render(result: Any, fmt: str | None) -> str:
    """Turn a command's result into the text the CLI prints."""
    if result is None:
        return ""
    if isinstance(result, Text):
        text = result.text
        return text if not text or text.endswith("\n") else text + "\n"
    if not result.rows:
        return ""
    fmt = fmt or "text"
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
            out += [f'{prefix}{k}="{v}"' for k, v in obj.items()]
            out.append("")
        return "\n".join(out) + "\n"
    if fmt.startswith("col:") or fmt.startswith("col-"):
        name = fmt[4:].lower()
        out = [f"{obj[k]}" for obj in objects(result) for k in obj if k.lower() == name]
        return "".join(line + "\n" for line in out)
    return render_text(result)
