"""Member files for import tests: households (one row per person) and aid deliveries."""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HOUSEHOLD_HEADER = [
    "رقم الأسرة",
    "الاسم رباعي",
    "الرقم القومى",
    "النوع",
    "تاريخ الميلاد",
    "صلة القرابة",
    "المحافظة",
    "العنوان",
]
#: Three good households (five people), then three bad ones.
HOUSEHOLD_ROWS: list[list[object]] = [
    [
        "H-1",
        "محمد أحمد علي الشافعي",
        "28208151304597",
        "ذكر",
        "15/08/1982",
        "رب الأسرة",
        "المنيا",
        "شارع النيل",
    ],
    ["H-1", "فاطمة حسن محمود السيد", "", "أنثى", "1986-02-01", "زوجة", "المنيا", ""],
    [
        "H-2",
        "سعيد محمود عبدالرحمن المصري",
        "",
        "ذكر",
        "٠١/٠٣/١٩٧٠",
        "رب الأسرة",
        "Cairo",
        "حي الزيتون",
    ],
    ["H-2", "منى سعيد محمود المصري", "", "انثى", "2001-05-09", "ابنة", "Cairo", ""],
    ["H-3", "كريم حسين عبدالرحمن الجمال", "", "M", "1971-03-02", "head", "01", ""],
    # H-4: an unreadable birth date on its second row
    ["H-4", "طارق إبراهيم عبدالرحمن حسن", "", "ذكر", "1972-03-03", "رب الأسرة", "سوهاج", ""],
    ["H-4", "هند طارق إبراهيم حسن", "", "أنثى", "32/13/2005", "ابنة", "سوهاج", ""],
    # H-5: an unknown governorate and an unknown relation
    ["H-5", "هشام يوسف عبدالرحمن علي", "", "ذكر", "1973-04-04", "جار", "أتلانتس", ""],
    # H-6: a malformed national ID (registration's own check)
    ["H-6", "وليد مصطفى عبدالرحمن سالم", "1234", "ذكر", "1974-05-05", "رب الأسرة", "أسيوط", ""],
]


def write_csv(
    path: Path,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    encoding="utf-8-sig",
    delimiter=",",
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


#: What a PDF starts with: binary data, no table.
PDF_START = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 8 >>\nstream\n\x00\x01\x02\x03"


def write_xls(
    path: Path,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> Path:
    """An Excel 97-2003 workbook (.xls): dates formatted as dates, numbers as numbers, and
    `merged` ranges (first row, last row, first column, last column; 0-based, the header
    is row 0) holding the value written in their first row."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    spans = {(top, left): (bottom, right) for top, bottom, left, right in merged}
    covered = {
        (row, column)
        for top, bottom, left, right in merged
        for row in range(top, bottom + 1)
        for column in range(left, right + 1)
    }
    for number, values in enumerate([list(header), *map(list, rows)]):
        for column, value in enumerate(values):
            style = date_style if isinstance(value, datetime.date) else xlwt.Style.default_style
            if (number, column) in spans:
                bottom, right = spans[number, column]
                sheet.write_merge(number, bottom, column, right, value, style)
            elif (number, column) not in covered and value not in ("", None):
                sheet.write(number, column, value, style)
    workbook.save(str(path))
    return path


def write_ods(
    path: Path,
    header: Sequence[object] = (),
    rows: Sequence[Sequence[object]] = (),
    *,
    sheets: Sequence[str] = ("Sheet1",),
) -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves one, with the rows on its first
    sheet (text, numbers and dates typed as such) and the other sheets named in `sheets`
    holding one text cell each."""
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if isinstance(value, datetime.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="'
                f'{value.isoformat()}"><text:p>{value.isoformat()}</text:p></table:table-cell>'
            )
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        if value in ("", None):
            return "<table:table-cell/>"
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )

    def table(name: str, table_rows: Sequence[Sequence[object]]) -> str:
        body = "".join(
            "<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
            for row in table_rows
        )
        return f'<table:table table:name="{escape(name)}">{body}</table:table>'

    tables = table(sheets[0], [list(header), *map(list, rows)]) + "".join(
        table(name, [[name]]) for name in sheets[1:]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def households_csv(tmp_path: Path, rows=None, name="households.csv") -> Path:
    return write_csv(tmp_path / name, HOUSEHOLD_HEADER, HOUSEHOLD_ROWS if rows is None else rows)


def households_xlsx(tmp_path: Path, rows=None, name="households.xlsx") -> Path:
    return write_xlsx(tmp_path / name, HOUSEHOLD_HEADER, HOUSEHOLD_ROWS if rows is None else rows)


def many_households(count: int) -> list[list[object]]:
    """`count` one-person households that do not resemble each other."""
    rows = []
    for n in range(count):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=137 * n)
        rows.append(
            [
                f"M-{n}",
                f"رجل{n} بن{n} جد{n} عائلة{n}",
                "",
                "ذكر",
                born.isoformat(),
                "رب الأسرة",
                "الجيزة",
                "",
            ]
        )
    return rows
