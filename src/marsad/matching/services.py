"""Writes for the review queue: opening cases, merging, undoing, keeping pairs apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.matching.errors import MatchingError
from marsad.matching.models import DuplicateCase
from marsad.members.models import Role
from marsad.registry.models import Person


def case_open(
    *, first: Person, second: Person, probability: float, evidence: Any, source: str
) -> DuplicateCase | None:
    """Open a case for a pair unless one exists already (a decided pair never comes back)."""
    a, b = sorted((first, second), key=lambda p: p.pk)
    case, created = DuplicateCase.objects.get_or_create(
        person_a=a,
        person_b=b,
        defaults={"probability": probability, "evidence": list(evidence), "source": source},
    )
    return case if created else None


@dataclass(frozen=True)
class CasePair:
    """A pair to open a case for: two stored people, in any order."""

    first: int
    second: int
    probability: float
    evidence: Any


def cases_open_bulk(*, pairs: list[CasePair], source: str) -> int:
    """`case_open` for many pairs in one insert; returns how many pairs were given.

    A pair that has a case already (open or decided, e.g. "different people") keeps it: the
    insert skips it, so a decided pair never comes back. A pair given twice counts once.
    """
    unique: dict[tuple[int, int], CasePair] = {}
    for pair in pairs:
        unique.setdefault((min(pair.first, pair.second), max(pair.first, pair.second)), pair)
    DuplicateCase.objects.bulk_create(
        (
            DuplicateCase(
                person_a_id=a,
                person_b_id=b,
                probability=pair.probability,
                evidence=list(pair.evidence),
                source=source,
            )
            for (a, b), pair in unique.items()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(unique)


def can_decide(user: Any, case: DuplicateCase) -> bool:
    """Whether `user` may say the two records are different people (which moves nothing):
    the coalition's reviewers, and the admins and case workers of a member involved."""
    if user.is_coalition_wide:
        return True
    involved = {case.person_a.member_id, case.person_b.member_id}
    return user.member_id in involved and user.role in {Role.MEMBER_ADMIN, Role.CASE_WORKER}


def can_merge(user: Any, case: DuplicateCase) -> bool:
    """Whether `user` may merge the two records, or undo their merge.

    A merge moves every member's service links to the surviving record, so each member
    serving either record then sees the other in full. A member may therefore merge only its
    own two registrations of one person, which it sees both in full and answers for; a pair
    with another member's record is for the coalition's reviewers.
    """
    if not can_decide(user, case):
        return False
    if user.is_coalition_wide:
        return True
    return case.person_a.member_id == case.person_b.member_id == user.member_id


def _require_open(case: DuplicateCase, *statuses: str) -> None:
    if case.status not in statuses:
        raise ApplicationError(
            code=MatchingError.ALREADY_DECIDED,
            message=_("This pair has already been decided."),
        )


