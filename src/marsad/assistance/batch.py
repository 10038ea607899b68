"""Recording many deliveries at once: the aid import's path into the ledger.

A batch of rows from a member's file goes through the same checks as a single delivery
(categories, amounts, dates, the beneficiary, the place, the duplicate-aid rules), but
set-based: the rows' national IDs, household references and keys are written to a
temporary table and resolved with one join; the accepted rows go into the ledger with one
COPY (PostgreSQL) or one multi-row insert (SQLite). One call is one transaction.

A row's beneficiary is a registered person found by national ID, or a household this member
imported, found by its household reference. A person this member neither registered nor
serves is reached only when a row of the file gives their name too (`_unconfirmed`); the
member is then linked to them, as when registering. The row's key (the member's entry
reference, or `content_key`: a hash of what the row says, as read) makes re-imports add
nothing. Blocking rules reject a row (an importer cannot give a reason per row; such
deliveries are recorded one by one with an override); warnings are taken as confirmed at the
preview; both are kept as conflicts.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.assistance.errors import AidError
from marsad.assistance.models import AidCategory, AidConflict, AidEntry
from marsad.assistance.rules import (
    FindingsText,
    active_rules,
    existing_deliveries,
    merged_heads,
)
from marsad.assistance.validation import (
    amount_problems,
    category_problem,
    lookup_key,
    period_problems,
)
from marsad.core.audit import audit_record
from marsad.core.crypto import blind_index
from marsad.core.memory import collector_paused
from marsad.engines import aid_rules
from marsad.engines.cells import CellError, is_blank, parse_date, parse_decimal, parse_month
from marsad.engines.linkage.records import clean_record
from marsad.engines.nid import clean_national_id
from marsad.geo.models import District, Governorate
from marsad.matching.linkage import governorate_index
from marsad.matching.naming import holders_named_check, tries_exhausted_message
from marsad.matching.selectors import survivor_ids
from marsad.members.models import Member
from marsad.programs.models import Program
from marsad.registry.models import Household, HouseholdReference, Person, ServiceLink
from marsad.registry.validation import Problem

AID_FIELDS: tuple[str, ...] = (
    "entry_ref",
    "national_id",
    "household_ref",
    "category",
    "quantity",
    "value",
    "delivered_on",
    "period_start",
    "period_end",
    "program",
    "governorate",
    "district",
    "village",
    "delivered_by",
    "note",
)
REQUIRED_FIELDS = ("category", "quantity", "delivered_on")
#: Longest delivery or household reference: the width of the `source_key` columns.
KEY_MAX_LENGTH = 64
#: The ledger's text columns: a longer cell is a problem of its row, never cut short.
TEXT_LIMITS = {"village": 120, "delivered_by": 150, "note": 300}
#: The tables a batch writes, whose planner statistics bulk work keeps current.
WRITTEN_MODELS = (AidEntry, AidConflict, ServiceLink)


@dataclass(frozen=True)
class AidRow:
    key: str  # the member's entry reference; "" when the row has none (see `content_key`)
    line: int
    raw: Mapping[str, object]
    #: For a row without a reference: the key imports stored before `content_key` (a hash of
    #: the cells as written). A delivery stored under it is the same delivery.
    legacy_key: str = ""


@dataclass
class AidOutcome:
    key: str
    line: int
    status: str  # "created" | "existing" | "rejected" | "valid" (a check without writing)
    entry_id: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Parsed:
    """A row after the Python-side checks, before the beneficiary is known."""

    index: int
    category: AidCategory
    quantity: Decimal
    value: Decimal
    delivered_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    nid_index: str
    household_ref: str
    program_id: int | None
    governorate_id: int | None
    district_code: str
    village: str
    delivered_by: str
    note: str
    given_name: str = ""  # the beneficiary's name as the row gives it (confirms the ID)
    value_given: bool = True  # False: the value is the category's unit value × quantity
    key: str = ""  # the entry reference, or `content_key`
    person_id: int | None = None
    household_id: int | None = None
    district_id: int | None = None


@dataclass
class AidFile:
    """What the batches of one file tell each other, so that a file checked or imported in
    batches gives every row the outcome it would have in one batch.

    - `confirmed`: the people a row of the file named (see `_unconfirmed`);
    - the line of each key's first row, so that a delivery or reference repeated anywhere
      in the file is the same problem of the later row, however far apart the two are.
      Keys are kept as 16-byte digests: a million rows hold about 100 MB.
    """

    confirmed: set[int] = field(default_factory=set)
    _lines: dict[bytes, int] = field(default_factory=dict)

    def first_line(self, key: str, line: int) -> int | None:
        """The line of an earlier row with this key; else None, and this row is the first."""
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        first = self._lines.setdefault(digest, line)
        return None if first == line else first


def content_key(item: _Parsed) -> str:
    """The identity of a delivery whose row has no reference: a hash of what the row says, as
    read (category, amounts, dates, beneficiary, program, place, deliverer, note). The same
    delivery written another way (1 or 1.00, a date cell or dd/mm/yyyy, a category by code or
    by name, an empty column more) has the same key, so importing it again adds nothing."""
    parts = (
        item.category.code,
        _plain(item.quantity),
        # A blank value stays blank: the unit value it is computed from may change.
        _plain(item.value) if item.value_given else "",
        item.delivered_on.isoformat(),
        item.period_start.isoformat(),
        item.period_end.isoformat(),
        item.nid_index,
        item.household_ref,
        item.program_id or "",
        item.governorate_id or "",
        lookup_key(item.district_code),
        item.village,
        item.delivered_by,
        item.note,
    )
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode())
    return "c:" + digest.hexdigest()[:62]


def _plain(number: Decimal) -> str:
    """A number without its trailing zeros: 1, 1.0 and 1.00 alike."""
    return format(number.normalize(), "f")


class _Lookups:
    """Everything a batch resolves in memory: categories, programs, places."""

    def __init__(self, member: Member) -> None:
        self.categories: dict[str, AidCategory] = {}
        self._by_text: dict[str, AidCategory | None] = {}
        for category in AidCategory.objects.all():
            for name in (category.code, category.name_en, category.name_ar):
                self.categories.setdefault(self._category_key(name), category)
        self.programs = {
            self._category_key(code): pk
            for pk, code in Program.objects.filter(member=member).values_list("pk", "code")
        }
        self.governorates = governorate_index()
        self.governorate_ids = dict(Governorate.objects.values_list("code", "pk"))
        self.districts: dict[tuple[int, str], int] = {}
        for pk, governorate_id, code, name_ar, name_en in District.objects.values_list(
            "pk", "governorate_id", "code", "name_ar", "name_en"
        ):
            for name in (code, name_ar, name_en):
                if name:
                    self.districts.setdefault((governorate_id, self._category_key(name)), pk)

    def category(self, text: str) -> AidCategory | None:
        """The category a cell names (code, English or Arabic name); cached per text."""
        try:
            return self._by_text[text]
        except KeyError:
            found = self._by_text[text] = self.categories.get(self._category_key(text))
            return found

    _category_key = staticmethod(lookup_key)


def _text(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: object) -> datetime.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    return parse_date(value)


def _number(value: object) -> Decimal:
    """`parse_decimal`, with plain text such as "12.5" read straight away ("NaN" is not)."""
    if isinstance(value, str) and "_" not in value:  # Decimal reads "1_000" too
        try:
            number = Decimal(value)
        except ArithmeticError:
            pass
        else:
            if number.is_finite():
                return number
    return parse_decimal(value)


def _nid_index(raw_nid: str, cache: dict[str, str]) -> str | None:
    """The blind index of a 14-digit ID, "" when blank, None when not an ID at all."""
    if raw_nid in cache:
        return cache[raw_nid]
    digits = raw_nid if raw_nid.isascii() and raw_nid.isdigit() else clean_national_id(raw_nid)
    index: str | None
    if not digits:
        index = ""
    elif len(digits) != 14 or not digits.isdigit():
        index = None
    else:
        index = blind_index(digits)
    if index is not None:
        cache[raw_nid] = index
    return index


def _parse(
    row: AidRow, index: int, lookups: _Lookups, nid_cache: dict[str, str]
) -> tuple[_Parsed | None, list[Problem]]:
    raw = row.raw
    problems: list[Problem] = []
    for name in REQUIRED_FIELDS:
        if is_blank(raw.get(name)):
            problems.append(
                Problem(name, AidError.INVALID_INPUT, _("This column is empty in this row."))
            )
    if len(row.key) > KEY_MAX_LENGTH:
        problems.append(
            Problem(
                "entry_ref",
                AidError.INVALID_INPUT,
                _("The delivery reference is longer than %(limit)s characters.")
                % {"limit": KEY_MAX_LENGTH},
            )
        )
    for name, limit in TEXT_LIMITS.items():
        length = len(_text(raw, name))
        if length > limit:
            problems.append(
                Problem(
                    name,
                    AidError.INVALID_INPUT,
                    _(
                        "The cell has %(length)s characters, more than the %(limit)s that fit; "
                        "shorten it."
                    )
                    % {"length": length, "limit": limit},
                )
            )
    if len(_text(raw, "household_ref")) > KEY_MAX_LENGTH:
        problems.append(
            Problem(
                "household_ref",
                AidError.BENEFICIARY_UNKNOWN,
                _("The household reference is longer than %(limit)s characters.")
                % {"limit": KEY_MAX_LENGTH},
            )
        )
    if problems:
        return None, problems
    category = lookups.category(_text(raw, "category"))
    problem = category_problem(category)
    if problem is not None:
        problems.append(problem)
    quantity = value = None
    try:
        quantity = _number(raw["quantity"])
    except CellError:
        problems.append(
            Problem("quantity", AidError.QUANTITY_INVALID, _("The quantity is not a number."))
        )
    value_unreadable = False
    if not is_blank(raw.get("value")):
        try:
            value = _number(raw["value"])
        except CellError:
            value_unreadable = True
            problems.append(
                Problem("value", AidError.VALUE_INVALID, _("The value is not a number in EGP."))
            )
    if category is not None and quantity is not None and not value_unreadable:
        value, found = amount_problems(category, quantity, value)
        problems += found
    delivered_on = start = end = None
    try:
        delivered_on = _date(raw["delivered_on"])
    except CellError:
        problems.append(
            Problem(
                "delivered_on",
                AidError.DATE_INVALID,
                _("The delivery date is not a date (write it as yyyy-mm-dd or dd/mm/yyyy)."),
            )
        )
    month = parse_month(raw.get("period_start")) if not is_blank(raw.get("period_start")) else None
    for name in ("period_start", "period_end"):
        if is_blank(raw.get(name)) or (name == "period_start" and month):
            continue
        try:
            parsed = _date(raw[name])
        except CellError:
            problems.append(
                Problem(
                    name,
                    AidError.DATE_INVALID,
                    _("The period is not a date (write it as yyyy-mm-dd, or yyyy-mm for a month)."),
                )
            )
            continue
        if name == "period_start":
            start = parsed
        else:
            end = parsed
    if month is not None:
        start, end = month[0], end or month[1]
    if delivered_on is not None:
        start, end, found = period_problems(delivered_on, start, end)
        problems += found
    nid_index = _nid_index(_text(raw, "national_id"), nid_cache)
    household_ref = _text(raw, "household_ref")
    if nid_index is None:
        problems.append(
            Problem(
                "national_id",
                AidError.NATIONAL_ID_INVALID,
                _("The national ID must have exactly 14 digits."),
            )
        )
    elif not nid_index and not household_ref:
        problems.append(
            Problem(
                "national_id",
                AidError.BENEFICIARY_REQUIRED,
                _("Give the national ID of the person or the household reference."),
            )
        )
    program_id = None
    if _text(raw, "program"):
        program_id = lookups.programs.get(lookups._category_key(_text(raw, "program")))
        if program_id is None:
            problems.append(
                Problem(
                    "program",
                    AidError.PROGRAM_UNKNOWN,
                    _("Your institution has no program with this code."),
                )
            )
    governorate_id = None
    if _text(raw, "governorate"):
        code = lookups.governorates.resolve(_text(raw, "governorate"))
        governorate_id = lookups.governorate_ids.get(code) if code else None
        if governorate_id is None:
            problems.append(
                Problem(
                    "governorate",
                    AidError.GOVERNORATE_UNKNOWN,
                    _("Choose one of the 27 governorates."),
                )
            )
    if problems:
        return None, problems
    assert category is not None  # noqa: S101
    assert quantity is not None  # noqa: S101
    assert value is not None  # noqa: S101
    assert delivered_on is not None  # noqa: S101
    assert start is not None  # noqa: S101
    assert end is not None  # noqa: S101
    return (
        _Parsed(
            index=index,
            category=category,
            quantity=quantity,
            value=value,
            delivered_on=delivered_on,
            period_start=start,
            period_end=end,
            nid_index=nid_index or "",
            household_ref=household_ref if not nid_index else "",
            program_id=program_id,
            governorate_id=governorate_id,
            district_code=_text(raw, "district"),
            village=_text(raw, "village"),
            delivered_by=_text(raw, "delivered_by"),
            note=_text(raw, "note"),
            given_name=_text(raw, "full_name"),
            value_given=not is_blank(raw.get("value")),
        ),
        [],
    )


_STAGE = "marsad_aid_stage"


def _copy_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Write rows fast: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _resolve(
    member: Member, rows: Sequence[AidRow], parsed: Sequence[_Parsed]
) -> tuple[dict[int, tuple[int | None, int | None]], set[int], set[int]]:
    """Per row index: (person, household); the indexes whose key this member already
    imported; and the indexes whose person (found by national ID, not merged) this member
    registered. One temporary table and one join."""
    person = Person._meta.db_table
    household = Household._meta.db_table
    reference = HouseholdReference._meta.db_table
    entry = AidEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} "
            "(idx integer, nid varchar(64), href varchar(64), rkey varchar(64), "
            "lkey varchar(64))"
        )
        cursor.execute(f"DELETE FROM {_STAGE}")  # noqa: S608
        _copy_rows(
            cursor,
            _STAGE,
            ("idx", "nid", "href", "rkey", "lkey"),
            [
                (
                    item.index,
                    item.nid_index,
                    item.household_ref,
                    item.key,
                    rows[item.index].legacy_key,
                )
                for item in parsed
            ],
        )
        cursor.execute(
            f"""
            SELECT s.idx, p.id, p.merged_into_id,
                   COALESCE(p.household_id, h.id, r.household_id), COALESCE(e.id, l.id),
                   p.member_id
            FROM {_STAGE} s
            LEFT JOIN {person} p ON s.nid <> '' AND p.national_id_index = s.nid
            LEFT JOIN {household} h
                   ON s.href <> '' AND h.member_id = %s AND h.source_key = s.href
            LEFT JOIN {reference} r
                   ON s.href <> '' AND r.member_id = %s AND r.source_key = s.href
            LEFT JOIN {entry} e
                   ON s.rkey <> '' AND e.member_id = %s AND e.source_key = s.rkey
            LEFT JOIN {entry} l
                   ON s.lkey <> '' AND l.member_id = %s AND l.source_key = s.lkey
            """,  # noqa: S608
            [member.pk, member.pk, member.pk, member.pk],
        )
        found = cursor.fetchall()
        cursor.execute(f"DELETE FROM {_STAGE}")  # noqa: S608
    resolved: dict[int, tuple[int | None, int | None]] = {}
    existing: set[int] = set()
    registered_here: set[int] = set()
    survivors = _survivors({m for _, _, m, _, _, _ in found if m})
    for index, person_id, merged_into, household_id, entry_id, registrar in found:
        if entry_id is not None:
            existing.add(index)
        if merged_into is not None:
            person_id, household_id = survivors[merged_into]
        elif registrar == member.pk:
            registered_here.add(index)
        resolved[index] = (person_id, household_id)
    return resolved, existing, registered_here


def _unconfirmed(
    member: Member,
    by: Any,
    items: Sequence[_Parsed],
    resolved: Mapping[int, tuple[int | None, int | None]],
    registered_here: set[int],
    confirmed: set[int],
) -> tuple[dict[int, Problem], set[int]]:
    """The rows naming by national ID a person this member neither registered nor serves,
    without a name that confirms the ID (`engines.linkage.decision.names_the_holder`); and
    the people a row's name confirmed.

    Recording such a delivery links the member to the person, who then sees their record:
    the ID alone (read, guessed or mistyped) is not enough for that. A person confirmed by a
    row of the file (`confirmed`: by earlier chunks of it too) is served for its other rows.
    """
    by_id = {
        item.index: person_id
        for item in items
        if item.nid_index
        and item.index not in registered_here
        and (person_id := resolved.get(item.index, (None, None))[0]) is not None
    }
    if not by_id:
        return {}, set()
    ids = set(by_id.values())
    served = (
        set(
            ServiceLink.objects.filter(member=member, person_id__in=ids).values_list(
                "person_id", flat=True
            )
        )
        | set(Person.objects.filter(member=member, pk__in=ids).values_list("pk", flat=True))
        | (confirmed & ids)
    )
    strangers = [item for item in items if item.index in by_id and by_id[item.index] not in served]
    named = [item for item in strangers if item.given_name]
    today = timezone.localdate()
    check = holders_named_check(
        [
            (
                clean_record(
                    {"record_id": str(item.index), "full_name": item.given_name}, today=today
                ),
                by_id[item.index],
            )
            for item in named
        ],
        member_id=member.pk,
        actor=by,
        source="aid_import",
    )
    problems: dict[int, Problem] = {}
    for number in check.wrong:
        problems[named[number].index] = Problem(
            "national_id",
            AidError.NATIONAL_ID_OTHER_NAME,
            _(
                "This national ID is registered under another name. Check the ID and the name "
                "in this row."
            ),
        )
    for number in check.exhausted:
        problems[named[number].index] = Problem(
            "national_id",
            AidError.NATIONAL_ID_TRIES_EXHAUSTED,
            tries_exhausted_message(),
        )
    named_ok = {
        by_id[item.index] for number, item in enumerate(named) if number not in check.refused
    }
    for item in strangers:
        if not item.given_name and by_id[item.index] not in named_ok:
            problems[item.index] = Problem(
                "national_id",
                AidError.BENEFICIARY_NOT_SERVED,
                _(
                    "Your institution does not serve this person yet. Give their full name in "
                    "this row (a name column), which confirms the national ID, or import their "
                    "household first."
                ),
            )
    return problems, named_ok


def _survivors(merged_into: set[int]) -> dict[int, tuple[int, int | None]]:
    """For each record others were merged into: the record that survives at the end of the
    merges (a survivor may have been merged in turn) and its household. Aid to a merged
    record goes there, as the form and the API send it."""
    if not merged_into:
        return {}
    final = survivor_ids(merged_into)
    homes = dict(
        Person.objects.filter(pk__in=set(final.values())).values_list("pk", "household_id")
    )
    return {pk: (final[pk], homes.get(final[pk])) for pk in merged_into}


def _run(
    member: Member,
    rows: Sequence[AidRow],
    *,
    write: bool,
    by: Any,
    file: AidFile | None = None,
) -> list[AidOutcome]:
    file = file if file is not None else AidFile()
    lookups = _Lookups(member)
    outcomes = [AidOutcome(key=row.key, line=row.line, status="valid") for row in rows]
    parsed: list[_Parsed] = []
    nid_cache: dict[str, str] = {}
    for index, row in enumerate(rows):
        item, problems = _parse(row, index, lookups, nid_cache)
        key = row.key
        if item is not None:
            key = item.key = row.key or content_key(item)
            outcomes[index].key = key
        if key and (first_line := file.first_line(key, row.line)) is not None:
            problems.append(
                Problem(
                    # A repeated reference is the reference's problem; a repeated delivery
                    # without one is the whole row's.
                    "entry_ref" if row.key else "",
                    AidError.KEY_REPEATED,
                    _("The same entry reference is on line %(line)s too.") % {"line": first_line}
                    if row.key
                    else _("The same delivery is on line %(line)s too.") % {"line": first_line},
                )
            )
            item = None
        if item is None:
            outcomes[index].status = "rejected"
            outcomes[index].problems = [p.as_dict() for p in problems]
        else:
            parsed.append(item)
    resolved, existing, registered_here = _resolve(member, rows, parsed)
    unconfirmed, named_ok = _unconfirmed(
        member, by, parsed, resolved, registered_here, file.confirmed
    )
    file.confirmed |= named_ok
    households_governorate = dict(
        Household.objects.filter(
            pk__in={h for _, h in resolved.values() if h is not None}
        ).values_list("pk", "governorate_id")
    )
    accepted: list[_Parsed] = []
    for item in parsed:
        outcome = outcomes[item.index]
        if item.index in existing:
            outcome.status = "existing"
            continue
        person_id, household_id = resolved.get(item.index, (None, None))
        if item.index in unconfirmed:
            outcome.status = "rejected"
            outcome.problems = [unconfirmed[item.index].as_dict()]
            continue
        if household_id is None:
            field_name = "national_id" if item.nid_index else "household_ref"
            message = (
                _("No registered person has this national ID; register the household first.")
                if item.nid_index
                else _("Your institution has imported no household with this reference.")
            )
            outcome.status = "rejected"
            outcome.problems = [
                Problem(field_name, AidError.BENEFICIARY_UNKNOWN, message).as_dict()
            ]
            continue
        item.person_id, item.household_id = person_id, household_id
        if item.governorate_id is None:
            item.governorate_id = households_governorate[household_id]
        if item.district_code:
            item.district_id = lookups.districts.get(
                (item.governorate_id, lookups._category_key(item.district_code))
            )
            if item.district_id is None:
                outcome.status = "rejected"
                outcome.problems = [
                    Problem(
                        "district",
                        AidError.DISTRICT_UNKNOWN,
                        _("This district is not in the row's governorate."),
                    ).as_dict()
                ]
                continue
        accepted.append(item)
    accepted, caught = _apply_rules(member, accepted, outcomes)
    if write:
        _write(member, by, accepted, outcomes, caught)
    return outcomes


def _apply_rules(
    member: Member, items: list[_Parsed], outcomes: list[AidOutcome]
) -> tuple[list[_Parsed], dict[int, aid_rules.Outcome]]:
    """The rows the rules let through, and the rules' findings by row index."""
    rules = active_rules()
    engine_rules = [rule for _, rule in rules.values()]
    covered = {c for rule in engine_rules for c in rule.categories}
    checked = [item for item in items if item.category.pk in covered]
    if not checked:
        return items, {}
    heads = merged_heads()
    existing = existing_deliveries(
        rules=engine_rules,
        household_ids=[
            heads.get(item.household_id, item.household_id) for item in checked if item.household_id
        ],
        person_ids=[item.person_id for item in checked if item.person_id],
        first_day=min(item.period_start for item in checked),
        last_day=max(item.period_start for item in checked),
        heads=heads,
    )
    deliveries = [
        aid_rules.Delivery(
            ref=-(item.index + 1),
            member=member.pk,
            category=item.category.pk,
            household=heads.get(item.household_id, item.household_id) if item.household_id else 0,
            person=item.person_id,
            period_start=item.period_start,
            delivered_on=item.delivered_on,
        )
        for item in checked
    ]
    stopped: set[int] = set()
    caught: dict[int, aid_rules.Outcome] = {}
    describe = FindingsText(rules)
    for item, outcome in zip(
        checked, aid_rules.check_sequence(engine_rules, deliveries, existing), strict=True
    ):
        if not outcome.findings:
            continue
        row_outcome = outcomes[item.index]
        row_outcome.findings = describe(outcome.findings)
        caught[item.index] = outcome
        if outcome.stopped:
            stopped.add(item.index)
            row_outcome.status = "rejected"
            row_outcome.problems = [
                Problem(
                    "category",
                    AidError.BLOCKED,
                    _(
                        "A duplicate-aid rule blocks this delivery; record it on its own "
                        "with an override if it is right."
                    ),
                ).as_dict()
            ]
    return [item for item in items if item.index not in stopped], caught


