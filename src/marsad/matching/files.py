"""Reading member spreadsheets (CSV, or workbooks: .xlsx, .xls, .ods).

Real files come from Excel in Arabic Windows: UTF-8 with or without a BOM, or Windows-1256;
comma, semicolon or tab separated; header names in any case; or workbooks, old (.xls) and
LibreOffice's (.ods) too, which are read with calamine. `table_rows` streams any such
file row by row (the bulk import reads millions of rows through it); `read_person_file`
reads a person-records file for `marsad dedupe`. A file that cannot serve as input
(unreadable, no `record_id` column, empty or repeated record ids) raises `PersonFileError`
with every problem listed; values inside rows are never a reason to reject a file.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_LISTED = 10
#: Bytes read at a time while checking the encoding, and characters sniffed for the dialect.
_CHUNK = 1 << 20
_SNIFF = 20_000
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
#: The first line Excel reads as the separator of a CSV file, and then hides ("sep=;").
_SEPARATOR_LINE = re.compile(r"\ufeff?sep=([^\r\n])\r?\n", re.IGNORECASE)
#: How a web page or an XML spreadsheet starts (systems export tables so, named ".xls").
_MARKUP = re.compile(r"\ufeff?\s*<(?:!doctype|html|table|\?xml|workbook)\b", re.IGNORECASE)
#: How an Excel 97-2003 workbook (.xls, a compound document) starts.
_OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The media type an OpenDocument spreadsheet (.ods, LibreOffice) names in its first part.
_OPENDOCUMENT_SPREADSHEET = b"application/vnd.oasis.opendocument.spreadsheet"
#: Three Arabic letters in a row: what a Windows-1256 file's bytes practically never decode
#: to as UTF-8 (each letter would need a letter byte followed by a punctuation byte).
_ARABIC_WORD = re.compile("[\u0621-\u064a]{3}")


class PersonFileError(Exception):
    """A file that cannot be read as a table. `reason` is stable, `message` is for people.

    Reasons: "missing", "unreadable", "encoding" (not text: a PDF, a picture...),
    "mixed_encoding" (`details`: the lines that are not UTF-8), "quote" (`lines`: the first
    and last line of a cell a stray quote mark left open), "csv", "xlsx", "xls", "ods",
    "expanded", "texts" (too many distinct texts to hold), "markup" (a web page or XML
    document), "password", "empty", "record_id".
    """

    def __init__(
        self,
        message: str,
        details: list[str] | None = None,
        *,
        reason: str = "unreadable",
        lines: tuple[int, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.reason = reason
        self.lines = lines  # the file's lines the problem is on, when it has a place


#: The general name, for callers that read tables other than person records.
TableFileError = PersonFileError


@dataclass(frozen=True)
class PersonFile:
    header: list[str]
    rows: list[dict[str, object]]
    lines: list[int] = field(default_factory=list)  # each row's line (spreadsheet row)
    other_sheets: list[str] = field(default_factory=list)  # sheets not read that hold values


def detect_encoding(path: Path) -> str:
    """ "utf-16" for a file that starts with a UTF-16 byte-order mark (Excel's "Unicode
    Text", tab-separated); "utf-8-sig" when the whole file is UTF-8 (BOM or not); else
    "cp1256" (Windows Arabic).

    A file that is UTF-8 up to a point, Arabic words included, and then holds bytes that are
    not (lines pasted from a file saved in another encoding) is neither: read as
    Windows-1256, every Arabic word of it would be garbled. It raises `PersonFileError`
    ("mixed_encoding") naming the lines to correct.

    Decodes incrementally, so a large file is checked without being held in memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    arabic = False  # an Arabic word read as UTF-8 before any error
    try:
        with path.open("rb") as stream:
            if stream.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                return "utf-16"
            stream.seek(0)
            while chunk := stream.read(_CHUNK):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    arabic = arabic or _has_arabic_word(
                        chunk[: error.start].decode("utf-8", "ignore")
                    )
                    raise
                arabic = arabic or _has_arabic_word(text)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if arabic:
            lines = _lines_not_utf8(path)
            listed = ", ".join(str(number) for number in lines[:MAX_LISTED])
            raise PersonFileError(
                f"{path.name} is UTF-8 text, but line(s) {listed} hold bytes that are not UTF-8 "
                "(pasted from a file saved in another encoding?); correct them or save the "
                "whole file again as CSV UTF-8.",
                [str(number) for number in lines],
                reason="mixed_encoding",
            ) from None
        return "cp1256"
    return "utf-8-sig"


def _has_arabic_word(text: str) -> bool:
    return _ARABIC_WORD.search(text) is not None


def _lines_not_utf8(path: Path) -> list[int]:
    """The numbers of the file's lines that are not UTF-8."""
    found = []
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                found.append(number)
    return found


def is_old_excel(path: Path) -> bool:
    """An Excel 97-2003 workbook (.xls), by its content whatever its name (a workbook saved
    with a password has the same container)."""
    with path.open("rb") as stream:
        return stream.read(len(_OLD_EXCEL_SIGNATURE)) == _OLD_EXCEL_SIGNATURE


def is_opendocument(path: Path) -> bool:
    """An OpenDocument spreadsheet (.ods), by its content whatever its name."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype").strip() == _OPENDOCUMENT_SPREADSHEET
    except (zipfile.BadZipFile, KeyError):
        return False


def workbook_kind(path: Path) -> str | None:
    """ "xlsx", "xls" (Excel 97-2003) or "ods" (OpenDocument) by the file's content, whatever
    its name; None for a text file."""
    if is_old_excel(path):
        return "xls"
    if is_xlsx(path):
        return "ods" if is_opendocument(path) else "xlsx"
    return None


def is_xlsx(path: Path) -> bool:
    """An Excel workbook by its name, or by its content (a ZIP) whatever its name."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return True
    with path.open("rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = detect_encoding(path)
    if encoding != "utf-16":
        with path.open("rb") as stream:
            if b"\x00" in stream.read(_SNIFF):
                # Text never holds a NUL byte: a PDF, a Word document, a picture.
                raise PersonFileError(
                    f"{path.name} is not a text file or a workbook that can be read; save "
                    "it as CSV UTF-8 or as an Excel Workbook (.xlsx).",
                    reason="encoding",
                )
    try:
        with path.open(encoding=encoding, newline="") as text:
            sample = text.read(_SNIFF)
            text.seek(0)
            if _MARKUP.match(sample):
                raise PersonFileError(
                    f"{path.name} is a web page or an XML document saved under a "
                    "spreadsheet's name (as some systems export a table); open it in Excel "
                    "and save it as an Excel Workbook (.xlsx) or as CSV UTF-8.",
                    reason="markup",
                )
            hint = _SEPARATOR_LINE.match(sample)
            if hint is not None:
                # Excel's "sep=;" line names the separator and is not a row: Excel hides it,
                # so row numbers stay the ones Excel shows.
                text.readline()
                yield from _quoted_rows(
                    csv.reader(text, csv.excel, delimiter=hint.group(1)), path, skipped=1
                )
                return
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                    sample, delimiters=",;\t"
                )
            except csv.Error:
                dialect = csv.excel
            yield from _quoted_rows(csv.reader(text, dialect), path)
    except UnicodeDecodeError as exc:  # a UTF-16 file broken off in the middle of a letter
        raise PersonFileError(
            f"{path.name} is not UTF-8, UTF-16 or Windows-1256 text.", reason="encoding"
        ) from exc


def _quoted_rows(reader: Any, path: Path, *, skipped: int = 0) -> Iterator[list[str]]:
    """The reader's rows, refusing a quote mark left open.

    A cell that starts with a quote mark runs to the next quote mark, line breaks included:
    that is how a spreadsheet writes a cell of several lines. A stray quote mark (a name
    typed as "Ahmed, or a closing mark deleted) makes the lines after it one cell, and the
    rows on them vanish. So a cell that spans lines is refused when one of its later lines
    holds a whole row's separators, or when it has more cells than any row before it
    (`_swallows_rows`): those lines are rows, not the text of one cell. Line numbers are the
    file's lines, as a text editor shows them.
    """
    delimiter = reader.dialect.delimiter
    width = 0
    last_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first, last = last_line + 1 + skipped, reader.line_num + skipped
            if "field larger than field limit" in str(exc):
                raise _open_quote(path, first, last) from exc
            raise PersonFileError(
                f"{path.name} is not a readable CSV file: {exc} (lines {first}-{last}).",
                reason="csv",
                lines=(first, last),
            ) from exc
        if reader.line_num > last_line + 1 and width > 1 and _swallows_rows(row, width, delimiter):
            raise _open_quote(path, last_line + 1 + skipped, reader.line_num + skipped)
        width = max(width, len(row))
        last_line = reader.line_num
        yield row


def _swallows_rows(row: list[str], width: int, delimiter: str) -> bool:
    """Whether a row that spans lines holds rows of its own: a later line of one of its cells
    with a whole row's separators (at least two: an address may hold one), or more cells
    than any row so far (the quote closed inside the next row, whose cells were added)."""
    if len(row) > width:
        return True
    needed = max(width - 1, 2)
    return any(line.count(delimiter) >= needed for cell in row for line in cell.splitlines()[1:])


def _open_quote(path: Path, first: int, last: int) -> PersonFileError:
    return PersonFileError(
        f'{path.name}: a quote mark (") opens a cell on line {first} that runs to line '
        f"{last}, over lines that are rows of their own; a quote mark is missing or one too "
        "many. Correct the quote marks on those lines and try again.",
        reason="quote",
        lines=(first, last),
    )


#: What a workbook may unpack to. A real sheet of a million rows is about 1 GB of XML; a
#: small file that unpacks to far more is a compression bomb, not a member's list.
XLSX_EXPANDED_MAX = 4 * 1024**3
#: The workbook's table of distinct texts, which the reader holds in memory whole (about six
#: times its size): a list of a million people with their addresses needs about 200 MB.
XLSX_SHARED_STRINGS_MAX = 384 * 1024**2
#: Merged ranges wider or taller than this are not a layout a member's list uses (a title
#: across the columns, a household's number down its people): they are left unmerged, so a
#: range covering the whole sheet cannot make every row sixteen thousand cells wide.
MERGE_MAX_COLUMNS = 64
MERGE_MAX_ROWS = 1000


def _check_expanded_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than `XLSX_EXPANDED_MAX` bytes (the
    sizes the ZIP declares, which reading them enforces)."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            texts = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.lower().endswith("sharedstrings.xml")
            )
    except (zipfile.BadZipFile, OSError) as exc:
        raise PersonFileError(
            f"Cannot open {path.name} as an Excel workbook: {exc}", reason="xlsx"
        ) from exc
    if texts > XLSX_SHARED_STRINGS_MAX:
        # The reader holds every distinct text of the workbook in memory at once.
        raise PersonFileError(
            f"{path.name} holds {texts // 1024**2:,} MB of distinct texts, more than "
            f"{XLSX_SHARED_STRINGS_MAX // 1024**2} MB; save it as CSV UTF-8 or split it.",
            reason="texts",
        )
    if expanded > XLSX_EXPANDED_MAX:
        raise PersonFileError(
            f"{path.name} unpacks to {expanded // 1024**2:,} MB, more than "
            f"{XLSX_EXPANDED_MAX // 1024**3} GB.",
            reason="expanded",
        )


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    _check_expanded_size(path)

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise PersonFileError(
            f"Cannot open {path.name} as an Excel workbook: {exc}", reason="xlsx"
        ) from exc
    try:
        try:
            merged = _merged_cells(path)
        except Exception as exc:  # a damaged or hostile sheet (defusedxml refuses entities)
            raise PersonFileError(
                f"Cannot read {path.name} as an Excel workbook: {exc}", reason="xlsx"
            ) from exc
        sheet = workbook.worksheets[0]
        # The streaming reader trusts the sheet's stated size, and writers that stream
        # their rows state it before knowing it (`<dimension ref="A1"/>`): the whole sheet
        # would read as one cell. Rows are read as they are written instead, each padded
        # to the widest row so far.
        sheet.reset_dimensions()
        yield from _with_merged_values(sheet.iter_rows(values_only=True), merged)
    finally:
        workbook.close()


