"""Relatives who look alike are never merged; true duplicates with typos are not blocked."""

import pytest

from marsad.engines.linkage.decision import (
    Conflict,
    Decision,
    decide,
    hard_conflict,
    names_the_holder,
)
from tests.engines.linkage.conftest import row

NID = "28208151304597"  # valid, check digit right
NID_OTHER = "28208151304651"  # another valid ID, same birth date (a twin brother's)


def test_different_valid_national_ids_are_two_people():
    a = row(full_name="محمد أحمد علي", national_id=NID)
    b = row(full_name="محمد أحمد علي", national_id=NID_OTHER)
    assert hard_conflict(a, b) == Conflict.DIFFERENT_NATIONAL_IDS


def test_a_one_digit_typo_in_the_id_is_not_a_conflict():
    typo = NID[:10] + "8" + NID[11:]  # check digit no longer fits
    a = row(full_name="محمد أحمد علي", national_id=NID)
    b = row(full_name="محمد احمد علي", national_id=typo)
    assert hard_conflict(a, b) is None


def test_twins_with_different_first_names_are_two_people():
    a = row(full_name="حسن محمد علي الشافعي", birth_date="2010-03-04", phone="01012345678")
    b = row(full_name="حسين محمد علي الشافعي", birth_date="2010-03-04", phone="01012345678")
    assert hard_conflict(a, b) == Conflict.SIBLING_PATTERN


def test_brothers_are_two_people_even_without_birth_dates():
    a = row(full_name="أحمد محمود سيد")
    b = row(full_name="مصطفى محمود سيد")
    assert hard_conflict(a, b) == Conflict.SIBLING_PATTERN


def test_son_named_after_grandfather_differs_by_birth_date():
    grandfather = row(full_name="محمد علي حسن", birth_date="1941-05-01")
    grandson = row(full_name="محمد أحمد محمد", birth_date="2005-09-12")
    assert hard_conflict(grandfather, grandson) == Conflict.DIFFERENT_BIRTH_DATES


@pytest.mark.parametrize(
    ("date_a", "date_b"),
    [
        ("1990-04-07", "1990-07-04"),
        ("1990-04-07", "07/04/1990"),
        ("1990-04-07", "1990-04-08"),
        ("1990-04-07", "1990"),
    ],
)
def test_swapped_off_by_a_day_or_year_only_dates_are_not_conflicts(date_a, date_b):
    a = row(full_name="فاطمة علي حسن", birth_date=date_a)
    b = row(full_name="فاطمه على حسن", birth_date=date_b)
    assert hard_conflict(a, b) is None


def test_spelling_variants_and_transliteration_are_the_same_first_name():
    a = row(full_name="عبد الرحمن مصطفى سيد")
    b = row(full_name="Abdel Rahman Mostafa Sayed")
    assert hard_conflict(a, b) is None


def test_different_gender_is_two_people():
    a = row(full_name="نور محمد علي", gender="ذكر")
    b = row(full_name="نور محمد علي", gender="أنثى")
    assert hard_conflict(a, b) == Conflict.DIFFERENT_GENDER


def test_the_same_valid_id_overrides_a_date_typo():
    a = row(full_name="محمد أحمد علي", national_id=NID, birth_date="1982-08-15")
    b = row(full_name="محمد أحمد علي", national_id=NID, birth_date="1928-08-15")
    assert hard_conflict(a, b) is None


@pytest.mark.parametrize(
    ("probability", "conflict", "expected"),
    [
        (0.999, None, Decision.MATCH),
        (0.7, None, Decision.REVIEW),
        (0.2, None, Decision.DISTINCT),
        (0.999999, Conflict.SIBLING_PATTERN, Decision.DISTINCT),
    ],
)
def test_decide(probability, conflict, expected):
    assert decide(probability, conflict, match=0.99, review=0.5) == expected


def test_identifiers_one_typo_apart_keep_a_wrong_birth_date_from_splitting_the_pair():
    # FEBRL-style 7-digit identifiers with no check digit: one transposition apart.
    a = row(first_name="james", family_name="sebregts", national_id="5342529",
            birth_date="1904-04-04")  # fmt: skip
    b = row(first_name="james", family_name="sebregts", national_id="5342259",
            birth_date="1915-11-02")  # fmt: skip
    assert hard_conflict(a, b) is None
    # Two typos apart, nothing excuses the other birth date: the birth date rule holds.
    c = row(first_name="james", family_name="sebregts", national_id="5342951",
            birth_date="1915-11-02")  # fmt: skip
    assert hard_conflict(a, c) == Conflict.DIFFERENT_BIRTH_DATES


def test_identifiers_one_typo_apart_do_not_lift_the_name_rules():
    typo = NID[:10] + "8" + NID[11:]
    brother = row(full_name="حسين محمد علي", national_id=typo, birth_date="1982-08-15")
    a = row(full_name="حسن محمد علي", national_id=NID, birth_date="1982-08-15")
    assert hard_conflict(a, brother) == Conflict.SIBLING_PATTERN


HOLDER = "محمد أحمد علي الشافعي"


@pytest.mark.parametrize(
    "given",
    [
        HOLDER,
        "محمد احمد على الشافعى",  # spelling variants
        "محمد أحمد",  # a shorter chain
        "محمد أحمد علي حسن",  # another family name: the chain agrees
        "مُحمّد أحمـــد علي",  # diacritics, tatweel
        "محمد أحمد الشافعي",  # first, father and family names
        "Mohamed Ahmed Ali",  # in Latin letters
    ],
)
def test_the_holder_s_own_name_in_any_of_its_forms_names_them(given):
    assert names_the_holder(row(full_name=given), row(full_name=HOLDER))


@pytest.mark.parametrize(
    "given",
    [
        "سعاد محمود حسن",  # someone else altogether
        "مصطفى أحمد علي الشافعي",  # the holder's brother
        "محمد حسين علي الشافعي",  # another father
        "محمد أحمد سيد الشافعي",  # another grandfather
        "محمد",  # a first name alone names too many people
        "Mohamed Hassan",  # in Latin letters, another father
    ],
)
def test_another_person_s_name_does_not(given):
    assert not names_the_holder(row(full_name=given), row(full_name=HOLDER))
