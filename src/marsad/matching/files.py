"""Reading member spreadsheets (CSV or XLSX) of person records.

Real files come from Excel in Arabic Windows: UTF-8 with or without a BOM, or Windows-1256;
comma, semicolon or tab separated; header names in any case. A file that cannot serve as
input (unreadable, no `record_id` column, empty or repeated record ids) raises
`PersonFileError` with every problem listed; values inside rows are never a reason to
reject a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_LISTED = 10


class PersonFileError(Exception):
    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


@dataclass(frozen=True)
class PersonFile:
    header: list[str]
    rows: list[dict[str, object]]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PersonFileError("The file is neither UTF-8 nor Windows-1256 text.")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    text = _decode(path.read_bytes())
    sample = text[:20_000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise PersonFileError(f"Cannot open {path.name} as an Excel workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if value is None else value for value in row]
    finally:
        workbook.close()


def read_person_file(path: Path) -> PersonFile:
    path = Path(path)
    if not path.is_file():
        raise PersonFileError(f"No such file: {path}")
    suffix = path.suffix.lower()
    try:
        raw_rows: Iterator[Sequence[object]] = (
            _xlsx_rows(path) if suffix in {".xlsx", ".xlsm"} else _csv_rows(path)
        )
        header_row = next(raw_rows, None)
        if header_row is None:
            raise PersonFileError(f"{path.name} is empty.")
        header = [str(name).strip().lower() for name in header_row]
        if "record_id" not in header:
            raise PersonFileError(
                f"{path.name} has no record_id column (columns found: {', '.join(header)})."
            )
        rows = []
        for values in raw_rows:
            if not any(str(v).strip() for v in values):
                continue
            rows.append(dict(zip(header, values, strict=False)))
    except OSError as exc:
        raise PersonFileError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except csv.Error as exc:
        raise PersonFileError(f"{path.name} is not a readable CSV file: {exc}") from exc
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
        )
