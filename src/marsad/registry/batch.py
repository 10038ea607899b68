"""Registering many households at once (bulk imports) with the same duplicate prevention.

`households_register_batch` applies the rules of `services.household_register` to a whole
file's worth of households with a fixed number of statements per batch instead of a dozen
per household:

- every row is validated exactly as registration validates it (the same problems, codes and
  messages); a row with problems is rejected on its own and the others go on;
- soft warnings are accepted (the importer confirmed them at preview) and recorded;
- a national ID already in the registry, or created by an earlier row of the batch, is not
  copied: that person is linked to the member (a service link) and stays where it is;
- everyone else is checked for duplicates against the registry with the blocking rules of
  `matching.selectors.find_duplicates`, fetched for the whole batch at once, and against
  the new people of earlier rows of the batch; each pair is decided by the same model and
  thresholds (`matching.selectors.pair_decision`), so the batch and the online check agree.
  Rows are compared in file order, as if registered one after the other: a person is
  compared with the registry and with the new people of earlier rows, never with the other
  people of its own household (which one-at-a-time registration does not do either);
- a member's household key (`Household.source_key`) is imported once: re-importing a key
  is reported as "existing" and writes nothing.

Everything is written in one transaction, with bulk inserts, one UPDATE for the heads and
one audit record for the batch.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.errors import ErrorCode
from marsad.core.memory import collector_paused
from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.decision import Decision
from marsad.engines.linkage.features import FeatureRow, feature_row
from marsad.engines.linkage.records import PersonRecord
from marsad.geo.models import District, Governorate
from marsad.matching.naming import holders_named_check
from marsad.matching.selectors import (
    CANDIDATE_RULES,
    PER_RULE_LIMIT,
    among,
    candidate_pairs,
    candidate_rows_by_id,
    distinct_by_national_id,
    pair_hit,
    stored_row,
    survivor_ids,
)
from marsad.matching.services import CasePair, cases_open_bulk
from marsad.members.models import Member
from marsad.registry.models import (
    Household,
    HouseholdMembership,
    HouseholdReference,
    Person,
    ServiceLink,
)
from marsad.registry.services import (
    HouseholdInput,
    person_fields,
    place_problems,
    validate_people,
)
from marsad.registry.validation import (
    CleanPerson,
    PersonInput,
    Problem,
    national_id_other_name,
    national_id_tries_exhausted,
)

#: Longest household key: the width of `Household.source_key`.
KEY_MAX_LENGTH = 64
#: The tables a batch writes, whose planner statistics bulk work keeps current.
WRITTEN_MODELS = (Person, Household, HouseholdMembership, ServiceLink)


class BatchError(ErrorCode):
    KEY_REQUIRED = "registry.import_key_required"
    KEY_TOO_LONG = "registry.import_key_too_long"
    DUPLICATE_KEY_IN_FILE = "registry.duplicate_key_in_file"


class Status:
    CREATED = "created"
    EXISTING = "existing"
    #: Everyone in the household is registered already: they are linked to the member (service
    #: links) and no household is created (one without people would collect aid of its own).
    LINKED = "linked"
    REJECTED = "rejected"


@dataclass(frozen=True)
class HouseholdRow:
    """One household of an import file.

    `key` identifies it among the member's imports (its own household reference, or a hash
    of the content) and is stored in `Household.source_key`.
    """

    key: str
    line: int
    household: HouseholdInput
    people: list[PersonInput]
    lines: list[int] = field(default_factory=list)


@dataclass
class HouseholdOutcome:
    """What became of one row. `pending` and `to_review` do not overlap: a person with a
    probable duplicate (MATCH) is pending even if it has middle-band candidates too."""

    key: str
    line: int
    # "created" | "existing" (the member imported this key before: nothing written) |
    # "linked" (everyone registered already: linked, no household created) |
    # "rejected" (see `problems`)
    status: str
    # created, imported before ("existing"), or where the first linked person lives ("linked")
    household_id: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)  # Problem.as_dict() items
    warnings: list[dict[str, str]] = field(default_factory=list)  # accepted soft warnings
    created: list[int] = field(default_factory=list)  # new person ids
    linked: list[int] = field(default_factory=list)  # existing person ids (exact national ID)
    pending: list[int] = field(default_factory=list)  # new, held as probable duplicates
    to_review: list[int] = field(default_factory=list)  # new, with a middle-band review case


@dataclass(eq=False)
class _NewPerson:
    """A person of an accepted row, before and after it is stored."""

    row: int  # position of the household row in the batch
    clean: CleanPerson
    fields: dict[str, Any]
    governorate: str
    existing_id: int | None = None  # the registry person with this national ID
    same_as: _NewPerson | None = None  # an earlier row's new person with this national ID
    hits: list[_Hit] = field(default_factory=list)
    pk: int | None = None  # once stored

    @property
    def is_new(self) -> bool:
        return self.existing_id is None and self.same_as is None

    def record(self) -> PersonRecord:
        return self.clean.linkage_record(record_id="new", governorate=self.governorate)

    def probe(self) -> dict[str, Any]:
        """The values the candidate rules read (`matching.selectors.record_values`)."""
        values = self.fields
        return {
            "first_key": values["first_key"] or None,
            "father_key": values["father_key"] or None,
            "grandfather_key": values["grandfather_key"] or None,
            "first_skeleton": values["first_skeleton"] or None,
            "father_skeleton": values["father_skeleton"] or None,
            "birth_date": values["birth_date"],
            "birth_year": values["birth_year"],
            "phone": values["phone"] or None,
        }


@dataclass(frozen=True)
class _Hit:
    """A candidate duplicate: a registry person (`stored_id`) or an earlier new person."""

    stored_id: int | None
    earlier: _NewPerson | None
    probability: float
    decision: Decision
    evidence: tuple[tuple[str, str, float], ...]


@dataclass
class _Accepted:
    index: int
    row: HouseholdRow
    governorate: Governorate
    district: District | None
    people: list[_NewPerson]
    warnings: list[Problem]
    pk: int | None = None  # once stored

    @property
    def creates_household(self) -> bool:
        """False when everyone in it is registered already (they are linked instead)."""
        return any(person.is_new for person in self.people)


class _Places:
    """Governorates and districts read once per batch (not per row)."""

    def __init__(self, rows: list[HouseholdRow]) -> None:
        self.governorates = {
            g.code: g for g in Governorate.objects.defer("boundary").order_by("code")
        }
        wanted = {row.household.district for row in rows if row.household.district}
        self.districts: dict[tuple[int, str], District] = {
            (d.governorate_id, d.code): d
            for d in District.objects.filter(code__in=sorted(wanted)).defer("boundary")
        }

    def check(
        self, data: HouseholdInput
    ) -> tuple[Governorate | None, District | None, list[Problem]]:
        """What `services.validate_household` answers, from the preloaded places."""
        governorate = self.governorates.get(data.governorate)
        district = None
        if governorate is not None and data.district:
            district = self.districts.get((governorate.pk, data.district))
        return governorate, district, place_problems(data, governorate, district)


def _key_problems(row: HouseholdRow, seen: set[str]) -> list[Problem]:
    if not row.key.strip():
        return [
            Problem(
                "key",
                BatchError.KEY_REQUIRED,
                _("The household has no reference: give each household its own reference."),
            )
        ]
    if len(row.key) > KEY_MAX_LENGTH:
        return [
            Problem(
                "key",
                BatchError.KEY_TOO_LONG,
                _("The household reference is longer than %(limit)s characters.")
                % {"limit": KEY_MAX_LENGTH},
            )
        ]
    if row.key in seen:
        return [
            Problem(
                "key",
                BatchError.DUPLICATE_KEY_IN_FILE,
                _(
                    "An earlier household in this file has the same reference; each "
                    "household needs its own."
                ),
            )
        ]
    return []


def _row_problems(
    row: HouseholdRow, places: _Places, today: datetime.date
) -> tuple[Governorate | None, District | None, list[CleanPerson], list[Problem]]:
    """Exactly the checks of `services.household_register`, in the same order."""
    governorate, district, problems = places.check(row.household)
    cleaned, found = validate_people(row.people, today=today)
    return governorate, district, cleaned, problems + found


def _chunks(values: list[Any]) -> list[list[Any]]:
    size = connection.features.max_query_params or 10_000
    return [values[start : start + size] for start in range(0, len(values), size)]


def imported_keys(member: Member, keys: Iterable[str]) -> dict[str, int]:
    """Household id by key, for the keys this member imported before: its own households
    and the references it keeps to households of people registered already."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted({key for key in keys if key})):
        found.update(
            Household.objects.filter(member=member, source_key__in=chunk).values_list(
                "source_key", "pk"
            )
        )
        found.update(
            HouseholdReference.objects.filter(member=member, source_key__in=chunk).values_list(
                "source_key", "household_id"
            )
        )
    return found


