"""Which pairs the batch path compares at all: typos, swaps and identifier slips are kept."""

from marsad.engines.linkage.model import load_model
from marsad.engines.linkage.splink_runner import predict_edges
from tests.engines.linkage.conftest import row


def _blocked(*records):
    rows = [row(record_id=str(i), **fields) for i, fields in enumerate(records)]
    return {
        tuple(sorted((e.left, e.right))) for e in predict_edges(rows, load_model(), threshold=0.0)
    }


def test_names_swapped_or_misspelt_on_the_same_birth_date_are_compared():
    pairs = _blocked(
        {"first_name": "flynn", "family_name": "weller", "birth_date": "1970-01-06"},
        {"first_name": "weller", "family_name": "ebony", "birth_date": "1970-01-06"},
        {"first_name": "ethan", "family_name": "davis", "birth_date": "1990-10-01"},
        {"first_name": "etahn", "family_name": "bartnel", "birth_date": "1990-10-01"},
        {"first_name": "mary", "family_name": "jones", "birth_date": "1990-10-01"},
    )
    assert ("0", "1") in pairs  # the given name written as the surname
    assert ("2", "3") in pairs  # a typo after the first letter, another surname
    assert ("2", "4") not in pairs  # nothing alike but the birth date
    assert ("3", "4") not in pairs


def test_an_identifier_with_one_typo_is_compared_through_its_intact_half():
    pairs = _blocked(
        {"first_name": "hugh", "family_name": "moody", "national_id": "7632147"},
        {"first_name": "waller", "family_name": "moody", "national_id": "7632247"},
        {"first_name": "amber", "family_name": "stone", "national_id": "1234567"},
        {"first_name": "amber", "family_name": "stone", "national_id": "9994567"},
        {"first_name": "lucy", "family_name": "grey", "national_id": "5550001"},
    )
    assert ("0", "1") in pairs  # head "763" with the family name
    assert ("2", "3") in pairs  # tail "4567"
    assert not {("0", "4"), ("1", "4"), ("2", "4"), ("3", "4")} & pairs


def test_an_identifier_with_two_digits_swapped_across_its_middle_is_compared():
    # 49|75843 → 49|57843: the swap breaks both halves ("497"/"495", "5843"/"7843"); the
    # digits without the two middle ones ("49843") are intact.
    pairs = _blocked(
        {"first_name": "domenique", "family_name": "paterson", "national_id": "4975843"},
        {"first_name": "domenique", "family_name": "paterson", "national_id": "4957843"},
        {"first_name": "domenique", "family_name": "paterson", "national_id": "1112223"},
    )
    assert ("0", "1") in pairs
    assert not {("0", "2"), ("1", "2")} & pairs
