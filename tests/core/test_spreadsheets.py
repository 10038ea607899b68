"""Exported cells that a spreadsheet would run as formulas are written as text."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from marsad.core.spreadsheets import csv_row, formula_like, xlsx_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.org","x")', True),
        ("+cmd|' /C calc'!A0", True),
        ("@SUM(A1:A2)", True),
        ("-2+3", True),
        ("\t=1+1", True),
        ("-5", False),  # plain numbers stay numbers
        ("+20", False),
        ("-0.25", False),
        ("1e5", False),
        ("محمد أحمد", False),
        ("", False),
        (12, False),
        (None, False),
    ],
)
def test_what_a_spreadsheet_would_run(value, expected):
    assert formula_like(value) is expected


def test_csv_cells_are_shown_not_run():
    text = io.StringIO()
    csv.writer(text).writerow(csv_row(["=1+1", "-5", "سعاد", 3]))
    assert next(csv.reader(io.StringIO(text.getvalue()))) == ["'=1+1", "-5", "سعاد", "3"]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_keep_the_text_as_written_and_hold_no_formula(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("rows") if write_only else workbook.active
    sheet.append(xlsx_row(sheet, ['=HYPERLINK("http://example.org","x")', "-5", 7]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(name) for name in sheets)
    rows = list(load_workbook(buffer).worksheets[0].iter_rows(values_only=True))
    assert rows == [('=HYPERLINK("http://example.org","x")', "-5", 7)]