def registered_by_index(indexes: list[str]) -> dict[str, int]:
    """Person id by blind index, for the indexes already in the registry.

    A record merged into another keeps its national ID: the id given for it is the record
    it survives in, which the person is linked to and whose household they stay in.
    """
    found: dict[str, int] = {}
    merged: dict[str, int] = {}
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(set(indexes))):
            condition, params = among("national_id_index", chunk)
            sql = f"SELECT national_id_index, id, merged_into_id FROM {table} WHERE {condition}"  # noqa: S608
            cursor.execute(sql, params)
            for index, pk, merged_into in cursor.fetchall():
                found[index] = pk
                if merged_into is not None:
                    merged[index] = merged_into
    if merged:
        survivors = survivor_ids(set(merged.values()))
        found.update({index: survivors[into] for index, into in merged.items()})
    return found


def _earlier_candidates(
    people: list[_NewPerson], probes: list[dict[str, Any]]
) -> dict[int, list[_NewPerson]]:
    """For each new person (by position), the new people of earlier rows it would meet.

    The rules and per-rule limit of `candidate_rows`, over the batch itself.
    """
    by_key: dict[tuple[Any, ...], list[_NewPerson]] = defaultdict(list)
    found: dict[int, list[_NewPerson]] = {}
    for position, (person, probe) in enumerate(zip(people, probes, strict=True)):
        keys = []
        for number, columns in enumerate(CANDIDATE_RULES):
            values = tuple(probe[column] for column in columns)
            if None not in values:
                keys.append((number, *values))
        met: dict[int, _NewPerson] = {}
        for key in keys:
            earlier = by_key.get(key)
            if earlier is None:
                continue
            taken = 0
            for other in earlier:
                if other.row != person.row:
                    met.setdefault(id(other), other)
                    taken += 1
                    if taken == PER_RULE_LIMIT:
                        break
        if met:
            found[position] = list(met.values())
        for key in keys:
            by_key[key].append(person)
    return found


