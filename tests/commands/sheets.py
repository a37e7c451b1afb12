"""The `sheet` fixture of the spreadsheet tests: write CSV lines to a file,
get the `file=` parameter naming it."""

from collections.abc import Callable

import pytest


def sheet_fixture(default_name: str) -> Callable:
    @pytest.fixture
    def sheet(tmp_path):
        def write(*lines: str, name: str = default_name, raw: bytes | None = None) -> str:
            path = tmp_path / name
            path.write_bytes(raw if raw is not None else "\n".join(lines).encode() + b"\n")
            return f"file={path}"

        return write

    return sheet
