import datetime

import pytest

from marsad.engines.linkage.records import (
    GovernorateIndex,
    clean_record,
    parse_birth_date,
    parse_gender,
)
from tests.engines.linkage.conftest import GOVERNORATES, TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1982-08-15", (datetime.date(1982, 8, 15), 1982)),
        ("15/08/1982", (datetime.date(1982, 8, 15), 1982)),
        ("5/8/1982", (datetime.date(1982, 8, 5), 1982)),
        ("١٥/٠٨/١٩٨٢", (datetime.date(1982, 8, 15), 1982)),
        ("1982-08-15 00:00:00", (datetime.date(1982, 8, 15), 1982)),
        ("15.08.1982 10:30", (datetime.date(1982, 8, 15), 1982)),
        # A month by name, as Egyptian and English spreadsheets write it.
        ("15 أغسطس 1982", (datetime.date(1982, 8, 15), 1982)),
        ("15-Aug-1982", (datetime.date(1982, 8, 15), 1982)),
        # A date cell formatted as a number: Excel's serial day, as a cell or as text.
        (30178, (datetime.date(1982, 8, 15), 1982)),
        (30178.0, (datetime.date(1982, 8, 15), 1982)),
        ("30178", (datetime.date(1982, 8, 15), 1982)),
        ("٣٠١٧٨", (datetime.date(1982, 8, 15), 1982)),
        # openpyxl reads a date cell as a naive datetime.
        (datetime.datetime(1982, 8, 15, 0, 0), (datetime.date(1982, 8, 15), 1982)),  # noqa: DTZ001
        (datetime.date(1982, 8, 15), (datetime.date(1982, 8, 15), 1982)),
        ("1982", (None, 1982)),
        # A year in a number cell, as a workbook may hold it.
        (1982, (None, 1982)),
        (1982.0, (None, 1982)),
        # Nothing is guessed: a month-first date, a two-digit year, six digits.
        ("08/15/1982", (None, None)),
        ("15/8/82", (None, None)),
        ("198208", (None, None)),
        ("31/02/1982", (None, None)),
        ("unknown", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_birth_dates_in_the_forms_files_use(text, expected):
    assert parse_birth_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"),
        ("male", "M"),
        ("ذكر", "M"),
        ("F", "F"),
        ("Female", "F"),
        ("أنثى", "F"),
        ("انثي", "F"),
        ("?", ""),
    ],
)
def test_gender_forms(text, expected):
    assert parse_gender(text) == expected


def test_national_id_fills_missing_birth_date_and_gender():
    record = clean_record(
        {"record_id": "1", "full_name": "محمد أحمد علي", "national_id": "2820815 1304597"},
        today=TODAY,
    )
    assert (record.national_id, record.birth_date, record.gender, record.national_id_checked) == (
        "28208151304597",
        datetime.date(1982, 8, 15),
        "M",
        True,
    )


def test_typed_birth_date_wins_over_the_id_and_unreadable_values_are_reported():
    record = clean_record(
        {
            "record_id": "1",
            "full_name": "منى علي",
            "national_id": "2820815130459",
            "birth_date": "1983-01-02",
            "phone": "12345",
            "governorate": "Atlantis",
        },
        today=TODAY,
        governorates=GOVERNORATES,
    )
    assert record.national_id == ""
    assert record.national_id_digits == "2820815130459"
    assert record.birth_date == datetime.date(1983, 1, 2)
    assert record.problems == ("national_id:wrong_length", "governorate", "phone")


def test_name_parts_columns_and_full_name_give_the_same_parts():
    by_parts = clean_record(
        {
            "record_id": "1",
            "first_name": "عبد الله",
            "father_name": "مُحمّد",
            "grandfather_name": "علي",
            "family_name": "الشافعى",
        },
        today=TODAY,
    )
    by_full = clean_record({"record_id": "2", "full_name": "عبدالله محمد على الشافعي"}, today=TODAY)
    assert by_parts.name_parts == by_full.name_parts == ("عبدالله", "محمد", "علي", "الشافعي")


