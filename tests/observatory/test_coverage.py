"""Coverage from the ledger: distinct households and people, sectors, periods, reversals."""

import datetime

import pytest

from marsad.geo.models import Governorate
from marsad.observatory.coverage import (
    CoverageScope,
    coverage_compute,
    period_range,
    scope_for,
)
from marsad.programs.models import Program
from marsad.registry.models import Person
from tests.assistance.factories import entry_create, family_create, reversal_create
from tests.factories import member_create

pytestmark = pytest.mark.django_db

MINYA = "24"


@pytest.fixture
def minya():
    return Governorate.objects.get(code=MINYA)


def measures(scope, governorate):
    data = coverage_compute(scope, [governorate.pk])
    return {code: values[governorate.pk] for code, values in data.values.items()}


def test_two_members_serving_the_same_household_count_it_once(nour, amal, minya):
    # given: a household of 3 served by both members, as a whole; a household of 2 whose
    # head alone gets a person-level delivery
    shared = family_create(member=nour, size=3, served_by=(amal,))
    single = family_create(member=amal, size=2)
    program = Program.objects.create(member=nour, code="kafala", name_ar="كفالة", name_en="Kafala")
    entry_create(member=nour, household=shared, value="300", program=program)
    entry_create(member=amal, household=shared, value="200")
    entry_create(member=amal, household=single, person=single.head, value="100")
    # when
    values = measures(scope_for(level="governorate", sector="", period="all"), minya)
    # then
    assert values == {
        "households_reached": 2.0,
        "people_reached": 4.0,  # three of the shared household, the head of the other
        "aid_value": 600.0,
        "members_active": 2.0,
        "programs_active": 1.0,
    }


def test_reversed_deliveries_do_not_count(nour, minya):
    household = family_create(member=nour, size=2)
    reversal_create(entry_create(member=nour, household=household))
    values = measures(scope_for(level="governorate", sector="", period="all"), minya)
    assert values["households_reached"] == 0
    assert values["aid_value"] == 0


def test_a_sector_includes_its_sub_categories(nour, minya):
    # given
    fed = family_create(member=nour, size=1)
    treated = family_create(member=nour, size=1)
    entry_create(member=nour, household=fed, category="food-box")  # sub-category of food
    entry_create(member=nour, household=treated, category="medicines")
    # when
    food = measures(scope_for(level="governorate", sector="food", period="all"), minya)
    medical = measures(scope_for(level="governorate", sector="medical", period="all"), minya)
    box_only = measures(scope_for(level="governorate", sector="food-box", period="all"), minya)
    # then
    assert food["households_reached"] == medical["households_reached"] == 1
    assert box_only["households_reached"] == 1
    assert (
        measures(scope_for(level="governorate", sector="cash", period="all"), minya)[
            "households_reached"
        ]
        == 0
    )


def test_the_period_filters_on_the_delivery_date(nour, minya):
    household = family_create(member=nour, size=1)
    entry_create(member=nour, household=household, delivered_on=datetime.date(2025, 3, 10))
    other = family_create(member=nour, size=1)
    entry_create(member=nour, household=other, delivered_on=datetime.date(2025, 8, 1))
    reached = {
        period: measures(scope_for(level="governorate", sector="", period=period), minya)[
            "households_reached"
        ]
        for period in ("all", "2025", "2025-Q1", "2025-Q3", "2024")
    }
    assert reached == {"all": 2, "2025": 2, "2025-Q1": 1, "2025-Q3": 1, "2024": 0}


def test_areas_without_deliveries_have_zero_coverage_not_missing(nour):
    cairo = Governorate.objects.get(code="01")
    data = coverage_compute(CoverageScope(level="governorate"), [cairo.pk])
    assert {code: values[cairo.pk] for code, values in data.values.items()} == {
        "households_reached": 0,
        "people_reached": 0,
        "aid_value": 0,
        "members_active": 0,
        "programs_active": 0,
    }


def test_who_does_what_lists_members_with_deliveries_and_categories(nour, amal, minya):
    household = family_create(member=nour, size=1)
    entry_create(member=nour, household=household, category="food-box")
    entry_create(member=nour, household=household, category="medicines")
    entry_create(member=amal, household=household, category="food-box")
    data = coverage_compute(CoverageScope(level="governorate"), [minya.pk])
    members = data.actors[minya.pk]["members"]
    assert [(m["id"], m["deliveries"], len(m["categories"])) for m in members] == [
        (nour.pk, 2, 2),
        (amal.pk, 1, 1),
    ]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("all", (None, None)),
        ("2026", (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
        ("2026-Q1", (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))),
        ("2026-Q4", (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))),
        ("2026-Q5", None),
        ("recent", None),
    ],
)
def test_periods(period, expected):
    assert period_range(period) == expected


def test_member_fixture_sanity():
    assert member_create().pk


def test_a_person_whose_records_were_merged_is_reached_once(nour, amal, minya):
    # given: one woman registered twice, each record given aid in person, then the later
    # record merged into the earlier; and a second duplicate whose survivor's household was
    # served as a whole
    first = family_create(member=nour, size=1)
    second = family_create(member=amal, size=1)
    entry_create(member=nour, household=first, person=first.head)
    entry_create(member=amal, household=second, person=second.head)
    Person.objects.filter(pk=second.head.pk).update(
        status=Person.Status.MERGED, merged_into=first.head
    )
    served = family_create(member=nour, size=2)
    duplicate = family_create(member=amal, size=1)
    entry_create(member=nour, household=served)
    entry_create(member=amal, household=duplicate, person=duplicate.head)
    Person.objects.filter(pk=duplicate.head.pk).update(
        status=Person.Status.MERGED, merged_into=served.head
    )
    # when
    values = measures(scope_for(level="governorate", sector="", period="all"), minya)
    # then: the first woman once, the two people of the served household once each
    assert values["people_reached"] == 3
