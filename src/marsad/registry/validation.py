"""Checking what a case worker typed about a person before anything is stored.

Hard problems (a malformed national ID, an impossible birth date, an unknown place) each
have their own code and message and stop the registration. Soft warnings (the check digit,
a gender or birth date that disagrees with the ID) need an explicit confirmation, which is
logged. The ID's birth date and gender are cross-checked against what was typed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.crypto import blind_index
from marsad.core.errors import ApplicationError, ErrorCode
from marsad.engines.arabic import display_name, leading_titles, name_tokens
from marsad.engines.linkage.records import PersonRecord
from marsad.engines.nid import NationalIdError, NationalIdErrorCode, parse_national_id
from marsad.engines.phone import PhoneError, normalize_mobile
from marsad.engines.translit import is_latin, latin_name_tokens
from marsad.matching.naming import tries_exhausted_message
from marsad.registry.errors import RegistryError, RegistryWarning

#: The widths of the person table's name columns (`registry.models.Person`).
NAME_MAX_LENGTH = 200
NAME_PART_MAX_LENGTH = 60

OLDEST_BIRTH_YEAR = 1900

NID_ERROR_CODES = {
    NationalIdErrorCode.INVALID_CHARACTERS: RegistryError.NATIONAL_ID_INVALID_CHARACTERS,
    NationalIdErrorCode.WRONG_LENGTH: RegistryError.NATIONAL_ID_WRONG_LENGTH,
    NationalIdErrorCode.INVALID_CENTURY: RegistryError.NATIONAL_ID_INVALID_CENTURY,
    NationalIdErrorCode.INVALID_BIRTH_DATE: RegistryError.NATIONAL_ID_INVALID_BIRTH_DATE,
    NationalIdErrorCode.FUTURE_BIRTH_DATE: RegistryError.NATIONAL_ID_FUTURE_BIRTH_DATE,
    NationalIdErrorCode.UNKNOWN_GOVERNORATE: RegistryError.NATIONAL_ID_UNKNOWN_GOVERNORATE,
    NationalIdErrorCode.DIGITS_LOST: RegistryError.NATIONAL_ID_DIGITS_LOST,
}


def nid_error_message(code: NationalIdErrorCode) -> str:
    messages = {
        NationalIdErrorCode.EMPTY: _("The national ID is empty."),
        NationalIdErrorCode.INVALID_CHARACTERS: _(
            "The national ID may contain only digits (Arabic or Western), spaces and dashes."
        ),
        NationalIdErrorCode.WRONG_LENGTH: _("The national ID must have exactly 14 digits."),
        NationalIdErrorCode.INVALID_CENTURY: _(
            "The national ID must start with 2 (born in the 1900s) or 3 (born in the 2000s)."
        ),
        NationalIdErrorCode.INVALID_BIRTH_DATE: _(
            "Digits 2 to 7 of the national ID are not a real birth date."
        ),
        NationalIdErrorCode.FUTURE_BIRTH_DATE: _(
            "The birth date in the national ID is in the future."
        ),
        NationalIdErrorCode.UNKNOWN_GOVERNORATE: _(
            "Digits 8 and 9 of the national ID are not a known governorate code."
        ),
        NationalIdErrorCode.DIGITS_LOST: _(
            "The national ID was saved by Excel as a rounded number (like 2.82082E+13), which "
            "loses its last digits: format the column as Text and enter the IDs again."
        ),
    }
    return str(messages[code])


@dataclass(frozen=True)
class Problem:
    field: str
    code: ErrorCode
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def problems_error(problems: list[Problem], *, generic: ErrorCode) -> ApplicationError:
    """One error for a service's problems: a single problem keeps its own code and message;
    several get `generic` and a general message. Every problem is in `extra["problems"]`."""
    only = len(problems) == 1
    return ApplicationError(
        code=problems[0].code if only else generic,
        message=problems[0].message if only else _("Some fields need correcting."),
        field=problems[0].field,
        extra={"problems": [p.as_dict() for p in problems]},
    )


def national_id_tries_exhausted(index: int, field_name: str = "") -> Problem:
    """Person `index` was given a registered national ID after the member had too many other
    names refused for its holder (`matching.naming`): the name is not compared."""
    return Problem(
        field_name or f"people.{index}.national_id",
        RegistryError.NATIONAL_ID_TRIES_EXHAUSTED,
        tries_exhausted_message(),
    )


def national_id_other_name(index: int) -> Problem:
    """Person `index` was given a registered national ID with another person's name (see
    `engines.linkage.decision.names_the_holder`); the registered name is not told."""
    return Problem(
        f"people.{index}.national_id",
        RegistryError.NATIONAL_ID_OTHER_NAME,
        _(
            "This national ID is registered under another name. Check the ID and the name; "
            "if both are right, ask the Technical Secretariat to correct the registered record."
        ),
    )


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    gender: str = ""
    national_id: str = ""
    birth_date: datetime.date | None = None
    relation: str = "head"
    phone: str = ""
    marital_status: str = ""
    education: str = ""
    occupation: str = ""
    disability: str = ""
    monthly_income: Decimal | None = None


@dataclass
class CleanPerson:
    """A validated person, with everything the registry stores and the linkage engine reads."""

    source: PersonInput
    full_name: str
    parts: tuple[str, str, str, str]
    raw_parts: tuple[str, str, str, str]
    gender: str
    birth_date: datetime.date | None
    national_id: str = ""
    national_id_checked: bool = False
    national_id_index: str | None = None
    phone: str = ""
    warnings: list[Problem] = field(default_factory=list)

    def linkage_record(self, *, record_id: str, governorate: str) -> PersonRecord:
        return PersonRecord(
            record_id=record_id,
            first=self.parts[0],
            father=self.parts[1],
            grandfather=self.parts[2],
            family=self.parts[3],
            latin=is_latin(self.full_name),
            national_id=self.national_id,
            national_id_digits=self.national_id,
            national_id_checked=self.national_id_checked,
            birth_date=self.birth_date,
            birth_year=self.birth_date.year if self.birth_date else None,
            gender=self.gender,
            governorate=governorate,
            phone=self.phone,
        )


def validate_person(
    data: PersonInput, *, index: int = 0, today: datetime.date | None = None
) -> tuple[CleanPerson | None, list[Problem]]:
    """(clean person, hard problems). Field names are prefixed `people.<index>.`.

    `today` (default: the local date now) lets a caller checking many people read the clock
    once.
    """
    from marsad.engines.linkage.records import clean_record

    prefix = f"people.{index}."
    problems: list[Problem] = []
    if today is None:
        today = timezone.localdate()
    full_name = display_name(data.full_name or "")
    if not full_name:
        problems.append(
            Problem(
                prefix + "full_name", RegistryError.NAME_REQUIRED, _("Write the person's name.")
            )
        )
    elif len(full_name) > NAME_MAX_LENGTH:
        problems.append(_name_too_long(prefix, len(full_name), NAME_MAX_LENGTH))
    if data.gender not in {"M", "F"}:
        problems.append(
            Problem(
                prefix + "gender", RegistryError.GENDER_REQUIRED, _("Choose the person's gender.")
            )
        )
    if data.birth_date and data.birth_date > today:
        problems.append(
            Problem(
                prefix + "birth_date",
                RegistryError.BIRTH_DATE_IN_FUTURE,
                _("The birth date is in the future."),
            )
        )
    elif data.birth_date and data.birth_date.year < OLDEST_BIRTH_YEAR:
        problems.append(
            Problem(
                prefix + "birth_date",
                RegistryError.BIRTH_DATE_TOO_OLD,
                _("The birth date is before 1900."),
            )
        )
    national_id = ""
    checked = False
    warnings: list[Problem] = []
    if data.national_id.strip():
        try:
            parsed = parse_national_id(data.national_id, today=today)
        except NationalIdError as error:
            code = NID_ERROR_CODES.get(error.code, RegistryError.NATIONAL_ID_WRONG_LENGTH)
            problems.append(Problem(prefix + "national_id", code, nid_error_message(error.code)))
        else:
            national_id, checked = parsed.value, parsed.check_digit_ok
            if not checked:
                warnings.append(
                    Problem(
                        prefix + "national_id",
                        RegistryWarning.CHECK_DIGIT,
                        _(
                            "The last digit of the national ID does not fit the others; it may be "
                            "mistyped. Check it against the card."
                        ),
                    )
                )
            if data.gender in {"M", "F"} and parsed.gender != data.gender:
                warnings.append(
                    Problem(
                        prefix + "gender",
                        RegistryWarning.GENDER_MISMATCH,
                        _("The national ID belongs to a %(gender)s, but %(typed)s was chosen.")
                        % {
                            "gender": _("male") if parsed.gender == "M" else _("female"),
                            "typed": _("male") if data.gender == "M" else _("female"),
                        },
                    )
                )
            if data.birth_date and data.birth_date != parsed.birth_date:
                warnings.append(
                    Problem(
                        prefix + "birth_date",
                        RegistryWarning.BIRTH_DATE_MISMATCH,
                        _("The national ID gives the birth date %(date)s, not the one typed.")
                        % {"date": parsed.birth_date.isoformat()},
                    )
                )
    phone = ""
    if data.phone.strip():
        try:
            phone = normalize_mobile(data.phone)
        except PhoneError:
            problems.append(
                Problem(
                    prefix + "phone",
                    RegistryError.INVALID_PHONE,
                    _("The phone must be an Egyptian mobile number such as 01012345678."),
                )
            )
    if problems:
        return None, problems
    cleaned = clean_record({"record_id": "new", "full_name": full_name}, today=today)
    raw_parts = _raw_parts(full_name.split())
    longest = max(len(part) for part in (*raw_parts, *cleaned.name_parts))
    if longest > NAME_PART_MAX_LENGTH // 2:
        # A part's key is never longer than the part, its skeleton at most twice as long
        # (ش → sh): only a long part needs them measured.
        longest = max(longest, *(len(part) for part in (*cleaned.keys(), *cleaned.skeletons())))
    if longest > NAME_PART_MAX_LENGTH:
        return None, [_name_too_long(prefix, longest, NAME_PART_MAX_LENGTH, part=True)]
    normalized = len(" ".join(part for part in cleaned.name_parts if part))
    if normalized > NAME_MAX_LENGTH:
        return None, [_name_too_long(prefix, normalized, NAME_MAX_LENGTH)]
    birth_date = data.birth_date
    if birth_date is None and national_id and checked:
        birth_date = parse_national_id(national_id, today=today).birth_date
    return CleanPerson(
        source=data,
        full_name=full_name,
        parts=cleaned.name_parts,
        raw_parts=raw_parts,
        gender=data.gender,
        birth_date=birth_date,
        national_id=national_id,
        national_id_checked=checked,
        national_id_index=blind_index(national_id) if national_id else None,
        phone=phone,
        warnings=warnings,
    ), []


_PERSON_FIELD = re.compile(r"people\.(\d+)\.")


def person_index(field: str) -> int | None:
    """Which person of a household a problem's field names ("people.2.birth_date" → 2), or
    None for a field of the household itself: the inverse of `validate_person`'s prefix."""
    match = _PERSON_FIELD.match(field)
    return int(match.group(1)) if match else None


