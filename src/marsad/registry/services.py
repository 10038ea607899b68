"""Writes for the registry: registering a household with duplicate prevention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.crypto import encrypt_pii
from marsad.core.errors import ApplicationError
from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.decision import Decision
from marsad.geo.models import District, Governorate
from marsad.matching.naming import holders_named_check
from marsad.matching.selectors import (
    Candidate,
    coordination_summary,
    exact_national_id,
    find_duplicates,
    registered_ids,
)
from marsad.matching.services import case_open
from marsad.members.models import Member
from marsad.registry.errors import RegistryError
from marsad.registry.models import (
    Consent,
    Household,
    HouseholdMembership,
    Person,
    ServiceLink,
)
from marsad.registry.validation import (
    CleanPerson,
    PersonInput,
    Problem,
    name_columns,
    national_id_other_name,
    national_id_tries_exhausted,
    problems_error,
    validate_person,
)


@dataclass(frozen=True)
class HouseholdInput:
    governorate: str  # national-ID code, e.g. "24"
    district: str = ""  # district code
    village: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass
class RegistrationResult:
    household: Household
    created: list[Person] = field(default_factory=list)
    linked: list[Person] = field(default_factory=list)
    pending: list[tuple[Person, Candidate]] = field(default_factory=list)
    to_review: list[tuple[Person, Candidate]] = field(default_factory=list)


def _invalid(problems: list[Problem]) -> ApplicationError:
    return problems_error(problems, generic=RegistryError.INVALID_INPUT)


def place_problems(
    data: HouseholdInput, governorate: Governorate | None, district: District | None
) -> list[Problem]:
    """The problems of a household's place, once its codes were looked up."""
    if governorate is None:
        return [
            Problem(
                "household.governorate",
                RegistryError.UNKNOWN_GOVERNORATE,
                _("Choose one of the 27 governorates."),
            )
        ]
    if data.district and district is None:
        return [
            Problem(
                "household.district",
                RegistryError.UNKNOWN_DISTRICT,
                _("This district is not in %(governorate)s.") % {"governorate": governorate.name},
            )
        ]
    return []


def validate_household(
    data: HouseholdInput,
) -> tuple[Governorate | None, District | None, list[Problem]]:
    governorate = Governorate.objects.filter(code=data.governorate).defer("boundary").first()
    district = None
    if governorate is not None and data.district:
        district = District.objects.filter(code=data.district, governorate=governorate).first()
    return governorate, district, place_problems(data, governorate, district)


def validate_people(
    people: list[PersonInput], *, today: datetime.date | None = None
) -> tuple[list[CleanPerson], list[Problem]]:
    """A household's people checked one by one and together (one head, no repeated ID)."""
    problems: list[Problem] = []
    cleaned: list[CleanPerson] = []
    if today is None:
        today = timezone.localdate()
    for index, data in enumerate(people):
        person, person_problems = validate_person(data, index=index, today=today)
        problems += person_problems
        if person is not None:
            cleaned.append(person)
    if not people:
        problems.append(
            Problem(
                "people", RegistryError.NO_MEMBERS, _("Add at least one member of the household.")
            )
        )
    elif sum(1 for p in people if p.relation == Person.Relation.HEAD) != 1:
        problems.append(
            Problem(
                "people",
                RegistryError.NO_HEAD,
                _("Exactly one member must be the head of the household."),
            )
        )
    indexes = [p.national_id_index for p in cleaned if p.national_id_index]
    if len(indexes) != len(set(indexes)):
        problems.append(
            Problem(
                "people",
                RegistryError.DUPLICATE_IN_REQUEST,
                _("The same national ID is written for two members."),
            )
        )
    return cleaned, problems


def already_registered_error(person: Person, *, index: int) -> ApplicationError:
    summary = coordination_summary(person)
    return ApplicationError(
        code=RegistryError.ALREADY_REGISTERED,
        message=_(
            "This person is already registered (by %(member)s). Link your services to "
            "the existing record instead of creating a copy."
        )
        % {"member": summary.registered_by},
        field=f"people.{index}.national_id",
        extra={"index": index, "person_id": person.pk, "summary": summary.as_dict()},
    )