def test_latin_names_are_tokenised_with_compounds():
    record = clean_record(
        {"record_id": "1", "full_name": "Abdel Rahman Mohamed El-Sayed"}, today=TODAY
    )
    assert record.latin
    assert record.name_parts == ("abdelrahman", "mohamed", "elsayed", "")
    assert record.skeletons() == ("bdlrhmn", "mhmd", "lsd", "")


@pytest.mark.parametrize(
    ("governorate", "code"), [("المنيا", "24"), ("Minya", "24"), ("24", "24"), ("القاهره", "01")]
)
def test_governorate_forms(governorate, code):
    record = clean_record(
        {"record_id": "1", "governorate": governorate}, today=TODAY, governorates=GOVERNORATES
    )
    assert record.governorate == code


def test_an_empty_row_is_kept_with_its_problems():
    record = clean_record({"record_id": "x"}, today=TODAY)
    assert record.record_id == "x"
    assert record.problems == ("name",)


@pytest.mark.parametrize(
    ("full_name", "parts"),
    [
        ("أم كلثوم محمود محمد سويلم", ("امكلثوم", "محمود", "محمد", "سويلم")),
        ("زين العابدين عبد الهادي سيد البحيري", ("زينالعابدين", "عبدالهادي", "سيد", "البحيري")),
        ("جاد الحق علي نور الدين", ("جادالحق", "علي", "نورالدين", "")),
        ("Om Kalthoum Mahmoud Mohamed", ("omkalthoum", "mahmoud", "mohamed", "")),
    ],
)
def test_compound_names_stay_one_part(full_name, parts):
    assert clean_record({"record_id": "1", "full_name": full_name}, today=TODAY).name_parts == parts


def test_a_whole_name_typed_into_first_name_is_split():
    record = clean_record({"record_id": "1", "first_name": "منى فكري عصام عرفات"}, today=TODAY)
    assert record.name_parts == ("مني", "فكري", "عصام", "عرفات")


def test_an_id_failing_its_check_digit_does_not_supply_birth_date_or_gender():
    record = clean_record({"record_id": "1", "national_id": "28208151304598"}, today=TODAY)
    assert record.national_id == "28208151304598"
    assert not record.national_id_checked
    assert (record.birth_date, record.gender) == (None, "")


@pytest.mark.parametrize(
    "written",
    ["محافظة المنيا", "محافظه المنيا", "El Minya", "Al-Minya", "Minya Governorate", "minya gov"],
)
def test_the_words_around_a_governorate_s_name_do_not_hide_it(written):
    index = GovernorateIndex([("24", "EG-MN", "المنيا", "Minya")])
    assert index.resolve(written) == "24"


def test_only_words_around_the_name_is_no_governorate():
    index = GovernorateIndex([("24", "EG-MN", "المنيا", "Minya")])
    assert [index.resolve(v) for v in ("محافظة", "Governorate", "El", "")] == [None] * 4


def test_governorate_index_takes_iso_codes_and_p_codes_as_aliases():
    index = GovernorateIndex([("24", "EG-MN", "المنيا", "Minya")])
    assert [index.resolve(v) for v in ("EG-MN", "eg-mn", "EG24", "EG2401", "٢٤", "EG99")] == [
        "24",
        "24",
        "24",
        "24",
        "24",
        None,
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "الحاج محمود عبد الرحمن حسن الشرقاوي",
        "م/ محمود عبدالرحمن حسن الشرقاوي",
        "د. محمود عبد الرحمن حسن الشرقاوي",
    ],
)
def test_a_title_before_the_name_is_not_the_first_name(typed):
    plain = clean_record(
        {"record_id": "a", "full_name": "محمود عبد الرحمن حسن الشرقاوي"}, today=TODAY
    )
    titled = clean_record({"record_id": "b", "full_name": typed}, today=TODAY)
    assert titled.name_parts == plain.name_parts


@pytest.mark.parametrize("typed", ["الحاجة فاطمة", "د. فاطمة", "د/فاطمة"])
def test_a_title_in_the_first_name_column_is_dropped_too(typed):
    # The column holds one name, so even a single letter before it is a title.
    record = clean_record(
        {"record_id": "a", "first_name": typed, "father_name": "حسن"}, today=TODAY
    )
    assert record.name_parts[:2] == ("فاطمه", "حسن")