def _write(
    member: Member,
    by: Any,
    items: list[_Parsed],
    outcomes: list[AidOutcome],
    caught: dict[int, aid_rules.Outcome],
) -> None:
    now = timezone.now()
    user_id = by.pk if getattr(by, "pk", None) else None
    columns = (
        "kind",
        "member_id",
        "category_id",
        "household_id",
        "person_id",
        "quantity",
        "value",
        "delivered_on",
        "period_start",
        "period_end",
        "program_id",
        "governorate_id",
        "district_id",
        "village",
        "delivered_by_id",
        "delivered_by_name",
        "evidence",
        "reverses_id",
        "note",
        "source_key",
        "created_at",
        "created_by_id",
    )
    values = [
        (
            AidEntry.Kind.DELIVERY.value,
            member.pk,
            item.category.pk,
            item.household_id,
            item.person_id,
            item.quantity,
            item.value,
            item.delivered_on,
            item.period_start,
            item.period_end,
            item.program_id,
            item.governorate_id,
            item.district_id,
            item.village,
            None,
            item.delivered_by,
            "",
            None,
            item.note,
            item.key,
            now,
            user_id,
        )
        for item in items
    ]
    with transaction.atomic():
        keys = [item.key for item in items]
        ids = _insert_entries(member, columns, values, keys)
        for item in items:
            outcome = outcomes[item.index]
            outcome.status = "created"
            outcome.entry_id = ids[item.key]
        _link_people(member, user_id, items)
        _record_conflicts(items, caught, ids, user_id)
        if items:
            audit_record(
                actor=by,
                action="create",
                target_type="assistance.aidentry",
                target_label=_("aid import"),
                changes={
                    "member": member.slug,
                    "created": len(items),
                    "first_id": min(ids.values()),
                    "last_id": max(ids.values()),
                },
            )


