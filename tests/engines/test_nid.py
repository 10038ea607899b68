import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.engines.nid import (
    VALID_GOVERNORATE_CODES,
    Gender,
    NationalIdError,
    NationalIdErrorCode,
    NationalIdWarningCode,
    build_national_id,
    clean_national_id,
    compute_check_digit,
    parse_national_id,
)

TODAY = datetime.date(2025, 6, 1)
PUBLIC_EXAMPLE = "28208151304597"


def test_governorate_codes() -> None:
    expected = (
        {"01", "02", "03", "04"}
        | {"11", "12", "13", "14", "15", "16", "17", "18", "19"}
        | {"21", "22", "23", "24", "25", "26", "27", "28", "29"}
        | {"31", "32", "33", "34", "35", "88"}
    )
    assert expected == VALID_GOVERNORATE_CODES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("28208151304597", "28208151304597"),
        ("٢٨٢٠٨١٥١٣٠٤٥٩٧", "28208151304597"),
        ("2 820815 13 0459 7", "28208151304597"),
        ("\u00a0282-0815-1304-597\t", "28208151304597"),
        ("2820815–1304597", "28208151304597"),
        ("28.208.151.304.597", "28208151304597"),
        ("28208151304597.0", "28208151304597"),
        ("\u200f28208151304597", "28208151304597"),
        ("2820815130459X", "2820815130459X"),
        ("", ""),
        # A spreadsheet's exponent form with every digit written is the number itself.
        ("2.8208151304597E+13", "28208151304597"),
        ("٢.٨٢٠٨١٥١٣٠٤٥٩٧e13", "28208151304597"),
        ("2,8208151304597E+13", "28208151304597"),
        # Kept as text so the spreadsheet would not make it a float.
        ("'28208151304597", "28208151304597"),
        ("\u201928208151304597", "28208151304597"),
        ('="28208151304597"', "28208151304597"),
        ('= "2820815 1304597"', "28208151304597"),
        ("'", "'"),
    ],
)
def test_clean_national_id(raw: str, expected: str) -> None:
    assert clean_national_id(raw) == expected


def test_check_digit_fits_the_public_example() -> None:
    assert compute_check_digit(PUBLIC_EXAMPLE[:13]) == 7


@pytest.mark.parametrize(
    "bad", ["282081513045", "28208151304597", "282081513045X", "٢٨٢٠٨١٥١٣٠٤٥٩"]
)
def test_check_digit_needs_13_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="13 ASCII digits"):
        compute_check_digit(bad)


@pytest.mark.parametrize(
    "raw",
    [
        "28208151304597",
        "٢٨٢٠٨١٥١٣٠٤٥٩٧",
        "۲۸۲۰۸۱۵۱۳۰۴۵۹۷",
        "2 820815 13 0459 7",
        "282-0815-1304-597",
        " 28208151304597.0 ",
    ],
)
def test_parse_public_example(raw: str) -> None:
    parsed = parse_national_id(raw, today=TODAY)
    assert parsed.value == PUBLIC_EXAMPLE
    assert parsed.birth_date == datetime.date(1982, 8, 15)
    assert parsed.governorate_code == "13"
    assert parsed.serial == "045"
    assert parsed.gender == "M"
    assert parsed.check_digit_ok is True
    assert parsed.warnings == ()
    assert parsed.masked == "**********4597"


def test_repr_does_not_leak_the_full_number() -> None:
    assert PUBLIC_EXAMPLE not in repr(parse_national_id(PUBLIC_EXAMPLE, today=TODAY))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", NationalIdErrorCode.EMPTY),
        ("   ", NationalIdErrorCode.EMPTY),
        (" - ", NationalIdErrorCode.EMPTY),
        ("2820815130459X", NationalIdErrorCode.INVALID_CHARACTERS),
        ("28208151304597/", NationalIdErrorCode.INVALID_CHARACTERS),
        ("2.82082E+13", NationalIdErrorCode.DIGITS_LOST),
        ("2820815130459", NationalIdErrorCode.WRONG_LENGTH),
        ("282081513045971", NationalIdErrorCode.WRONG_LENGTH),
        ("18208151304597", NationalIdErrorCode.INVALID_CENTURY),
        ("48208151304597", NationalIdErrorCode.INVALID_CENTURY),
        ("08208151304597", NationalIdErrorCode.INVALID_CENTURY),
        ("28213151304597", NationalIdErrorCode.INVALID_BIRTH_DATE),
        ("28200151304597", NationalIdErrorCode.INVALID_BIRTH_DATE),
        ("28202301304597", NationalIdErrorCode.INVALID_BIRTH_DATE),
        ("28204311304597", NationalIdErrorCode.INVALID_BIRTH_DATE),
        ("20002290100126", NationalIdErrorCode.INVALID_BIRTH_DATE),
        ("32506022100346", NationalIdErrorCode.FUTURE_BIRTH_DATE),
        ("33001011304597", NationalIdErrorCode.FUTURE_BIRTH_DATE),
        ("28208150504597", NationalIdErrorCode.UNKNOWN_GOVERNORATE),
        ("28208150004597", NationalIdErrorCode.UNKNOWN_GOVERNORATE),
        ("28208152004597", NationalIdErrorCode.UNKNOWN_GOVERNORATE),
        ("28208153604597", NationalIdErrorCode.UNKNOWN_GOVERNORATE),
        ("28208159904597", NationalIdErrorCode.UNKNOWN_GOVERNORATE),
    ],
)
def test_each_problem_has_its_own_code(raw: str, code: NationalIdErrorCode) -> None:
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(raw, today=TODAY)
    assert caught.value.code is code
    assert caught.value.message == str(caught.value)
    assert caught.value.message.endswith(".")


