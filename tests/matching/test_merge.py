"""Merging two records of one person, undoing it, and what reads people afterwards."""

import datetime
import threading

import pytest
from django.db import connection

from marsad.core.crypto import blind_index
from marsad.core.errors import ApplicationError
from marsad.matching.errors import MatchingError
from marsad.matching.models import DuplicateCase
from marsad.matching.selectors import exact_national_id
from marsad.matching.services import case_merge, case_open, case_undo
from marsad.members.models import Role
from marsad.registry.batch import registered_by_index
from marsad.registry.models import Person, ServiceLink
from marsad.registry.services import HouseholdInput, household_register
from marsad.registry.validation import PersonInput
from tests.factories import (
    household_create,
    member_create,
    person_create,
    secretariat_create,
    user_create,
)

NID = "28208151304597"  # male, born 1982-08-15, check digit right
NAME = "محمد أحمد علي الشافعي"
BORN = datetime.date(1982, 8, 15)


def record(member, *, national_id="", full_name=NAME, since=datetime.date(2025, 1, 1)):
    """A person registered by `member` in a household of their own, served by `member`."""
    person = person_create(
        household=household_create(member=member),
        full_name=full_name,
        national_id=national_id,
        birth_date=BORN,
    )
    ServiceLink.objects.create(member=member, person=person, since=since)
    return person


def case_of(first, second):
    return case_open(first=first, second=second, probability=0.95, evidence=[], source="scan")


def fresh(*people):
    for person in people:
        person.refresh_from_db()


@pytest.fixture
def secretariat(db):
    return secretariat_create()


@pytest.fixture
def members(db):
    return member_create(slug="m-nour"), member_create(slug="m-amal"), member_create(slug="m-khair")


def test_an_exact_id_look_up_finds_the_record_a_merged_record_survives_in(members, secretariat):
    nour, amal, _khair = members
    survivor = record(nour)
    merged = record(amal, national_id=NID)
    case_merge(case=case_of(survivor, merged), by=secretariat)
    # when / then: the merged record's ID names the person, whose record is the survivor
    assert exact_national_id(blind_index(NID)) == survivor
    assert registered_by_index([blind_index(NID)]) == {blind_index(NID): survivor.pk}


def test_an_exact_id_look_up_follows_a_chain_of_merges(members, secretariat):
    nour, amal, khair = members
    first = record(nour)
    second = record(amal)
    third = record(khair, national_id=NID)
    case_merge(case=case_of(second, third), by=secretariat)  # third into second
    case_merge(case=case_of(first, second), by=secretariat)  # second into first
    assert exact_national_id(blind_index(NID)) == first
    assert registered_by_index([blind_index(NID)]) == {blind_index(NID): first.pk}


def test_linking_by_the_id_of_a_merged_record_serves_the_survivor(members, secretariat):
    nour, amal, khair = members
    survivor = record(nour)
    merged = record(amal, national_id=NID)
    case_merge(case=case_of(survivor, merged), by=secretariat)
    worker = user_create(role=Role.CASE_WORKER, member=khair)
    # when: a third member registers the person by national ID and links its services
    household_register(
        member=khair,
        by=worker,
        household=HouseholdInput(governorate="24"),
        people=[
            PersonInput(
                full_name=NAME, gender="M", national_id=NID, birth_date=BORN, relation="head"
            )
        ],
        link_existing=frozenset({0}),
    )
    # then: the member serves the surviving record, not the merged one
    assert ServiceLink.objects.filter(member=khair, person=survivor).exists()
    assert not ServiceLink.objects.filter(person=merged).exists()


def test_a_record_merged_by_one_case_is_not_merged_again_by_another(members, secretariat):
    nour, amal, khair = members
    first, second, third = record(nour), record(amal), record(khair)
    first_case, second_case = case_of(first, third), case_of(second, third)
    case_merge(case=first_case, by=secretariat)  # third into first
    # when
    with pytest.raises(ApplicationError) as raised:
        case_merge(case=second_case, by=secretariat)
    # then: third stays merged into first, with its link there; the second case waits
    assert raised.value.code == MatchingError.RECORD_MERGED
    fresh(third, second_case)
    assert third.merged_into == first
    assert set(first.service_links.values_list("member_id", flat=True)) == {nour.pk, khair.pk}
    assert second_case.status == DuplicateCase.Status.OPEN
    # The first merge still undoes exactly.
    case_undo(case=first_case, by=secretariat)
    fresh(third)
    assert (third.merged_into, third.status) == (None, Person.Status.ACTIVE)
    assert set(third.service_links.values_list("member_id", flat=True)) == {khair.pk}


def test_nothing_is_merged_into_a_record_that_was_merged_away(members, secretariat):
    nour, amal, khair = members
    first, second, third = record(nour), record(amal), record(khair)
    later_case = case_of(second, third)
    case_merge(case=case_of(first, second), by=secretariat)  # second into first
    # when: third would go into second, which is no longer a record of its own
    with pytest.raises(ApplicationError) as raised:
        case_merge(case=later_case, by=secretariat)
    assert raised.value.code == MatchingError.RECORD_MERGED
    fresh(third)
    assert (third.merged_into, third.status) == (None, Person.Status.ACTIVE)
    assert set(third.service_links.values_list("member_id", flat=True)) == {khair.pk}