Merged = dict[int, list[tuple[int, int, int]]]  # row → (top row, first, last column) covering it


def _with_merged_values(rows: Iterator[Sequence[object]], merged: Merged) -> Iterator[list[object]]:
    """The sheet's rows (numbered from 1), each padded to the widest row so far, with every
    empty cell of a merged range showing the range's top-left value."""
    width = 0
    shown: dict[tuple[int, int], object] = {}  # a merged range's top-left value
    for number, values in enumerate(rows, start=1):
        row = ["" if value is None else value for value in values]
        width = max(width, len(row))
        row.extend([""] * (width - len(row)))
        for top, left, right in merged.get(number, ()):
            if number == top:
                shown[top, left] = row[left - 1] if left <= len(row) else ""
            value = shown.get((top, left), "")
            if len(row) < right:
                row.extend([""] * (right - len(row)))
            for column in range(left, right + 1):
                if row[column - 1] == "":
                    row[column - 1] = value
        yield row


def _covering(merged: Merged, top: int, left: int, bottom: int, right: int) -> None:
    """Record a merged range (1-based, inclusive) in `merged`, unless it is as wide or tall
    as no member's layout is (see `MERGE_MAX_COLUMNS`)."""
    if right - left >= MERGE_MAX_COLUMNS or bottom - top >= MERGE_MAX_ROWS:
        return
    for number in range(top, bottom + 1):
        merged.setdefault(number, []).append((top, left, right))


