"""Conflicts and aid histories as each member may see them; the ledger list."""

import datetime
from decimal import Decimal

import pytest

from marsad.assistance.selectors import (
    ConflictFilters,
    LedgerFilters,
    conflict_list,
    conflict_rows,
    entry_list,
    household_aid_history,
    person_aid_history,
)
from marsad.assistance.services import aid_entry_record, aid_entry_reverse
from marsad.assistance.validation import AidEntryInput
from tests.assistance.factories import entry_create, family_create
from tests.factories import member_create, secretariat_create

pytestmark = pytest.mark.django_db


def grant(user, household, *, on=datetime.date(2025, 3, 5), person=None, **options):
    data = AidEntryInput(
        category="monthly-cash",
        quantity=Decimal("500"),
        value=None,
        delivered_on=on,
        household_id=None if person else household.pk,
        person_id=person.pk if person else None,
    )
    return aid_entry_record(member=user.member, by=user, data=data, **options)


@pytest.fixture
def overridden(shared_household, nour_worker, amal_admin):
    """Nour paid March's grant to a person; Amal's admin overrode the block for the household."""
    person = shared_household.people.order_by("pk").first()
    first = grant(nour_worker, shared_household, person=person)
    second = grant(amal_admin, shared_household, override_reason="أسرة منكوبة")
    return first, second


def test_the_secretariat_sees_both_sides_in_full(overridden):
    first, second = overridden
    [row] = conflict_rows(
        user=secretariat_create(), conflicts=conflict_list(user=secretariat_create())
    )
    assert (row.entry.entry_id, row.other.entry_id) == (second.pk, first.pk)
    assert row.other.person_name == first.person.full_name
    assert (row.reason, row.action, row.resolution) == ("أسرة منكوبة", "block", "overridden")


def test_the_member_that_was_caught_sees_the_other_member_by_name_only(overridden, amal_admin):
    _, second = overridden
    [row] = conflict_rows(user=amal_admin, conflicts=conflict_list(user=amal_admin))
    assert (row.entry.own, row.entry.entry_id, row.reason) == (True, second.pk, "أسرة منكوبة")
    assert (row.other.own, row.other.member, row.other.category) == (
        False,
        "مؤسسة نور",
        "مساعدة نقدية شهرية",
    )
    assert row.other.delivered_on == datetime.date(2025, 3, 5)
    assert (row.other.entry_id, row.other.household_id, row.other.person_name) == (None, None, None)


def test_the_earlier_member_sees_its_side_but_not_the_others_decision(overridden, nour_worker):
    first, _ = overridden
    [row] = conflict_rows(user=nour_worker, conflicts=conflict_list(user=nour_worker))
    assert (row.other.own, row.other.entry_id, row.other.person_name) == (
        True,
        first.pk,
        first.person.full_name,
    )
    assert (row.entry.own, row.entry.entry_id, row.entry.member) == (False, None, "جمعية أمل")
    assert (row.reason, row.decided_by) == (None, None)


def test_an_uninvolved_member_sees_no_conflicts(overridden):
    from marsad.members.models import Role
    from tests.factories import user_create

    outsider = user_create(role=Role.MEMBER_ADMIN, member=member_create())
    assert list(conflict_list(user=outsider)) == []


def test_conflicts_filter_by_action_and_member(overridden, nour):
    analyst = secretariat_create()
    assert conflict_list(user=analyst, filters=ConflictFilters(action="block")).count() == 1
    assert conflict_list(user=analyst, filters=ConflictFilters(action="warn")).count() == 0
    assert conflict_list(user=analyst, filters=ConflictFilters(member=nour.pk)).count() == 1
    assert conflict_list(user=analyst, filters=ConflictFilters(resolution="flagged")).count() == 0


def test_household_history_masks_other_members_entries(shared_household, nour_worker, amal_worker):
    mine = entry_create(member=nour_worker.member, household=shared_household, value="200")
    entry_create(
        member=amal_worker.member,
        household=shared_household,
        category="medical-visit",
        delivered_on=datetime.date(2025, 4, 2),
    )
    theirs_reversed = entry_create(member=amal_worker.member, household=shared_household)
    aid_entry_reverse(entry=theirs_reversed, by=amal_worker, reason="خطأ")
    rows = household_aid_history(user=nour_worker, household=shared_household)
    assert [(r.member, r.category, r.own, r.entry_id, r.value) for r in rows] == [
        ("جمعية أمل", "كشف طبي", False, None, None),
        ("مؤسسة نور", "كرتونة مواد غذائية", True, mine.pk, Decimal("200.00")),
    ]
    own_view = household_aid_history(user=amal_worker, household=shared_household)
    assert [(r.category, r.is_reversed) for r in own_view] == [
        ("كشف طبي", False),
        ("كرتونة مواد غذائية", True),
        ("كرتونة مواد غذائية", False),
    ]


def test_person_history_includes_household_deliveries_and_merged_records(nour, amal, nour_worker):
    household = family_create(member=nour, size=2, served_by=(amal,))
    person, sibling = household.people.order_by("pk")
    copy = family_create(member=amal, size=1)
    copy.head.merged_into = person
    copy.head.status = "merged"
    copy.head.save()
    entry_create(member=nour, household=household)
    entry_create(member=nour, household=household, person=sibling, category="medicines")
    entry_create(member=amal, household=copy, person=copy.head, category="surgery")
    rows = person_aid_history(user=nour_worker, person=person)
    assert sorted((r.category, r.own) for r in rows) == [
        ("عملية جراحية", False),
        ("كرتونة مواد غذائية", True),
    ]


def test_the_ledger_lists_only_the_members_entries(shared_household, nour_worker, amal_worker):
    mine = entry_create(member=nour_worker.member, household=shared_household)
    entry_create(member=amal_worker.member, household=shared_household)
    assert list(entry_list(user=nour_worker)) == [mine]
    assert entry_list(user=secretariat_create()).count() == 2
    assert list(entry_list(user=nour_worker, filters=LedgerFilters(category="food"))) == [mine]
    assert not entry_list(user=nour_worker, filters=LedgerFilters(category="cash")).exists()
