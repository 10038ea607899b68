"""The governorates' other spellings: each names its own governorate, none another's."""

import pytest

from marsad.geo.services import governorate_reference_rows, governorate_spellings
from marsad.matching.linkage import governorate_index


def test_every_name_and_spelling_resolves_to_its_own_governorate():
    index = governorate_index()
    for row in governorate_reference_rows():
        for name in (row["nid_code"], row["name_ar"], row["name_en"], row["iso_3166_2"]):
            assert index.resolve(name) == row["nid_code"], name
    for code, spelling in governorate_spellings():
        assert index.resolve(spelling) == code, spelling


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("محافظة القاهرة", "01"),
        ("Menofia", "17"),
        ("Sharkia", "13"),
        ("Bani Sweif", "22"),
        ("Fayoum", "23"),
        ("Asyut", "25"),
        ("El Giza", "21"),
        ("Kafr al-Sheikh", "15"),
        ("Marsa Matruh", "33"),
        ("Alex", "02"),
    ],
)
def test_forms_met_in_members_files(written, code):
    assert governorate_index().resolve(written) == code
