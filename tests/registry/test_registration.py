"""Registering households: validation, warnings, duplicate prevention, concurrency."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from marsad.core.crypto import decrypt_pii
from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.matching.models import DuplicateCase
from marsad.members.models import Role
from marsad.registry.errors import RegistryError
from marsad.registry.models import Household, HouseholdMembership, Person, ServiceLink
from marsad.registry.services import HouseholdInput, household_register
from marsad.registry.validation import PersonInput
from tests.factories import member_create, user_create

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


@pytest.fixture
def case_worker(db):
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="nour"))


@pytest.fixture
def other_worker(db):
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="amal"))


def register(user, people, **kwargs):
    return household_register(
        member=user.member, by=user, household=HOUSEHOLD, people=people, **kwargs
    )


def nothing_stored():
    return not (
        Household.objects.exists() or Person.objects.exists() or ServiceLink.objects.exists()
    )


def test_register_a_household(case_worker):
    # when
    result = register(case_worker, [head(), wife()])
    # then
    household = result.household
    husband, spouse = result.created
    assert household.head == husband
    assert (household.governorate.code, household.village) == ("24", "دير مواس")
    assert husband.status == Person.Status.ACTIVE
    assert decrypt_pii(husband.national_id_encrypted) == NID
    assert husband.national_id_masked == "**********4597"
    assert (
        husband.first_name,
        husband.father_name,
        husband.grandfather_name,
        husband.family_name,
    ) == ("محمد", "أحمد", "علي", "الشافعي")
    assert husband.name_parts_normalized == ["محمد", "احمد", "علي", "الشافعي"]
    assert spouse.national_id_index is None
    assert HouseholdMembership.objects.filter(household=household, ended_on=None).count() == 2
    assert set(ServiceLink.objects.values_list("member__slug", "person_id")) == {
        ("nour", husband.pk),
        ("nour", spouse.pk),
    }
    event = AuditEvent.objects.get(action="create", target_id=str(household.pk))
    assert event.changes["people"] == [husband.pk, spouse.pk]


@pytest.mark.parametrize(
    ("person", "code", "field"),
    [
        (head(full_name="  "), RegistryError.NAME_REQUIRED, "people.0.full_name"),
        (head(gender=""), RegistryError.GENDER_REQUIRED, "people.0.gender"),
        (
            head(national_id="2820815130459X"),
            RegistryError.NATIONAL_ID_INVALID_CHARACTERS,
            "people.0.national_id",
        ),
        (
            head(national_id="2820815130459"),
            RegistryError.NATIONAL_ID_WRONG_LENGTH,
            "people.0.national_id",
        ),
        (
            head(national_id="48208151304597"),
            RegistryError.NATIONAL_ID_INVALID_CENTURY,
            "people.0.national_id",
        ),
        (
            head(national_id="28213451304597"),
            RegistryError.NATIONAL_ID_INVALID_BIRTH_DATE,
            "people.0.national_id",
        ),
        (
            head(national_id="39901011304597"),
            RegistryError.NATIONAL_ID_FUTURE_BIRTH_DATE,
            "people.0.national_id",
        ),
        (
            head(national_id="28208150504597"),
            RegistryError.NATIONAL_ID_UNKNOWN_GOVERNORATE,
            "people.0.national_id",
        ),
        (
            head(birth_date=datetime.date(2099, 1, 1), national_id=""),
            RegistryError.BIRTH_DATE_IN_FUTURE,
            "people.0.birth_date",
        ),
        (
            head(birth_date=datetime.date(1850, 1, 1), national_id=""),
            RegistryError.BIRTH_DATE_TOO_OLD,
            "people.0.birth_date",
        ),
        (head(phone="0223456789"), RegistryError.INVALID_PHONE, "people.0.phone"),
        (head(relation="son"), RegistryError.NO_HEAD, "people"),
    ],
)
def test_each_bad_value_has_its_own_code_and_nothing_is_stored(case_worker, person, code, field):
    with pytest.raises(ApplicationError) as error:
        register(case_worker, [person])
    assert (error.value.code, error.value.field) == (code, field)
    assert error.value.message
    assert nothing_stored()


def test_unknown_governorate_and_district(case_worker):
    for household, code in [
        (HouseholdInput(governorate="77"), RegistryError.UNKNOWN_GOVERNORATE),
        (HouseholdInput(governorate="24", district="nowhere"), RegistryError.UNKNOWN_DISTRICT),
    ]:
        with pytest.raises(ApplicationError) as error:
            household_register(
                member=case_worker.member, by=case_worker, household=household, people=[head()]
            )
        assert error.value.code == code
    assert nothing_stored()


def test_no_members_and_the_same_id_twice(case_worker):
    with pytest.raises(ApplicationError) as error:
        register(case_worker, [])
    assert error.value.code == RegistryError.NO_MEMBERS
    with pytest.raises(ApplicationError) as error:
        register(case_worker, [head(), wife(national_id=NID, gender="M")])
    assert error.value.code == RegistryError.DUPLICATE_IN_REQUEST
    assert nothing_stored()


def test_several_problems_are_all_reported(case_worker):
    with pytest.raises(ApplicationError) as error:
        register(case_worker, [head(full_name=""), wife(phone="123")])
    assert error.value.code == RegistryError.INVALID_INPUT
    assert [(p["field"], p["code"]) for p in error.value.extra["problems"]] == [
        ("people.0.full_name", RegistryError.NAME_REQUIRED),
        ("people.1.phone", RegistryError.INVALID_PHONE),
    ]


@pytest.mark.parametrize(
    ("person", "warning"),
    [
        (head(national_id="28208151304598"), "registry.warning.check_digit"),
        (head(gender="F", full_name="منى أحمد علي"), "registry.warning.gender_mismatch"),
        (head(birth_date=datetime.date(1982, 8, 16)), "registry.warning.birth_date_mismatch"),
    ],
)
def test_soft_warnings_need_confirmation_which_is_logged(case_worker, person, warning):
    with pytest.raises(ApplicationError) as error:
        register(case_worker, [person])
    assert error.value.code == RegistryError.CONFIRMATION_REQUIRED
    assert [w["code"] for w in error.value.extra["warnings"]] == [warning]
    assert nothing_stored()
    result = register(case_worker, [person], confirm_warnings=True)
    event = AuditEvent.objects.get(action="create", target_id=str(result.household.pk))
    assert event.changes["confirmed_warnings"] == [warning]


def test_same_id_from_another_member_is_stopped_with_a_coordination_summary(
    case_worker, other_worker
):
    register(case_worker, [head()])
    with pytest.raises(ApplicationError) as error:
        register(other_worker, [head(full_name="محمد احمد على")])
    assert error.value.code == RegistryError.ALREADY_REGISTERED
    summary = error.value.extra["summary"]
    assert summary["registered_by"] == str(case_worker.member)
    assert [s["member"] for s in summary["served_by"]] == [str(case_worker.member)]
    assert NID not in str(error.value.extra)
    assert Person.objects.count() == 1
    assert Household.objects.count() == 1


def test_linking_to_the_existing_person_creates_no_copy(case_worker, other_worker):
    first = register(case_worker, [head()]).created[0]
    result = register(other_worker, [head()], link_existing=frozenset({0}))
    assert result.created == []
    assert result.linked == [first]
    assert Person.objects.count() == 1
    assert set(ServiceLink.objects.filter(person=first).values_list("member__slug", flat=True)) == {
        "nour",
        "amal",
    }
    # Everyone was linked: no household without people (it would collect aid of its own).
    assert Household.objects.count() == 1
    assert result.household == first.household
    event = AuditEvent.objects.get(actor=other_worker, action="create")
    assert (event.target_type, event.changes["linked"]) == ("registry.servicelink", [first.pk])


def test_a_household_with_a_linked_and_a_new_person_is_created_for_the_new_one(
    case_worker, other_worker
):
    first = register(case_worker, [head()]).created[0]
    result = register(other_worker, [head(), wife()], link_existing=frozenset({0}))
    assert result.linked == [first]
    [new] = result.created
    assert result.household != first.household
    assert list(result.household.people.all()) == [new]


def test_spelling_variant_without_id_goes_to_review(case_worker, other_worker):
    first = register(case_worker, [head()]).created[0]
    result = register(other_worker, [head(full_name="محمد احمد على الشافعى", national_id="")])
    new = result.created[0]
    flagged = result.pending + result.to_review
    assert [(p.pk, c.person.pk) for p, c in flagged] == [(new.pk, first.pk)]
    case = DuplicateCase.objects.get()
    assert {case.person_a_id, case.person_b_id} == {first.pk, new.pk}
    assert case.status == DuplicateCase.Status.OPEN
    assert case.probability >= 0.5
    if result.pending:
        assert new.status == Person.Status.PENDING_REVIEW


def test_a_title_before_the_name_does_not_hide_the_person(case_worker, other_worker):
    first = register(case_worker, [head()]).created[0]
    result = register(other_worker, [head(full_name="الحاج محمد أحمد علي الشافعي", national_id="")])
    new = result.created[0]
    assert [(p.pk, c.person.pk) for p, c in result.pending + result.to_review] == [
        (new.pk, first.pk)
    ]
    assert new.full_name == "الحاج محمد أحمد علي الشافعي"  # shown as typed
    assert (new.first_name, new.first_key) == ("محمد", first.first_key)


def test_a_brother_is_not_flagged(case_worker, other_worker):
    register(case_worker, [head()])
    result = register(
        other_worker,
        [
            head(
                full_name="مصطفى أحمد علي الشافعي",
                national_id="",
                birth_date=datetime.date(1985, 3, 3),
            )
        ],
    )
    assert result.pending == result.to_review == []
    assert not DuplicateCase.objects.exists()


def test_concurrent_registration_of_one_id_yields_one_person(reference_transactional_db):
    nour = user_create(role=Role.CASE_WORKER, member=member_create(slug="c-nour"))
    amal = user_create(role=Role.CASE_WORKER, member=member_create(slug="c-amal"))
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            register(user, [head()])
            outcomes.append("created")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in (nour, amal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["created", RegistryError.ALREADY_REGISTERED])
    assert Person.objects.filter(national_id_index__isnull=False).count() == 1
    assert Household.objects.count() == 1


def test_consent_is_recorded_with_who_recorded_it(case_worker):
    from marsad.registry.models import Consent

    result = register(case_worker, [head(), wife()], consent_scopes=("coordination",))
    consents = Consent.objects.order_by("person_id")
    assert [(c.person_id, c.scope, c.created_by) for c in consents] == [
        (p.pk, "coordination", case_worker) for p in result.created
    ]


def test_moving_a_person_keeps_the_old_membership(case_worker):
    from marsad.registry.services import person_move

    first = register(case_worker, [head(), wife()])
    second = register(
        case_worker,
        [head(full_name="سعيد محمود حسن", national_id="", birth_date=datetime.date(1990, 1, 1))],
    )
    spouse = first.created[1]
    person_move(person=spouse, household=second.household, relation="spouse", by=case_worker)
    history = list(
        HouseholdMembership.objects.filter(person=spouse)
        .order_by("pk")
        .values_list("household_id", "ended_on")
    )
    today = timezone.localdate()
    assert history == [(first.household.pk, today), (second.household.pk, None)]
    spouse.refresh_from_db()
    assert spouse.household == second.household


def test_editing_to_another_persons_id_is_refused(case_worker, other_worker):
    from marsad.registry.services import person_update

    register(case_worker, [head()])
    theirs = register(
        other_worker,
        [head(full_name="سعيد محمود حسن", national_id="", birth_date=datetime.date(1990, 1, 1))],
    ).created[0]
    with pytest.raises(ApplicationError) as error:
        person_update(
            person=theirs, by=other_worker, data=head(full_name="سعيد محمود حسن", birth_date=None)
        )
    assert error.value.code == RegistryError.ALREADY_REGISTERED
    theirs.refresh_from_db()
    assert theirs.national_id_index is None


def test_an_edit_that_makes_a_lookalike_opens_a_review_case(case_worker, other_worker):
    from marsad.registry.services import person_update

    first = register(case_worker, [head()]).created[0]
    theirs = register(
        other_worker,
        [head(full_name="سعيد محمود حسن", national_id="", birth_date=datetime.date(1990, 1, 1))],
    ).created[0]
    assert not DuplicateCase.objects.exists()
    person_update(
        person=theirs, by=other_worker, data=head(full_name="محمد احمد على الشافعى", national_id="")
    )
    case = DuplicateCase.objects.get()
    assert {case.person_a_id, case.person_b_id} == {first.pk, theirs.pk}
    assert AuditEvent.objects.filter(action="update", target_id=str(theirs.pk)).exists()


def test_another_member_cannot_edit(case_worker, other_worker):
    from django.core.exceptions import PermissionDenied

    from marsad.registry.services import person_update

    person = register(case_worker, [head()]).created[0]
    with pytest.raises(PermissionDenied):
        person_update(person=person, by=other_worker, data=head())


def test_an_edit_cannot_give_a_household_a_second_head(case_worker):
    from marsad.registry.services import person_update

    result = register(case_worker, [head(), wife()])
    _husband, spouse = result.created
    with pytest.raises(ApplicationError) as error:
        person_update(person=spouse, by=case_worker, data=wife(relation="head"))
    problem = error.value.extra["problems"][0]
    assert (problem["field"], problem["code"]) == (
        "people.0.relation",
        RegistryError.HOUSEHOLD_HAS_HEAD,
    )
    assert "محمد أحمد علي الشافعي" in problem["message"]  # who the head is
    spouse.refresh_from_db()
    assert spouse.relation == Person.Relation.SPOUSE


def test_the_head_changes_in_two_edits_and_the_household_follows(case_worker):
    from marsad.registry.services import person_update

    result = register(case_worker, [head(), wife()])
    husband, spouse = result.created
    household = result.household
    # The head becomes "other relative" first: the household has no head meanwhile.
    person_update(person=husband, by=case_worker, data=head(relation="other"))
    household.refresh_from_db()
    assert household.head_id is None
    # Then the wife can become the head.
    person_update(person=spouse, by=case_worker, data=wife(relation="head"))
    household.refresh_from_db()
    assert household.head_id == spouse.pk
    relations = dict(
        HouseholdMembership.objects.filter(household=household, ended_on__isnull=True).values_list(
            "person_id", "relation"
        )
    )
    assert relations == {husband.pk: "other", spouse.pk: "head"}
