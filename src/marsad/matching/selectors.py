"""Finding registry records that may be the same person as a new one.

Candidates come from indexed blocking rules that mirror the batch engine's
(`engines/linkage/blocking.py`) on stored columns; each rule is one indexed query with a
limit, and the results are united. They are then scored by the same trained model and hard
rules as the batch path, so an online check and a batch run decide any pair alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Q, QuerySet

from marsad.core.crypto import decrypt_pii
from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.decision import Conflict, Decision, decide, hard_conflict
from marsad.engines.linkage.features import FeatureRow, feature_row
from marsad.engines.linkage.model import LinkageModel, load_model
from marsad.engines.linkage.records import PersonRecord
from marsad.registry.models import Person

#: (columns on Person, value names on the new record) — each backed by an index.
CANDIDATE_RULES: tuple[tuple[str, ...], ...] = (
    ("first_key", "birth_date"),
    ("first_key", "father_key", "birth_year"),
    ("father_key", "grandfather_key", "birth_date"),
    ("phone", "first_key"),
    ("first_skeleton", "father_skeleton", "birth_year"),
    ("first_key", "father_key", "grandfather_key"),
)
PER_RULE_LIMIT = 50


@cache
def linkage_model() -> LinkageModel:
    return load_model()


@dataclass(frozen=True)
class Candidate:
    person: Person
    probability: float
    decision: Decision
    conflict: Conflict | None
    evidence: tuple[tuple[str, str, float], ...]


def person_record(person: Person) -> PersonRecord:
    """The linkage engine's view of a stored person (decrypting the ID in memory only)."""
    parts = [*person.name_parts_normalized, "", "", "", ""][:4]
    national_id = decrypt_pii(person.national_id_encrypted) if person.national_id_encrypted else ""
    return PersonRecord(
        record_id=str(person.pk),
        first=parts[0],
        father=parts[1],
        grandfather=parts[2],
        family=parts[3],
        latin=person.name_is_latin,
        national_id=national_id,
        national_id_digits=national_id,
        national_id_checked=person.national_id_checked,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        gender=person.gender,
        governorate=person.household.governorate.code,
        phone=person.phone,
    )


def _rule_values(record_values: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any] | None:
    values = {column: record_values.get(column) for column in columns}
    if any(value in (None, "") for value in values.values()):
        return None
    return values


def candidate_people(
    record_values: dict[str, Any], *, exclude: list[int] | None = None
) -> QuerySet[Person]:
    """People sharing at least one blocking key with the new record (active or pending)."""
    ids: set[int] = set()
    base = Person.objects.exclude(status=Person.Status.MERGED)
    if exclude:
        base = base.exclude(pk__in=exclude)
    for columns in CANDIDATE_RULES:
        values = _rule_values(record_values, columns)
        if values is not None:
            ids.update(base.filter(**values).values_list("pk", flat=True)[:PER_RULE_LIMIT])
    return Person.objects.filter(pk__in=ids).select_related("household__governorate", "member")


def record_values(record: PersonRecord) -> dict[str, Any]:
    """The new record's values under the stored column names used by the rules."""
    row = feature_row(record)
    return {
        "first_key": row["first_key"],
        "father_key": row["father_key"],
        "grandfather_key": row["grandfather_key"],
        "first_skeleton": row["first_skel"],
        "father_skeleton": row["father_skel"],
        "birth_date": record.birth_date,
        "birth_year": record.birth_year,
        "phone": record.phone or None,
    }


def score_candidates(
    record: PersonRecord, people: Any, *, settings_row: CoalitionSettings | None = None
) -> list[Candidate]:
    model = linkage_model()
    settings_row = settings_row or CoalitionSettings.current()
    new_row: FeatureRow = feature_row(record)
    candidates = []
    for person in people:
        stored_row = feature_row(person_record(person))
        score = model.score(new_row, stored_row)
        conflict = hard_conflict(new_row, stored_row)
        decision = decide(
            score.probability,
            conflict,
            match=settings_row.match_threshold,
            review=settings_row.review_threshold,
        )
        candidates.append(
            Candidate(person, score.probability, decision, conflict, score.contributions)
        )
    candidates.sort(key=lambda c: -c.probability)
    return candidates


def find_duplicates(record: PersonRecord, *, exclude: list[int] | None = None) -> list[Candidate]:
    """Scored candidates for a person not yet stored (or being edited), best first."""
    people = candidate_people(record_values(record), exclude=exclude)
    return [c for c in score_candidates(record, people) if c.decision != Decision.DISTINCT]


def exact_national_id(index: str | None) -> Person | None:
    if not index:
        return None
    return (
        Person.objects.filter(national_id_index=index)
        .select_related("member", "household__governorate")
        .first()
    )


@dataclass(frozen=True)
class CoordinationSummary:
    """What any member may know about a person registered by others: no personal data."""

    registered_by: str
    served_by: tuple[tuple[str, tuple[str, ...], datetime.date], ...]
    governorate: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "registered_by": self.registered_by,
            "served_by": [
                {"member": m, "aid_types": list(t), "since": s.isoformat()}
                for m, t, s in self.served_by
            ],
            "governorate": self.governorate,
        }


def coordination_summary(person: Person) -> CoordinationSummary:
    links = person.service_links.select_related("member").order_by("since")
    return CoordinationSummary(
        registered_by=str(person.member),
        served_by=tuple((str(link.member), tuple(link.aid_types), link.since) for link in links),
        governorate=person.household.governorate.name,
    )


def people_visible_in_full(user: Any) -> Q:
    """People whose full record `user` may see: registered or served by the user's member."""
    if getattr(user, "is_coalition_wide", False):
        return Q()
    member_id = getattr(user, "member_id", None)
    if member_id is None:
        return Q(pk__in=[])
    return Q(member_id=member_id) | Q(service_links__member_id=member_id)
