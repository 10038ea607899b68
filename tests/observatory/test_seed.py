"""The shipped indicators: every sourced figure, with its year and source; gaps stay gaps."""

import csv
from pathlib import Path

import pytest

from marsad.geo.models import Governorate
from marsad.observatory.models import Indicator, IndicatorValue
from marsad.observatory.services import indicator_value_rows, indicators_seed

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "indicators.csv"


def value(code, governorate):
    return IndicatorValue.objects.filter(
        indicator__code=code, governorate__code=governorate
    ).values_list("year", "value")


def test_every_install_has_the_27_governorates_with_population():
    assert Governorate.objects.count() == 27
    assert Governorate.objects.filter(population__isnull=True).count() == 0
    assert IndicatorValue.objects.filter(indicator__code="population").count() == 27


def test_poverty_is_present_where_published_and_absent_elsewhere():
    # then: both survey rounds under one indicator, each with its year
    assert list(value("poverty_rate", "25")) == [("2015", 66.0), ("2017/18", 66.7)]
    assert list(value("poverty_rate", "01")) == [("2015", 18.0)]
    assert IndicatorValue.objects.filter(indicator__code="poverty_rate").count() == 9
    # Giza has no published figure: no row at all, never a zero
    assert not value("poverty_rate", "21").exists()


def test_census_and_labour_force_illiteracy_stay_two_indicators():
    census = Indicator.objects.get(code="illiteracy_rate_10plus")
    survey = Indicator.objects.get(code="illiteracy_rate_10plus_lfs")
    assert census.in_need_index
    assert not survey.in_need_index
    assert list(value("illiteracy_rate_10plus", "22")) == [("2017", 35.9)]
    assert list(value("illiteracy_rate_10plus_lfs", "22")) == [("2023", 25.4)]


def test_every_value_keeps_its_source_and_the_counts_match_the_collected_data():
    assert IndicatorValue.objects.filter(source="").count() == 0
    assert IndicatorValue.objects.count() == len(indicator_value_rows()) == 119
    counts = dict(
        (code, IndicatorValue.objects.filter(indicator__code=code).count())
        for code in ("hdi_subnational", "hh_flush_toilet_pct", "unemployment_rate")
    )
    assert counts == {"hdi_subnational": 21, "hh_flush_toilet_pct": 9, "unemployment_rate": 3}


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference data is not here")
def test_the_shipped_file_is_a_faithful_copy_of_the_collected_data():
    with SHARED.open(encoding="utf-8") as handle:
        collected = {
            (
                r["indicator"].replace("poverty_rate_2015", "poverty_rate"),
                r["nid_code"],
                r["year"],
            ): (
                r["value"],
                r["source"],
            )
            for r in csv.DictReader(handle)
        }
    shipped = {
        (r["indicator"], r["governorate_code"], r["year"]): (r["value"], r["source"])
        for r in indicator_value_rows()
    }
    assert shipped == collected


def test_seeding_again_changes_nothing_and_keeps_edited_weights():
    Indicator.objects.filter(code="poverty_rate").update(weight=3)
    indicators_seed()
    assert Indicator.objects.get(code="poverty_rate").weight == 3
    assert IndicatorValue.objects.count() == 119