def _ids_differ(person: _NewPerson, index: str | None, checked: bool) -> bool:
    return distinct_by_national_id(
        person.clean.national_id_index, person.clean.national_id_checked, index, checked
    )


def _score(people: list[_NewPerson], settings_row: CoalitionSettings) -> None:
    """Fill `hits` of each new person: registry and earlier-row candidates, decided.

    Pairs whose two valid national IDs differ are distinct by the first hard rule: they are
    told apart on the blind indexes and neither decrypted nor scored (`pair_decision`
    would answer DISTINCT). Every other pair is decided as `pair_decision` decides it
    (`pair_hit`: a pair with a hard conflict is not scored).
    """
    probes = [person.probe() for person in people]
    registry: dict[int, list[int]] = defaultdict(list)
    for pair in candidate_pairs(probes):
        if not _ids_differ(people[pair.probe], pair.national_id_index, pair.national_id_checked):
            registry[pair.probe].append(pair.person_id)
    rows = candidate_rows_by_id({pk for ids in registry.values() for pk in ids})
    earlier = _earlier_candidates(people, probes)
    stored_features: dict[tuple[int, bool], FeatureRow] = {}
    batch_features: dict[int, FeatureRow] = {}
    for position, person in enumerate(people):
        stored_ids = [pk for pk in sorted(registry.get(position, [])) if pk in rows]
        batch = [
            other
            for other in earlier.get(position, [])
            if not _ids_differ(
                person, other.clean.national_id_index, other.clean.national_id_checked
            )
        ]
        if not stored_ids and not batch:
            continue
        record = person.record()
        new_row = feature_row(record)
        with_id = bool(record.national_id_digits)
        candidates: list[tuple[int | None, _NewPerson | None, FeatureRow]] = []
        for person_id in stored_ids:
            stored = stored_features.get((person_id, with_id))
            if stored is None:
                stored = stored_row(rows[person_id], with_national_id=with_id)
                stored_features[person_id, with_id] = stored
            candidates.append((person_id, None, stored))
        for other in batch:
            other_row = batch_features.get(id(other))
            if other_row is None:
                other_row = feature_row(other.record())
                batch_features[id(other)] = other_row
            candidates.append(
                (None, other, other_row if with_id else _without_national_id(other_row))
            )
        hits: list[_Hit] = []
        for stored_id, earlier_person, candidate in candidates:
            hit = pair_hit(new_row, candidate, settings_row=settings_row)
            if hit is not None:
                score, decision = hit
                hits.append(
                    _Hit(
                        stored_id, earlier_person, score.probability, decision, score.contributions
                    )
                )
        hits.sort(key=lambda hit: -hit.probability)
        person.hits = hits


