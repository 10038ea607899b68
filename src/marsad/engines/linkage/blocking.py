"""Blocking: which pairs of records are compared at all.

A pair is compared when it agrees exactly on every column of at least one rule in `RULES`,
or meets one of the `SQL_RULES`. The rules cover the ways a true duplicate can still look
alike: the ID digits, either half of them, or all but the two middle digits (an ID with one
typo or two swapped digits); the first or family name with the birth date or year and the
father's name; the father's and grandfather's names with the birth date (for a first-name
typo); the phone; the transliteration skeletons (a record in Latin letters); the name chain
alone (records with no birth date); and the birth date with names that start with the same
letter, in their places or swapped between first and family name (a typo after the first
letter, a given name written as the surname).
"""

from __future__ import annotations

from typing import Any, Final

RULES: Final[tuple[tuple[str, ...], ...]] = (
    ("nid_digits",),
    ("nid_tail",),
    ("nid_outer",),
    ("nid_head", "first_key"),
    ("nid_head", "family_key"),
    ("first_key", "father_key", "dob_year"),
    ("father_key", "grandfather_key", "dob"),
    ("phone", "first_key"),
    ("first_skel", "father_skel", "dob_year"),
    ("father_skel", "grandfather_skel", "dob"),
    ("first_skel", "father_skel", "grandfather_skel"),
    ("first_key", "father_key", "grandfather_key"),
)


#: Rules Splink runs as SQL: the same birth date with names that start alike, in their
#: place or swapped (a typo anywhere but in the first letter, given name as surname). The
#: first two also cover the same first (or family) name on the same birth date.
SQL_RULES: Final[tuple[str, ...]] = (
    "l.dob = r.dob AND substr(l.first_key, 1, 1) = substr(r.first_key, 1, 1)",
    "l.dob = r.dob AND substr(l.family_key, 1, 1) = substr(r.family_key, 1, 1)",
    "l.dob = r.dob AND (substr(l.first_key, 1, 1) = substr(r.family_key, 1, 1)"
    " OR substr(l.family_key, 1, 1) = substr(r.first_key, 1, 1))",
)


def splink_blocking_rules() -> list[Any]:
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    return [block_on(*columns) for columns in RULES] + [CustomRule(sql) for sql in SQL_RULES]