def _name_too_long(prefix: str, length: int, limit: int, *, part: bool = False) -> Problem:
    if part:
        # The limit is on the stored forms of a part, which can be longer than the part typed.
        message = _(
            "One part of the name is too long; write the name with spaces between its parts."
        )
    else:
        message = _("The name is %(length)s characters long, more than %(limit)s.") % {
            "length": length,
            "limit": limit,
        }
    return Problem(prefix + "full_name", RegistryError.NAME_TOO_LONG, message)


def name_columns(record: PersonRecord, raw_parts: tuple[str, str, str, str]) -> dict[str, Any]:
    """The person table's name columns: the parts as typed and their normal forms."""
    keys, skeletons = record.keys(), record.skeletons()
    parts = record.name_parts
    return {
        "first_name": raw_parts[0],
        "father_name": raw_parts[1],
        "grandfather_name": raw_parts[2],
        "family_name": raw_parts[3],
        "name_normalized": " ".join(part for part in parts if part),
        "name_parts_normalized": list(parts),
        "first_key": keys[0],
        "father_key": keys[1],
        "grandfather_key": keys[2],
        "family_key": keys[3],
        "first_skeleton": skeletons[0],
        "father_skeleton": skeletons[1],
        "grandfather_skeleton": skeletons[2],
        "name_is_latin": record.latin,
    }