def _registered_meanwhile(cleaned: list[CleanPerson]) -> Exception:
    """The error for a unique-index violation: someone stored one of these IDs meanwhile.

    Nothing of the failed transaction was saved; the caller raises what this returns.
    """
    for index, person in enumerate(cleaned):
        existing = exact_national_id(person.national_id_index)
        if existing is not None:
            return already_registered_error(existing, index=index)
    return RuntimeError("A uniqueness rule of the registry was broken by a concurrent change.")


def household_register(
    *,
    member: Member,
    by: Any,
    household: HouseholdInput,
    people: list[PersonInput],
    confirm_warnings: bool = False,
    link_existing: frozenset[int] = frozenset(),
    consent_scopes: tuple[str, ...] = (),
    request: HttpRequest | None = None,
) -> RegistrationResult:
    """Register a household and its people, or nothing at all.

    People listed in `link_existing` are already registered: they are served (a service
    link) and stay where they are. When that is everyone, no household is created and the
    result names the household of the first of them.

    Raises ApplicationError with:
    - an input code (and every problem in `extra["problems"]`) when something is malformed;
    - `CONFIRMATION_REQUIRED` (warnings in `extra["warnings"]`) unless `confirm_warnings`;
    - `ALREADY_REGISTERED` with the coordination summary when a national ID exists already
      and the caller did not ask to link that person (`link_existing` holds their indexes).
    """
    governorate, district, problems = validate_household(household)
    cleaned, found = validate_people(people)
    problems += found
    if problems:
        raise _invalid(problems)
    assert governorate is not None  # noqa: S101 - validate_household returned no problem
    warnings = [w for person in cleaned for w in person.warnings]
    if warnings and not confirm_warnings:
        raise ApplicationError(
            code=RegistryError.CONFIRMATION_REQUIRED,
            message=_("Please confirm the highlighted details before saving."),
            extra={"warnings": [w.as_dict() for w in warnings]},
        )
    registered = registered_ids([p.national_id_index for p in cleaned])
    holders: list[tuple[int, CleanPerson, Person]] = []
    for index, person in enumerate(cleaned):
        if person.national_id_index not in registered:
            continue
        existing = exact_national_id(person.national_id_index)
        if existing is None:
            continue
        if index not in link_existing:
            raise already_registered_error(existing, index=index)
        holders.append((index, person, existing))
    check = holders_named_check(
        [
            (person.linkage_record(record_id="new", governorate=governorate.code), existing.pk)
            for _index, person, existing in holders
        ],
        member_id=member.pk,
        actor=by,
        source="registration",
        request=request,
    )
    if check.refused:
        raise _invalid(
            [
                national_id_tries_exhausted(holders[number][0])
                if number in check.exhausted
                else national_id_other_name(holders[number][0])
                for number in sorted(check.refused)
            ]
        )
    try:
        with transaction.atomic():
            result = _store(
                member=member,
                by=by,
                governorate=governorate,
                district=district,
                data=household,
                cleaned=cleaned,
                link_existing=link_existing,
            )
            today = timezone.localdate()
            # The family's consent, for the people linked too (the scopes they do not hold).
            held = set(
                Consent.objects.filter(
                    person__in=result.linked, withdrawn_on__isnull=True
                ).values_list("person_id", "scope")
            )
            Consent.objects.bulk_create(
                Consent(person=person, scope=scope, given_on=today, created_by=by)
                for person in [*result.created, *result.linked]
                for scope in consent_scopes
                if (person.pk, scope) not in held
            )
            changes = {
                "people": [p.pk for p in result.created],
                "linked": [p.pk for p in result.linked],
                "confirmed_warnings": [w.code for w in warnings],
            }
            if result.created:
                audit_record(
                    actor=by,
                    action="create",
                    target=result.household,
                    request=request,
                    changes=changes,
                )
            else:
                audit_record(
                    actor=by,
                    action="create",
                    target_type="registry.servicelink",
                    target_id=str(result.linked[0].pk),
                    target_label=f"{member}"[:255],
                    request=request,
                    changes=changes,
                )
    except IntegrityError as error:
        raise _registered_meanwhile(cleaned) from error
    return result


