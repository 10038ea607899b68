"""Finding registry records that may be the same person as a new one.

Candidates come from indexed blocking rules that mirror the batch engine's
(`engines/linkage/blocking.py`) on stored columns; each rule is one indexed query with a
limit, and the results are united. They are then scored by the same trained model and hard
rules as the batch path, so an online check and a batch run decide any pair alike.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q
from django.utils.translation import get_language

from marsad.core.crypto import decrypt_pii
from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.decision import (
    Conflict,
    Decision,
    decide,
    hard_conflict,
    names_the_holder,
)
from marsad.engines.linkage.features import FeatureRow, feature_row
from marsad.engines.linkage.model import LinkageModel, PairScore, load_model
from marsad.engines.linkage.records import PersonRecord
from marsad.geo.models import Governorate
from marsad.registry.models import Household, Person

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


#: The record values the rules read, in the order of a probe row, with their SQL types.
PROBE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("first_key", "text"),
    ("father_key", "text"),
    ("grandfather_key", "text"),
    ("first_skeleton", "text"),
    ("father_skeleton", "text"),
    ("birth_date", "date"),
    ("birth_year", "integer"),
    ("phone", "text"),
)


def _probe_value(values: dict[str, Any], column: str) -> Any:
    value = values.get(column)
    return None if value == "" else value


def _rule_sql(number: int, columns: tuple[str, ...], table: str, *, lateral: bool) -> str:
    """One rule over every probe: each probe keeps at most PER_RULE_LIMIT people.

    A NULL probe value joins nothing, as `candidate_rows` skips a rule missing a value.
    With `lateral` (PostgreSQL) each probe runs the one-record rule query itself (same
    index, same LIMIT); otherwise a window keeps the PER_RULE_LIMIT lowest ids per probe.
    """
    join = " AND ".join(f"person.{column} = probe.{column}" for column in columns)
    read = "person.id, person.national_id_index, person.national_id_checked"
    if lateral:
        return (
            f"SELECT probe.n, rule_{number}.* FROM probe CROSS JOIN LATERAL "  # noqa: S608
            f"(SELECT {read} FROM {table} AS person WHERE {join} AND NOT "
            f"(person.status = %s) LIMIT {PER_RULE_LIMIT}) AS rule_{number}"
        )
    return (
        f"SELECT n, id, national_id_index, national_id_checked FROM (SELECT probe.n AS n, "  # noqa: S608
        f"{read}, ROW_NUMBER() OVER (PARTITION BY probe.n ORDER BY person.id) AS position "
        f"FROM probe JOIN {table} AS person ON {join} WHERE NOT (person.status = %s)) "
        f"AS rule_{number} WHERE position <= {PER_RULE_LIMIT}"
    )


class CandidatePair(NamedTuple):
    """A stored person sharing a blocking key with a probe, and what tells ID conflicts."""

    probe: int  # position of the probe
    person_id: int
    national_id_index: str | None
    national_id_checked: bool


def candidate_pairs(probes: list[dict[str, Any]]) -> set[CandidatePair]:
    """Stored people sharing a blocking key with each probe (`record_values` of a record).

    The set-based form of `candidate_rows` for many new records at once (`record_values`
    of each): the same rules, indexes and per-rule limit, in one statement per chunk of
    probes. PostgreSQL: one statement, the probes in one JSON parameter, each rule a
    LATERAL sub-select with the one-record query's LIMIT. SQLite (no LATERAL): a VALUES
    list within its parameter limit; when more than PER_RULE_LIMIT people share one rule's
    key, the lowest ids are kept, where the one-record query keeps whichever the index
    yields first.
    """
    if not probes:
        return set()
    table = connection.ops.quote_name(Person._meta.db_table)
    postgres = connection.vendor == "postgresql"
    rules = " UNION ".join(
        _rule_sql(number, columns, table, lateral=postgres)
        for number, columns in enumerate(CANDIDATE_RULES)
    )
    rule_params = [Person.Status.MERGED] * len(CANDIDATE_RULES)
    names = ", ".join(column for column, _ in PROBE_COLUMNS)
    found: set[CandidatePair] = set()
    with connection.cursor() as cursor:
        if postgres:
            document = json.dumps(
                [
                    {
                        "n": position,
                        **{
                            column: _json_value(_probe_value(values, column))
                            for column, _ in PROBE_COLUMNS
                        },
                    }
                    for position, values in enumerate(probes)
                ]
            )
            types = ", ".join(
                ["n integer"] + [f"{column} {kind}" for column, kind in PROBE_COLUMNS]
            )
            cursor.execute(
                f"WITH probe AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(%s::jsonb) "  # noqa: S608
                f"AS probe({types})) {rules}",
                [document, *rule_params],
            )
            found.update(CandidatePair(n, pk, i, bool(c)) for n, pk, i, c in cursor.fetchall())
            return found
        width = len(PROBE_COLUMNS) + 1
        limit = connection.features.max_query_params or 10_000
        size = max(1, (limit - len(rule_params)) // width)
        for start in range(0, len(probes), size):
            chunk = probes[start : start + size]
            rows = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            params: list[Any] = []
            for offset, values in enumerate(chunk, start=start):
                params.append(offset)
                params.extend(_probe_value(values, column) for column, _ in PROBE_COLUMNS)
            cursor.execute(
                f"WITH probe(n, {names}) AS (VALUES {rows}) {rules}",
                [*params, *rule_params],
            )
            found.update(CandidatePair(n, pk, i, bool(c)) for n, pk, i, c in cursor.fetchall())
    return found


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def among(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """(SQL, parameters) for `column` being one of `values`.

    PostgreSQL: one array parameter, so a long list is neither sent nor parsed placeholder
    by placeholder. Elsewhere: `IN` with one placeholder per value (the caller keeps within
    the backend's parameter limit).
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def candidate_rows_by_id(ids: set[int] | list[int]) -> dict[int, dict[str, Any]]:
    """The scoring columns of these people, by id, in a few queries.

    Each row is what `.values(*CANDIDATE_FIELDS)` gives (`stored_row` reads it), read with
    one plain statement per chunk: a batch reads thousands of candidates, and the ORM's
    per-row work cost more than the statement itself.
    """
    wanted = sorted(ids)
    size = connection.features.max_query_params or 10_000
    quote = connection.ops.quote_name
    rows: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), size):
            condition, params = among("person.id", wanted[start : start + size])
            cursor.execute(
                "SELECT person.id, person.name_parts_normalized, person.name_is_latin, "  # noqa: S608
                "person.national_id_encrypted, person.national_id_checked, person.birth_date, "
                "person.birth_year, person.gender, person.phone, governorate.code "
                f"FROM {quote(Person._meta.db_table)} AS person "
                f"JOIN {quote(Household._meta.db_table)} AS household "
                "ON household.id = person.household_id "
                f"JOIN {quote(Governorate._meta.db_table)} AS governorate "
                "ON governorate.id = household.governorate_id "
                f"WHERE {condition}",
                params,
            )
            for (
                pk,
                parts,
                latin,
                encrypted,
                checked,
                born,
                year,
                gender,
                phone,
                code,
            ) in cursor.fetchall():
                rows[pk] = {
                    "pk": pk,
                    "name_parts_normalized": json.loads(parts) if isinstance(parts, str) else parts,
                    "name_is_latin": bool(latin),
                    "national_id_encrypted": encrypted,
                    "national_id_checked": bool(checked),
                    "birth_date": datetime.date.fromisoformat(born)
                    if isinstance(born, str)
                    else born,
                    "birth_year": year,
                    "gender": gender,
                    "phone": phone,
                    "household__governorate__code": code,
                }
    return rows


