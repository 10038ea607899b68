"""`pair_hit` decides every pair as `pair_decision` does, scoring only pairs without a conflict."""

import datetime
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.decision import Decision
from marsad.engines.linkage.features import feature_row
from marsad.engines.linkage.records import clean_record
from marsad.matching.selectors import pair_decision, pair_hit

TODAY = datetime.date(2026, 11, 29)
NAMES = [
    "محمد أحمد علي الشافعي",
    "محمد احمد على الشافعى",
    "مصطفى أحمد علي الشافعي",
    "محمد أحمد علي",
    "أحمد محمد علي الشافعي",
    "فاطمة حسن محمود السيد",
    "فاطمه حسن محمود",
    "Mohamed Ahmed Aly El-Shafei",
    "عبد الله أحمد علي الشافعي",
]
NATIONAL_IDS = ["", "28208151304597", "28208151304598", "28208151304579", "29001011234567"]
BIRTH_DATES = ["", "1982-08-15", "1982-15-08", "1982-08-16", "1985-03-03", "1982"]
PHONES = ["", "01012345678", "01112345678"]
GENDERS = ["", "M", "F"]
RECORDS = st.builds(
    lambda *values: feature_row(
        clean_record(
            dict(
                zip(
                    ("full_name", "national_id", "birth_date", "phone", "gender", "record_id"),
                    values,
                    strict=True,
                )
            ),
            today=TODAY,
        )
    ),
    st.sampled_from(NAMES),
    st.sampled_from(NATIONAL_IDS),
    st.sampled_from(BIRTH_DATES),
    st.sampled_from(PHONES),
    st.sampled_from(GENDERS),
    st.just("r"),
)


#: The thresholds are only read, never stored.
THRESHOLDS = CoalitionSettings(match_threshold=0.99, review_threshold=0.5)


def _expected(new_row, stored):
    score, _conflict, decision = pair_decision(new_row, stored, settings_row=THRESHOLDS)
    return None if decision == Decision.DISTINCT else (score, decision)


@settings(max_examples=300)
@given(RECORDS, RECORDS)
def test_pair_hit_is_pair_decision_without_the_distinct_pairs(new_row, stored):
    assert pair_hit(new_row, stored, settings_row=THRESHOLDS) == _expected(new_row, stored)


def test_pair_hit_on_every_pair_of_a_family():
    rows = [
        feature_row(
            clean_record(
                {"full_name": name, "national_id": nid, "birth_date": born, "gender": "M"},
                today=TODAY,
            )
        )
        for name, nid, born in itertools.product(NAMES[:5], NATIONAL_IDS[:3], BIRTH_DATES[:4])
    ]
    decisions = set()
    for new_row, stored in itertools.product(rows, repeat=2):
        hit = pair_hit(new_row, stored, settings_row=THRESHOLDS)
        assert hit == _expected(new_row, stored)
        decisions.add(hit[1] if hit else Decision.DISTINCT)
    assert decisions == {Decision.MATCH, Decision.REVIEW, Decision.DISTINCT}