def _without_national_id(row: FeatureRow) -> FeatureRow:
    """A stored row as `stored_row(..., with_national_id=False)` builds it."""
    return {**row, "nid": None, "nid_digits": None}


def households_register_batch(
    *, member: Member, by: Any, rows: list[HouseholdRow], source: str = "import"
) -> list[HouseholdOutcome]:
    """Register a batch of households: one outcome per row, in the same order.

    Everything is written in one transaction: if anything fails midway, nothing of the
    batch is stored and the exception propagates. A concurrent import of the same key, or a
    concurrent registration of the same national ID, fails the batch with IntegrityError
    (nothing stored); running it again then reports those rows as existing or linked.
    """
    with collector_paused():
        return _register_batch(member=member, by=by, rows=rows, source=source)


def _register_batch(
    *, member: Member, by: Any, rows: list[HouseholdRow], source: str
) -> list[HouseholdOutcome]:
    outcomes = [HouseholdOutcome(key=row.key, line=row.line, status="") for row in rows]
    imported = imported_keys(member, [row.key for row in rows])
    places = _Places(rows)
    today = timezone.localdate()
    seen: set[str] = set()
    accepted: list[_Accepted] = []
    for index, row in enumerate(rows):
        outcome = outcomes[index]
        key_problems = _key_problems(row, seen)
        seen.add(row.key)
        if not key_problems and row.key in imported:
            outcome.status, outcome.household_id = Status.EXISTING, imported[row.key]
            continue
        governorate, district, cleaned, problems = _row_problems(row, places, today)
        problems = key_problems + problems
        if problems:
            outcome.status = Status.REJECTED
            outcome.problems = [p.as_dict() for p in problems]
            continue
        assert governorate is not None  # noqa: S101 - no problem means a governorate
        warnings = [w for person in cleaned for w in person.warnings]
        outcome.status, outcome.warnings = Status.CREATED, [w.as_dict() for w in warnings]
        people = [
            _NewPerson(
                row=index, clean=clean, fields=person_fields(clean), governorate=governorate.code
            )
            for clean in cleaned
        ]
        accepted.append(_Accepted(index, row, governorate, district, people, warnings))

    everyone = [person for household in accepted for person in household.people]
    registered = registered_by_index(
        [p.clean.national_id_index for p in everyone if p.clean.national_id_index]
    )
    for person in everyone:
        if person.clean.national_id_index in registered:
            person.existing_id = registered[person.clean.national_id_index]
    accepted = _without_other_holders(accepted, outcomes, member=member, by=by, source=source)
    everyone = [person for household in accepted for person in household.people]
    first_with_id: dict[str, _NewPerson] = {}
    for person in everyone:
        nid_index = person.clean.national_id_index
        if not nid_index or person.existing_id is not None:
            continue
        if nid_index in first_with_id:
            person.same_as = first_with_id[nid_index]
        else:
            first_with_id[nid_index] = person
    new_people = [person for person in everyone if person.is_new]
    settings_row = CoalitionSettings.current()
    _score(new_people, settings_row)

    by_id = getattr(by, "pk", None)
    with transaction.atomic():
        creating = [household for household in accepted if household.creates_household]
        _store(member=member, by=by, accepted=creating, new_people=new_people)
        _link(member=member, by=by, people=everyone)
        cases = _open_cases(new_people)
        _where_they_live(accepted)
        HouseholdReference.objects.bulk_create(
            HouseholdReference(
                member=member, source_key=h.row.key, household_id=h.pk, created_by_id=by_id
            )
            for h in accepted
            if not h.creates_household and h.pk is not None
        )
        for household in accepted:
            _report(outcomes[household.index], household)
        audit_record(
            actor=by,
            action="create",
            target_type="registry.household_batch",
            target_id=str(accepted[0].pk) if accepted else "",
            target_label=f"{source}: {member}"[:255],
            changes=_summary(outcomes, source=source, cases=cases),
        )
    return outcomes