def _store(
    *,
    member: Member,
    by: Any,
    governorate: Governorate,
    district: District | None,
    data: HouseholdInput,
    cleaned: list[CleanPerson],
    link_existing: frozenset[int],
) -> RegistrationResult:
    today = timezone.localdate()
    settings_row = CoalitionSettings.current()
    linked: list[Person] = []
    new_people: list[tuple[Person, list[Candidate]]] = []
    for index, clean in enumerate(cleaned):
        existing = exact_national_id(clean.national_id_index) if index in link_existing else None
        if existing is not None:
            ServiceLink.objects.get_or_create(
                member=member, person=existing, defaults={"since": today, "created_by": by}
            )
            linked.append(existing)
            continue
        record = clean.linkage_record(record_id="new", governorate=governorate.code)
        candidates = find_duplicates(record, settings_row=settings_row)
        blocking = any(c.decision == Decision.MATCH for c in candidates)
        person = Person(
            member=member,
            created_by=by,
            status=Person.Status.PENDING_REVIEW if blocking else Person.Status.ACTIVE,
            **person_fields(clean),
        )
        new_people.append((person, candidates))
    if not new_people:
        # Everyone is registered already and now served: no household without people. The
        # result names the household the (first) linked person lives in.
        return RegistrationResult(household=linked[0].household, linked=linked)
    household = Household.objects.create(
        member=member,
        governorate=governorate,
        district=district,
        village=data.village,
        address=data.address,
        latitude=data.latitude,
        longitude=data.longitude,
        created_by=by,
    )
    result = RegistrationResult(household=household, linked=linked)
    for person, _candidates in new_people:
        person.household = household
    # Three inserts for the whole household rather than three per person.
    created = Person.objects.bulk_create([person for person, _ in new_people])
    HouseholdMembership.objects.bulk_create(
        HouseholdMembership(
            person=person,
            household=household,
            relation=person.relation,
            started_on=today,
            created_by=by,
        )
        for person in created
    )
    ServiceLink.objects.bulk_create(
        ServiceLink(member=member, person=person, since=today, created_by=by) for person in created
    )
    head = next((p for p in created if p.relation == Person.Relation.HEAD), None)
    if head is not None:
        household.head = head
        household.save(update_fields=["head", "updated_at"])
    for person, candidates in new_people:
        for candidate in candidates:
            case_open(
                first=person,
                second=candidate.person,
                probability=candidate.probability,
                evidence=candidate.evidence,
                source="registration",
            )
            target = result.pending if candidate.decision == Decision.MATCH else result.to_review
            target.append((person, candidate))
        result.created.append(person)
    return result


def person_fields(clean: CleanPerson) -> dict[str, Any]:
    """Model fields for a validated person, including the linkage normal forms."""
    source = clean.source
    return {
        "relation": source.relation,
        "full_name": clean.full_name,
        **name_columns(clean.linkage_record(record_id="", governorate=""), clean.raw_parts),
        "gender": clean.gender,
        "birth_date": clean.birth_date,
        "birth_year": clean.birth_date.year if clean.birth_date else None,
        "national_id_encrypted": encrypt_pii(clean.national_id) if clean.national_id else "",
        "national_id_index": clean.national_id_index,
        "national_id_last4": clean.national_id[-4:],
        "national_id_checked": clean.national_id_checked,
        "phone": clean.phone,
        "marital_status": source.marital_status,
        "education": source.education,
        "occupation": source.occupation,
        "disability": source.disability,
        "monthly_income": source.monthly_income,
    }


