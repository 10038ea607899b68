"""Hard rules that no match score overrides, and the match decision built on them.

Probabilistic weights treat fields as independent, but in a family they are not: brothers
share the father's, grandfather's and family names, the phone and the governorate; twins
share the birth date too. These rules encode what the national ID and the Arabic name chain
say for certain, so that such relatives are never merged:

- two valid national IDs that differ are two people (a typo is one edit and fails the check
  digit, so it is not "valid" in this sense);
- different genders are two people;
- full birth dates that differ by more than one typed digit (or two swapped digits), a day,
  or a day/month swap are two people — unless both records carry the same identifier, or
  identifiers one typo apart (then the birth date is as likely the typo);
- the sibling pattern: same father's name, first names that are not spellings of each other;
- the name chain: a person has one father and one grandfather, so two records whose father's
  (or grandfather's) names are clearly different names, not spellings or a typo of one
  name, are two people.

Name rules apply only when both records are written in the same script: romanisation is too
loose ("Joseph" for يوسف) for a certain verdict, so cross-script pairs rely on the score.
"""

from __future__ import annotations

import enum

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from marsad.engines.linkage.comparisons import NAME_FUZZY_THRESHOLD, alike
from marsad.engines.linkage.features import FeatureRow


class Conflict(enum.StrEnum):
    DIFFERENT_NATIONAL_IDS = "different_national_ids"
    DIFFERENT_GENDER = "different_gender"
    DIFFERENT_BIRTH_DATES = "different_birth_dates"
    SIBLING_PATTERN = "sibling_pattern"
    DIFFERENT_FATHER = "different_father"
    DIFFERENT_GRANDFATHER = "different_grandfather"


class Decision(enum.StrEnum):
    MATCH = "match"
    REVIEW = "review"
    DISTINCT = "distinct"


def _comparable(a: FeatureRow, b: FeatureRow, part: str) -> bool:
    """Both records give this part, in the same script."""
    return a.get(part) is not None and b.get(part) is not None and a["latin"] == b["latin"]


def _different_names(a: FeatureRow, b: FeatureRow, part: str) -> bool:
    """Clearly two different names: comparable, not a spelling variant or a typo."""
    if not _comparable(a, b, part) or same_name(a, b, part):
        return False
    return JaroWinkler.similarity(str(a[part]), str(b[part])) < NAME_FUZZY_THRESHOLD


def same_name(a: FeatureRow, b: FeatureRow, part: str) -> bool:
    if a.get(part) is not None and a.get(part) == b.get(part):
        return True
    key = a.get(f"{part}_key")
    if key is not None and key == b.get(f"{part}_key"):
        return True
    skeleton = a.get(f"{part}_skel")
    return a["latin"] != b["latin"] and skeleton is not None and skeleton == b.get(f"{part}_skel")


def _different_birth_dates(a: FeatureRow, b: FeatureRow) -> bool:
    """Full dates that are not the same day give or take one: not a typo, swap or slip."""
    date_a, date_b = a.get("dob"), b.get("dob")
    if not isinstance(date_a, str) or not isinstance(date_b, str) or date_a == date_b:
        return False
    days_a, days_b = a.get("dob_days"), b.get("dob_days")
    if isinstance(days_a, int) and isinstance(days_b, int) and abs(days_a - days_b) <= 1:
        return False
    if a.get("dob_swapped") == date_b:
        return False
    return DamerauLevenshtein.distance(date_a, date_b) > 1


def _near_identifiers(a: FeatureRow, b: FeatureRow) -> bool:
    """Identifiers of 7 digits or more, one typo apart.

    (Two check-valid identifiers that differ were already refused.) People born on different
    days have identifiers that differ in more than one digit (the birth date, the sequence
    number, the check digit), so a pair this close is one person whose identifier or birth
    date was typed wrong: the birth date rule must not split it; the score decides.
    """
    x, y = a.get("nid_digits"), b.get("nid_digits")
    return (
        isinstance(x, str)
        and isinstance(y, str)
        and min(len(x), len(y)) >= 7
        and DamerauLevenshtein.distance(x, y) <= 1
    )


def same_identifier(a: FeatureRow, b: FeatureRow) -> bool:
    """Both records carry one identifier: the same national ID, or the same 7 digits or more."""
    nid = a.get("nid")
    if nid is not None and nid == b.get("nid"):
        return True
    digits = a.get("nid_digits")
    return isinstance(digits, str) and len(digits) >= 7 and digits == b.get("nid_digits")


def same_or_mistyped_identifier(a: FeatureRow, b: FeatureRow) -> bool:
    """One identifier on both records, or two identifiers one typo apart."""
    return same_identifier(a, b) or _near_identifiers(a, b)


def hard_conflict(a: FeatureRow, b: FeatureRow) -> Conflict | None:
    """Why `a` and `b` cannot be one person, or None when nothing certain forbids it."""
    nid_a, nid_b = a.get("nid"), b.get("nid")
    same_nid = nid_a is not None and nid_a == nid_b
    if isinstance(nid_a, str) and isinstance(nid_b, str) and not same_nid:
        both_checked = bool(a["nid_checked"]) and bool(b["nid_checked"])
        if both_checked or DamerauLevenshtein.distance(nid_a, nid_b) > 1:
            return Conflict.DIFFERENT_NATIONAL_IDS
    if a.get("gender") and b.get("gender") and a["gender"] != b["gender"]:
        return Conflict.DIFFERENT_GENDER
    if same_identifier(a, b):
        # The same identifier on both: a differing date or name is a typo, not another person.
        return None
    if _different_birth_dates(a, b) and not _near_identifiers(a, b):
        return Conflict.DIFFERENT_BIRTH_DATES
    if _comparable(a, b, "first") and same_name(a, b, "father") and not same_name(a, b, "first"):
        return Conflict.SIBLING_PATTERN
    if _different_names(a, b, "father"):
        return Conflict.DIFFERENT_FATHER
    if _different_names(a, b, "grandfather"):
        return Conflict.DIFFERENT_GRANDFATHER
    return None


def decide(
    probability: float, conflict: Conflict | None, *, match: float, review: float
) -> Decision:
    """The decision for one pair: a conflict always wins; otherwise the thresholds."""
    if conflict is not None:
        return Decision.DISTINCT
    if probability >= match:
        return Decision.MATCH
    if probability >= review:
        return Decision.REVIEW
    return Decision.DISTINCT


def names_the_holder(given: FeatureRow, holder: FeatureRow) -> bool:
    """Whether a record given with a registered person's national ID names that person.

    A national ID is a number anyone may have read, guessed or mistyped; taken alone, it
    would let whoever types it be linked to the person who holds it, and see their record.
    So the name must say the same: the first and the father's names both given and alike
    (the same name key or a near spelling; across scripts, the same transliteration
    skeleton), and no grandfather's name clearly different. A first name alone names too
    many people. A three-part name (first, father, family) is read against a four-part one
    with its last part as the family name.
    """
    for part in ("first", "father"):
        if given.get(part) is None or holder.get(part) is None:
            return False
        if not (same_name(given, holder, part) or alike(given, holder, part, part)):
            return False
    if not _different_names(given, holder, "grandfather"):
        return True
    # "محمد حسن السيد" for "محمد حسن إبراهيم السيد": the third part is the family name.
    return (given.get("family") is None and alike(given, holder, "grandfather", "family")) or (
        holder.get("family") is None and alike(holder, given, "grandfather", "family")
    )