def _lock_people(*pks: int) -> list[Person]:
    """These people, locked in primary-key order (two decisions sharing a record wait for
    each other, and never lock in opposite orders)."""
    return list(Person.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


@transaction.atomic
def case_merge(*, case: DuplicateCase, by: Any) -> Person:
    """Same person: the later record is merged into the earlier, keeping every link.

    Nothing is deleted. The merged record keeps its data and history and points to the
    surviving record, as do the records merged into it before; its service links move to
    the survivor. What moved is stored on the case so that `case_undo` can put it back
    exactly.
    """
    case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
    if not can_merge(by, case):
        raise PermissionDenied
    _require_open(case, DuplicateCase.Status.OPEN, DuplicateCase.Status.UNDONE)
    survivor, merged = _lock_people(case.person_a_id, case.person_b_id)
    if Person.Status.MERGED in (survivor.status, merged.status):
        # Another case merged one of them meanwhile: merging again would move the record
        # away from its survivor, or links onto a record that is no longer one.
        raise ApplicationError(
            code=MatchingError.RECORD_MERGED,
            message=_(
                "One of these records has meanwhile been merged into another record, so "
                "this pair cannot be merged."
            ),
        )
    record: dict[str, Any] = {
        "survivor": survivor.pk,
        "merged": merged.pk,
        "survivor_status": survivor.status,
        "merged_status": merged.status,
        "moved_links": [],
        "combined_links": [],
    }
    for link in list(merged.service_links.all()):
        existing = survivor.service_links.filter(member_id=link.member_id).first()
        if existing is None:
            link.person = survivor
            link.save(update_fields=["person", "updated_at"])
            record["moved_links"].append(link.pk)
        else:
            record["combined_links"].append(
                {
                    "kept": existing.pk,
                    "aid_types_before": list(existing.aid_types),
                    "since_before": existing.since.isoformat(),
                    "removed": {
                        "member": link.member_id,
                        "since": link.since.isoformat(),
                        "aid_types": list(link.aid_types),
                    },
                }
            )
            existing.aid_types = sorted(set(existing.aid_types) | set(link.aid_types))
            existing.since = min(existing.since, link.since)
            existing.save(update_fields=["aid_types", "since", "updated_at"])
            link.delete()
    # Records merged into this one before now point to the survivor too, so that every
    # merged record is one step from the record it survives in (readers follow no more).
    repointed = list(merged.merged_records.values_list("pk", flat=True))
    if repointed:
        Person.objects.filter(pk__in=repointed).update(
            merged_into=survivor, updated_at=timezone.now()
        )
        record["repointed"] = repointed
    merged.status = Person.Status.MERGED
    merged.merged_into = survivor
    merged.save(update_fields=["status", "merged_into", "updated_at"])
    if survivor.status == Person.Status.PENDING_REVIEW:
        survivor.status = Person.Status.ACTIVE
        survivor.save(update_fields=["status", "updated_at"])
    case.status = DuplicateCase.Status.MERGED
    case.decided_by, case.decided_at = by, timezone.now()
    case.merge_record = record
    case.save()
    audit_record(actor=by, action="update", target=case, changes={"decision": "merged", **record})
    return survivor


@transaction.atomic
def case_undo(*, case: DuplicateCase, by: Any) -> None:
    """Put a merge back exactly as it was before."""
    from marsad.registry.models import ServiceLink

    case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
    if not can_merge(by, case):
        raise PermissionDenied
    _require_open(case, DuplicateCase.Status.MERGED)
    record = case.merge_record
    survivor, merged = _lock_people(record["survivor"], record["merged"])
    later = (
        DuplicateCase.objects.filter(
            status=DuplicateCase.Status.MERGED, decided_at__gt=case.decided_at
        )
        .filter(Q(person_a=survivor) | Q(person_b=survivor))
        .exclude(pk=case.pk)
    )
    if later.exists():
        # The survivor was merged into another record since, or another record into it:
        # the links this merge moved or combined may have moved on, and putting back this
        # merge's state would undo part of the later one. Merges are undone latest first.
        raise ApplicationError(
            code=MatchingError.LATER_MERGE,
            message=_(
                "The surviving record was merged again after this merge. Undo the later "
                "merge first."
            ),
        )
    ServiceLink.objects.filter(pk__in=record["moved_links"]).update(person=merged)
    for combined in record["combined_links"]:
        kept = ServiceLink.objects.get(pk=combined["kept"])
        kept.aid_types = combined["aid_types_before"]
        kept.since = combined["since_before"]
        kept.save(update_fields=["aid_types", "since", "updated_at"])
        removed = combined["removed"]
        ServiceLink.objects.create(
            person=merged,
            member_id=removed["member"],
            since=removed["since"],
            aid_types=removed["aid_types"],
        )
    Person.objects.filter(pk__in=record.get("repointed", [])).update(
        merged_into=merged, updated_at=timezone.now()
    )
    merged.status, merged.merged_into = record["merged_status"], None
    merged.save(update_fields=["status", "merged_into", "updated_at"])
    survivor.status = record["survivor_status"]
    survivor.save(update_fields=["status", "updated_at"])
    case.status = DuplicateCase.Status.UNDONE
    case.decided_by, case.decided_at = by, timezone.now()
    case.save()
    audit_record(actor=by, action="update", target=case, changes={"decision": "undone"})


@transaction.atomic
def case_mark_distinct(*, case: DuplicateCase, by: Any) -> None:
    """Different people: remembered, so this pair is never raised again."""
    case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
    if not can_decide(by, case):
        raise PermissionDenied
    _require_open(case, DuplicateCase.Status.OPEN, DuplicateCase.Status.UNDONE)
    case.status = DuplicateCase.Status.DISTINCT
    case.decided_by, case.decided_at = by, timezone.now()
    case.save()
    for person in (case.person_a, case.person_b):
        still_blocked = DuplicateCase.objects.filter(status=DuplicateCase.Status.OPEN).filter(
            person_a=person
        ) | DuplicateCase.objects.filter(status=DuplicateCase.Status.OPEN, person_b=person)
        if person.status == Person.Status.PENDING_REVIEW and not still_blocked.exists():
            person.status = Person.Status.ACTIVE
            person.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="update", target=case, changes={"decision": "distinct"})