@dataclass(frozen=True)
class GivenHolder:
    """A person given with a registered national ID: where in the batch, as typed, and the
    id of the person registered under it."""

    household: int  # the household's place in its batch
    position: int  # the person's place in the household
    record: PersonRecord
    holder_id: int


def holders_refused(
    given: Sequence[GivenHolder], *, member: Member, by: Any, source: str
) -> dict[int, list[Problem]]:
    """By household: the problems of its people whose name does not name the person registered
    under their national ID (`national_id_other_name`, or `national_id_tries_exhausted` once
    the member has had too many names refused for that person: `matching.naming`). Linking
    them would show the registered person's record on a number alone. The import's check
    asks the same as the import, so both say the same of every household."""
    check = holders_named_check(
        [(person.record, person.holder_id) for person in given],
        member_id=member.pk,
        actor=by,
        source=source,
    )
    refused: dict[int, list[Problem]] = {}
    for number in sorted(check.refused):
        person = given[number]
        refusal = (
            national_id_tries_exhausted if number in check.exhausted else national_id_other_name
        )
        refused.setdefault(person.household, []).append(refusal(person.position))
    return refused


def _without_other_holders(
    accepted: list[_Accepted],
    outcomes: list[HouseholdOutcome],
    *,
    member: Member,
    by: Any,
    source: str,
) -> list[_Accepted]:
    """The households none of whose people is refused by `holders_refused`; the others are
    rejected."""
    linking = [
        GivenHolder(household.index, position, person.record(), person.existing_id)
        for household in accepted
        for position, person in enumerate(household.people)
        if person.existing_id is not None
    ]
    if not linking:
        return accepted
    rejected = holders_refused(linking, member=member, by=by, source=source)
    for index, problems in rejected.items():
        outcome = outcomes[index]
        outcome.status, outcome.warnings = Status.REJECTED, []
        outcome.problems = [problem.as_dict() for problem in problems]
    return [household for household in accepted if household.index not in rejected]


