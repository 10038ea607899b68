import datetime
from decimal import Decimal

import pytest

from marsad.engines.cells import (
    CellError,
    CellErrorCode,
    number_as_typed,
    parse_date,
    parse_decimal,
    parse_month,
    without_text_marks,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1250", Decimal("1250")),
        ("1,250.50", Decimal("1250.50")),
        ("١٢٥٠٫٥", Decimal("1250.5")),
        ("500 جنيه", Decimal("500")),
        ("300 ج.م", Decimal("300")),
        ("12,5", Decimal("12.5")),
        ("1,25", Decimal("1.25")),
        ("1,250", Decimal("1250")),
        ("1,250,000", Decimal("1250000")),
        ("1.250,50", Decimal("1250.50")),
        ("١٬٢٥٠٫٥٠", Decimal("1250.50")),
        ("1 250", Decimal("1250")),
        ("-0.5", Decimal("-0.5")),
        ("1.2E+05", Decimal("120000")),
        (3, Decimal(3)),
        (2.5, Decimal("2.5")),
        (150 * 1.14, Decimal("171")),  # a formula's result, as the sheet shows it
        (0.1 + 0.2, Decimal("0.3")),
    ],
)
def test_numbers(cell, expected):
    assert parse_decimal(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "abc",
        "1.2.3",
        "12,34,5",
        "1,2345",
        "1,250.5.0",
        "1_000",
        True,
        "nan",
        "inf",
        "sNaN",
        float("nan"),
        float("inf"),
        Decimal("NaN"),
    ],
)
def test_not_numbers(cell):
    with pytest.raises(CellError) as caught:
        parse_decimal(cell)
    assert caught.value.code == CellErrorCode.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-05", datetime.date(2026, 3, 5)),
        ("5/3/2026", datetime.date(2026, 3, 5)),
        ("05-03-2026", datetime.date(2026, 3, 5)),
        ("٠٥/٠٣/٢٠٢٦", datetime.date(2026, 3, 5)),
        ("2026/3/5", datetime.date(2026, 3, 5)),
        ("2026-03-05 00:00:00", datetime.date(2026, 3, 5)),
        (datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC), datetime.date(2026, 3, 5)),
        (46086, datetime.date(2026, 3, 5)),
        # Months by name, as Arabic and English Excel write them in text.
        ("15 أغسطس 1982", datetime.date(1982, 8, 15)),
        ("١٥ اغسطس ١٩٨٢", datetime.date(1982, 8, 15)),
        ("5 إبريل، 2026", datetime.date(2026, 4, 5)),
        ("5/أبريل/2026", datetime.date(2026, 4, 5)),
        ("1 يونيه 2026", datetime.date(2026, 6, 1)),
        ("15-Aug-1982", datetime.date(1982, 8, 15)),
        ("15 August 1982", datetime.date(1982, 8, 15)),
        ("August 15, 1982", datetime.date(1982, 8, 15)),
        ("Sept. 3, 2025", datetime.date(2025, 9, 3)),
    ],
)
def test_dates(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["", "31/02/2026", "March", "2026-13-01", 10**7, "31 فبراير 2026", "15 رمضان 1445", "15/8/82"],
)
def test_not_dates(cell):
    with pytest.raises(CellError) as caught:
        parse_date(cell)
    assert caught.value.code == CellErrorCode.NOT_A_DATE


def test_months():
    assert parse_month("2026-02") == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert parse_month("٢٠٢٦-١٢") == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert parse_month("2026-13") is None
    assert parse_month("2026-02-01") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'01012345678", "01012345678"),
        ("\u201901012345678", "01012345678"),
        ('="01012345678"', "01012345678"),
        ('= "0101 234 5678"', "0101 234 5678"),
        ('=""', ""),
        ("01012345678", "01012345678"),
        ("'", "'"),  # nothing after the mark: left as it is
        ("=SUM(A1)", "=SUM(A1)"),  # a formula, not a number kept as text
    ],
)
def test_marks_that_keep_a_number_as_text(text, expected):
    assert without_text_marks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28208151304597.0", "28208151304597"),
        ("1012345678.00", "1012345678"),
        ("'01012345678", "01012345678"),
        ('="28208151304597"', "28208151304597"),
        ("12.5", "12.5"),  # not a whole number: left as it is
        ("2.8208151304597E+13", "2.8208151304597E+13"),  # exponent form: the ID's own rules
        ("0101 234 5678", "0101 234 5678"),
    ],
)
def test_a_long_number_as_it_was_typed(text, expected):
    assert number_as_typed(text) == expected