@pytest.mark.parametrize("rounded", ["2.82082E+13", "2,82082E+13", "2.820815130459E+13", "3E+13"])
def test_an_id_rounded_into_exponent_form_has_lost_digits(rounded: str) -> None:
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(rounded, today=TODAY)
    assert caught.value.code == NationalIdErrorCode.DIGITS_LOST


def test_an_id_in_exponent_form_with_every_digit_parses() -> None:
    assert parse_national_id("2.8208151304597E+13", today=TODAY).value == "28208151304597"


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError, match="14 digits") as caught:
        parse_national_id("2820815130459", today=TODAY)
    assert isinstance(caught.value, NationalIdError)
    restored = pickle.loads(pickle.dumps(caught.value))  # noqa: S301
    assert (restored.code, restored.message) == (caught.value.code, caught.value.message)


@pytest.mark.parametrize(
    ("raw", "birth_date"),
    [
        ("30002290100124", datetime.date(2000, 2, 29)),
        ("29912313500011", datetime.date(1999, 12, 31)),
        ("30001010100004", datetime.date(2000, 1, 1)),
        ("32506012100348", TODAY),
    ],
)
def test_birth_date_boundaries(raw: str, birth_date: datetime.date) -> None:
    parsed = parse_national_id(raw, today=TODAY)
    assert parsed.birth_date == birth_date
    assert parsed.check_digit_ok is True


def test_born_abroad_code_88_is_accepted() -> None:
    parsed = parse_national_id("29501018801238", today=TODAY)
    assert parsed.governorate_code == "88"
    assert parsed.birth_date == datetime.date(1995, 1, 1)
    assert parsed.serial == "012"
    assert parsed.gender == "M"


@pytest.mark.parametrize(
    ("gender_digit", "gender"),
    [(str(digit), "M" if digit % 2 else "F") for digit in range(10)],
)
def test_gender_follows_the_parity_of_the_13th_digit(gender_digit: str, gender: Gender) -> None:
    first13 = "282081513045" + gender_digit
    raw = first13 + str(compute_check_digit(first13))
    assert parse_national_id(raw, today=TODAY).gender == gender


def test_check_digit_mismatch_is_only_a_warning() -> None:
    parsed = parse_national_id("28208151304598", today=TODAY)
    assert parsed.value == "28208151304598"
    assert parsed.birth_date == datetime.date(1982, 8, 15)
    assert parsed.check_digit_ok is False
    assert parsed.warnings == (NationalIdWarningCode.CHECK_DIGIT_MISMATCH,)


@pytest.mark.parametrize(
    ("birth_date", "governorate_code", "serial", "gender", "expected"),
    [
        (datetime.date(1982, 8, 15), "13", 45, "M", "28208151304511"),
        (datetime.date(2000, 2, 29), "88", 0, "F", "30002298800001"),
        (datetime.date(1999, 12, 31), "01", 999, "M", "29912310199999"),
        (datetime.date(2010, 1, 5), "35", 123, "F", "31001053512369"),
    ],
)
def test_build_national_id(
    birth_date: datetime.date, governorate_code: str, serial: int, gender: Gender, expected: str
) -> None:
    built = build_national_id(
        birth_date=birth_date, governorate_code=governorate_code, serial=serial, gender=gender
    )
    assert built == expected


@pytest.mark.parametrize(
    ("birth_date", "governorate_code", "serial"),
    [
        (datetime.date(1899, 12, 31), "01", 1),
        (datetime.date(2100, 1, 1), "01", 1),
        (datetime.date(1990, 1, 1), "05", 1),
        (datetime.date(1990, 1, 1), "01", -1),
        (datetime.date(1990, 1, 1), "01", 1000),
    ],
)
def test_build_rejects_impossible_arguments(
    birth_date: datetime.date, governorate_code: str, serial: int
) -> None:
    with pytest.raises(ValueError, match=r"must be|unknown"):
        build_national_id(
            birth_date=birth_date, governorate_code=governorate_code, serial=serial, gender="M"
        )


@given(
    birth_date=st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
    governorate_code=st.sampled_from(sorted(VALID_GOVERNORATE_CODES)),
    serial=st.integers(0, 999),
    gender=st.sampled_from(["M", "F"]),
)
def test_built_id_round_trips(
    birth_date: datetime.date, governorate_code: str, serial: int, gender: Gender
) -> None:
    value = build_national_id(
        birth_date=birth_date, governorate_code=governorate_code, serial=serial, gender=gender
    )
    parsed = parse_national_id(value, today=birth_date)
    assert parsed.value == value
    assert parsed.birth_date == birth_date
    assert parsed.governorate_code == governorate_code
    assert parsed.serial == f"{serial:03d}"
    assert parsed.gender == gender
    assert parsed.check_digit_ok is True
    assert parsed.warnings == ()


@given(st.text(max_size=20))
def test_parse_raises_only_national_id_error(raw: str) -> None:
    try:
        parsed = parse_national_id(raw, today=TODAY)
    except NationalIdError:
        return
    assert len(parsed.value) == 14
