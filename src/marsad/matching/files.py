"""Reading member spreadsheets (CSV or XLSX).

Real files come from Excel in Arabic Windows: UTF-8 with or without a BOM, or Windows-1256;
comma, semicolon or tab separated; header names in any case. `table_rows` streams any such
file row by row (the bulk import reads millions of rows through it); `read_person_file`
reads a person-records file for `marsad dedupe`. A file that cannot serve as input
(unreadable, no `record_id` column, empty or repeated record ids) raises `PersonFileError`
with every problem listed; values inside rows are never a reason to reject a file.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_LISTED = 10
#: Bytes read at a time while checking the encoding, and characters sniffed for the dialect.
_CHUNK = 1 << 20
_SNIFF = 20_000
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})


class PersonFileError(Exception):
    """A file that cannot be read as a table. `reason` is stable, `message` is for people.

    Reasons: "missing", "unreadable", "encoding", "csv", "xlsx", "empty", "record_id".
    """

    def __init__(
        self, message: str, details: list[str] | None = None, *, reason: str = "unreadable"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.reason = reason


#: The general name, for callers that read tables other than person records.
TableFileError = PersonFileError


@dataclass(frozen=True)
class PersonFile:
    header: list[str]
    rows: list[dict[str, object]]


def detect_encoding(path: Path) -> str:
    """ "utf-8-sig" when the whole file is UTF-8 (BOM or not), else "cp1256".

    Decodes incrementally, so a large file is checked without being held in memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1256"
    return "utf-8-sig"


def is_xlsx(path: Path) -> bool:
    """An Excel workbook by its name, or by its content (a ZIP) whatever its name."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return True
    with path.open("rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as text:
            sample = text.read(_SNIFF)
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                    sample, delimiters=",;\t"
                )
            except csv.Error:
                dialect = csv.excel
            text.seek(0)
            yield from csv.reader(text, dialect)
    except UnicodeDecodeError as exc:
        raise PersonFileError(
            "The file is neither UTF-8 nor Windows-1256 text.", reason="encoding"
        ) from exc


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise PersonFileError(
            f"Cannot open {path.name} as an Excel workbook: {exc}", reason="xlsx"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if value is None else value for value in row]
    finally:
        workbook.close()


def table_rows(path: Path) -> Iterator[Sequence[object]]:
    """Every row of the file's first table, the header first, streamed.

    CSV cells are strings; XLSX cells keep their type (numbers, datetimes), empty cells are
    "". Raises `PersonFileError` (before or while iterating) when the file is unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise PersonFileError(f"No such file: {path}", reason="missing")
    try:
        rows: Iterator[Sequence[object]] = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
        yield from rows
    except OSError as exc:
        raise PersonFileError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except csv.Error as exc:
        raise PersonFileError(
            f"{path.name} is not a readable CSV file: {exc}", reason="csv"
        ) from exc


def read_person_file(path: Path) -> PersonFile:
    path = Path(path)
    raw_rows = table_rows(path)
    header_row = next(raw_rows, None)
    if header_row is None:
        raise PersonFileError(f"{path.name} is empty.", reason="empty")
    header = [str(name).strip().lower() for name in header_row]
    if "record_id" not in header:
        raise PersonFileError(
            f"{path.name} has no record_id column (columns found: {', '.join(header)}).",
            reason="record_id",
        )
    rows = []
    for values in raw_rows:
        if not any(str(v).strip() for v in values):
            continue
        rows.append(dict(zip(header, values, strict=False)))
    _check_record_ids(rows, path.name)
    return PersonFile(header, rows)


def _check_record_ids(rows: list[dict[str, object]], name: str) -> None:
    seen: dict[str, int] = {}
    empty: list[str] = []
    repeated: list[str] = []
    for line, row in enumerate(rows, start=2):
        record_id = str(row.get("record_id", "")).strip()
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