_WORKBOOK_NAMES = {
    "xls": "an Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
}


#: Cells (rows × columns of the area holding values) of an .ods sheet that is read: the
#: reader holds a sheet whole, and an .ods file repeats a cell by a count, so a small file
#: can stand for billions of cells. A list of 200,000 people of 50 columns is 10 million.
ODS_CELLS_MAX = 10_000_000

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def ods_sheet_areas(path: Path) -> list[tuple[str, int, int]]:
    """(name, rows, columns) of the area holding values of each sheet of an .ods file, read
    from its XML as a stream, repeated rows and cells counted as the reader expands them."""
    from defusedxml.ElementTree import iterparse

    areas: list[tuple[str, int, int]] = []
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        name, rows, columns, row = "", 0, 0, 0
        for event, element in iterparse(content, events=("start", "end")):
            if element.tag == f"{_ODS_TABLE}table":
                if event == "start":
                    name, rows, columns, row = element.get(f"{_ODS_TABLE}name", ""), 0, 0, 0
                else:
                    areas.append((name, rows, columns))
                    element.clear()
            elif element.tag == f"{_ODS_TABLE}table-row" and event == "end":
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                column = last = 0
                for cell in element:
                    width = int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                    column += width
                    if cell.get(f"{_ODS_OFFICE}value-type") or "".join(cell.itertext()).strip():
                        last = column
                if last:
                    rows, columns = row + repeat, max(columns, last)
                row += repeat
                element.clear()
    return areas