def distinct_by_national_id(
    national_id_index: str | None,
    national_id_checked: bool,
    stored_index: str | None,
    stored_checked: bool,
) -> bool:
    """Whether two valid, different national IDs make the pair distinct, without decrypting.

    The first rule of `hard_conflict` (two IDs whose check digits are right and that differ
    are two people), read on the blind indexes: when it holds, `pair_decision` answers
    DISTINCT whatever the score, so the batch path need not decrypt and score the pair.
    """
    return bool(
        national_id_index
        and stored_index
        and national_id_checked
        and stored_checked
        and stored_index != national_id_index
    )


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


def holders_not_named(given: Sequence[tuple[PersonRecord, int]]) -> set[int]:
    """Of these (record typed with a national ID, id of the person registered under it), the
    positions whose name does not name that person (`decision.names_the_holder`): they are
    not to be linked to the person, whose record linking would show them."""
    if not given:
        return set()
    stored = candidate_rows_by_id({person_id for _record, person_id in given})
    return {
        position
        for position, (record, person_id) in enumerate(given)
        if not names_the_holder(
            feature_row(record), stored_row(stored[person_id], with_national_id=False)
        )
    }


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


def pair_decision(
    new_row: FeatureRow, stored: FeatureRow, *, settings_row: CoalitionSettings
) -> tuple[PairScore, Conflict | None, Decision]:
    """Score, hard conflict and decision for a new record against a stored one.

    The one place the online check and the batch registration decide a pair, so they agree.
    """
    score = linkage_model().score(new_row, stored)
    conflict = hard_conflict(new_row, stored)
    decision = decide(
        score.probability,
        conflict,
        match=settings_row.match_threshold,
        review=settings_row.review_threshold,
    )
    return score, conflict, decision


