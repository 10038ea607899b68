"""Cleaning one person record into the normal forms linkage compares.

Every field may be missing or unparseable; cleaning never fails and never drops a record,
it leaves what it cannot read empty (and says so in `problems`). The national ID, when its
structure is valid, supplies the birth date and gender if the record lacks them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from marsad.engines.arabic import leading_titles, name_tokens, to_western_digits, token_key
from marsad.engines.cells import CellError, parse_date
from marsad.engines.nid import NationalIdError, clean_national_id, parse_national_id
from marsad.engines.phone import try_normalize_mobile
from marsad.engines.translit import is_latin, latin_name_tokens, skeleton

NAME_PARTS = ("first_name", "father_name", "grandfather_name", "family_name")
#: A date cell formatted as a plain number (or exported as text): Excel's serial day.
_EXCEL_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_YEAR_ONLY = re.compile(r"(\d{4})")
_GENDERS = {
    "m": "M", "male": "M", "ذكر": "M", "ذ": "M", "man": "M",
    "f": "F", "female": "F", "انثي": "F", "أنثى": "F", "انثى": "F", "أنثي": "F", "woman": "F",
}  # fmt: skip


class GovernorateIndex:
    """Finds the 2-digit national-ID governorate code from what files call a governorate.

    Each row is the code followed by its other names (Arabic and English names, the ISO
    3166-2 code...), matched in any common spelling; P-codes such as "EG24" or "EG2401"
    resolve by their first two digits. Built by the caller from the project's reference
    table so that this module stays free of any database or framework.
    """

    _PCODE = re.compile(r"(?i)EG(\d{2})\d*")

    def __init__(self, rows: Iterable[tuple[str, ...]]) -> None:
        self._by_key: dict[str, str] = {}
        for code, *names in rows:
            for key in (code, *names):
                self._by_key[self._key(key)] = code

    #: Words around a governorate's name that do not tell it: "محافظة القاهرة", "El Giza",
    #: "Giza Governorate".
    _NOT_THE_NAME = frozenset({"محافظه", "محافظة", "governorate", "gov", "el", "al"})

    @classmethod
    def _key(cls, value: str) -> str:
        tokens = [token for token in name_tokens(value) if token not in cls._NOT_THE_NAME]
        return "".join(tokens).replace("ال", "")

    def resolve(self, value: str) -> str | None:
        text = to_western_digits(value.strip())
        pcode = self._PCODE.fullmatch(text)
        if pcode:
            text = pcode.group(1)
        if text.isdigit() and len(text) == 1:
            text = "0" + text
        key = self._key(text)
        return self._by_key.get(key) if key else None


@dataclass(frozen=True)
class PersonRecord:
    """One cleaned record. Names are normalised tokens; empty string means unknown."""

    record_id: str
    source: str = ""
    first: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""
    latin: bool = False
    national_id: str = ""
    national_id_digits: str = ""
    national_id_checked: bool = False
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    gender: str = ""
    governorate: str = ""
    phone: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def name_parts(self) -> tuple[str, str, str, str]:
        return (self.first, self.father, self.grandfather, self.family)

    def keys(self) -> tuple[str, str, str, str]:
        return tuple(token_key(part) if part else "" for part in self.name_parts)  # type: ignore[return-value]

    def skeletons(self) -> tuple[str, str, str, str]:
        return tuple(skeleton(part) for part in self.name_parts)  # type: ignore[return-value]

    @property
    def birth_date_swapped(self) -> datetime.date | None:
        """The birth date with day and month exchanged, when that is a real date."""
        if self.birth_date is None or self.birth_date.day > 12:
            return None
        try:
            return self.birth_date.replace(month=self.birth_date.day, day=self.birth_date.month)
        except ValueError:
            return None


def _text(raw: Mapping[str, object], column: str) -> str:
    value = raw.get(column)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def person_name_tokens(text: str) -> tuple[str, ...]:
    """Normal-form tokens of a name in its script: Arabic, or a Latin transliteration."""
    return latin_name_tokens(text) if is_latin(text) else name_tokens(text)


def _split_full_name(tokens: tuple[str, ...]) -> tuple[str, str, str, str]:
    family = tokens[-1] if len(tokens) >= 4 else ""
    padded = (*tokens[:3], "", "", "")
    return (padded[0], padded[1], padded[2], family)


def parse_birth_date(value: object) -> tuple[datetime.date | None, int | None]:
    """(full date, year) from the forms member files use; (None, year) for a year alone.

    Read as the import screens read a date cell (`engines.cells.parse_date`): ISO or
    day-first D/M/Y (as Egyptian files write it), a month by its Arabic or English name, an
    Excel serial number (a date cell formatted as a number), a time of day after the date.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value, value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a workbook's number cell (1982.0 is the year 1982)
    text = to_western_digits(str(value).strip()) if value is not None else ""
    if not text:
        return None, None
    serial = _EXCEL_SERIAL.fullmatch(text)
    readings: tuple[object, ...] = (
        (int(serial.group(1)),) if serial else (text, text.split(" ")[0].split("T")[0])
    )
    for reading in readings:
        try:
            date = parse_date(reading)
        except CellError:
            continue
        return date, date.year
    year = _YEAR_ONLY.fullmatch(text)
    if year and 1880 <= int(year.group(1)) <= 2100:
        return None, int(year.group(1))
    return None, None