def _check_one_head(person: Person, relation: str) -> None:
    """A household keeps one head: a member becomes head only once the current head's
    relation was changed (which leaves the household without a head meanwhile)."""
    if relation != Person.Relation.HEAD:
        return
    other = (
        Person.objects.filter(household_id=person.household_id, relation=Person.Relation.HEAD)
        .exclude(pk=person.pk)
        .exclude(status=Person.Status.MERGED)
        .first()
    )
    if other is not None:
        raise _invalid(
            [
                Problem(
                    "people.0.relation",
                    RegistryError.HOUSEHOLD_HAS_HEAD,
                    _(
                        "%(name)s is the head of this household. Change that member's "
                        "relation first, then make this member the head."
                    )
                    % {"name": other.full_name},
                )
            ]
        )


def _keep_head(person: Person) -> None:
    """The household's head and the open membership follow the person's relation."""
    household = Household.objects.filter(pk=person.household_id)
    if person.relation == Person.Relation.HEAD:
        household.update(head=person)
    else:
        household.filter(head=person).update(head=None)
    HouseholdMembership.objects.filter(
        person=person, household_id=person.household_id, ended_on__isnull=True
    ).update(relation=person.relation)


@transaction.atomic
def person_move(*, person: Person, household: Household, relation: str, by: Any) -> Person:
    """Move a person to another household; the old membership is closed, not rewritten."""
    if not (by.is_coalition_wide or by.member_id == person.member_id):
        raise PermissionDenied
    today = timezone.localdate()
    previous = person.household_id
    HouseholdMembership.objects.filter(person=person, ended_on__isnull=True).update(ended_on=today)
    HouseholdMembership.objects.create(
        person=person, household=household, relation=relation, started_on=today, created_by=by
    )
    Household.objects.filter(pk=previous, head=person).update(head=None)
    person.household, person.relation = household, relation
    person.full_clean(exclude=["national_id_index"])
    person.save(update_fields=["household", "relation", "updated_at"])
    audit_record(
        actor=by,
        action="update",
        target=person,
        pii=True,
        changes={"household": [previous, household.pk]},
    )
    return person


def person_update(
    *,
    person: Person,
    by: Any,
    data: PersonInput,
    confirm_warnings: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Person, list[Candidate]]:
    """Correct a person's details with the same checks as registration.

    The national ID may not become one another person holds; after the change, likely
    duplicates are sent to the review queue. Raises ApplicationError like registration.
    """
    if not (by.is_coalition_wide or by.member_id == person.member_id):
        raise PermissionDenied
    clean, problems = validate_person(data, index=0)
    if clean is None:
        raise _invalid(problems)
    if clean.warnings and not confirm_warnings:
        raise ApplicationError(
            code=RegistryError.CONFIRMATION_REQUIRED,
            message=_("Please confirm the highlighted details before saving."),
            extra={"warnings": [w.as_dict() for w in clean.warnings]},
        )
    existing = exact_national_id(clean.national_id_index)
    # Held by another record (the look-up gives a merged record's survivor, not the record).
    if existing is not None and clean.national_id_index != person.national_id_index:
        raise already_registered_error(existing, index=0)
    fields = person_fields(clean)
    _check_one_head(person, fields["relation"])
    before = {name: str(getattr(person, name)) for name in fields if name.endswith("name")}
    try:
        with transaction.atomic():
            for name, value in fields.items():
                setattr(person, name, value)
            person.save()
            _keep_head(person)
            record = clean.linkage_record(
                record_id=str(person.pk), governorate=person.household.governorate.code
            )
            candidates = find_duplicates(record, exclude=[person.pk])
            for candidate in candidates:
                case_open(
                    first=person,
                    second=candidate.person,
                    probability=candidate.probability,
                    evidence=candidate.evidence,
                    source="registration",
                )
            audit_record(
                actor=by,
                action="update",
                target=person,
                pii=True,
                request=request,
                changes={"before": before, "confirmed_warnings": [w.code for w in clean.warnings]},
            )
    except IntegrityError as error:
        raise _registered_meanwhile([clean]) from error
    return person, candidates
