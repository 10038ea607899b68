"""Snapshots, the gap table and its small-count suppression, an area's detail, the GeoJSON."""

import datetime

import pytest
from django.utils import translation

from marsad.core.errors import ApplicationError
from marsad.core.models import CoalitionSettings
from marsad.members.models import Role
from marsad.observatory import selectors
from marsad.observatory.errors import ObservatoryError
from marsad.observatory.models import GapScore, GapSnapshot
from marsad.observatory.services import gap_recompute_all, gap_snapshot_compute
from tests.assistance.factories import entry_create, family_create
from tests.factories import secretariat_create, user_create

pytestmark = pytest.mark.django_db

ASSIUT, SOHAG = "25", "26"


@pytest.fixture
def served(nour, amal):
    """Assiut: 12 households of 2 reached; Sohag: 3 households of 2 (a small count)."""
    for _ in range(12):
        household = family_create(member=nour, size=2, governorate_code=ASSIUT)
        entry_create(member=nour, household=household, value="100")
    for _ in range(3):
        household = family_create(member=amal, size=2, governorate_code=SOHAG)
        entry_create(member=amal, household=household, value="100")


def row(table, code):
    return next(r for r in table.rows if r.code == code)


def test_recompute_stores_one_snapshot_per_default_combination(served):
    # when
    snapshots = gap_recompute_all(today=datetime.date(2025, 6, 1))
    # then
    assert [(s.level, s.sector, s.period) for s in snapshots] == [
        ("governorate", "", "all"),
        ("governorate", "", "2025"),
    ]
    assert len({s.as_of for s in snapshots}) == 1
    assert GapScore.objects.filter(snapshot=snapshots[0]).count() == 27
    assiut = GapScore.objects.get(snapshot=snapshots[0], area_code=ASSIUT)
    assert (assiut.households_reached, assiut.people_reached, assiut.members_active) == (12, 24, 1)
    assert assiut.indicators["poverty_rate"] == {"value": 66.7, "year": "2017/18"}
    assert assiut.rank is not None


def test_the_secretariat_sees_exact_counts_and_a_member_sees_small_ones_hidden(served, nour_worker):
    # given
    gap_recompute_all()
    # when
    exact = selectors.gap_table(user=secretariat_create())
    member = selectors.gap_table(user=nour_worker)
    public = selectors.gap_table(user=None)
    # then
    sohag = row(exact, SOHAG)
    assert (sohag.households_reached, sohag.people_reached, sohag.suppressed) == (3, 6, False)
    assert sohag.value_per_capita == pytest.approx(300 / 6_000_000)
    for table in (member, public):
        hidden = row(table, SOHAG)
        assert (hidden.households_reached, hidden.people_reached) == (None, None)
        assert hidden.value_per_capita is None
        assert hidden.suppressed is True
        # Assiut's 12 households and 24 people are above the threshold of 10
        shown = row(table, ASSIUT)
        assert (shown.households_reached, shown.people_reached, shown.suppressed) == (12, 24, False)
        # no coverage at all is not a small count
        assert row(table, "01").households_reached == 0


def test_the_threshold_is_a_coalition_setting(served, nour_worker):
    gap_recompute_all()
    CoalitionSettings.objects.update_or_create(pk=1, defaults={"small_count_threshold": 2})
    table = selectors.gap_table(user=nour_worker, measure="coverage:households_reached")
    assert table.threshold == 2
    sohag = row(table, SOHAG)
    assert sohag.households_reached == 3
    assert sohag.value == pytest.approx(3 / 6_000_000 * 1000)


def test_a_rate_from_a_hidden_count_is_hidden_too(served, nour_worker):
    gap_recompute_all()
    table = selectors.gap_table(user=nour_worker, measure="coverage:people_reached")
    assert row(table, SOHAG).value is None
    assert row(table, ASSIUT).value == pytest.approx(24 / 5_300_000 * 1000)


def test_rows_come_by_rank_with_missing_last_and_missing_indicators_named(served):
    table = selectors.gap_table(measure="indicator:poverty_rate")
    ranks = [r.rank for r in table.rows]
    known = [r for r in ranks if r is not None]
    assert known == sorted(known)
    assert ranks[len(known) :] == [None] * (len(ranks) - len(known))
    giza = row(table, "21")
    assert giza.value is None  # no published poverty figure: missing, not zero
    assert "poverty_rate" in giza.missing
    assert ("indicator:poverty_rate", "نسبة الفقر (خط الفقر القومي)") in table.measures
    assert {"gap", "need", "coverage", "gap_rank", "coverage:households_reached"} <= {
        key for key, _label in table.measures
    }


def test_a_combination_never_computed_is_computed_once_and_stored(served):
    assert not GapSnapshot.objects.filter(sector="food").exists()
    first = selectors.gap_table(sector="food", period="2025")
    second = selectors.gap_table(sector="food", period="2025")
    assert GapSnapshot.objects.filter(sector="food", period="2025").count() == 1
    assert first.as_of == second.as_of