def _insert_entries(
    member: Member, columns: Sequence[str], values: list[tuple[Any, ...]], keys: list[str]
) -> dict[str, int]:
    """Insert the entries; their ids by key.

    On PostgreSQL the ids are drawn from the table's sequence first and written with COPY;
    elsewhere the rows are inserted and their ids read back by key.
    """
    table = AidEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and values:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(values)],
            )
            allocated = [pk for (pk,) in cursor.fetchall()]
            _copy_rows(
                cursor,
                table,
                ("id", *columns),
                [(pk, *row) for pk, row in zip(allocated, values, strict=True)],
            )
            return dict(zip(keys, allocated, strict=True))
        _copy_rows(cursor, table, columns, values)
    ids: dict[str, int] = {}
    for start in range(0, len(keys), 5000):
        ids.update(
            AidEntry.objects.filter(
                member=member, source_key__in=keys[start : start + 5000]
            ).values_list("source_key", "pk")
        )
    return ids


_LINK_STAGE = "marsad_aid_link_stage"


def _link_people(member: Member, user_id: int | None, items: list[_Parsed]) -> None:
    """The member now serves everyone it delivered to (as when registering); links that
    exist already are left as they are. One staged insert for the batch."""
    first: dict[int, datetime.date] = {}
    for item in items:
        if item.person_id is not None:
            day = first.get(item.person_id)
            first[item.person_id] = min(day, item.delivered_on) if day else item.delivered_on
    if not first:
        return
    link = ServiceLink._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_LINK_STAGE} (person integer, since date)"
        )
        cursor.execute(f"DELETE FROM {_LINK_STAGE}")  # noqa: S608
        _copy_rows(cursor, _LINK_STAGE, ("person", "since"), list(first.items()))
        cursor.execute(
            f"""
            INSERT INTO {link}
                (member_id, person_id, since, aid_types, created_at, updated_at, created_by_id)
            SELECT %s, s.person, s.since, %s, %s, %s, %s FROM {_LINK_STAGE} s
            WHERE NOT EXISTS (
                SELECT 1 FROM {link} l WHERE l.member_id = %s AND l.person_id = s.person
            )
            """,  # noqa: S608
            [member.pk, "[]", now, now, user_id, member.pk],
        )
        cursor.execute(f"DELETE FROM {_LINK_STAGE}")  # noqa: S608