def pair_hit(
    new_row: FeatureRow, stored: FeatureRow, *, settings_row: CoalitionSettings
) -> tuple[PairScore, Decision] | None:
    """The score and decision of `pair_decision`, or None where it decides DISTINCT.

    A hard conflict makes any pair DISTINCT whatever its score, so such a pair (most
    candidates: relatives sharing a name chain) is not scored at all.
    """
    if hard_conflict(new_row, stored) is not None:
        return None
    score = linkage_model().score(new_row, stored)
    decision = decide(
        score.probability,
        None,
        match=settings_row.match_threshold,
        review=settings_row.review_threshold,
    )
    return None if decision == Decision.DISTINCT else (score, decision)


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
    settings_row = settings_row or CoalitionSettings.current()
    new_row: FeatureRow = feature_row(record)
    scored = []
    for row in rows:
        stored = stored_row(row, with_national_id=bool(record.national_id_digits))
        hit = pair_hit(new_row, stored, settings_row=settings_row)
        if hit is not None:
            scored.append((row["pk"], *hit))
    people = Person.objects.select_related("member").in_bulk([pk for pk, *_ in scored])
    # A candidate has no hard conflict: a conflict would have made the pair DISTINCT.
    candidates = [
        Candidate(people[pk], score.probability, decision, None, score.contributions)
        for pk, score, decision in scored
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


#: Longest chain of merges followed (a record merged into one merged in turn, and so on).
MERGE_CHAIN_MAX = 100


def survivor_ids(merged_into: set[int]) -> dict[int, int]:
    """For each of these records: the record it survives in at the end of the merges (a
    survivor may have been merged in turn); a record not merged survives in itself."""
    final = {pk: pk for pk in merged_into}
    pending = set(merged_into)
    for _step in range(MERGE_CHAIN_MAX):
        into = dict(
            Person.objects.filter(pk__in=pending, merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
        if not into:
            return final
        for start, current in final.items():
            if current in into:
                final[start] = into[current]
        pending = set(into.values())
    raise RuntimeError(f"A chain of merges longer than {MERGE_CHAIN_MAX} records.")


def exact_national_id(index: str | None) -> Person | None:
    """The person registered under this national ID: the record it was merged into, if it
    was merged (the merged record keeps its ID, so that an undo needs nothing else)."""
    if not index:
        return None
    found = Person.objects.filter(national_id_index=index).values_list("pk", flat=True).first()
    if found is None:
        return None
    return (
        Person.objects.filter(pk=survivor_ids({found})[found])
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
    """Who registered and who serves a person, with the aid types each member delivered
    (from the ledger, to the person or their household) and since when."""
    from marsad.assistance.models import AidEntry

    english = get_language() == "en"
    delivered: dict[int, list[str]] = {}
    for member_id, name_ar, name_en in (
        AidEntry.objects.effective()
        .filter(Q(person_id=person.pk) | Q(household_id=person.household_id))
        .values_list("member_id", "category__name_ar", "category__name_en")
        .order_by("category__kind", "category__code")
        .distinct()
    ):
        names = delivered.setdefault(member_id, [])
        name = name_en if english else name_ar
        if name not in names:
            names.append(name)
    links = person.service_links.select_related("member").order_by("since")
    return CoordinationSummary(
        registered_by=str(person.member),
        served_by=tuple(
            (
                str(link.member),
                tuple(dict.fromkeys([*delivered.get(link.member_id, []), *link.aid_types])),
                link.since,
            )
            for link in links
        ),
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