def _store(
    *, member: Member, by: Any, accepted: list[_Accepted], new_people: list[_NewPerson]
) -> None:
    """Insert the households, their new people, memberships and service links.

    PostgreSQL: ids are drawn from the sequences first and every table is written with COPY,
    each household with its head already set (the foreign keys are checked at commit).
    Elsewhere: bulk inserts, then one UPDATE for the heads.
    """
    today = timezone.localdate()
    now = timezone.now()
    by_id = getattr(by, "pk", None)
    stamps = {"created_at": now, "updated_at": now, "created_by_id": by_id}
    households = [
        {
            **stamps,
            "member_id": member.pk,
            "governorate_id": household.governorate.pk,
            "district_id": household.district.pk if household.district else None,
            "village": household.row.household.village,
            "address": household.row.household.address,
            "latitude": household.row.household.latitude,
            "longitude": household.row.household.longitude,
            "source_key": household.row.key,
        }
        for household in accepted
    ]
    people = [
        {
            **stamps,
            **new.fields,
            "member_id": member.pk,
            "status": Person.Status.PENDING_REVIEW
            if any(hit.decision == Decision.MATCH for hit in new.hits)
            else Person.Status.ACTIVE,
        }
        for new in new_people
    ]
    copy = connection.vendor == "postgresql"
    if copy:
        for household, row, pk in zip(
            accepted, households, _allocate(Household, len(households)), strict=True
        ):
            household.pk = row["id"] = pk
        for new, row, pk in zip(new_people, people, _allocate(Person, len(people)), strict=True):
            new.pk = row["id"] = pk
        heads = {
            new.row: new.pk for new in new_people if new.fields["relation"] == Person.Relation.HEAD
        }
        for household, row in zip(accepted, households, strict=True):
            row["head_id"] = heads.get(household.index)
        _copy(Household, households)
    else:
        stored = Household.objects.bulk_create(Household(**row) for row in households)
        for household, stored_household in zip(accepted, stored, strict=True):
            household.pk = stored_household.pk
    row_pk = {household.index: household.pk for household in accepted}
    for new, row in zip(new_people, people, strict=True):
        row["household_id"] = row_pk[new.row]
    if copy:
        _copy(Person, people)
    else:
        stored_people = Person.objects.bulk_create(
            (Person(**row) for row in people), batch_size=1000
        )
        for new, stored_person in zip(new_people, stored_people, strict=True):
            new.pk = stored_person.pk
    memberships = [
        {
            **stamps,
            "person_id": new.pk,
            "household_id": row["household_id"],
            "relation": row["relation"],
            "started_on": today,
        }
        for new, row in zip(new_people, people, strict=True)
    ]
    links = [
        {**stamps, "member_id": member.pk, "person_id": new.pk, "since": today}
        for new in new_people
    ]
    _insert(HouseholdMembership, memberships)
    _insert(ServiceLink, links)
    if not copy:
        # One UPDATE for every head of the batch: the head among the household's new
        # people (a head linked by national ID stays in its own household, as registration
        # does).
        heads_query = Person.objects.filter(
            household=OuterRef("pk"), relation=Person.Relation.HEAD
        ).values("pk")[:1]
        Household.objects.filter(pk__in=list(row_pk.values())).update(
            head=Subquery(heads_query), updated_at=now
        )