def _check_ods_area(path: Path) -> None:
    """Refuse an .ods file whose first sheet stands for more than `ODS_CELLS_MAX` cells."""
    try:
        areas = ods_sheet_areas(path)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise PersonFileError(
            f"Cannot open {path.name} as {_WORKBOOK_NAMES['ods']}: {exc}", reason="ods"
        ) from exc
    if areas and areas[0][1] * areas[0][2] > ODS_CELLS_MAX:
        raise PersonFileError(
            f"{path.name} stands for {areas[0][1]:,} rows of {areas[0][2]:,} columns, more "
            f"than {ODS_CELLS_MAX:,} cells; save it as CSV UTF-8 or split it.",
            reason="expanded",
        )


def _open_other_workbook(path: Path, kind: str) -> Any:
    """An .xls or .ods workbook opened with calamine (which reads the whole of a sheet when
    asked for it: an .xls sheet has at most 65,536 rows of 256 columns; an .ods sheet is
    measured first)."""
    from python_calamine import CalamineWorkbook, PasswordError

    if kind == "ods":
        _check_expanded_size(path)
        _check_ods_area(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise PersonFileError(
            f"{path.name} is protected by a password; save it without one and try again.",
            reason="password",
        ) from exc
    except Exception as exc:  # calamine raises its own types for damaged files
        raise PersonFileError(
            f"Cannot open {path.name} as {_WORKBOOK_NAMES[kind]}: {exc}", reason=kind
        ) from exc


def _other_workbook_rows(path: Path, kind: str) -> Iterator[list[object]]:
    """The first sheet of an .xls or .ods workbook, row by row as the sheet numbers them."""
    workbook = _open_other_workbook(path, kind)
    try:
        try:
            sheet = workbook.get_sheet_by_index(0)
            values = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
        except Exception as exc:  # calamine raises its own types for damaged sheets
            raise PersonFileError(
                f"Cannot read {path.name} as {_WORKBOOK_NAMES[kind]}: {exc}", reason=kind
            ) from exc
        merged: Merged = {}
        for (top, left), (bottom, right) in ranges:
            _covering(merged, top + 1, left + 1, bottom + 1, right + 1)
        yield from _with_merged_values(iter(values), merged)
    finally:
        workbook.close()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=[\"']([A-Z]+[0-9]+:[A-Z]+[0-9]+)[\"']"
)
_CELL_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)>")
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _merged_cells(path: Path) -> Merged:
    """The merged ranges of the workbook's first sheet: row → (top row, first and last
    column) of each range covering it.

    Members merge a household's number or address down the rows of its people; every cell
    of a merged range shows the top-left value, and the import reads it so. openpyxl's
    streaming reader does not report merged ranges, so they are found in the sheet's XML:
    its `mergeCell` elements, searched in the raw bytes (parsing the whole sheet a second
    time would cost a quarter of the time of reading it).
    """
    from openpyxl.utils.cell import range_boundaries

    covering: Merged = {}
    with zipfile.ZipFile(path) as archive:
        part = _first_sheet_part(archive)
        if part is None:
            return covering
        for found in _search_part(archive, part, _MERGE_CELL):
            left, top, right, bottom = range_boundaries(found.group(1).decode("ascii"))
            _covering(covering, top, left, bottom, right)
    return covering


