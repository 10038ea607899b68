"""Egyptian 14-digit national ID (الرقم القومي): cleaning, parsing, check digit, synthesis.

Layout `C YYMMDD GG SSS G K`: century digit (2 = 1900s, 3 = 2000s), birth date, birth
governorate code (88 = born abroad), serial, gender digit (13th: odd male, even female), check
digit. No official check-digit algorithm is published; the weighted mod-11 rule used here fits
public examples but is not authoritative, so a mismatch is only a warning and never rejects an
ID. Everything else that is wrong raises `NationalIdError` with a code the UI translates.

Engines read no clock: callers pass `today`.
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from marsad.engines.arabic import to_western_digits
from marsad.engines.cells import number_as_typed
from marsad.engines.errors import CodedValueError

Gender = Literal["M", "F"]

LENGTH = 14

VALID_GOVERNORATE_CODES: frozenset[str] = frozenset(
    ["01", "02", "03", "04", "88"]
    + [f"{n}" for n in range(11, 20)]
    + [f"{n}" for n in range(21, 30)]
    + [f"{n}" for n in range(31, 36)]
)

_CENTURIES = {"2": 1900, "3": 2000}
_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212.")
#: A number a spreadsheet wrote in exponent form: "2.82082E+13", "2.8208151304597e13".
_EXPONENT_FORM = re.compile(r"(\d)(?:[.,](\d*))?[eE]\+?(\d{1,2})")


class NationalIdErrorCode(enum.StrEnum):
    EMPTY = "empty"
    INVALID_CHARACTERS = "invalid_characters"
    WRONG_LENGTH = "wrong_length"
    INVALID_CENTURY = "invalid_century"
    INVALID_BIRTH_DATE = "invalid_birth_date"
    FUTURE_BIRTH_DATE = "future_birth_date"
    UNKNOWN_GOVERNORATE = "unknown_governorate"
    DIGITS_LOST = "digits_lost"


class NationalIdWarningCode(enum.StrEnum):
    CHECK_DIGIT_MISMATCH = "check_digit_mismatch"


class NationalIdError(CodedValueError):
    """A national ID that cannot be accepted."""

    code: NationalIdErrorCode


@dataclass(frozen=True)
class NationalId:
    """A parsed ID. `value` is always 14 ASCII digits and consistent with the other fields.

    `value` is left out of `repr` so that logging the object does not leak the full number.
    """

    value: str = field(repr=False)
    birth_date: datetime.date
    governorate_code: str
    serial: str
    gender: Gender
    check_digit_ok: bool
    warnings: tuple[NationalIdWarningCode, ...]

    @property
    def masked(self) -> str:
        """Only the last four digits visible: "**********4597"."""
        return mask_national_id(self.value)


def mask_national_id(value: str) -> str:
    """A 14-digit ID with only its last four digits visible: "**********4597"."""
    return "*" * (LENGTH - 4) + value[-4:]


def clean_national_id(raw: str) -> str:
    """Western digits with spaces (incl. NBSP), dashes, dots and invisible marks removed.

    No validation. A spreadsheet float such as "28208151304597.0" loses its ".0" first; one
    in exponent form ("2.8208151304597E+13") becomes its digits when every digit is written
    (a rounded one, "2.82082E+13", stays as it is: `parse_national_id` says digits are lost).
    The marks that keep a spreadsheet from turning the number into a float go too: a
    leading apostrophe ('28208151304597) and a text formula (="28208151304597").
    """
    text = number_as_typed(to_western_digits(raw).strip())
    exponent = _EXPONENT_FORM.fullmatch(text)
    if exponent:
        digits = exponent.group(1) + (exponent.group(2) or "")
        if len(digits) == int(exponent.group(3)) + 1:
            return digits
    return "".join(
        char
        for char in text
        if not (char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Cf")
    )


def compute_check_digit(first13: str) -> int:
    """K = (11 - Σ dᵢ·wᵢ mod 11) mod 10 with weights 2,7,6,5,4,3,2,7,6,5,4,3,2."""
    if len(first13) != LENGTH - 1 or not (first13.isascii() and first13.isdigit()):
        raise ValueError("compute_check_digit expects exactly 13 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first13, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def parse_national_id(raw: str, *, today: datetime.date) -> NationalId:
    """Parse and validate; raise `NationalIdError` whose code names the first problem found.

    Checks run in this order: empty, digits lost to a spreadsheet's exponent form,
    characters, length, century, real date, not after `today`, governorate. The check digit
    is compared last and only adds a warning.
    """
    value = clean_national_id(raw)
    if not value:
        raise NationalIdError(NationalIdErrorCode.EMPTY, "The national ID is empty.")
    if not value.isdigit() and _EXPONENT_FORM.fullmatch(to_western_digits(raw).strip()):
        raise NationalIdError(
            NationalIdErrorCode.DIGITS_LOST,
            "The national ID was rounded by a spreadsheet into exponent form; digits are lost.",
        )
    if not (value.isascii() and value.isdigit()):
        raise NationalIdError(
            NationalIdErrorCode.INVALID_CHARACTERS, "The national ID may contain digits only."
        )
    if len(value) != LENGTH:
        raise NationalIdError(
            NationalIdErrorCode.WRONG_LENGTH,
            f"The national ID must have {LENGTH} digits, not {len(value)}.",
        )
    century = _CENTURIES.get(value[0])
    if century is None:
        raise NationalIdError(
            NationalIdErrorCode.INVALID_CENTURY,
            "The first digit of a national ID must be 2 (born 1900-1999) or 3 (born 2000-2099).",
        )
    try:
        birth_date = datetime.date(century + int(value[1:3]), int(value[3:5]), int(value[5:7]))
    except ValueError:
        raise NationalIdError(
            NationalIdErrorCode.INVALID_BIRTH_DATE,
            "Digits 2-7 of the national ID are not a real birth date (YYMMDD).",
        ) from None
    if birth_date > today:
        raise NationalIdError(
            NationalIdErrorCode.FUTURE_BIRTH_DATE,
            "The birth date in the national ID is in the future.",
        )
    governorate_code = value[7:9]
    if governorate_code not in VALID_GOVERNORATE_CODES:
        raise NationalIdError(
            NationalIdErrorCode.UNKNOWN_GOVERNORATE,
            f"Digits 8-9 of the national ID ({governorate_code}) are not a governorate code.",
        )
    check_digit_ok = compute_check_digit(value[:13]) == int(value[13])
    return NationalId(
        value=value,
        birth_date=birth_date,
        governorate_code=governorate_code,
        serial=value[9:12],
        gender="M" if int(value[12]) % 2 else "F",
        check_digit_ok=check_digit_ok,
        warnings=() if check_digit_ok else (NationalIdWarningCode.CHECK_DIGIT_MISMATCH,),
    )


def build_national_id(
    *, birth_date: datetime.date, governorate_code: str, serial: int, gender: Gender
) -> str:
    """A valid ID for synthetic data: correct check digit, gender digit of the right parity.

    The gender digit is `2 * (serial % 5) + (1 if male else 0)`, so generated IDs use every
    gender digit rather than only 1 and 2. Raises `ValueError` on arguments no real ID has.
    Invariant: `parse_national_id(build_national_id(...), today=t)` returns the same birth
    date, governorate, serial and gender, with `check_digit_ok` true, for any `t >= birth_date`.
    """
    century_digit = {1900: "2", 2000: "3"}.get(birth_date.year // 100 * 100)
    if century_digit is None:
        raise ValueError("birth_date must be in 1900-2099")
    if governorate_code not in VALID_GOVERNORATE_CODES:
        raise ValueError(f"unknown governorate code {governorate_code!r}")
    if not 0 <= serial <= 999:
        raise ValueError("serial must be in 0..999")
    if gender not in ("M", "F"):
        raise ValueError("gender must be 'M' or 'F'")
    gender_digit = 2 * (serial % 5) + (1 if gender == "M" else 0)
    first13 = f"{century_digit}{birth_date:%y%m%d}{governorate_code}{serial:03d}{gender_digit}"
    return first13 + str(compute_check_digit(first13))