def _allocate(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """COPY rows (keyed by attribute name, ids included) into the model's table.

    A field missing from the rows gets its default. Binary COPY, each column declared with
    its type: no value is formatted as text on one side and parsed on the other.
    """
    if not rows:
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.attname in rows[0] or not field.primary_key
    ]
    defaults = {field.attname: field.get_default() for field in fields}
    values = itemgetter(*defaults)
    types = [_column_type(field) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(types)
        for row in rows:
            copy.write_row(values({**defaults, **row}))


def _column_type(field: models.Field[Any, Any]) -> str:
    """The column's PostgreSQL type name as COPY's types are given ("varchar(60)" → "varchar")."""
    db_type = field.db_type(connection)
    assert db_type is not None  # noqa: S101 - every column of these tables has a type
    return db_type.split("(")[0].strip()


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (keyed by attribute name) whose ids nobody reads back."""
    if connection.vendor == "postgresql":
        _copy(model, rows)
    else:
        model._default_manager.bulk_create((model(**row) for row in rows), batch_size=1000)


def _link(*, member: Member, by: Any, people: list[_NewPerson]) -> None:
    """Service links to people found by national ID (get-or-create, in bulk)."""
    wanted = sorted({p.existing_id for p in people if p.existing_id is not None})
    if not wanted:
        return
    have: set[int] = set()
    for chunk in _chunks(wanted):
        have.update(
            ServiceLink.objects.filter(member=member, person_id__in=chunk).values_list(
                "person_id", flat=True
            )
        )
    today = timezone.localdate()
    ServiceLink.objects.bulk_create(
        (
            ServiceLink(member=member, person_id=person_id, since=today, created_by=by)
            for person_id in wanted
            if person_id not in have
        ),
        batch_size=2000,
    )


def _open_cases(new_people: list[_NewPerson]) -> int:
    pairs = []
    for new in new_people:
        assert new.pk is not None  # noqa: S101 - stored by _store
        for hit in new.hits:
            other = hit.earlier.pk if hit.earlier is not None else hit.stored_id
            assert other is not None  # noqa: S101 - a hit is stored or earlier
            pairs.append(CasePair(new.pk, other, hit.probability, hit.evidence))
    return cases_open_bulk(pairs=pairs, source="registration")


def _where_they_live(accepted: list[_Accepted]) -> None:
    """For each household whose people are all registered already (not stored): the
    household of its first person, a registry person's or an earlier row's, in its place."""
    stored = {household.index: household.pk for household in accepted if household.pk}
    linked_only = [household for household in accepted if not household.creates_household]
    registered = [p.existing_id for h in linked_only for p in h.people if p.existing_id]
    homes: dict[int, int] = (
        dict(Person.objects.filter(pk__in=registered).values_list("pk", "household_id"))
        if registered
        else {}
    )
    for household in linked_only:
        first = household.people[0]
        if first.same_as is not None:
            household.pk = stored.get(first.same_as.row)
        elif first.existing_id is not None:
            household.pk = homes.get(first.existing_id)


def _report(outcome: HouseholdOutcome, household: _Accepted) -> None:
    outcome.household_id = household.pk
    if not household.creates_household:
        outcome.status = Status.LINKED
    for new in household.people:
        if new.existing_id is not None:
            outcome.linked.append(new.existing_id)
            continue
        if new.same_as is not None:
            assert new.same_as.pk is not None  # noqa: S101 - stored by _store
            outcome.linked.append(new.same_as.pk)
            continue
        assert new.pk is not None  # noqa: S101 - stored by _store
        outcome.created.append(new.pk)
        if any(hit.decision == Decision.MATCH for hit in new.hits):
            outcome.pending.append(new.pk)
        elif new.hits:
            outcome.to_review.append(new.pk)


def _summary(outcomes: list[HouseholdOutcome], *, source: str, cases: int) -> dict[str, Any]:
    created = [o for o in outcomes if o.status == Status.CREATED]
    linked = [o for o in outcomes if o.status == Status.LINKED]
    return {
        "source": source,
        "rows": len(outcomes),
        "created": len(created),
        "existing": sum(1 for o in outcomes if o.status == Status.EXISTING),
        "linked": len(linked),
        "rejected": sum(1 for o in outcomes if o.status == Status.REJECTED),
        "households": [o.household_id for o in created],
        "people_created": sum(len(o.created) for o in created),
        "people_linked": sum(len(o.linked) for o in created + linked),
        "pending": sum(len(o.pending) for o in created),
        "to_review": sum(len(o.to_review) for o in created),
        "cases_opened": cases,
        "confirmed_warnings": {
            str(o.household_id): sorted({w["code"] for w in o.warnings})
            for o in created
            if o.warnings
        },
    }