def name_columns_of(full_name: str, *, today: datetime.date) -> dict[str, Any]:
    """`name_columns` of a name as typed, without the rest of a person (data migrations)."""
    from marsad.engines.linkage.records import clean_record

    name = display_name(full_name)
    record = clean_record({"record_id": "", "full_name": name}, today=today)
    return name_columns(record, _raw_parts(name.split()))


def _raw_parts(tokens: list[str]) -> tuple[str, str, str, str]:
    """Name parts as typed (for display), grouping tokens the way normalisation joins them.

    Titles before the name (`arabic.leading_titles`) are not a part.
    """
    tokenize = latin_name_tokens if is_latin(" ".join(tokens)) else name_tokens
    whole = tokenize(" ".join(tokens))
    titles = "".join(whole[: leading_titles(whole)])
    skipped = ""
    # The typed words that make up the titles ("El Hag" is one title in normal form).
    while tokens and len(skipped) < len(titles):
        piece = "".join(tokenize(tokens[0]))
        if not titles.startswith(skipped + piece):
            break
        skipped += piece
        tokens = tokens[1:]
    normal = ["".join(tokenize(token)) for token in tokens]
    parts: list[str] = []
    start = 0
    for target in tokenize(" ".join(tokens)):
        end = start + 1
        while end < len(tokens) and "".join(normal[start:end]) != target:
            end += 1
        parts.append(" ".join(tokens[start:end]))
        start = end
    family = parts[-1] if len(parts) >= 4 else ""
    padded = (*parts[:3], "", "", "")
    return (padded[0], padded[1], padded[2], family)