def test_the_table_reads_a_stored_snapshot_in_a_few_queries(
    served, nour_worker, django_assert_max_num_queries
):
    gap_recompute_all()
    CoalitionSettings.current()
    with django_assert_max_num_queries(5):
        selectors.gap_table(user=nour_worker, measure="need")


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"level": "village"}, ObservatoryError.UNKNOWN_LEVEL),
        ({"measure": "happiness"}, ObservatoryError.UNKNOWN_MEASURE),
        ({"sector": "no-such-aid"}, ObservatoryError.UNKNOWN_SECTOR),
        ({"period": "2025-Q9"}, ObservatoryError.UNKNOWN_PERIOD),
    ],
)
def test_bad_parameters_have_stable_codes(arguments, code):
    with pytest.raises(ApplicationError) as caught:
        selectors.gap_table(**arguments)
    assert caught.value.code == code


def test_area_detail_has_the_trend_and_who_does_what(served, nour, nour_worker):
    # given: two snapshots an hour apart
    earlier = datetime.datetime(2025, 1, 1, 8, tzinfo=datetime.UTC)
    gap_snapshot_compute(level="governorate", now=earlier)
    gap_snapshot_compute(level="governorate", now=earlier + datetime.timedelta(hours=1))
    # when
    with translation.override("en"):
        detail = selectors.area_detail(level="governorate", code=ASSIUT, user=nour_worker)
    # then
    assert detail.row.name == "Assiut"
    assert [at for at, _gap in detail.trend] == [earlier, earlier + datetime.timedelta(hours=1)]
    assert detail.members == [
        {"id": nour.pk, "name": "Nour Foundation", "deliveries": 12, "categories": ["Food box"]}
    ]
    poverty = next(i for i in detail.indicators if i["code"] == "poverty_rate")
    assert (poverty["value"], poverty["year"]) == (66.7, "2017/18")
    assert {p["code"] for p in detail.need_parts} >= {"poverty_rate", "hdi_subnational"}


def test_area_detail_hides_a_small_delivery_count_from_members(served, amal):
    gap_recompute_all()
    worker = user_create(role=Role.CASE_WORKER, member=amal)
    detail = selectors.area_detail(level="governorate", code=SOHAG, user=worker)
    assert detail.members[0]["deliveries"] is None
    people = next(p for p in detail.coverage_parts if p["code"] == "people_reached")
    assert people["raw"] is None
    assert people["suppressed"] is True
    exact = selectors.area_detail(level="governorate", code=SOHAG, user=secretariat_create())
    assert exact.members[0]["deliveries"] == 3


def test_geojson_has_one_feature_per_area_with_the_row_as_properties(served, nour_worker):
    collection = selectors.gap_geojson(
        level="governorate", measure="gap", sector="", period="all", user=nour_worker
    )
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 27
    feature = next(f for f in collection["features"] if f["id"] == SOHAG)
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert feature["properties"]["households_reached"] is None
    assert feature["properties"]["suppressed"] is True
    assert collection["threshold"] == 10


def test_periods_and_sectors_to_choose_from():
    periods = dict(selectors.periods_available())
    assert periods["all"]
    sectors = dict(selectors.sectors_available())
    assert "" in sectors
    assert "food" in sectors
    assert "food-box" not in sectors


def test_the_export_has_hxl_hashtags_and_keeps_suppression(served, nour_worker):
    table = selectors.gap_table(user=nour_worker)
    headers, hashtags, rows = selectors.gap_table_export(table)
    assert len(headers) == len(hashtags) == len(rows[0])
    assert hashtags[:2] == ["#adm1+code", "#adm1+name"]
    sohag = next(r for r in rows if r[0] == SOHAG)
    assert sohag[hashtags.index("#reached+hh+num")] is None


def test_a_per_capita_coverage_measure_is_shown_in_the_unit_its_label_gives(served):
    # given: Assiut, 12 deliveries of EGP 100 to 5.3 million people
    gap_recompute_all()
    # when
    table = selectors.gap_table(user=secretariat_create(), measure="coverage:aid_value")
    # then: EGP per 1,000 people, as the measure is named on the legend and the table
    assert row(table, ASSIUT).value == pytest.approx(1200 / 5_300_000 * 1000)


def test_the_explanation_does_not_give_away_a_hidden_count(served, amal):
    # given: Sohag's 3 households and 6 people are below the threshold
    gap_recompute_all()
    worker = user_create(role=Role.CASE_WORKER, member=amal)
    # when
    detail = selectors.area_detail(level="governorate", code=SOHAG, user=worker)
    # then: no part of a hidden count keeps its score or share, from which the count could
    # be worked back with the goalposts and the population shown beside it
    hidden = [p for p in detail.coverage_parts if p.get("suppressed")]
    assert {p["code"] for p in hidden} == {"households_reached", "people_reached", "aid_value"}
    for part in hidden:
        assert (part["raw"], part["transformed"], part["score"], part["contribution"]) == (
            None,
            None,
            None,
            None,
        )
    exact = selectors.area_detail(level="governorate", code=SOHAG, user=secretariat_create())
    households = next(p for p in exact.coverage_parts if p["code"] == "households_reached")
    assert households["score"] * 50 * 6_000_000 / 1000 == pytest.approx(3)
