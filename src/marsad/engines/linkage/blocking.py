"""Blocking: which pairs of records are compared at all.

A pair is compared when it agrees exactly on every column of at least one rule. The rules
cover the ways a true duplicate can still look alike: the ID digits; the first name with
the birth date or year and the father's name; the father's and grandfather's names with the
birth date (for a first-name typo); the phone; the transliteration skeletons (a record in
Latin letters); and the name chain alone (records with no birth date).
"""

from __future__ import annotations

from typing import Any, Final

from marsad.engines.linkage.features import Feature, FeatureRow

RULES: Final[tuple[tuple[str, ...], ...]] = (
    ("nid_digits",),
    ("first_key", "dob"),
    ("first_key", "father_key", "dob_year"),
    ("father_key", "grandfather_key", "dob"),
    ("phone", "first_key"),
    ("first_skel", "father_skel", "dob_year"),
    ("father_skel", "grandfather_skel", "dob"),
    ("first_skel", "father_skel", "grandfather_skel"),
    ("first_key", "father_key", "grandfather_key"),
)


def blocking_keys(row: FeatureRow) -> list[tuple[int, tuple[Feature, ...]]]:
    """(rule index, key values) for every rule whose columns are all present in `row`."""
    keys = []
    for index, columns in enumerate(RULES):
        values = tuple(row.get(column) for column in columns)
        if all(value is not None for value in values):
            keys.append((index, values))
    return keys


def splink_blocking_rules() -> list[Any]:
    from splink import block_on

    return [block_on(*columns) for columns in RULES]
