"""Reading values typed into members' spreadsheets: numbers and dates.

Cells come as text (CSV, or XLSX cells stored as text) or as numbers and datetimes (XLSX).
Text may use Arabic-Indic or Persian digits, the Arabic decimal and thousands separators,
a currency word, and day-first dates as Egyptian offices write them. Anything that cannot
be read raises `CellError` with a code; nothing is guessed.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
from decimal import Decimal, InvalidOperation

from marsad.engines.errors import CodedValueError

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،", "01234567890123456789.,,")
_CURRENCY = re.compile(r"(ج\.?\s*م\.?|جنيه(ا|ات)?|egp|le|l\.e\.?)", re.IGNORECASE)
#: Excel's day 0 for the 1900 date system (serial numbers of dates stored as numbers).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
#: A number kept as text in a spreadsheet: '01012345678 or ="01012345678".
_KEPT_AS_TEXT = re.compile(r"['\u2018\u2019](.+)|=\s*\"(.*)\"")
#: A whole number a spreadsheet wrote as a float: "28208151304597.0".
_WHOLE_FLOAT = re.compile(r"(\d+)\.0+")
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
)
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
#: Month names as Egyptian and English spreadsheets write them (alef forms folded to ا).
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("يناير", "january", "jan"),
            ("فبراير", "february", "feb"),
            ("مارس", "march", "mar"),
            ("ابريل", "ابريليه", "april", "apr"),
            ("مايو", "may"),
            ("يونيو", "يونيه", "june", "jun"),
            ("يوليو", "يوليه", "july", "jul"),
            ("اغسطس", "august", "aug"),
            ("سبتمبر", "september", "sep", "sept"),
            ("اكتوبر", "october", "oct"),
            ("نوفمبر", "november", "nov"),
            ("ديسمبر", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NAMED_MONTH = (
    # 15 أغسطس 1982, 15-Aug-1982, 15/أغسطس/1982
    re.compile(r"^(?P<d>\d{1,2})[\s\-/.]*(?P<m>[^\d\s\-/.,،]+)[\s\-/.,،]*(?P<y>\d{4})$"),
    # August 15, 1982
    re.compile(r"^(?P<m>[A-Za-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})$"),
)
_ALEFS = str.maketrans("أإآ", "ااا")


class CellErrorCode(enum.StrEnum):
    NOT_A_NUMBER = "not_a_number"
    NOT_A_DATE = "not_a_date"


class CellError(CodedValueError):
    pass


def western_digits(text: str) -> str:
    return text.translate(_DIGITS)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: The ways a number is written in members' files and forms, after the digits are made
#: Western and the currency and spaces are taken out. A comma is a thousands separator
#: (groups of three) or, with one or two digits after it, a decimal comma; anything else
#: ("1.2.3", "12,34,5") is not read as a number rather than read wrong.
_NUMBER_FORMS = (
    (re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"), "plain"),  # 1250.5, 1.2E+05
    (re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?"), "grouped"),  # 1,250.50
    (re.compile(r"[-+]?\d+,\d{1,2}"), "decimal comma"),  # 12,5
    (re.compile(r"[-+]?\d{1,3}(\.\d{3})+,\d+"), "grouped by points"),  # 1.250,50
)
#: How each form becomes Python's decimal notation.
_AS_DECIMAL = {
    "plain": lambda text: text,
    "grouped": lambda text: text.replace(",", ""),
    "decimal comma": lambda text: text.replace(",", "."),
    "grouped by points": lambda text: text.replace(".", "").replace(",", "."),
}


def parse_decimal(value: object) -> Decimal:
    """A number from a cell or a form: `1,250.50`, `١٢٥٠٫٥`, `1250 جنيه`, `12,5` (a decimal
    comma), `1.250,50`, 1250.5."""
    if isinstance(value, bool):
        raise CellError(CellErrorCode.NOT_A_NUMBER, "A yes/no cell is not a number.")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        # A workbook's number to the 15 significant digits a spreadsheet shows: a formula's
        # result (150 × 1.14) holds binary noise (170.99999999999997) that is not the amount.
        number = Decimal(format(value, ".15g")) if math.isfinite(value) else Decimal(repr(value))
    else:
        text = _CURRENCY.sub("", western_digits(str(value))).strip()
        text = "".join(text.split())  # "1 250", with any kind of space
        form = next((name for pattern, name in _NUMBER_FORMS if pattern.fullmatch(text)), None)
        if form is None:
            raise CellError(CellErrorCode.NOT_A_NUMBER, "The cell is not a number.")
        text = _AS_DECIMAL[form](text)
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the forms above are all decimals
            raise CellError(CellErrorCode.NOT_A_NUMBER, "The cell is not a number.") from None
    if not number.is_finite():
        raise CellError(CellErrorCode.NOT_A_NUMBER, "The cell is not a finite number.")
    return number


def parse_date(value: object) -> datetime.date:
    """A date from a cell: ISO, day-first `dd/mm/yyyy`, a month by name (`15 أغسطس 1982`,
    `15-Aug-1982`, `August 15, 1982`), an Excel serial number or datetime."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1000 <= value <= 2999:
            # A year typed in a number cell (1982), not Excel's day 1982 (in 1905).
            raise CellError(CellErrorCode.NOT_A_DATE, "A year alone is not a date.")
        if 1 <= value < 100_000:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(CellErrorCode.NOT_A_DATE, "The number is not an Excel date.")
    text = western_digits(str(value)).strip()
    text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}-\d\d-\d\d[ T]", text) else text
    for pattern, (y, m, d) in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(int(match[y]), int(match[m]), int(match[d]))
            except ValueError:
                break
    named = _named_month_date(text)
    if named is not None:
        return named
    raise CellError(CellErrorCode.NOT_A_DATE, "The cell is not a date (use yyyy-mm-dd).")


def _named_month_date(text: str) -> datetime.date | None:
    """A day, a month by its Arabic or English name and a four-digit year, or None."""
    for pattern in _NAMED_MONTH:
        match = pattern.match(text)
        if match is None:
            continue
        month = _MONTH_NAMES.get(match["m"].translate(_ALEFS).lower())
        if month is None:
            return None
        try:
            return datetime.date(int(match["y"]), month, int(match["d"]))
        except ValueError:
            return None
    return None


def parse_month(value: object) -> tuple[datetime.date, datetime.date] | None:
    """A whole month written as `2026-03` (first and last day), or None if not that form."""
    if not isinstance(value, str):
        return None
    match = _MONTH.match(western_digits(value).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    first = datetime.date(int(match[1]), int(match[2]), 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def without_text_marks(text: str) -> str:
    """A long number without the marks that keep a spreadsheet from making it a float (and
    losing its leading zero or last digits): a leading apostrophe ('28208151304597) or a
    text formula (="01012345678"). Anything else is returned as it is."""
    kept = _KEPT_AS_TEXT.fullmatch(text)
    if kept is None:
        return text
    return kept.group(1) if kept.group(1) is not None else kept.group(2)


def number_as_typed(text: str) -> str:
    """A long number (an ID, a phone) as it was typed before a spreadsheet marked or
    converted it: without the text marks (`without_text_marks`) and without the ".0" of a
    whole number written as a float ("28208151304597.0")."""
    text = without_text_marks(text)
    whole = _WHOLE_FLOAT.fullmatch(text)
    return whole.group(1) if whole else text