def _record_conflicts(
    items: list[_Parsed],
    caught: dict[int, aid_rules.Outcome],
    ids: dict[str, int],
    user_id: int | None,
) -> None:
    by_ref = {-(item.index + 1): ids[item.key] for item in items}
    resolution = AidConflict.RESOLUTION_BY_ACTION
    conflicts = []
    for item in items:
        engine = caught.get(item.index)
        if engine is None:
            continue
        for finding in engine.findings:
            for other in finding.others:
                ref = int(str(other.ref))
                other_id = ref if ref > 0 else by_ref.get(ref)
                if other_id is None:
                    continue
                conflicts.append(
                    AidConflict(
                        entry_id=ids[item.key],
                        other_id=other_id,
                        rule_id=finding.rule.id,
                        action=finding.action.value,
                        resolution=resolution[finding.action],
                        decided_by_id=user_id if finding.action == aid_rules.Action.WARN else None,
                    )
                )
    AidConflict.objects.bulk_create(conflicts, batch_size=2000, ignore_conflicts=True)


def aid_rows_check(
    *, member: Member, rows: list[AidRow], file: AidFile | None = None, by: Any = None
) -> list[AidOutcome]:
    """The import preview: every row checked as it would be imported; nothing written to
    the ledger (a name refused for a national ID is recorded, by `by`: `matching.naming`).

    `file` carries what a file's earlier batches tell its next ones (pass the same `AidFile`
    to each batch of a file, in the preview and in the import alike)."""
    with collector_paused():
        return _run(member, rows, write=False, by=by, file=file)


def aid_entries_import_batch(
    *, member: Member, by: Any, rows: list[AidRow], file: AidFile | None = None
) -> list[AidOutcome]:
    """Record a batch of rows; one outcome per row, in order. One transaction: if anything
    fails, nothing of the batch is stored and the exception propagates. `file`: as for
    `aid_rows_check`."""
    with collector_paused(), transaction.atomic():
        return _run(member, rows, write=True, by=by, file=file)
