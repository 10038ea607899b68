"""Reach: distinct people and households through the registry, beside member reports."""

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from marsad.assistance.selectors import (
    ReachDimension,
    ReachFilters,
    reach_report,
    reach_table,
)
from marsad.core.models import CoalitionSettings
from marsad.members.models import Role
from marsad.registry.models import Person
from tests.assistance.factories import entry_create, family_create, reversal_create
from tests.factories import member_create, secretariat_create, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_members():
    return member_create(name_en="Nour", name_ar="نور"), member_create(
        name_en="Amal", name_ar="أمل"
    )


def by_label(report):
    return {
        row.label: (row.people, row.households, row.people_reported, row.households_reported)
        for row in report.rows
    }


def totals(report):
    t = report.total
    return (t.people, t.households, t.people_reported, t.households_reported)


def test_two_members_serving_one_household_count_it_once(two_members):
    # given: Nour registered a household of 3 and another of 2; Amal serves the first too
    nour, amal = two_members
    shared = family_create(member=nour, size=3, served_by=(amal,))
    only_nour = family_create(member=nour, size=2)
    entry_create(member=nour, household=shared, category="food-box")
    entry_create(member=nour, household=only_nour, category="food-box")
    entry_create(member=amal, household=shared, category="monthly-cash", value="800")
    # when
    report = reach_report(user=secretariat_create(), dimension="member")
    # then: each member's own distinct count, and the coalition counts the household once
    assert by_label(report) == {"نور": (5, 2, 5, 2), "أمل": (3, 1, 3, 1)}
    assert totals(report) == (5, 2, 8, 3)
    assert (report.total.people_overlap, report.total.households_overlap) == (3, 1)
    assert report.total.value == Decimal("1800")


def test_grouping_by_category_shows_the_overlap_within_the_group(two_members):
    nour, amal = two_members
    shared = family_create(member=nour, size=3, served_by=(amal,))
    entry_create(member=nour, household=shared, category="food-box")
    entry_create(member=amal, household=shared, category="hot-meals")
    entry_create(member=amal, household=shared, category="monthly-cash")
    top = reach_report(user=secretariat_create(), dimension=ReachDimension.CATEGORY)
    leaf = reach_report(user=secretariat_create(), dimension=ReachDimension.SUBCATEGORY)
    assert by_label(top) == {"مساعدات غذائية": (3, 1, 6, 2), "مساعدات نقدية": (3, 1, 3, 1)}
    assert by_label(leaf) == {
        "كرتونة مواد غذائية": (3, 1, 3, 1),
        "وجبات ساخنة": (3, 1, 3, 1),
        "مساعدة نقدية شهرية": (3, 1, 3, 1),
    }
    assert totals(top) == (3, 1, 6, 2)


def test_a_person_delivery_reaches_that_person_only(two_members):
    nour, amal = two_members
    household = family_create(member=nour, size=4, served_by=(amal,))
    person = household.people.order_by("pk")[1]
    entry_create(member=amal, household=household, person=person, category="medical-visit")
    entry_create(member=nour, household=household, person=person, category="medicines")
    report = reach_report(user=secretariat_create(), dimension="member")
    assert by_label(report) == {"نور": (1, 1, 1, 1), "أمل": (1, 1, 1, 1)}
    assert totals(report) == (1, 1, 2, 2)


def test_a_merged_person_and_their_household_count_as_the_surviving_record(two_members):
    # given: Amal registered the same family again; its head was merged into Nour's head
    nour, amal = two_members
    original = family_create(member=nour, size=2)
    copy = family_create(member=amal, size=1)
    Person.objects.filter(pk=copy.head_id).update(
        status=Person.Status.MERGED, merged_into=original.head
    )
    entry_create(member=nour, household=original, category="food-box")
    entry_create(member=amal, household=copy, category="food-box")
    entry_create(member=amal, household=copy, person=copy.head, category="medicines")
    report = reach_report(user=secretariat_create(), dimension="member")
    assert by_label(report) == {"نور": (2, 1, 2, 1), "أمل": (1, 1, 1, 1)}
    assert totals(report) == (2, 1, 3, 2)


