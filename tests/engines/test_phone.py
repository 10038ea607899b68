import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.engines.phone import (
    PhoneError,
    PhoneErrorCode,
    normalize_mobile,
    try_normalize_mobile,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01012345678", "+201012345678"),
        ("01112345678", "+201112345678"),
        ("01212345678", "+201212345678"),
        ("01512345678", "+201512345678"),
        ("010 1234 5678", "+201012345678"),
        ("010-1234-5678", "+201012345678"),
        ("(010) 1234 5678", "+201012345678"),
        ("010.1234.5678", "+201012345678"),
        ("+201012345678", "+201012345678"),
        ("+20 10 1234 5678", "+201012345678"),
        ("+20 (0) 10 1234 5678", "+201012345678"),
        ("00201012345678", "+201012345678"),
        ("0020 10 1234 5678", "+201012345678"),
        ("201012345678", "+201012345678"),
        ("1012345678", "+201012345678"),
        ("1012345678.0", "+201012345678"),
        # Kept as text so the spreadsheet would not drop the leading zero.
        ("'01012345678", "+201012345678"),
        ('="01012345678"', "+201012345678"),
        ("٠١٠١٢٣٤٥٦٧٨", "+201012345678"),
        ("۰۱۰۱۲۳۴۵۶۷۸", "+201012345678"),
        ("+٢٠ ١٠ ١٢٣٤ ٥٦٧٨", "+201012345678"),
        ("٠١٠–١٢٣٤–٥٦٧٨", "+201012345678"),
        ("\u00a001012345678 ", "+201012345678"),
        ("\u200f01012345678", "+201012345678"),
    ],
)
def test_normalize_mobile(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected
    assert try_normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", PhoneErrorCode.EMPTY),
        ("   ", PhoneErrorCode.EMPTY),
        (" - ", PhoneErrorCode.EMPTY),
        ("010 1234 567x", PhoneErrorCode.INVALID_CHARACTERS),
        ("01012345678 / 01112345678", PhoneErrorCode.INVALID_CHARACTERS),
        ("010+12345678", PhoneErrorCode.INVALID_CHARACTERS),
        ("tel:01012345678", PhoneErrorCode.INVALID_CHARACTERS),
        ("0101234567", PhoneErrorCode.WRONG_LENGTH),
        ("010123456789", PhoneErrorCode.WRONG_LENGTH),
        ("+20101234567", PhoneErrorCode.WRONG_LENGTH),
        ("101234567", PhoneErrorCode.WRONG_LENGTH),
        ("0223456789", PhoneErrorCode.UNKNOWN_PREFIX),
        ("+20 2 2345 6789", PhoneErrorCode.UNKNOWN_PREFIX),
        ("0482345678", PhoneErrorCode.UNKNOWN_PREFIX),
        ("01312345678", PhoneErrorCode.UNKNOWN_PREFIX),
        ("01612345678", PhoneErrorCode.UNKNOWN_PREFIX),
        ("+966501234567", PhoneErrorCode.UNKNOWN_PREFIX),
        ("00966501234567", PhoneErrorCode.UNKNOWN_PREFIX),
        ("+1 202 555 0100", PhoneErrorCode.UNKNOWN_PREFIX),
    ],
)
def test_each_problem_has_its_own_code(raw: str, code: PhoneErrorCode) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_mobile(raw)
    assert caught.value.code is code
    assert caught.value.message == str(caught.value)
    assert try_normalize_mobile(raw) is None


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError, match="010, 011, 012 or 015") as caught:
        normalize_mobile("01312345678")
    assert isinstance(caught.value, PhoneError)
    restored = pickle.loads(pickle.dumps(caught.value))  # noqa: S301
    assert (restored.code, restored.message) == (caught.value.code, caught.value.message)


_FORMATS = [
    "0{op}{a}{b}",
    "0{op} {a} {b}",
    "0{op}-{a}-{b}",
    "+20{op}{a}{b}",
    "+20 {op} {a} {b}",
    "0020{op}{a}{b}",
    "20{op}{a}{b}",
    "{op}{a}{b}",
]


@given(
    operator=st.sampled_from(["10", "11", "12", "15"]),
    subscriber=st.integers(0, 99_999_999),
    layout=st.sampled_from(_FORMATS),
)
def test_every_layout_gives_the_same_e164(operator: str, subscriber: int, layout: str) -> None:
    digits = f"{subscriber:08d}"
    raw = layout.format(op=operator, a=digits[:4], b=digits[4:])
    expected = f"+20{operator}{digits}"
    assert normalize_mobile(raw) == expected
    assert normalize_mobile(expected) == expected


@given(st.text(max_size=20))
def test_normalize_raises_only_phone_error(raw: str) -> None:
    result = try_normalize_mobile(raw)
    if result is not None:
        assert len(result) == 13
        assert result.startswith(("+2010", "+2011", "+2012", "+2015"))
