"""Reviewers read the model's evidence in their language, every field and agreement."""

import pytest
from django.utils import translation

from marsad.engines.linkage.comparisons import COMPARISONS
from marsad.matching.evidence import AGREEMENTS, FIELDS, evidence_rows


def test_every_field_and_agreement_of_the_model_has_a_label():
    for comparison in COMPARISONS:
        assert comparison.name in FIELDS
        for level in comparison.levels:
            assert level.label in AGREEMENTS, (comparison.name, level.label)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ar",
            [("الرقم القومي", "غير موجود في أحد السجلين", 0.0), ("تاريخ الميلاد", "متطابق", 13.9)],
        ),
        ("en", [("National ID", "missing in one record", 0.0), ("Birth date", "the same", 13.9)]),
    ],
)
def test_evidence_rows_are_labelled(language, expected):
    evidence = [["national_id", "missing", 0.0], ["birth_date", "exact", 13.9]]
    with translation.override(language):
        assert evidence_rows(evidence) == expected


def test_an_unknown_code_is_shown_as_it_is():
    assert evidence_rows([["shoe_size", "huge", 1]]) == [("shoe_size", "huge", 1.0)]
