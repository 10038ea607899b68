"""Egyptian mobile numbers brought to one form, E.164 "+201XXXXXXXXX".

The same number arrives as 010 1234 5678, +20 10 1234 5678, 0020-10-1234-5678,
201012345678, ٠١٠١٢٣٤٥٦٧٨, or 1012345678 when a spreadsheet ate the leading zero. Matching
and deduplication compare the E.164 form only. Mobile operators' prefixes after the trunk 0
are 010, 011, 012 and 015; anything else (a landline, a foreign number) is `UNKNOWN_PREFIX`.

Invariant: a returned number always matches `+201[0125]\\d{8}` and normalising it again
returns it unchanged.
"""

from __future__ import annotations

import enum
import unicodedata

from marsad.engines.arabic import to_western_digits
from marsad.engines.cells import number_as_typed
from marsad.engines.errors import CodedValueError

COUNTRY_CODE = "20"
MOBILE_PREFIXES = frozenset({"10", "11", "12", "15"})
NATIONAL_LENGTH = 10

_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212.()[]")


class PhoneErrorCode(enum.StrEnum):
    EMPTY = "empty"
    INVALID_CHARACTERS = "invalid_characters"
    WRONG_LENGTH = "wrong_length"
    UNKNOWN_PREFIX = "unknown_prefix"


class PhoneError(CodedValueError):
    """A number that is not an Egyptian mobile."""

    code: PhoneErrorCode


def _clean(raw: str) -> str:
    text = number_as_typed(to_western_digits(raw).strip())
    return "".join(
        char
        for char in text
        if not (char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Cf")
    )


def _national_number(digits: str, *, international: bool) -> str:
    """Strip the international prefix or trunk zero, leaving the 10-digit national number.

    After a country code an optional trunk zero is also dropped: "+20 (0)10 ..." is common.
    """
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if international:
        if not digits.startswith(COUNTRY_CODE):
            raise PhoneError(PhoneErrorCode.UNKNOWN_PREFIX, "The number is not Egyptian.")
        digits = digits[len(COUNTRY_CODE) :]
        return digits[1:] if digits.startswith("0") else digits
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith(COUNTRY_CODE):
        return digits[len(COUNTRY_CODE) :]
    return digits


def normalize_mobile(raw: str) -> str:
    """The E.164 form "+201XXXXXXXXX" of an Egyptian mobile number, or `PhoneError`.

    Accepted: 01XXXXXXXXX, +201XXXXXXXXX, 00201XXXXXXXXX, 201XXXXXXXXX, 1XXXXXXXXX, with
    spaces, dashes, dots, parentheses, Arabic-Indic digits, a spreadsheet ".0" suffix, or
    the marks that keep a number as text ('01012345678, ="01012345678").
    Error order: empty, characters, prefix not a mobile's leading 1, length, operator prefix.
    """
    text = _clean(raw)
    if not text:
        raise PhoneError(PhoneErrorCode.EMPTY, "The phone number is empty.")
    international = text.startswith("+")
    digits = text[1:] if international else text
    if not (digits.isascii() and digits.isdigit()):
        raise PhoneError(
            PhoneErrorCode.INVALID_CHARACTERS,
            "A phone number may contain digits, spaces, dashes, dots, brackets "
            "and a leading + only.",
        )
    national = _national_number(digits, international=international)
    if not national.startswith("1"):
        raise PhoneError(PhoneErrorCode.UNKNOWN_PREFIX, "The number is not an Egyptian mobile.")
    if len(national) != NATIONAL_LENGTH:
        raise PhoneError(
            PhoneErrorCode.WRONG_LENGTH,
            "An Egyptian mobile number has 11 digits: 01 and nine more.",
        )
    if national[:2] not in MOBILE_PREFIXES:
        raise PhoneError(
            PhoneErrorCode.UNKNOWN_PREFIX,
            "Egyptian mobile numbers start with 010, 011, 012 or 015.",
        )
    return f"+{COUNTRY_CODE}{national}"


def try_normalize_mobile(raw: str) -> str | None:
    """`normalize_mobile`, or None when the input is not an Egyptian mobile number."""
    try:
        return normalize_mobile(raw)
    except PhoneError:
        return None