def _search_part(
    archive: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """Every match of `pattern` (shorter than 256 bytes) in a part of the package, read in
    blocks: an element cut by a block's end is found whole with the next block."""
    with archive.open(part) as stream:
        tail = b""
        while block := stream.read(_CHUNK):
            text = tail + block
            end = 0
            for found in pattern.finditer(text):
                yield found
                end = found.end()
            tail = text[max(end, len(text) - 256) :]


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The path inside the package of the workbook's first sheet."""
    parts = _sheet_parts(archive)
    return parts[0][1] if parts else None


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, path inside the package) of every sheet, in the workbook's order."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        entry.get("Id"): entry.get("Target", "")
        for entry in relations.iter(f"{_PACKAGE}Relationship")
    }
    parts = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_RELATIONSHIPS}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts.append((sheet.get("name", ""), path))
    return parts


def other_sheets(path: Path) -> list[str]:
    """Names of the workbook's sheets after the first that hold a value: only the first
    sheet is read, and the people of the others must not be left out without a word.
    [] for a CSV file.

    Read from the package without opening the workbook (which would parse its shared
    strings again: seconds for a large file): a sheet holds a value when its XML has a
    cell value (`<v>`) or an inline string (`<is>`).
    """
    kind = workbook_kind(path)
    if kind is None:
        return []
    if kind != "xlsx":
        return _other_workbook_sheets(path, kind)
    try:
        with zipfile.ZipFile(path) as archive:
            return [
                name
                for name, part in _sheet_parts(archive)[1:]
                if next(_search_part(archive, part, _CELL_VALUE), None) is not None
            ]
    except (zipfile.BadZipFile, KeyError, OSError):  # unreadable: reading it reports it
        return []


