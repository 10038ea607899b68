"""Registering households in batches (imports): the rules of registration, set-based."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.engines.linkage.decision import Decision
from marsad.matching.models import DuplicateCase
from marsad.matching.selectors import (
    CANDIDATE_FIELDS,
    candidate_pairs,
    candidate_rows,
    candidate_rows_by_id,
    find_duplicates,
    record_values,
)
from marsad.matching.services import CasePair, cases_open_bulk
from marsad.members.models import Role
from marsad.registry.batch import BatchError, HouseholdRow, households_register_batch
from marsad.registry.errors import RegistryError, RegistryWarning
from marsad.registry.models import Household, HouseholdMembership, Person, ServiceLink
from marsad.registry.services import HouseholdInput, household_register
from marsad.registry.validation import PersonInput, validate_person
from tests.factories import household_create, member_create, person_create, user_create

NID = "28208151304597"  # male, born 1982-08-15, check digit right
HOUSEHOLD = HouseholdInput(governorate="24", village="دير مواس", address="شارع النيل")


def head(**fields):
    values = {
        "full_name": "محمد أحمد علي الشافعي",
        "gender": "M",
        "national_id": NID,
        "birth_date": datetime.date(1982, 8, 15),
        "relation": "head",
        "phone": "01012345678",
    }
    return PersonInput(**{**values, **fields})


def wife(**fields):
    values = {
        "full_name": "فاطمة حسن محمود السيد",
        "gender": "F",
        "relation": "spouse",
        "birth_date": datetime.date(1986, 2, 1),
    }
    return PersonInput(**{**values, **fields})


def stranger(n, **fields):
    """A head nobody else resembles (a distinct name chain and birth date per `n`)."""
    names = ["سعيد", "كريم", "طارق", "هشام", "وليد", "ياسر", "عادل", "ماجد", "نبيل", "رامي"]
    fathers = ["محمود", "حسين", "إبراهيم", "يوسف", "مصطفى", "عمر", "خالد", "سامي", "فتحي", "جمال"]
    values = {
        "full_name": f"{names[n]} {fathers[n]} عبدالرحمن المصري",
        "gender": "M",
        "birth_date": datetime.date(1970 + n, 3, 1 + n),
        "relation": "head",
    }
    return PersonInput(**{**values, **fields})


def row(key, people, *, line=2, household=HOUSEHOLD):
    return HouseholdRow(key=key, line=line, household=household, people=people)


@pytest.fixture
def case_worker(db):
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="nour"))


@pytest.fixture
def other_worker(db):
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="amal"))


def import_rows(user, rows):
    return households_register_batch(member=user.member, by=user, rows=rows)


def counts():
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "memberships": HouseholdMembership.objects.count(),
        "links": ServiceLink.objects.count(),
        "cases": DuplicateCase.objects.count(),
    }


def test_a_batch_creates_households_people_memberships_links_and_heads(case_worker):
    # when
    outcomes = import_rows(
        case_worker, [row("H-1", [head(), wife()], line=2), row("H-2", [stranger(0)], line=4)]
    )
    # then
    assert [(o.key, o.line, o.status) for o in outcomes] == [
        ("H-1", 2, "created"),
        ("H-2", 4, "created"),
    ]
    first = Household.objects.get(pk=outcomes[0].household_id)
    husband, spouse = (Person.objects.get(pk=pk) for pk in outcomes[0].created)
    assert (first.source_key, first.member, first.created_by) == (
        "H-1",
        case_worker.member,
        case_worker,
    )
    assert first.head == husband
    assert (first.governorate.code, first.village, first.address) == (
        "24",
        "دير مواس",
        "شارع النيل",
    )
    assert (husband.household, husband.member, husband.status, husband.relation) == (
        first,
        case_worker.member,
        Person.Status.ACTIVE,
        "head",
    )
    assert husband.name_parts_normalized == ["محمد", "احمد", "علي", "الشافعي"]
    assert (husband.first_key, husband.birth_year, husband.national_id_last4) == (
        "محمد",
        1982,
        "4597",
    )
    clean, _ = validate_person(head())
    assert husband.national_id_index == clean.national_id_index
    assert spouse.national_id_index is None
    assert set(
        HouseholdMembership.objects.filter(ended_on=None).values_list(
            "person_id", "household_id", "relation"
        )
    ) == {
        (husband.pk, first.pk, "head"),
        (spouse.pk, first.pk, "spouse"),
        (outcomes[1].created[0], outcomes[1].household_id, "head"),
    }
    assert set(ServiceLink.objects.values_list("member__slug", "person_id")) == {
        ("nour", pk) for o in outcomes for pk in o.created
    }
    assert Household.objects.get(pk=outcomes[1].household_id).head_id == outcomes[1].created[0]
    assert all(o.linked == o.pending == o.to_review == o.problems == [] for o in outcomes)


def test_every_kind_of_value_is_stored_as_registration_stores_it(case_worker):
    # given: coordinates with more decimals than the columns keep, an income, a Latin name
    place = HouseholdInput(
        governorate="24",
        latitude=Decimal("28.0871234567"),
        longitude=Decimal("30.7654321"),
    )
    people = [
        head(monthly_income=Decimal("1500"), marital_status="married", occupation="نجار"),
        wife(full_name="Fatma Hassan Mahmoud", phone="01112345678"),
    ]
    # when
    outcome = import_rows(case_worker, [row("H-1", people, household=place)])[0]
    # then
    stored = Household.objects.get(pk=outcome.household_id)
    assert (str(stored.latitude), str(stored.longitude)) == ("28.087123", "30.765432")
    husband, spouse = (Person.objects.get(pk=pk) for pk in outcome.created)
    assert (str(husband.monthly_income), husband.marital_status, husband.occupation) == (
        "1500.00",
        "married",
        "نجار",
    )
    assert (husband.birth_date, husband.name_is_latin, husband.national_id_checked) == (
        datetime.date(1982, 8, 15),
        False,
        True,
    )
    assert (spouse.name_parts_normalized, spouse.name_is_latin, spouse.phone) == (
        ["fatma", "hassan", "mahmoud", ""],
        True,
        "+201112345678",
    )
    assert (husband.created_by, spouse.created_by) == (case_worker, case_worker)
    assert husband.created_at <= spouse.updated_at <= timezone.now()


def test_one_audit_record_for_the_batch_with_its_summary(case_worker):
    outcomes = households_register_batch(
        member=case_worker.member,
        by=case_worker,
        rows=[row("H-1", [head(), wife()]), row("H-2", [stranger(1)]), row("H-3", [])],
        source="import",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_type) == (
        "create",
        case_worker,
        "registry.household_batch",
    )
    assert event.changes["households"] == [outcomes[0].household_id, outcomes[1].household_id]
    assert {k: event.changes[k] for k in ("source", "rows", "created", "rejected", "existing")} == {
        "source": "import",
        "rows": 3,
        "created": 2,
        "rejected": 1,
        "existing": 0,
    }
    assert (event.changes["people_created"], event.changes["people_linked"]) == (3, 0)


def test_rows_with_problems_are_rejected_with_every_problem_and_the_others_are_stored(
    case_worker,
):
    # given
    rows = [
        row("H-1", [head()], line=2),
        row("H-2", [head(full_name="", national_id=""), wife(phone="123")], line=3),
        row("H-3", [stranger(2)], line=5, household=HouseholdInput(governorate="77")),
        row("H-4", [stranger(3, relation="son")], line=6),
        row("H-1", [stranger(4)], line=7),
        row("H-6", [stranger(5), stranger(6, national_id=NID, relation="son")], line=8),
        row("", [stranger(7)], line=9),
        row("H-8", [wife(national_id="2820815130459")], line=10),
        row("H-9", [stranger(8)], line=11),
    ]
    # when
    outcomes = import_rows(case_worker, rows)
    # then
    assert [o.status for o in outcomes] == [
        "created",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "created",
        "rejected",
        "rejected",
        "created",
    ]
    problems = {o.line: [(p["field"], p["code"]) for p in o.problems] for o in outcomes}
    assert problems[3] == [
        ("people.0.full_name", RegistryError.NAME_REQUIRED),
        ("people.1.phone", RegistryError.INVALID_PHONE),
    ]
    assert problems[5] == [("household.governorate", RegistryError.UNKNOWN_GOVERNORATE)]
    assert problems[6] == [("people", RegistryError.NO_HEAD)]
    assert problems[7] == [("key", BatchError.DUPLICATE_KEY_IN_FILE)]
    assert problems[9] == [("key", BatchError.KEY_REQUIRED)]
    assert problems[10] == [
        ("people.0.national_id", RegistryError.NATIONAL_ID_WRONG_LENGTH),
        ("people", RegistryError.NO_HEAD),
    ]
    assert all(p["message"] for o in outcomes for p in o.problems)
    assert all(o.household_id is None and o.created == [] for o in outcomes if o.problems)
    assert Household.objects.count() == 3
    assert set(Household.objects.values_list("source_key", flat=True)) == {"H-1", "H-6", "H-9"}
    # The NID of H-1's head, given again in H-6, is linked, not copied.
    assert outcomes[5].linked == outcomes[0].created
    assert Person.objects.count() == 3


def test_soft_warnings_are_accepted_and_recorded(case_worker):
    outcomes = import_rows(case_worker, [row("H-1", [head(national_id="28208151304598")])])
    assert outcomes[0].status == "created"
    assert [w["code"] for w in outcomes[0].warnings] == [RegistryWarning.CHECK_DIGIT]
    event = AuditEvent.objects.get()
    assert event.changes["confirmed_warnings"] == {
        str(outcomes[0].household_id): [RegistryWarning.CHECK_DIGIT]
    }


def test_importing_the_same_keys_again_writes_nothing(case_worker, other_worker):
    # given
    register_existing = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    rows = [
        row("H-1", [stranger(0), wife()]),
        row("H-2", [stranger(1), head(relation="father")]),
        row("H-3", [stranger(0, full_name="سعيد محمود عبد الرحمن المصرى", relation="head")]),
    ]
    first = import_rows(case_worker, rows)
    assert [o.status for o in first] == ["created"] * 3
    assert first[1].linked == [register_existing.created[0].pk]
    before = counts()
    events = AuditEvent.objects.count()
    # when
    again = import_rows(case_worker, rows)
    # then
    assert [(o.status, o.household_id) for o in again] == [
        ("existing", o.household_id) for o in first
    ]
    assert all(o.created == o.linked == o.problems == [] for o in again)
    assert counts() == before
    assert AuditEvent.objects.count() == events + 1


def test_another_member_may_use_the_same_keys(case_worker, other_worker):
    import_rows(case_worker, [row("H-1", [stranger(0)])])
    outcomes = import_rows(other_worker, [row("H-1", [stranger(1)])])
    assert outcomes[0].status == "created"


def test_one_household_per_member_and_key_even_outside_the_batch(case_worker):
    household_create(member=case_worker.member, source_key="")
    household_create(member=case_worker.member, source_key="")
    household_create(member=case_worker.member, source_key="K-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        household_create(member=case_worker.member, source_key="K-1")


def test_an_existing_national_id_is_linked_not_copied(case_worker, other_worker):
    # given
    theirs = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    existing = theirs.created[0]
    # when
    outcomes = import_rows(
        case_worker,
        [row("H-1", [head(full_name="محمد احمد على", relation="father"), wife(relation="head")])],
    )
    # then
    outcome = outcomes[0]
    assert outcome.status == "created"
    assert outcome.linked == [existing.pk]
    assert len(outcome.created) == 1
    assert Person.objects.filter(national_id_index=existing.national_id_index).count() == 1
    existing.refresh_from_db()
    assert existing.household == theirs.household
    assert set(
        ServiceLink.objects.filter(person=existing).values_list("member__slug", flat=True)
    ) == {"nour", "amal"}
    household = Household.objects.get(pk=outcome.household_id)
    assert household.head_id == outcome.created[0]
    assert not HouseholdMembership.objects.filter(person=existing, household=household).exists()


def test_a_registered_national_id_with_another_name_is_not_linked(case_worker, other_worker):
    # Linking shows the registered person's record: a number with someone else's name is a
    # typo or a guess, and the row is rejected without telling whose the number is.
    existing = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    ).created[0]
    outcomes = import_rows(
        case_worker,
        [
            row("H-1", [wife(relation="head"), head(full_name="سيد محمود حسن", relation="father")]),
            row("H-2", [head(full_name="محمد احمد على الشافعى")], line=4),
        ],
    )
    assert [o.status for o in outcomes] == ["rejected", "linked"]
    [problem] = outcomes[0].problems
    assert (problem["field"], problem["code"]) == (
        "people.1.national_id",
        RegistryError.NATIONAL_ID_OTHER_NAME,
    )
    assert "الشافعي" not in problem["message"]
    assert not Household.objects.filter(member=case_worker.member, source_key="H-1").exists()
    assert outcomes[1].linked == [existing.pk]


def test_registration_links_a_registered_person_only_under_their_name(case_worker, other_worker):
    existing = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    ).created[0]
    with pytest.raises(ApplicationError) as error:
        household_register(
            member=case_worker.member,
            by=case_worker,
            household=HOUSEHOLD,
            people=[wife(relation="head"), head(full_name="سيد محمود حسن", relation="father")],
            link_existing=frozenset({1}),
        )
    problems = error.value.extra["problems"]
    assert [(p["field"], p["code"]) for p in problems] == [
        ("people.1.national_id", RegistryError.NATIONAL_ID_OTHER_NAME)
    ]
    assert not ServiceLink.objects.filter(member=case_worker.member).exists()
    result = household_register(
        member=case_worker.member,
        by=case_worker,
        household=HOUSEHOLD,
        people=[wife(relation="head"), head(full_name="محمد احمد على الشافعى", relation="father")],
        link_existing=frozenset({1}),
    )
    assert [p.pk for p in result.linked] == [existing.pk]


def _link_as(user, full_name):
    return household_register(
        member=user.member,
        by=user,
        household=HOUSEHOLD,
        people=[wife(relation="head"), head(full_name=full_name, relation="father")],
        link_existing=frozenset({1}),
    )


def _refusal(user, full_name):
    with pytest.raises(ApplicationError) as error:
        _link_as(user, full_name)
    [problem] = error.value.extra["problems"]
    assert problem["field"] == "people.1.national_id"
    return problem["code"]


def test_after_too_many_names_refused_for_an_id_no_other_name_is_compared(
    case_worker, other_worker, settings
):
    # Tried name after name against one ID, the answers would tell the holder's name.
    settings.MARSAD_NAME_TRIES_PER_DAY = 2
    other_name, exhausted = (
        RegistryError.NATIONAL_ID_OTHER_NAME,
        RegistryError.NATIONAL_ID_TRIES_EXHAUSTED,
    )
    existing = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    ).created[0]
    assert _refusal(case_worker, "سيد محمود حسن") == other_name
    assert _refusal(case_worker, "سيد  محمود حسن") == other_name  # the same name counts once
    assert _refusal(case_worker, "كريم حسين عبدالرحمن") == other_name
    # Now neither a third name nor the holder's own is compared.
    assert _refusal(case_worker, "طارق إبراهيم يوسف") == exhausted
    assert _refusal(case_worker, "محمد احمد على الشافعى") == exhausted
    assert not ServiceLink.objects.filter(member=case_worker.member).exists()
    # Each distinct refused name is in the audit log, for the member, without the name.
    events = AuditEvent.objects.filter(action=AuditEvent.Action.NAME_REFUSED)
    assert [(e.actor, e.member_id, e.target_id) for e in events] == 2 * [
        (case_worker, case_worker.member_id, str(existing.pk))
    ]
    assert len({e.changes["name"] for e in events}) == 2
    assert all("سيد" not in str(e.changes) and "كريم" not in str(e.changes) for e in events)
    # Another member's tries are its own.
    third = user_create(role=Role.CASE_WORKER, member=member_create(slug="third"))
    assert [p.pk for p in _link_as(third, "محمد احمد على الشافعى").linked] == [existing.pk]
    # A day later the member may give a name again.
    events.update(at=timezone.now() - datetime.timedelta(hours=25))
    assert [p.pk for p in _link_as(case_worker, "محمد احمد على الشافعى").linked] == [existing.pk]


def test_an_import_gives_the_same_answers_and_counts_the_same_tries(
    case_worker, other_worker, settings
):
    settings.MARSAD_NAME_TRIES_PER_DAY = 2
    household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    names = ["سيد محمود حسن", "كريم حسين عبدالرحمن", "سيد محمود حسن", "طارق إبراهيم يوسف"]
    rows = [row(f"H-{n}", [head(full_name=name)], line=n + 2) for n, name in enumerate(names)] + [
        row("H-9", [head(full_name="محمد احمد على الشافعى")], line=9)
    ]
    outcomes = import_rows(case_worker, rows)
    assert [o.problems[0]["code"] if o.problems else o.status for o in outcomes] == [
        RegistryError.NATIONAL_ID_OTHER_NAME,
        RegistryError.NATIONAL_ID_OTHER_NAME,
        RegistryError.NATIONAL_ID_OTHER_NAME,
        RegistryError.NATIONAL_ID_TRIES_EXHAUSTED,
        RegistryError.NATIONAL_ID_TRIES_EXHAUSTED,
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NAME_REFUSED).count() == 2
    # The registration form, next, finds the member's tries spent too.
    assert _refusal(case_worker, "محمد احمد على الشافعى") == (
        RegistryError.NATIONAL_ID_TRIES_EXHAUSTED
    )


def test_a_link_that_exists_already_is_not_doubled(case_worker, other_worker):
    theirs = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    ).created[0]
    ServiceLink.objects.create(member=case_worker.member, person=theirs, since=timezone.localdate())
    outcomes = import_rows(case_worker, [row("H-1", [stranger(0), head(relation="son")])])
    assert outcomes[0].linked == [theirs.pk]
    assert ServiceLink.objects.filter(member=case_worker.member, person=theirs).count() == 1


def test_a_household_of_people_all_registered_already_is_linked_not_created(
    case_worker, other_worker
):
    # A household without people would collect aid beside the real one.
    theirs = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    existing = theirs.created[0]
    households_before = Household.objects.count()
    outcomes = import_rows(case_worker, [row("H-1", [head()]), row("H-2", [stranger(3)])])
    linked, created = outcomes
    assert (linked.status, linked.household_id, linked.linked) == (
        "linked",
        theirs.household.pk,
        [existing.pk],
    )
    assert linked.created == []
    assert created.status == "created"
    assert Household.objects.count() == households_before + 1  # H-2 only
    assert ServiceLink.objects.filter(member=case_worker.member, person=existing).exists()
    event = AuditEvent.objects.filter(target_type="registry.household_batch").latest("pk")
    assert (event.changes["linked"], event.changes["people_linked"]) == (1, 1)
    # The key now names the household its people live in: sent again, it changes nothing.
    again = import_rows(case_worker, [row("H-1", [head()])])
    assert (again[0].status, again[0].household_id) == ("existing", theirs.household.pk)
    assert Household.objects.count() == households_before + 1


def test_a_row_of_people_already_in_earlier_rows_lives_in_their_household(case_worker):
    outcomes = import_rows(case_worker, [row("H-1", [head()]), row("H-2", [head()])])
    assert [o.status for o in outcomes] == ["created", "linked"]
    assert outcomes[1].household_id == outcomes[0].household_id
    assert outcomes[1].linked == outcomes[0].created
    assert Household.objects.count() == 1


def test_the_same_new_national_id_in_two_rows_is_one_person(case_worker):
    outcomes = import_rows(
        case_worker,
        [row("H-1", [head()]), row("H-2", [stranger(0), head(relation="father")])],
    )
    assert [o.status for o in outcomes] == ["created", "created"]
    person = outcomes[0].created[0]
    assert outcomes[1].linked == [person]
    assert len(outcomes[1].created) == 1
    assert Person.objects.filter(national_id_index__isnull=False).count() == 1
    assert Person.objects.get(pk=person).household_id == outcomes[0].household_id
    assert ServiceLink.objects.filter(person_id=person).count() == 1


VARIANT = head(full_name="محمد احمد على الشافعى", national_id="", phone="")


def _online_decisions(record_input, governorate="24"):
    clean, _ = validate_person(record_input)
    record = clean.linkage_record(record_id="new", governorate=governorate)
    return {c.person.pk: c.decision for c in find_duplicates(record)}


def _batch_decisions(outcome):
    (new,) = outcome.created
    cases = DuplicateCase.objects.filter(person_b_id=new) | DuplicateCase.objects.filter(
        person_a_id=new
    )
    status = Person.objects.get(pk=new).status
    return new, status, {c.person_a_id if c.person_b_id == new else c.person_b_id for c in cases}


def test_a_spelling_variant_of_a_registered_person_agrees_with_the_online_check(
    case_worker, other_worker
):
    # given
    first = household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    ).created[0]
    online = _online_decisions(VARIANT)
    assert set(online) == {first.pk}
    # when
    outcome = import_rows(case_worker, [row("H-1", [VARIANT])])[0]
    # then
    new, status, paired = _batch_decisions(outcome)
    assert paired == {first.pk}
    expected_match = online[first.pk] == Decision.MATCH
    assert outcome.pending == ([new] if expected_match else [])
    assert outcome.to_review == ([] if expected_match else [new])
    assert status == (Person.Status.PENDING_REVIEW if expected_match else Person.Status.ACTIVE)
    case = DuplicateCase.objects.get()
    assert (case.status, case.source) == (DuplicateCase.Status.OPEN, "registration")
    assert case.probability >= 0.5
    assert case.evidence


def test_two_rows_of_one_file_that_are_one_person_get_a_case(case_worker):
    # given: what one-at-a-time registration would decide (then undone)
    with transaction.atomic():
        household_register(
            member=case_worker.member,
            by=case_worker,
            household=HOUSEHOLD,
            people=[head(national_id="", phone="")],
        )
        online = list(_online_decisions(VARIANT).values())
        transaction.set_rollback(True)
    assert len(online) == 1
    # when
    outcomes = import_rows(
        case_worker, [row("H-1", [head(national_id="", phone="")]), row("H-2", [VARIANT])]
    )
    # then
    assert outcomes[0].pending == outcomes[0].to_review == []
    first = outcomes[0].created[0]
    new, _status, paired = _batch_decisions(outcomes[1])
    assert paired == {first}
    flagged = outcomes[1].pending if online[0] == Decision.MATCH else outcomes[1].to_review
    assert flagged == [new]


def test_a_brother_is_not_flagged(case_worker, other_worker):
    household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    brother = head(
        full_name="مصطفى أحمد علي الشافعي", national_id="", birth_date=datetime.date(1985, 3, 3)
    )
    outcome = import_rows(case_worker, [row("H-1", [brother])])[0]
    assert outcome.pending == outcome.to_review == []
    assert not DuplicateCase.objects.exists()


def test_people_of_one_household_are_not_compared_with_each_other(case_worker):
    twin = head(full_name="محمد أحمد علي الشافعي", national_id="", relation="son")
    outcome = import_rows(case_worker, [row("H-1", [head(national_id=""), twin])])[0]
    assert len(outcome.created) == 2
    assert not DuplicateCase.objects.exists()


def test_a_failure_midway_leaves_nothing_of_the_batch(case_worker, other_worker, monkeypatch):
    # given
    household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head()]
    )
    before = counts()
    events = AuditEvent.objects.count()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("marsad.registry.batch.cases_open_bulk", broken)
    # when
    with pytest.raises(RuntimeError, match="disk full"):
        import_rows(
            case_worker,
            [
                row("H-1", [stranger(0), head(relation="father")]),
                row("H-2", [VARIANT]),
                row("H-3", [stranger(1)]),
            ],
        )
    # then
    assert counts() == before
    assert AuditEvent.objects.count() == events
    assert not ServiceLink.objects.filter(member=case_worker.member).exists()
    assert not Household.objects.filter(member=case_worker.member).exists()


def test_an_empty_batch_writes_only_its_audit_record(case_worker):
    assert import_rows(case_worker, []) == []
    assert counts() == dict.fromkeys(counts(), 0)
    assert AuditEvent.objects.get().changes["rows"] == 0


def test_set_based_candidates_are_the_online_candidates(case_worker, other_worker):
    # given: a few stored people with shared keys
    household = household_create(member=other_worker.member)
    household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head(), wife()]
    )
    person_create(household=household, full_name="محمد أحمد علي حسن")
    inputs = [VARIANT, head(national_id="", phone="01012345678"), wife(), stranger(0)]
    records = [
        validate_person(data)[0].linkage_record(record_id="new", governorate="24")
        for data in inputs
    ]
    # when
    pairs = candidate_pairs([record_values(record) for record in records])
    # then
    for position, record in enumerate(records):
        online = {row["pk"] for row in candidate_rows(record_values(record))}
        assert {p.person_id for p in pairs if p.probe == position} == online
    assert {p.probe for p in pairs} == {0, 1, 2}


def test_candidate_rows_by_id_read_what_the_orm_reads(case_worker, other_worker):
    # given: people with and without an ID, a birth date, a phone; one in Latin letters
    household_register(
        member=other_worker.member, by=other_worker, household=HOUSEHOLD, people=[head(), wife()]
    )
    household = household_create(member=case_worker.member)
    person_create(
        household=household,
        full_name="Mohamed Ahmed Aly",
        name_parts_normalized=["mohamed", "ahmed", "aly"],
        name_is_latin=True,
        birth_date=None,
        gender="F",
    )
    ids = list(Person.objects.values_list("pk", flat=True))
    # when
    rows = candidate_rows_by_id(set(ids))
    # then
    expected = {row["pk"]: row for row in Person.objects.values(*CANDIDATE_FIELDS)}
    assert rows == expected
    assert len(rows) == 3
    assert candidate_rows_by_id(set()) == {}


def test_bulk_cases_keep_a_decided_pair_decided(case_worker):
    household = household_create(member=case_worker.member)
    a = person_create(household=household)
    b = person_create(household=household, full_name="محمد احمد علي حسن")
    c = person_create(household=household, full_name="محمد احمد على حسن")
    DuplicateCase.objects.create(
        person_a=a, person_b=b, probability=0.9, source="registration", status="distinct"
    )
    cases_open_bulk(
        pairs=[
            CasePair(b.pk, a.pk, 0.95, [("name", "exact", 3.0)]),
            CasePair(c.pk, a.pk, 0.7, []),
            CasePair(a.pk, c.pk, 0.7, []),
        ],
        source="registration",
    )
    assert set(DuplicateCase.objects.values_list("person_a", "person_b", "status")) == {
        (a.pk, b.pk, "distinct"),
        (a.pk, c.pk, "open"),
    }
