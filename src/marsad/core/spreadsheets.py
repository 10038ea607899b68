"""Files that people open in a spreadsheet: text that must stay text.

A cell written by a member ("=HYPERLINK(...)", "+cmd|...", "@SUM(...)") would run as a
formula when an exported file is opened in Excel or LibreOffice. Exports write such text so
that it is shown, never run: in CSV with a leading apostrophe (which spreadsheets show as
text, and which the imports remove again from IDs and phones), in XLSX as a text cell.
Plain numbers ("-5", "+20") are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: What makes a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def formula_like(value: object) -> bool:
    """Text that a spreadsheet would read as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and _NUMBER.fullmatch(value) is None
    )


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer`: formula-like text behind an apostrophe."""
    return ["'" + value if formula_like(value) else value for value in values]


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` (openpyxl, any mode): formula-like text as a text cell,
    exactly as written (openpyxl would store text starting with "=" as a formula)."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
