"""Validation's name parts: what the person table shows as first, father's... names."""

import datetime

import pytest
from django.utils import translation

from marsad.registry.validation import PersonInput, validate_person

TODAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("عبد الرحمن محمد علي", ("عبد الرحمن", "محمد", "علي", "")),
        ("الحاج محمد أحمد علي الشافعي", ("محمد", "أحمد", "علي", "الشافعي")),
        ("م/ أحمد سعيد علي", ("أحمد", "سعيد", "علي", "")),
        # Latin names are grouped as their transliteration is joined.
        ("Abdel Rahman Mohamed Ali Hassan", ("Abdel Rahman", "Mohamed", "Ali", "Hassan")),
        ("Nour El Din Ahmed Ali", ("Nour El Din", "Ahmed", "Ali", "")),
        ("El Hag Mohamed Ali Hassan", ("Mohamed", "Ali", "Hassan", "")),
    ],
)
def test_the_parts_shown_are_the_parts_matched(typed, parts):
    clean, problems = validate_person(PersonInput(full_name=typed, gender="M"), today=TODAY)
    assert problems == []
    assert clean.raw_parts == parts
    # Each part shown is one normalised part of the name (none shifted by a title).
    assert len([p for p in clean.parts if p]) == len([p for p in parts if p])


def test_the_name_limits_are_the_person_tables_widths():
    from marsad.registry.models import Person
    from marsad.registry.validation import NAME_MAX_LENGTH, NAME_PART_MAX_LENGTH

    assert Person._meta.get_field("full_name").max_length == NAME_MAX_LENGTH
    for column in ("first_name", "family_name", "first_key", "first_skeleton"):
        assert Person._meta.get_field(column).max_length == NAME_PART_MAX_LENGTH


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("محمد " + "ا" * 196, "201"),  # the whole name is longer than its column
        ("م" * 70 + " أحمد علي حسن", "part"),  # one part is longer than its column
        ("ش" * 40 + " أحمد علي", "part"),  # its skeleton is (sh for each letter)
    ],
)
def test_a_name_longer_than_its_columns_is_a_problem_not_a_database_error(typed, said):
    with translation.override("en"):
        clean, problems = validate_person(PersonInput(full_name=typed, gender="M"), today=TODAY)
    assert clean is None
    [problem] = problems
    assert (problem.field, problem.code) == ("people.0.full_name", "registry.name_too_long")
    assert said in problem.message