def parse_gender(text: str) -> str:
    return _GENDERS.get(text.strip().lower().replace("ى", "ي"), _GENDERS.get(text.strip(), ""))


def clean_record(
    raw: Mapping[str, object],
    *,
    today: datetime.date,
    governorates: GovernorateIndex | None = None,
) -> PersonRecord:
    """Clean one raw row (column name → value, names lower-case as in the spec)."""
    problems: list[str] = []
    parts = [_text(raw, column) for column in NAME_PARTS]
    full_name = _text(raw, "full_name")
    first_tokens = person_name_tokens(parts[0])
    if len(first_tokens) >= 2 and not any(parts[1:]):
        # The whole name typed into the first-name column.
        full_name, parts = parts[0], ["", "", "", ""]
    if any(parts):
        # A title typed before the first name ("الحاج محمد", "د. فاطمة") is not part of it.
        first = first_tokens[leading_titles(first_tokens, names_after=1) :]
        tokens = ("".join(first), *("".join(person_name_tokens(part)) for part in parts[1:]))
        latin = is_latin(" ".join(parts))
    else:
        name = person_name_tokens(full_name)
        tokens = _split_full_name(name[leading_titles(name) :])
        latin = is_latin(full_name)
    if not any(tokens):
        problems.append("name")

    nid_raw = _text(raw, "national_id")
    digits = clean_national_id(nid_raw) if nid_raw else ""
    national_id, checked = "", False
    nid_birth: datetime.date | None = None
    nid_gender = ""
    if digits:
        try:
            parsed = parse_national_id(digits, today=today)
        except NationalIdError as error:
            problems.append(f"national_id:{error.code}")
        else:
            national_id, checked = parsed.value, parsed.check_digit_ok
            if checked:
                # A mistyped ID can still look valid; only a passing check digit makes the
                # birth date and gender it encodes trustworthy enough to fill gaps.
                nid_birth, nid_gender = parsed.birth_date, parsed.gender

    typed_date, typed_year = parse_birth_date(raw.get("birth_date"))
    if _text(raw, "birth_date") and typed_year is None:
        problems.append("birth_date")
    birth_date = typed_date or nid_birth
    birth_year = birth_date.year if birth_date else typed_year

    gender = parse_gender(_text(raw, "gender")) or nid_gender
    governorate = ""
    governorate_text = _text(raw, "governorate")
    if governorate_text and governorates is not None:
        governorate = governorates.resolve(governorate_text) or ""
        if not governorate:
            problems.append("governorate")
    phone_text = _text(raw, "phone")
    phone = try_normalize_mobile(phone_text) or "" if phone_text else ""
    if phone_text and not phone:
        # Not an Egyptian mobile (a landline, a foreign number): its digits still identify.
        digits_only = "".join(c for c in to_western_digits(phone_text) if c.isdigit())
        phone = digits_only if len(digits_only) >= 7 else ""
        problems.append("phone")
    return PersonRecord(
        record_id=_text(raw, "record_id"),
        source=_text(raw, "source"),
        first=tokens[0],
        father=tokens[1],
        grandfather=tokens[2],
        family=tokens[3],
        latin=latin,
        national_id=national_id,
        national_id_digits=digits if 6 <= len(digits) <= 16 and digits.isdigit() else "",
        national_id_checked=checked,
        birth_date=birth_date,
        birth_year=birth_year,
        gender=gender,
        governorate=governorate,
        phone=phone,
        problems=tuple(problems),
    )
