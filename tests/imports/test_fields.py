"""Which field a file's column holds: Arabic and English headers in their common spellings."""

import pytest
from django.utils import translation

from marsad.imports.fields import header_key, missing_fields, suggest_mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("الرقم القومي", "national_id"),
        ("الرقم القومى", "national_id"),
        ("رقم قومي", "national_id"),
        ("National ID", "national_id"),
        ("national_id", "national_id"),
        ("NID", "national_id"),
        ("الاسم", "full_name"),
        ("الاسم رباعي", "full_name"),
        ("الإسم الكامل", "full_name"),
        ("Full Name", "full_name"),
        ("رقم الأسرة", "household_ref"),
        ("رقم الاسره", "household_ref"),
        ("Household_Ref", "household_ref"),
        ("النوع", "gender"),
        ("Sex", "gender"),
        ("صلة القرابة", "relation"),
        ("تاريخ الميلاد", "birth_date"),
        ("Date of birth", "birth_date"),
        ("المحافظة", "governorate"),
        ("  governorate ", "governorate"),
        ("الموبايل", "phone"),
    ],
)
def test_household_headers_are_recognised(header, field):
    assert suggest_mapping("households", [header]) == {field: header}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("رقم الصرف", "entry_ref"),
        ("نوع المساعدة", "category"),
        ("Aid category", "category"),
        ("الكمية", "quantity"),
        ("QTY", "quantity"),
        ("القيمة", "value"),
        ("تاريخ الصرف", "delivered_on"),
        ("delivered_on", "delivered_on"),
    ],
)
def test_aid_headers_are_recognised(header, field):
    assert suggest_mapping("aid", [header]) == {field: header}


def test_normal_form_ignores_case_spaces_underscores_and_the_article():
    assert header_key("National_ID") == header_key("national id") == "nationalid"
    assert header_key("الرقم القومى") == header_key("رقم قومي")


def test_unknown_headers_are_left_out_and_a_column_is_used_once():
    mapping = suggest_mapping("households", ["ملاحظات", "الاسم", "الاسم الكامل", "name"])
    assert mapping == {"full_name": "الاسم"}


def test_the_remembered_mapping_wins_where_its_column_is_in_the_file():
    remembered = {"full_name": "اسم رب الأسرة", "phone": "تليفون المنزل", "gender": "Missing"}
    header = ["الاسم", "اسم رب الأسرة", "تليفون المنزل", "النوع"]
    assert suggest_mapping("households", header, remembered) == {
        "full_name": "اسم رب الأسرة",
        "gender": "النوع",
        "phone": "تليفون المنزل",
    }


def test_required_fields_are_named_when_missing():
    with_all = {
        "household_ref": "a",
        "full_name": "b",
        "governorate": "c",
        "relation": "d",
        "gender": "e",
    }
    assert missing_fields("households", with_all) == []
    with translation.override("en"):
        assert missing_fields("households", {"full_name": "b"}) == [
            "Household reference",
            "Governorate",
        ]
    aid = {"category": "a", "quantity": "b", "delivered_on": "c"}
    assert len(missing_fields("aid", aid)) == 1  # national ID or household reference
    assert missing_fields("aid", {**aid, "household_ref": "d"}) == []
    assert missing_fields("aid", {**aid, "national_id": "d"}) == []
