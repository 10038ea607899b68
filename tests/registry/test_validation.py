"""Validation's name parts: what the person table shows as first, father's... names."""

import datetime

import pytest

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
