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

from django.db import connection
from django.db.models import Q

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


def _rule_values(record_values: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any] | None:
    values = {column: record_values.get(column) for column in columns}
    if any(value in (None, "") for value in values.values()):
        return None
    return values


#: The stored columns scoring reads (not whole rows: a governorate's boundary is large).
CANDIDATE_FIELDS = (
    "pk",
    "name_parts_normalized",
    "name_is_latin",
    "national_id_encrypted",
    "national_id_checked",
    "birth_date",
    "birth_year",
    "gender",
    "phone",
    "household__governorate__code",
)


def candidate_rows(
    record_values: dict[str, Any], *, exclude: list[int] | None = None
) -> list[dict[str, Any]]:
    """People sharing at least one blocking key with the new record (active or pending)."""
    base = Person.objects.exclude(status=Person.Status.MERGED)
    if exclude:
        base = base.exclude(pk__in=exclude)
    parts: list[str] = []
    params: list[Any] = []
    for columns in CANDIDATE_RULES:
        values = _rule_values(record_values, columns)
        if values is not None:
            rule = base.filter(**values).values_list("pk", flat=True)[:PER_RULE_LIMIT]
            sql, rule_params = rule.query.sql_with_params()
            # Each rule keeps its own index and limit; one round trip unites them.
            parts.append(f"SELECT * FROM ({sql}) AS rule_{len(parts)}")  # noqa: S608
            params.extend(rule_params)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    return list(Person.objects.filter(pk__in=ids).values(*CANDIDATE_FIELDS))


def stored_row(row: dict[str, Any], *, with_national_id: bool = True) -> FeatureRow:
    """The feature row of a stored person read with `.values(*CANDIDATE_FIELDS)`.

    The national ID is decrypted in memory only, and only when `with_national_id` (a new
    record without an ID cannot be compared on it).
    """
    parts = [*row["name_parts_normalized"], "", "", "", ""][:4]
    encrypted = row["national_id_encrypted"] if with_national_id else ""
    national_id = decrypt_pii(encrypted) if encrypted else ""
    return feature_row(
        PersonRecord(
            record_id=str(row["pk"]),
            first=parts[0],
            father=parts[1],
            grandfather=parts[2],
            family=parts[3],
            latin=row["name_is_latin"],
            national_id=national_id,
            national_id_digits=national_id,
            national_id_checked=row["national_id_checked"],
            birth_date=row["birth_date"],
            birth_year=row["birth_year"],
            gender=row["gender"],
            governorate=row["household__governorate__code"],
            phone=row["phone"],
        )
    )


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


def find_duplicates(
    record: PersonRecord,
    *,
    exclude: list[int] | None = None,
    settings_row: CoalitionSettings | None = None,
) -> list[Candidate]:
    """Scored candidates for a person not yet stored (or being edited), best first.

    Only candidates that are not clearly distinct are returned, as full `Person` objects.
    """
    rows = candidate_rows(record_values(record), exclude=exclude)
    if not rows:
        return []
    model = linkage_model()
    settings_row = settings_row or CoalitionSettings.current()
    new_row: FeatureRow = feature_row(record)
    scored = []
    for row in rows:
        stored = stored_row(row, with_national_id=bool(record.national_id_digits))
        score = model.score(new_row, stored)
        conflict = hard_conflict(new_row, stored)
        decision = decide(
            score.probability,
            conflict,
            match=settings_row.match_threshold,
            review=settings_row.review_threshold,
        )
        if decision != Decision.DISTINCT:
            scored.append((row["pk"], score, conflict, decision))
    people = Person.objects.select_related("member").in_bulk([pk for pk, *_ in scored])
    candidates = [
        Candidate(people[pk], score.probability, decision, conflict, score.contributions)
        for pk, score, conflict, decision in scored
    ]
    candidates.sort(key=lambda c: -c.probability)
    return candidates


def registered_ids(indexes: list[str | None]) -> set[str]:
    """Which of these blind indexes are already in the registry (one query)."""
    wanted = [index for index in indexes if index]
    if not wanted:
        return set()
    found = Person.objects.filter(national_id_index__in=wanted).values_list(
        "national_id_index", flat=True
    )
    return {index for index in found if index}


def exact_national_id(index: str | None) -> Person | None:
    if not index:
        return None
    return (
        Person.objects.filter(national_id_index=index)
        .select_related("member", "household__governorate")
        .defer("household__governorate__boundary")
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


def visible_in_full(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these people `user` may see in full (names, IDs); the rest are masked."""
    return set(
        Person.objects.filter(people_visible_in_full(user), pk__in=person_ids).values_list(
            "pk", flat=True
        )
    )