def test_reversed_deliveries_do_not_count_and_their_value_nets_to_zero(two_members):
    nour, amal = two_members
    household = family_create(member=nour, size=2, served_by=(amal,))
    kept = entry_create(member=nour, household=household, value="300", quantity="2")
    wrong = entry_create(member=amal, household=household, value="700", quantity="5")
    reversal_create(wrong, on=datetime.date(2025, 5, 1))
    report = reach_report(user=secretariat_create(), dimension="month")
    assert [(r.label, r.people, r.households, r.quantity, r.value) for r in report.rows] == [
        ("2025-03", 2, 1, Decimal("2.00"), Decimal("300.00"))
    ]
    assert totals(report) == (2, 1, 2, 1)
    assert report.total.value == kept.value


def test_filters_narrow_the_deliveries(two_members):
    nour, amal = two_members
    minya = family_create(member=nour, size=2, served_by=(amal,), governorate_code="24")
    cairo = family_create(member=amal, size=3, governorate_code="01")
    entry_create(member=nour, household=minya, category="food-box")
    entry_create(
        member=amal, household=minya, category="eid-meat", delivered_on=datetime.date(2025, 6, 7)
    )
    entry_create(
        member=amal, household=cairo, category="hot-meals", delivered_on=datetime.date(2024, 12, 1)
    )
    analyst = secretariat_create()

    def people(**filters):
        return reach_report(
            user=analyst, dimension="year", filters=ReachFilters(**filters)
        ).total.people

    assert people() == 5
    assert people(governorate="24") == 2
    assert people(governorate="01") == 3
    assert people(category="food") == 5
    assert people(category="food-box") == 2
    assert people(category="seasonal") == 2
    assert people(member=amal.pk) == 5
    assert people(date_from=datetime.date(2025, 1, 1)) == 2
    assert people(date_to=datetime.date(2025, 3, 31)) == 5
    assert people(date_from=datetime.date(2025, 4, 1), date_to=datetime.date(2025, 12, 31)) == 2


def test_periods_are_labelled_and_in_order(two_members):
    nour, _ = two_members
    household = family_create(member=nour, size=1)
    for day in (datetime.date(2025, 11, 2), datetime.date(2024, 2, 9), datetime.date(2025, 1, 30)):
        entry_create(member=nour, household=household, delivered_on=day)
    months = reach_report(user=secretariat_create(), dimension="month")
    quarters = reach_report(user=secretariat_create(), dimension="quarter")
    years = reach_report(user=secretariat_create(), dimension="year")
    assert [r.label for r in months.rows] == ["2024-02", "2025-01", "2025-11"]
    assert [r.label for r in years.rows] == ["2024", "2025"]
    assert [r.key for r in quarters.rows] == [20241, 20251, 20254]
    assert totals(years) == (1, 1, 1, 1)


def test_a_member_sees_only_its_own_reach_and_the_board_sees_all(two_members):
    nour, amal = two_members
    shared = family_create(member=nour, size=3, served_by=(amal,))
    entry_create(member=nour, household=shared)
    entry_create(member=amal, household=shared, category="monthly-cash")
    admin = user_create(role=Role.MEMBER_ADMIN, member=amal)
    report = reach_report(user=admin, dimension="member")
    assert by_label(report) == {"أمل": (3, 1, 3, 1)}
    assert report.scoped_to_member == amal.pk
    board = user_create(role=Role.BOARD_MEMBER)
    # (no count hidden as small here; see test_the_board_sees_small_counts_hidden_as_on_the_gap_map)
    CoalitionSettings.objects.update_or_create(pk=1, defaults={"small_count_threshold": 1})
    assert totals(reach_report(user=board, dimension="member")) == (3, 1, 6, 2)