def _other_workbook_sheets(path: Path, kind: str) -> list[str]:
    """`other_sheets` of an .xls or .ods workbook (an .ods file's from its XML, which the
    reader would expand)."""
    if kind == "ods":
        try:
            return [name for name, rows, _columns in ods_sheet_areas(path)[1:] if rows]
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
            return []  # unreadable: reading it reports it
    try:
        workbook = _open_other_workbook(path, kind)
    except PersonFileError:  # unreadable: reading it reports it
        return []
    try:
        names = []
        for name in workbook.sheet_names[1:]:
            rows = workbook.get_sheet_by_name(name).to_python()
            if any(value != "" for row in rows for value in row):
                names.append(name)
        return names
    except Exception:
        return []
    finally:
        workbook.close()


def table_rows(path: Path) -> Iterator[Sequence[object]]:
    """Every row of the file's first table, the header first, streamed.

    CSV cells are strings; workbook cells (.xlsx, .xls, .ods) keep their type (numbers,
    dates), empty cells are "". Raises `PersonFileError` (before or while iterating) when
    the file is unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise PersonFileError(f"No such file: {path}", reason="missing")
    kind = workbook_kind(path)
    try:
        if kind == "xlsx":
            yield from _xlsx_rows(path)
        elif kind is not None:
            yield from _other_workbook_rows(path, kind)
        else:
            yield from _csv_rows(path)
    except OSError as exc:
        raise PersonFileError(f"Cannot read {path}: {exc.strerror or exc}") from exc


def read_person_file(path: Path) -> PersonFile:
    """The records of a person-records file: the first non-blank row is the header; blank
    rows are skipped and every record keeps the number of the line it is on (a spreadsheet's
    row number), which the messages about record ids give."""
    path = Path(path)
    numbered = enumerate(table_rows(path), start=1)
    header_row: Sequence[object] | None = None
    for _number, values in numbered:
        if any(str(v).strip() for v in values):
            header_row = values
            break
    if header_row is None:
        raise PersonFileError(f"{path.name} is empty.", reason="empty")
    header = [str(name).strip().lower() for name in header_row]
    if "record_id" not in header:
        raise PersonFileError(
            f"{path.name} has no record_id column (columns found: {', '.join(header)}).",
            reason="record_id",
        )
    rows = []
    lines = []
    for number, values in numbered:
        if not any(str(v).strip() for v in values):
            continue
        rows.append(dict(zip(header, values, strict=False)))
        lines.append(number)
    _check_record_ids(rows, lines, path.name)
    return PersonFile(header, rows, lines, other_sheets(path))


def _check_record_ids(rows: list[dict[str, object]], lines: list[int], name: str) -> None:
    seen: dict[str, int] = {}
    empty: list[str] = []
    repeated: list[str] = []
    for line, row in zip(lines, rows, strict=True):
        value = row.get("record_id", "")
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a workbook's number cell: 17, as the sheet shows it, not 17.0
        record_id = str(value).strip()
        row["record_id"] = record_id
        if not record_id:
            empty.append(f"line {line}: empty record_id")
        elif record_id in seen:
            repeated.append(f"record_id {record_id!r} on lines {seen[record_id]} and {line}")
        else:
            seen[record_id] = line
    if empty or repeated:
        problems = repeated + empty
        more = [f"... and {len(problems) - MAX_LISTED} more"] if len(problems) > MAX_LISTED else []
        summary = []
        if repeated:
            summary.append(f"{len(repeated)} duplicate record ids")
        if empty:
            summary.append(f"{len(empty)} rows without a record_id")
        raise PersonFileError(
            f"{name}: {' and '.join(summary)}; every row needs its own record_id.",
            problems[:MAX_LISTED] + more,
            reason="record_id",
        )
