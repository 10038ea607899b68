"""Dates are written day first and numbers with a decimal point, in Arabic and in English."""

import datetime
from decimal import Decimal

import pytest
from django.utils import formats, translation

MOMENT = datetime.datetime(2026, 12, 4, 9, 5)  # noqa: DTZ001 - formatting only


@pytest.mark.parametrize("language", ["ar", "en"])
def test_short_dates_are_day_first(language):
    with translation.override(language):
        assert formats.date_format(MOMENT.date(), "SHORT_DATE_FORMAT") == "04/12/2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "04/12/2026 09:05"


def test_long_dates_put_the_day_first_in_both_languages():
    with translation.override("ar"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "4 ديسمبر 2026، 09:05"
    with translation.override("en"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "4 December 2026, 09:05"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_numbers_have_a_decimal_point(language):
    with translation.override(language):
        assert formats.number_format(Decimal("1234.50"), 2, force_grouping=True) == "1,234.50"