def test_the_report_takes_a_fixed_number_of_queries(two_members, django_assert_num_queries):
    nour, amal = two_members
    for _ in range(3):
        household = family_create(member=nour, size=2, served_by=(amal,))
        entry_create(member=nour, household=household)
        entry_create(member=amal, household=household)
    analyst = secretariat_create()
    with django_assert_num_queries(6):
        reach_report(user=analyst, dimension="governorate")


def test_reach_table_has_a_header_and_a_total_row(two_members):
    nour, amal = two_members
    shared = family_create(member=nour, size=2, served_by=(amal,))
    entry_create(member=nour, household=shared, value="100")
    entry_create(member=amal, household=shared, value="50")
    header, rows = reach_table(reach_report(user=secretariat_create(), dimension="governorate"))
    assert len(header) == 9
    assert rows == [
        ["المنيا", 2, 4, 2, 1, 2, 1, Decimal("2.00"), Decimal("150.00")],
        [gettext("Total"), 2, 4, 2, 1, 2, 1, Decimal("2.00"), Decimal("150.00")],
    ]


def test_a_family_registered_three_times_and_merged_twice_counts_once(two_members):
    # given: a third member's copy of the family was merged into Amal's copy, whose head
    # the review queue later merged into the head of Nour's record
    nour, amal = two_members
    third = member_create()
    original = family_create(member=nour, size=1)
    copy = family_create(member=amal, size=1)
    copy_of_copy = family_create(member=third, size=1)
    Person.objects.filter(pk=copy_of_copy.head_id).update(
        status=Person.Status.MERGED, merged_into=copy.head
    )
    Person.objects.filter(pk=copy.head_id).update(
        status=Person.Status.MERGED, merged_into=original.head
    )
    entry_create(member=nour, household=original)
    entry_create(member=third, household=copy_of_copy)
    # when
    report = reach_report(user=secretariat_create(), dimension="member")
    # then: one person and one household, as each member would report it alone
    assert totals(report) == (1, 1, 2, 2)


def test_the_board_sees_small_counts_hidden_as_on_the_gap_map(two_members):
    # given: in Minya, one household of 3 served by both members; in Cairo, 12 households
    nour, amal = two_members
    shared = family_create(member=nour, size=3, served_by=(amal,), governorate_code="24")
    entry_create(member=nour, household=shared, category="surgery", value="9000")
    entry_create(member=amal, household=shared, category="surgery", value="1000")
    for _ in range(12):
        entry_create(
            member=amal, household=family_create(member=amal, size=1, governorate_code="01")
        )
    board = user_create(role=Role.BOARD_MEMBER)
    # when
    report = reach_report(user=board, dimension="governorate")
    # then: Minya's counts (and what is derived from them) are hidden, Cairo's are shown
    [cairo] = [row for row in report.rows if not row.suppressed]
    [minya] = [row for row in report.rows if row.suppressed]
    assert (cairo.people, cairo.households, cairo.value) == (12, 12, Decimal("6000.00"))
    assert (minya.people, minya.people_reported, minya.people_overlap) == (None, None, None)
    assert (minya.households, minya.households_reported, minya.households_overlap) == (
        None,
        None,
        None,
    )
    assert (minya.quantity, minya.value) == (None, None)
    assert report.threshold == 10
    assert (report.total.people, report.total.households) == (15, 13)
    # and the secretariat, and a member for its own deliveries, see the exact figures
    exact = reach_report(user=secretariat_create(), dimension="governorate")
    assert [(r.people, r.suppressed) for r in exact.rows] == [(12, False), (3, False)]
    own = reach_report(user=user_create(role=Role.MEMBER_ADMIN, member=nour), dimension="year")
    assert [(r.people, r.households, r.suppressed) for r in own.rows] == [(3, 1, False)]
    # and the table written to files says "<10" where the page says "fewer than 10"
    _header, rows = reach_table(report)
    assert [row[1:] for row in rows if row[1] == "<10"] == [
        ["<10", "<10", "", "<10", "<10", "", "", ""]
    ]
