"""The flat feature row of a cleaned record: what comparisons and blocking rules read.

The same row feeds Splink (as a table column per key) and the pure-Python scorer, so both
paths compare exactly the same values. Missing values are None (SQL NULL).
"""

from __future__ import annotations

import datetime
from typing import Final

from marsad.engines.linkage.records import PersonRecord

Feature = str | int | None
FeatureRow = dict[str, Feature]
EPOCH: Final = datetime.date(1900, 1, 1)

COLUMNS: Final = (
    "unique_id", "nid", "nid_digits", "nid_head", "nid_tail", "nid_outer", "nid_checked",
    "first", "father", "grandfather", "family",
    "first_key", "father_key", "grandfather_key", "family_key",
    "first_skel", "father_skel", "grandfather_skel", "family_skel",
    "latin", "dob", "dob_swapped", "dob_days", "dob_year",
    "gender", "governorate", "phone",
)  # fmt: skip


def _or_none(value: str) -> str | None:
    return value or None


def feature_row(record: PersonRecord) -> FeatureRow:
    keys = record.keys()
    skeletons = record.skeletons()
    swapped = record.birth_date_swapped
    digits = record.national_id_digits
    half = len(digits) // 2
    row: FeatureRow = {
        "unique_id": record.record_id,
        "nid": _or_none(record.national_id),
        "nid_digits": _or_none(digits),
        # The identifier's two halves, and its digits without the two around the middle:
        # one typed digit or two swapped neighbours leave one of the three intact
        # (blocking only).
        "nid_head": _or_none(digits[:half]),
        "nid_tail": _or_none(digits[half:]),
        "nid_outer": _or_none(digits[: half - 1] + digits[half + 1 :]) if half else None,
        "nid_checked": int(record.national_id_checked),
        "latin": int(record.latin),
        "dob": record.birth_date.isoformat() if record.birth_date else None,
        "dob_swapped": swapped.isoformat() if swapped else None,
        "dob_days": (record.birth_date - EPOCH).days if record.birth_date else None,
        "dob_year": record.birth_year,
        "gender": _or_none(record.gender),
        "governorate": _or_none(record.governorate),
        "phone": _or_none(record.phone),
    }
    for index, part in enumerate(("first", "father", "grandfather", "family")):
        row[part] = _or_none(record.name_parts[index])
        row[f"{part}_key"] = _or_none(keys[index])
        row[f"{part}_skel"] = _or_none(skeletons[index])
    return row