def test_two_cases_sharing_a_record_decided_at_once_merge_it_once(reference_transactional_db):
    secretariat = secretariat_create()
    nour, amal, khair = (member_create(slug=f"t-{n}") for n in ("nour", "amal", "khair"))
    first, second, third = record(nour), record(amal), record(khair)
    cases = [case_of(first, third), case_of(second, third)]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(case):
        try:
            barrier.wait()
            case_merge(case=case, by=secretariat)
            outcomes.append("merged")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["merged", MatchingError.RECORD_MERGED])
    merged_case = DuplicateCase.objects.get(status=DuplicateCase.Status.MERGED)
    third.refresh_from_db()
    assert third.merged_into_id == merged_case.person_a_id
    # The link went where the record went, once.
    assert ServiceLink.objects.get(member=khair).person_id == merged_case.person_a_id


def test_undo_waits_for_the_later_merge_of_the_survivor(members, secretariat):
    nour, amal, khair = members
    first, second, third = record(nour), record(amal), record(khair)
    earlier = case_of(second, third)
    case_merge(case=earlier, by=secretariat)  # third into second
    later = case_of(first, second)
    case_merge(case=later, by=secretariat)  # second into first
    # when: the earlier merge is undone while its survivor is merged into another record
    with pytest.raises(ApplicationError) as raised:
        case_undo(case=earlier, by=secretariat)
    # then: nothing changed
    assert raised.value.code == MatchingError.LATER_MERGE
    fresh(second, third, earlier)
    assert (second.status, second.merged_into) == (Person.Status.MERGED, first)
    assert third.status == Person.Status.MERGED
    assert earlier.status == DuplicateCase.Status.MERGED
    # Undone latest first, each merge puts back exactly what it moved.
    case_undo(case=later, by=secretariat)
    case_undo(case=earlier, by=secretariat)
    fresh(first, second, third)
    for person, member in ((first, nour), (second, amal), (third, khair)):
        assert (person.status, person.merged_into) == (Person.Status.ACTIVE, None)
        assert list(person.service_links.values_list("member_id", flat=True)) == [member.pk]


def test_undo_waits_for_the_later_merge_into_the_survivor(members, secretariat):
    # Both merged records were served by one member: each merge combined its link with
    # the survivor's, whose aid types then held both.
    nour, amal, _khair = members
    first = record(nour)
    second, third = record(amal), record(amal)
    ServiceLink.objects.create(member=amal, person=first, since=datetime.date(2025, 6, 1))
    ServiceLink.objects.filter(member=amal, person=second).update(aid_types=["cash"])
    ServiceLink.objects.filter(member=amal, person=third).update(aid_types=["food"])
    earlier, later = case_of(first, second), case_of(first, third)
    case_merge(case=earlier, by=secretariat)
    case_merge(case=later, by=secretariat)
    link = ServiceLink.objects.get(member=amal, person=first)
    assert link.aid_types == ["cash", "food"]
    # when
    with pytest.raises(ApplicationError) as raised:
        case_undo(case=earlier, by=secretariat)
    # then: the food aid of the record merged later is not lost from the survivor's link
    assert raised.value.code == MatchingError.LATER_MERGE
    link.refresh_from_db()
    assert link.aid_types == ["cash", "food"]
    case_undo(case=later, by=secretariat)
    case_undo(case=earlier, by=secretariat)
    link.refresh_from_db()
    assert (link.aid_types, link.since) == ([], datetime.date(2025, 6, 1))
    assert ServiceLink.objects.get(member=amal, person=second).aid_types == ["cash"]
    assert ServiceLink.objects.get(member=amal, person=third).aid_types == ["food"]


def test_a_family_registered_four_times_and_merged_three_times_counts_once(db):
    # given: four members registered one family; the review queue merged the copies one
    # into the other, the latest copies first, so the last copy's record is three merges
    # away from the record that survives
    from marsad.assistance.selectors import reach_report
    from tests.assistance.factories import entry_create, family_create

    secretariat = secretariat_create()
    members = [member_create() for _ in range(4)]
    families = [family_create(member=member, size=1) for member in members]
    heads = [family.head for family in families]
    for earlier, later in ((2, 3), (1, 2), (0, 1)):
        case_merge(case=case_of(heads[earlier], heads[later]), by=secretariat)
    entry_create(member=members[0], household=families[0])
    entry_create(member=members[3], household=families[3])
    entry_create(member=members[3], household=families[3], person=heads[3], category="medicines")
    # when
    report = reach_report(user=secretariat, dimension="member")
    # then: one person and one household, as each member would report it alone
    t = report.total
    assert (t.people, t.households, t.people_reported, t.households_reported) == (1, 1, 2, 2)
    # and undone latest first, the four records are four families again
    for case in DuplicateCase.objects.order_by("-decided_at"):
        case_undo(case=case, by=secretariat)
    assert [head.pk for head in Person.objects.filter(merged_into__isnull=False)] == []
    t = reach_report(user=secretariat, dimension="member").total
    assert (t.people, t.households) == (2, 2)
