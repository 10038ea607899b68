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


def write_ods(path: Path) -> Path:
    """The start of an OpenDocument spreadsheet as LibreOffice saves one: its first part
    names the media type."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", "<office:document-content/>")
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
