"""Reading an import file into what the batch services take, row by row, without queries.

The file is streamed (`matching.files.table_rows`); each row's mapped cells are turned into
typed values with small caches (a file repeats the same genders, relations, places and
dates thousands of times). A value that cannot be read is a problem of its row, with the
field, a stable code and a message; a row is never dropped silently.

A households file has one row per person; rows sharing a household reference form one
household, whose address is taken from its first row. The rows of a household need not be
next to each other: a first pass counts each household's rows and the second hands a
household on as soon as its last row is read, so a sorted file is streamed with one
household in memory at a time.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.errors import ApplicationError
from marsad.engines import cells
from marsad.engines.arabic import normalize_name
from marsad.engines.cells import is_blank
from marsad.engines.linkage.records import GovernorateIndex
from marsad.engines.nid import NationalIdError, parse_national_id
from marsad.imports.errors import ImportsError
from marsad.imports.fields import header_key, synonym_keys
from marsad.matching.files import (
    MAX_LISTED,
    XLSX_EXPANDED_MAX,
    PersonFileError,
    table_rows,
    workbook_kind,
)
from marsad.registry.models import Person
from marsad.registry.services import HouseholdInput
from marsad.registry.validation import PersonInput

Problem = dict[str, str]  # {"field", "code", "message"}, as the batch services report them

_YEAR_ONLY = re.compile(r"\d{4}")
KEY_MAX_LENGTH = 64


# The file ----------------------------------------------------------------------------


def file_error(error: PersonFileError) -> ApplicationError:
    """A file that cannot be read, in the user's language."""
    first, last = (*error.lines, 0, 0)[:2]
    messages = {
        "missing": _("The file is missing."),
        "encoding": _(
            "The file is neither a table of text nor a workbook (it may be a PDF, a document "
            "or a picture); upload a CSV UTF-8 file or an Excel workbook (.xlsx or .xls)."
        ),
        "csv": _("The file is not a readable CSV file."),
        "quote": _(
            'A quote mark (") opens a cell on line %(first)s that runs to line %(last)s, over '
            "lines that are rows of their own, so those rows would be lost. A quote mark is "
            "missing or one too many: correct the quote marks on those lines (in a text "
            "editor, or save the file again from Excel) and upload the file again."
        )
        % {"first": first, "last": last},
        "xlsx": _("The file cannot be opened as an Excel workbook (.xlsx)."),
        "mixed_encoding": _(
            "The file is UTF-8 text, but some of its lines hold characters saved in another "
            "encoding (lines %(lines)s), perhaps pasted from another file. Correct those "
            "lines, or save the whole file again as CSV UTF-8."
        )
        % {"lines": ", ".join(error.details[:MAX_LISTED])},
        "xls": _("The file cannot be opened as an Excel 97-2003 workbook (.xls)."),
        "ods": _("The file cannot be opened as an OpenDocument spreadsheet (.ods)."),
        "markup": _(
            "The file is a web page or an XML document saved under a spreadsheet's name, as "
            'some systems export a table. Open it in Excel, save it as "Excel Workbook '
            '(.xlsx)" or "CSV UTF-8", and upload that file.'
        ),
        "password": _(
            "The workbook is protected by a password. Open it, save it without the password, "
            "and upload it again."
        ),
        "expanded": _(
            "The workbook unpacks to more than %(limit)s GB, far more than a list of people; "
            "split it into several files."
        )
        % {"limit": XLSX_EXPANDED_MAX // 1024**3},
        "texts": _(
            "The workbook holds more distinct texts than can be read at once; save it as CSV "
            "UTF-8, or split it into several files."
        ),
        "empty": _("The file is empty."),
    }
    return ApplicationError(
        code=ImportsError.EMPTY_FILE if error.reason == "empty" else ImportsError.UNREADABLE_FILE,
        message=messages.get(error.reason, _("The file cannot be read.")),
        extra={"detail": error.message},
    )


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def unnamed_column(position: int, taken: Container[str] = ()) -> str:
    """The name of a column without a header cell: its position (1 for the first column),
    numbered further if a named column of the file is already called so."""
    base = _("column %(number)s") % {"number": position}
    name, repeat = base, 1
    while name in taken:
        repeat += 1
        name = f"{base} ({repeat})"
    return name


def clean_header(row: Sequence[object]) -> list[str]:
    """Column names as written, stripped; blank ones named by position, repeats numbered.

    Blank cells at the end of the header row are formatting left over in the workbook.
    """
    names = [cell_text(value) for value in row]
    while names and not names[-1]:
        names.pop()
    header: list[str] = []
    seen: Counter[str] = Counter()
    for position, text in enumerate(names, start=1):
        name = text or unnamed_column(position)
        seen[name] += 1
        header.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return header


#: How far down a file its header row is looked for (title rows and blank rows above it).
HEADER_SEARCH_ROWS = 20


class Header(NamedTuple):
    line: int  # the header's line in the file (1 for the first row)
    names: list[str]


def read_header(path: Path, kind: str) -> Header:
    """The file's header row and its column names.

    Member files often carry a title, the member's name or a date in the rows above the
    header. The header is the first of the first rows in which at least two cells name a
    field of this kind of file (in Arabic or English, as the mapping step recognises them);
    when no row does, the first row that is not blank.
    """
    keys = synonym_keys(kind)
    first: Header | None = None
    rows = table_rows(path)
    try:
        for line, cells in enumerate(rows, start=1):
            if line > HEADER_SEARCH_ROWS:
                break
            if not any(cell_text(value) for value in cells):
                continue
            names = clean_header(cells)
            known = {keys[key] for name in names if (key := header_key(name)) in keys}
            if len(known) >= 2:
                return Header(line, names)
            if first is None:
                first = Header(line, names)
    except PersonFileError as error:
        raise file_error(error) from error
    finally:
        rows.close()  # type: ignore[attr-defined]
    if first is None:
        raise file_error(PersonFileError("empty", reason="empty"))
    return first


class SourceRow(NamedTuple):
    line: int
    cells: Sequence[object]


def data_rows(path: Path, header_line: int = 1) -> Iterator[SourceRow]:
    """Every non-blank data row below the header, with its line number in the file."""
    rows = table_rows(path)
    try:
        for line, cells in enumerate(rows, start=1):
            if line <= header_line:
                continue
            try:
                blank = not "".join(cells).strip()  # type: ignore[arg-type]
            except TypeError:  # workbook cells: numbers, dates
                blank = not any(cell_text(cell) for cell in cells)
            if not blank:
                yield SourceRow(line, cells)
    except PersonFileError as error:
        raise file_error(error) from error


def check_text_file(path: Path) -> None:
    """Read a CSV file to its end once, so that what makes it unreadable past its first rows
    (a quote mark left open, lines in another encoding) is told at upload, not when its rows
    are checked; a workbook is read by cells and has no such fault."""
    if workbook_kind(path) is not None:
        return
    rows = table_rows(path)
    try:
        for _row in rows:
            pass
    except PersonFileError as error:
        raise file_error(error) from error


def estimate_data_rows(path: Path, header_line: int = 1) -> int:
    """About how many data rows a CSV file has (its line breaks), for a progress bar before
    the rows are read; 0 for a workbook."""
    if workbook_kind(path) is not None:
        return 0
    breaks = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            breaks += block.count(b"\n")
    return max(breaks - header_line, 0)


class Columns:
    """Where each mapped field is in a row of the file."""

    def __init__(
        self, header: Sequence[str], mapping: Mapping[str, str], header_line: int = 1
    ) -> None:
        self.header = list(header)
        self.header_line = header_line
        position = {name: index for index, name in enumerate(self.header)}
        self.index: dict[str, int] = {
            field_name: position[column]
            for field_name, column in mapping.items()
            if column in position
        }
        self.mapping = {name: column for name, column in mapping.items() if name in self.index}

    def value(self, cells: Sequence[object], field_name: str) -> object:
        index = self.index.get(field_name)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def text(self, cells: Sequence[object], field_name: str) -> str:
        return cell_text(self.value(cells, field_name))

    def raw(self, cells: Sequence[object]) -> dict[str, str]:
        """The row in the file's own columns, as text (what a rejected-rows file shows).

        A cell written past the header's last named column is kept too, under the column's
        position (as `clean_header` names a blank header cell), so that the rejected-rows file
        gives back everything the row held.
        """
        row = {
            name: cell_text(cells[index]) if index < len(cells) else ""
            for index, name in enumerate(self.header)
        }
        for index in range(len(self.header), len(cells)):
            if text := cell_text(cells[index]):
                row[unnamed_column(index + 1, taken=row)] = text
        return row


# Values ------------------------------------------------------------------------------


class ValueProblem(Exception):
    def __init__(self, code: ImportsError, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def too_long(field: str, length: int, limit: int) -> Problem:
    return _problem(
        field,
        ImportsError.TOO_LONG,
        _("The cell has %(length)s characters, more than the %(limit)s that fit; shorten it.")
        % {"length": length, "limit": limit},
    )


def _quoted(value: object) -> str:
    return cell_text(value)[:60]


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: a real Excel date, an Excel serial number, yyyy-mm-dd or dd/mm/yyyy
    (Arabic-Indic digits too). Empty → None; anything else raises `ValueProblem`."""
    if is_blank(value):
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 5:
        value = int(value.strip())  # a serial number typed or exported as text
    try:
        return cells.parse_date(value)
    except cells.CellError:
        pass
    if _YEAR_ONLY.fullmatch(cells.western_digits(cell_text(value))):  # "1982", or a number
        raise ValueProblem(
            ImportsError.INCOMPLETE_DATE,
            _("Only the year is written (%(value)s); write the full date: day, month and year.")
            % {"value": _quoted(value)},
        )
    raise ValueProblem(
        ImportsError.INVALID_DATE,
        _("“%(value)s” is not a date; write it as 2024-03-31 or 31/03/2024.")
        % {"value": _quoted(value)},
    )


def parse_decimal(value: object) -> Decimal | None:
    """A number from a cell (Arabic digits and separators, "جنيه"...); empty → None."""
    if is_blank(value):
        return None
    try:
        return cells.parse_decimal(value)
    except cells.CellError:
        raise ValueProblem(
            ImportsError.INVALID_NUMBER,
            _("“%(value)s” is not a number.") % {"value": _quoted(value)},
        ) from None


def _choice_table(rows: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, spellings in rows.items():
        for spelling in (code, *spellings):
            table[normalize_name(spelling)] = code
    return table


GENDERS = _choice_table(
    {
        "M": ("ذكر", "ذ", "م", "male", "man", "boy", "رجل", "ولد"),
        "F": ("أنثى", "انثي", "ا", "ث", "female", "woman", "girl", "امرأة", "سيدة", "بنت"),
    }
)
#: "child" becomes son or daughter by the person's gender.
_CHILD = "child"
RELATIONS = _choice_table(
    {
        Person.Relation.HEAD: (
            "رب الأسرة",
            "ربة الأسرة",
            "رب أسرة",
            "ربة أسرة",
            "رب الاسرة",
            "العائل",
            "عائل الأسرة",
            "head",
            "head of household",
            "householder",
            "self",
        ),
        Person.Relation.SPOUSE: ("زوج", "زوجة", "الزوج", "الزوجة", "spouse", "wife", "husband"),
        Person.Relation.SON: ("ابن", "الابن", "إبن", "son"),
        Person.Relation.DAUGHTER: ("ابنة", "الابنة", "بنت", "البنت", "إبنة", "daughter"),
        Person.Relation.FATHER: ("أب", "الأب", "والد", "الوالد", "father"),
        Person.Relation.MOTHER: ("أم", "الأم", "والدة", "الوالدة", "mother"),
        Person.Relation.OTHER: (
            "أخرى",
            "آخر",
            "قريب",
            "قريبة",
            "أخ",
            "أخت",
            "حفيد",
            "حفيدة",
            "جد",
            "جدة",
            "other",
            "relative",
            "brother",
            "sister",
            "grandchild",
            "grandson",
            "granddaughter",
        ),
        _CHILD: ("طفل", "طفلة", "child", "أبناء", "ابن/ابنة"),
    }
)
#: The gender a relation word gives, used when the gender cell is empty ("رب الأسرة" gives
#: none: women head households too).
RELATION_GENDERS = _choice_table(
    {
        "M": (
            "زوج", "الزوج", "husband", "ابن", "الابن", "إبن", "son", "أب", "الأب", "والد",
            "الوالد", "father", "أخ", "brother", "حفيد", "grandson", "جد",
        ),
        "F": (
            "زوجة", "الزوجة", "wife", "ابنة", "الابنة", "بنت", "البنت", "إبنة", "daughter", "أم",
            "الأم", "والدة", "الوالدة", "mother", "أخت", "sister", "حفيدة", "granddaughter",
            "جدة", "قريبة", "طفلة", "ربة الأسرة", "ربة أسرة",
        ),
    }
)  # fmt: skip
MARITAL = _choice_table(
    {
        Person.MaritalStatus.SINGLE: ("أعزب", "عزباء", "آنسة", "single", "unmarried"),
        Person.MaritalStatus.MARRIED: ("متزوج", "متزوجة", "married"),
        Person.MaritalStatus.DIVORCED: ("مطلق", "مطلقة", "divorced"),
        Person.MaritalStatus.WIDOWED: ("أرمل", "أرملة", "widowed", "widow", "widower"),
    }
)
EDUCATION = _choice_table(
    {
        Person.Education.NONE: (
            "أمي",
            "أمية",
            "بدون",
            "لا يقرأ ولا يكتب",
            "no schooling",
            "illiterate",
        ),
        Person.Education.LITERATE: ("يقرأ ويكتب", "تقرأ وتكتب", "محو أمية", "reads and writes"),
        Person.Education.PRIMARY: ("ابتدائي", "ابتدائية", "primary"),
        Person.Education.PREPARATORY: ("إعدادي", "اعدادية", "preparatory", "middle school"),
        Person.Education.SECONDARY: ("ثانوي", "ثانوية", "دبلوم", "secondary", "high school"),
        Person.Education.UNIVERSITY: (
            "جامعي",
            "جامعية",
            "بكالوريوس",
            "ليسانس",
            "university",
            "bachelor",
        ),
    }
)
DISABILITY = _choice_table(
    {
        Person.Disability.NONE: ("لا", "لا يوجد", "لا توجد", "بدون", "none", "no"),
        Person.Disability.PHYSICAL: ("حركية", "جسدية", "إعاقة حركية", "physical", "motor"),
        Person.Disability.VISUAL: ("بصرية", "كفيف", "إعاقة بصرية", "visual", "blind"),
        Person.Disability.HEARING: ("سمعية", "أصم", "إعاقة سمعية", "hearing", "deaf"),
        Person.Disability.INTELLECTUAL: ("ذهنية", "عقلية", "إعاقة ذهنية", "intellectual"),
        Person.Disability.MULTIPLE: ("متعددة", "إعاقات متعددة", "multiple"),
    }
)


class _Lookup:
    """A choice table read through the names' normal form, cached per distinct text."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = table
        self.cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        found = self.cache.get(text)
        if found is None:
            found = self.cache[text] = self.table.get(normalize_name(text), "")
        return found


def national_id_text(value: object) -> str:
    """A national ID cell as digits: Excel stores long IDs as numbers (or in exponent form)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = cell_text(value)
    return text.lstrip("'")


@dataclass(frozen=True)
class Place:
    governorate: str  # national-ID code
    district: str  # district code, or ""


class Places:
    """Governorates and districts by any of their names or codes, read once per import."""

    def __init__(self, governorates: GovernorateIndex, districts: Sequence[Mapping[str, Any]]):
        self.governorates = governorates
        self.by_code: dict[str, tuple[str, str]] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        for district in districts:
            code, governorate = district["code"], district["governorate__code"]
            self.by_code[normalize_name(code)] = (governorate, code)
            for name in (district["name_ar"], district["name_en"], code):
                if name:
                    self.by_name[governorate, normalize_name(name)] = code
        self.governorate_names: dict[str, str] = {}
        self._governorate_cache: dict[str, str | None] = {}
        self._district_keys: dict[str, str] = {}

    def governorate(self, text: str) -> str | None:
        if text not in self._governorate_cache:
            self._governorate_cache[text] = self.governorates.resolve(text)
        return self._governorate_cache[text]

    def district(self, governorate: str, text: str) -> str | None:
        key = self._district_keys.get(text)
        if key is None:
            key = self._district_keys[text] = normalize_name(text)
        code = self.by_name.get((governorate, key))
        if code is None:
            found = self.by_code.get(key)
            code = found[1] if found and found[0] == governorate else None
        return code


# Households --------------------------------------------------------------------------


@dataclass
class SourceHousehold:
    """The rows of one household as read, in file order."""

    ref: str
    rows: list[SourceRow] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.rows[0].line

    @property
    def lines(self) -> list[int]:
        return [row.line for row in self.rows]


@dataclass(frozen=True)
class FileCount:
    rows: int
    households: int


def count_households(path: Path, columns: Columns) -> tuple[FileCount, Counter[str]]:
    """(rows and households, rows per household reference): the first of two passes."""
    per_ref: Counter[str] = Counter()
    rows = blank = 0
    for row in data_rows(path, columns.header_line):
        rows += 1
        ref = columns.text(row.cells, "household_ref")
        if ref:
            per_ref[ref] += 1
        else:
            blank += 1
    return FileCount(rows=rows, households=len(per_ref) + blank), per_ref


def household_groups(
    path: Path, columns: Columns, per_ref: Counter[str]
) -> Iterator[SourceHousehold]:
    """Households in the order their last row is read; a row without a reference alone."""
    open_households: dict[str, SourceHousehold] = {}
    for row in data_rows(path, columns.header_line):
        ref = columns.text(row.cells, "household_ref")
        if not ref:
            yield SourceHousehold("", [row])
            continue
        household = open_households.get(ref)
        if household is None:
            household = open_households[ref] = SourceHousehold(ref)
        household.rows.append(row)
        if len(household.rows) >= per_ref.get(ref, 0):
            del open_households[ref]
            yield household
    # Only if the file changed between the passes: hand on what was read.
    yield from open_households.values()


@dataclass
class ParsedHousehold:
    source: SourceHousehold
    household: HouseholdInput | None
    people: list[PersonInput]
    problems: list[Problem]


class HouseholdParser:
    """Turns a household's rows into the registry's inputs, or into problems."""

    def __init__(self, columns: Columns, places: Places) -> None:
        self.columns = columns
        self.places = places
        self.today = timezone.localdate()
        self._dates: dict[object, datetime.date | ValueProblem | None] = {}
        self._genders = _Lookup(GENDERS)
        self._relations = _Lookup(RELATIONS)
        self._relation_genders = _Lookup(RELATION_GENDERS)
        self._choices = {
            "marital_status": _Lookup(MARITAL),
            "education": _Lookup(EDUCATION),
            "disability": _Lookup(DISABILITY),
        }

    def _date(self, value: object) -> datetime.date | None:
        try:
            cached = self._dates[value]
        except KeyError:
            try:
                cached = parse_date(value)
            except ValueProblem as problem:
                cached = problem
            self._dates[value] = cached
        if isinstance(cached, ValueProblem):
            raise cached
        return cached

    def parse(self, source: SourceHousehold) -> ParsedHousehold:
        problems: list[Problem] = []
        household = self._household(source.rows[0], problems)
        alone = len(source.rows) == 1
        people = [
            self._person(row, index, problems, alone=alone) for index, row in enumerate(source.rows)
        ]
        if not source.ref:
            problems.insert(
                0,
                _problem(
                    "household.household_ref",
                    ImportsError.HOUSEHOLD_REF_REQUIRED,
                    _(
                        "The household reference is empty: every row needs the reference "
                        "of its household."
                    ),
                ),
            )
        elif len(source.ref) > KEY_MAX_LENGTH:
            problems.insert(
                0,
                _problem(
                    "household.household_ref",
                    ImportsError.HOUSEHOLD_REF_REQUIRED,
                    _("The household reference is longer than %(limit)s characters.")
                    % {"limit": KEY_MAX_LENGTH},
                ),
            )
        return ParsedHousehold(source, household, people, problems)

    def _household(self, row: SourceRow, problems: list[Problem]) -> HouseholdInput | None:
        cells, columns = row.cells, self.columns
        governorate_text = columns.text(cells, "governorate")
        governorate = self.places.governorate(governorate_text) if governorate_text else None
        if not governorate_text:
            problems.append(
                _problem(
                    "household.governorate",
                    ImportsError.GOVERNORATE_REQUIRED,
                    _("The governorate is empty."),
                )
            )
        elif governorate is None:
            problems.append(
                _problem(
                    "household.governorate",
                    ImportsError.UNKNOWN_GOVERNORATE,
                    _(
                        "“%(value)s” is not one of the 27 governorates; write its Arabic or "
                        "English name or its two-digit code."
                    )
                    % {"value": _quoted(governorate_text)},
                )
            )
        district = ""
        district_text = columns.text(cells, "district")
        if governorate and district_text:
            district = self.places.district(governorate, district_text) or ""
            if not district:
                problems.append(
                    _problem(
                        "household.district",
                        ImportsError.UNKNOWN_DISTRICT,
                        _("“%(value)s” is not a district of this governorate.")
                        % {"value": _quoted(district_text)},
                    )
                )
        latitude = self._number(cells, "latitude", "household.latitude", problems)
        longitude = self._number(cells, "longitude", "household.longitude", problems)
        if governorate is None:
            return None
        return HouseholdInput(
            governorate=governorate,
            district=district,
            village=self._within(cells, "village", "household.village", 120, problems),
            address=self._within(cells, "address", "household.address", 300, problems),
            latitude=latitude,
            longitude=longitude,
        )

    def _number(
        self, cells: Sequence[object], name: str, field_name: str, problems: list[Problem]
    ) -> Decimal | None:
        try:
            return parse_decimal(self.columns.value(cells, name))
        except ValueProblem as problem:
            problems.append(_problem(field_name, problem.code, problem.message))
            return None

    def _within(
        self, cells: Sequence[object], name: str, field: str, limit: int, problems: list[Problem]
    ) -> str:
        """A text cell that must fit its column: a longer one is a problem, never cut."""
        text = self.columns.text(cells, name)
        if len(text) > limit:
            problems.append(too_long(field, len(text), limit))
        return text[:limit]

    def _person(
        self, row: SourceRow, index: int, problems: list[Problem], *, alone: bool
    ) -> PersonInput:
        """One person of a household; `alone`: the household's only row, which is its head
        when no relation is written (lists of one row per household have no such column)."""
        cells, columns = row.cells, self.columns
        prefix = f"people.{index}."
        national_id = national_id_text(columns.value(cells, "national_id"))
        gender_text = columns.text(cells, "gender")
        gender = self._genders(gender_text) if gender_text else ""
        if gender_text and not gender:
            problems.append(
                _problem(
                    prefix + "gender",
                    ImportsError.UNKNOWN_GENDER,
                    _("“%(value)s” is not a gender; write ذكر or أنثى (M or F).")
                    % {"value": _quoted(gender_text)},
                )
            )
        elif not gender and national_id:
            gender = self._gender_from_id(national_id)
        relation_text = columns.text(cells, "relation")
        if not gender and not gender_text and relation_text:
            gender = self._relation_genders(relation_text)
        if not gender and not gender_text:
            problems.append(
                _problem(
                    prefix + "gender",
                    ImportsError.GENDER_REQUIRED,
                    _(
                        "The gender is empty and neither the national ID nor the relation "
                        "gives it; write ذكر or أنثى (M or F)."
                    ),
                )
            )
        relation = self._relations(relation_text) if relation_text else ""
        if relation == _CHILD:
            relation = Person.Relation.DAUGHTER if gender == "F" else Person.Relation.SON
        if not relation_text and alone:
            relation = Person.Relation.HEAD
        if not relation:
            problems.append(
                _problem(
                    prefix + "relation",
                    ImportsError.UNKNOWN_RELATION,
                    _(
                        "“%(value)s” is not a known relation to the head of the household; "
                        "write for example رب الأسرة, زوجة, ابن or ابنة."
                    )
                    % {"value": _quoted(relation_text)},
                )
                if relation_text
                else _problem(
                    prefix + "relation",
                    ImportsError.UNKNOWN_RELATION,
                    _("The relation to the head of the household is empty."),
                )
            )
        birth_date = None
        try:
            birth_date = self._date(columns.value(cells, "birth_date"))
        except ValueProblem as problem:
            problems.append(_problem(prefix + "birth_date", problem.code, problem.message))
        income = self._number(cells, "monthly_income", prefix + "monthly_income", problems)
        return PersonInput(
            full_name=columns.text(cells, "full_name"),
            gender=gender,
            national_id=national_id,
            birth_date=birth_date,
            relation=relation or Person.Relation.OTHER,
            phone=national_id_text(columns.value(cells, "phone")),
            marital_status=self._choice(cells, "marital_status", prefix, problems),
            education=self._choice(cells, "education", prefix, problems),
            occupation=self._within(cells, "occupation", prefix + "occupation", 120, problems),
            disability=self._choice(cells, "disability", prefix, problems),
            monthly_income=income,
        )

    def _gender_from_id(self, national_id: str) -> str:
        try:
            return parse_national_id(national_id, today=self.today).gender
        except NationalIdError:
            return ""

    def _choice(
        self,
        cells: Sequence[object],
        name: str,
        prefix: str,
        problems: list[Problem],
    ) -> str:
        text = self.columns.text(cells, name)
        if not text:
            return ""
        code = self._choices[name](text)
        if not code:
            problems.append(
                _problem(
                    prefix + name,
                    ImportsError.UNKNOWN_CHOICE,
                    _("“%(value)s” is not one of the accepted values: %(choices)s.")
                    % {"value": _quoted(text), "choices": _choices_hint(name)},
                )
            )
            return ""
        return code


def _choices_hint(name: str) -> str:
    choices = {
        "marital_status": Person.MaritalStatus,
        "education": Person.Education,
        "disability": Person.Disability,
    }[name]
    return "، ".join(str(label) for label in choices.labels)


def _problem(field_name: str, code: ImportsError, message: str) -> Problem:
    return {"field": field_name, "code": str(code), "message": str(message)}


# Aid ---------------------------------------------------------------------------------


def aid_key(columns: Columns, cells: Sequence[object]) -> str:
    """The delivery's reference in the file, "" when it has none (the aid batch then keys
    the row by what it says: `assistance.batch.content_key`)."""
    return columns.text(cells, "entry_ref")


def legacy_aid_key(raw: Mapping[str, object]) -> str:
    """The key imports gave a row without a reference before `content_key`: a hash of its
    mapped cells as written. Deliveries stored under it are found by it, so a file imported
    then adds nothing when imported again."""
    digest = hashlib.sha256(
        "\x1f".join(
            f"{name}={_key_text(raw[name])}" for name in sorted(raw) if name not in _NEWER_FIELDS
        ).encode()
    )
    return "h:" + digest.hexdigest()[:62]


#: Aid fields that came after `legacy_aid_key`, which no stored key includes.
_NEWER_FIELDS = frozenset({"full_name"})


def _key_text(value: object) -> str:
    """A cell as `legacy_aid_key` hashed it: a date cell of a workbook with its time of day."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return cell_text(value)


def aid_raw(columns: Columns, cells: Sequence[object]) -> dict[str, object]:
    """Canonical field → cell value (text stripped, XLSX numbers and dates kept)."""
    raw: dict[str, object] = {}
    for name, index in columns.index.items():
        value = cells[index] if index < len(cells) else ""
        raw[name] = value.strip() if isinstance(value, str) else ("" if value is None else value)
    if "national_id" in raw:
        raw["national_id"] = national_id_text(raw["national_id"])
    return raw
