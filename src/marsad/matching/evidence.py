"""The linkage model's evidence as reviewers read it: each field and how the two records
compare, in the user's language (the engine names them in plain English codes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "national_id": _("National ID"),
    "first_name": _("First name"),
    "father_name": _("Father's name"),
    "grandfather_name": _("Grandfather's name"),
    "family_name": _("Family name"),
    "birth_date": _("Birth date"),
    "gender": _("Gender"),
    "phone": _("Mobile phone"),
    "governorate": _("Governorate"),
}
AGREEMENTS = {
    "missing": _("missing in one record"),
    "exact": _("the same"),
    "same": _("the same"),
    "same key": _("the same name, spelled differently"),
    "transliteration": _("the same name, once in Latin letters"),
    "similar": _("similar"),
    "first and family swapped": _("first and family names swapped"),
    "first name in the family name's place": _("the first name in the family name's place"),
    "one typo": _("one digit different"),
    "day and month swapped": _("day and month swapped"),
    "within a day": _("a day apart"),
    "one digit typed wrong": _("one digit typed wrong"),
    "same year": _("the same year only"),
    "year off by one": _("a year apart"),
    "different": _("different"),
}


def evidence_rows(evidence: Iterable[Sequence[object]]) -> list[tuple[str, str, float]]:
    """(field, agreement, weight in bits) of each comparison, labelled; an unknown code is
    shown as it is."""
    rows = []
    for field, agreement, weight, *_rest in evidence:
        rows.append(
            (
                str(FIELDS.get(str(field), field)),
                str(AGREEMENTS.get(str(agreement), agreement)),
                float(weight),  # type: ignore[arg-type]
            )
        )
    return rows
