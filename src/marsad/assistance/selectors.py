"""Reads of the aid ledger: the ledger list, reach, conflicts and aid histories.

Scoping follows the registry's rule: the secretariat sees every member's entries; a member
sees its own entries in full and, where another member's delivery matters to it (a conflict,
a household's history), only that member's name, the category and the date.

Reach is counted through the registry, in SQL, never by adding member reports:

* a person merged into another counts as the surviving record (two levels of merges are
  followed);
* a delivery to a whole household reaches every person recorded in it;
* a household whose head was merged into a person of another household counts as that
  other household (the same family registered twice);
* only effective deliveries count (not reversals, not reversed deliveries). Value and
  quantity are netted the same way: a reversed delivery and its reversal cancel out, so the
  total equals the sum over effective deliveries, attributed to the original's period.

"Member-reported" is what adding up each member's own distinct count would give; the
difference to the distinct count is the overlap between members.

Small counts: the coalition-wide report of a user outside the secretariat (the board) hides
a row's people, or its households, from 1 to `CoalitionSettings.small_count_threshold` − 1,
with what is derived from them (member reports and overlap; for households, quantity and
value), as the gap map does. A member's report covers its own deliveries and is exact.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter, ExtractYear
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from marsad.assistance.models import AidCategory, AidConflict, AidEntry
from marsad.core.audit import audit_record
from marsad.core.models import CoalitionSettings
from marsad.core.permissions import get_scoped_or_404, scope_to_member
from marsad.geo.models import Governorate
from marsad.members.models import Member
from marsad.registry.models import Household, Person

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _english() -> bool:
    return get_language() == "en"


def _member_names(ids: Iterable[int]) -> dict[int, str]:
    english = _english()
    return {
        pk: (en if english else ar)
        for pk, ar, en in Member.objects.filter(pk__in=set(ids)).values_list(
            "pk", "name_ar", "name_en"
        )
    }


def category_in(code: str, *, prefix: str = "category") -> Q:
    """The category with this code and its sub-categories."""
    return Q(**{f"{prefix}__code": code}) | Q(**{f"{prefix}__parent__code": code})


def _reversed() -> Exists:
    return Exists(AidEntry.objects.filter(reverses=OuterRef("pk")))


# The ledger --------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilters:
    category: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    household: int | None = None
    kind: str = ""
    program: str = ""


def entry_list(*, user: Any, filters: LedgerFilters | None = None) -> QuerySet[AidEntry]:
    """The user's member's entries (every member's for the secretariat), newest first."""
    filters = filters or LedgerFilters()
    entries = scope_to_member(AidEntry.objects.all(), user)
    if filters.category:
        entries = entries.filter(category_in(filters.category))
    if filters.date_from:
        entries = entries.filter(delivered_on__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(delivered_on__lte=filters.date_to)
    if filters.household is not None:
        entries = entries.filter(household_id=filters.household)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.program:
        entries = entries.filter(program__code=filters.program)
    return (
        entries.select_related("category", "member", "person", "program", "governorate")
        .annotate(is_reversed=_reversed())
        .order_by("-delivered_on", "-id")
    )


def ledger_page_viewed(
    *, user: Any, entries: Sequence[AidEntry], position: dict[str, int], label: str, request: Any
) -> None:
    """A page of ledger entries shown (web page or API): its rows name who received aid, so
    it is one audited view of personal data; an empty page is none. `position` is where the
    page starts ({"page": 2} or {"offset": 50})."""
    if not entries:
        return
    audit_record(
        actor=user,
        action="view",
        target_type=AidEntry._meta.label_lower,
        target_label=label,
        pii=True,
        changes={
            "list": "aid_ledger",
            **position,
            "entries": [entry.pk for entry in entries],
            "people": sorted({entry.person_id for entry in entries if entry.person_id}),
        },
        request=request,
    )


def entry_detail(*, user: Any, pk: int, request: Any = None) -> AidEntry:
    """One entry of the user's member (any for the secretariat); 404 otherwise. Audited."""
    entry = get_scoped_or_404(
        AidEntry.objects.select_related(
            "category",
            "member",
            "person",
            "household",
            "program",
            "governorate",
            "district",
            "reverses",
            "created_by",
        ).annotate(is_reversed=_reversed()),
        user,
        pk=pk,
    )
    audit_record(actor=user, action="view", target=entry, pii=True, request=request)
    return entry


def entry_reversal(entry: AidEntry) -> AidEntry | None:
    return AidEntry.objects.filter(reverses=entry).select_related("created_by").first()


def may_record_aid(user: Any) -> bool:
    from marsad.members.models import Role

    return bool(
        getattr(user, "member_id", None)
        and getattr(user, "role", "") in {Role.MEMBER_ADMIN, Role.CASE_WORKER}
    )


def may_change_entry(user: Any, entry: AidEntry) -> bool:
    """Reversing and correcting: the recording member's admins and case workers."""
    return may_record_aid(user) and user.member_id == entry.member_id


def correctable_entry(*, user: Any, pk: int, household: Household) -> AidEntry | None:
    """The delivery to `household` that `user` is correcting, if they may correct it (see
    `may_change_entry`); otherwise None, as if no entry were named, so that another member's
    entry id neither changes what the rules say nor tells whether it exists."""
    if not may_record_aid(user):
        return None
    return AidEntry.objects.filter(
        pk=pk, member_id=user.member_id, household=household, kind=AidEntry.Kind.DELIVERY
    ).first()


def categories_for_choice() -> list[tuple[str, str]]:
    """Active categories as (code, label), sub-categories indented under their parent."""
    categories = list(AidCategory.objects.filter(is_active=True).select_related("parent"))
    children: dict[int | None, list[AidCategory]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    choices = []
    for top in children[None]:
        choices.append((top.code, top.name))
        choices.extend((child.code, f"— {child.name}") for child in children[top.pk])
    return choices


def top_categories_for_choice() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in AidCategory.objects.filter(parent__isnull=True)]


# Reach -------------------------------------------------------------------------------


class ReachDimension(StrEnum):
    MEMBER = "member"
    GOVERNORATE = "governorate"
    CATEGORY = "category"
    SUBCATEGORY = "subcategory"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


REACH_DIMENSION_LABELS = {
    ReachDimension.MEMBER: gettext_lazy("Member institution"),
    ReachDimension.GOVERNORATE: gettext_lazy("Governorate"),
    ReachDimension.CATEGORY: gettext_lazy("Aid category"),
    ReachDimension.SUBCATEGORY: gettext_lazy("Aid sub-category"),
    ReachDimension.MONTH: gettext_lazy("Month"),
    ReachDimension.QUARTER: gettext_lazy("Quarter"),
    ReachDimension.YEAR: gettext_lazy("Year"),
}

PERIOD_DIMENSIONS = frozenset({ReachDimension.MONTH, ReachDimension.QUARTER, ReachDimension.YEAR})


@dataclass(frozen=True)
class ReachFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    governorate: str = ""
    category: str = ""
    member: int | None = None


@dataclass(frozen=True)
class ReachRow:
    """One group's figures; a figure hidden as a small count is None, with `suppressed`."""

    key: int | None
    label: str
    people: int | None
    households: int | None
    people_reported: int | None
    households_reported: int | None
    quantity: Decimal | None
    value: Decimal | None
    suppressed: bool = False

    @property
    def people_overlap(self) -> int | None:
        if self.people is None or self.people_reported is None:
            return None
        return self.people_reported - self.people

    @property
    def households_overlap(self) -> int | None:
        if self.households is None or self.households_reported is None:
            return None
        return self.households_reported - self.households


@dataclass(frozen=True)
class ReachReport:
    dimension: ReachDimension
    filters: ReachFilters
    rows: list[ReachRow]
    total: ReachRow
    scoped_to_member: int | None = None
    #: The small-count threshold when counts below it are hidden; None when all are exact.
    threshold: int | None = None
    columns: tuple[str, ...] = field(
        default=(
            "label",
            "people",
            "people_reported",
            "people_overlap",
            "households",
            "households_reported",
            "households_overlap",
            "quantity",
            "value",
        )
    )


def _group_expression(dimension: ReachDimension) -> Expression | F:
    year = ExtractYear("delivered_on")
    if dimension == ReachDimension.MEMBER:
        return F("member_id")
    if dimension == ReachDimension.GOVERNORATE:
        return F("governorate_id")
    if dimension == ReachDimension.CATEGORY:
        return Coalesce("category__parent_id", "category_id")
    if dimension == ReachDimension.SUBCATEGORY:
        return F("category_id")
    if dimension == ReachDimension.MONTH:
        return year * Value(100) + ExtractMonth("delivered_on")
    if dimension == ReachDimension.QUARTER:
        return year * Value(10) + ExtractQuarter("delivered_on")
    return year


#: The person reached, through the registry: the entry's person, or every person of the
#: household for household deliveries; merged records count as the record they joined.
PERSON_KEY = Coalesce(
    "person__merged_into__merged_into_id",
    "person__merged_into_id",
    "person_id",
    "household__people__merged_into__merged_into_id",
    "household__people__merged_into_id",
    "household__people__id",
)

#: The household reached: the household of the surviving record when its head was merged
#: (two levels of merges, as for people).
HOUSEHOLD_KEY = Coalesce(
    "household__head__merged_into__merged_into__household_id",
    "household__head__merged_into__household_id",
    "household_id",
)


def reach_entries(*, user: Any, filters: ReachFilters) -> QuerySet[AidEntry]:
    """Effective deliveries within the filters and the user's scope."""
    entries: QuerySet[AidEntry] = AidEntry.objects.effective()
    if not _sees_all_aggregates(user):
        entries = scope_to_member(entries, user)
    if filters.date_from:
        entries = entries.filter(delivered_on__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(delivered_on__lte=filters.date_to)
    if filters.governorate:
        entries = entries.filter(governorate__code=filters.governorate)
    if filters.category:
        entries = entries.filter(category_in(filters.category))
    if filters.member is not None:
        entries = entries.filter(member_id=filters.member)
    return entries


def _sees_all_aggregates(user: Any) -> bool:
    """Coalition aggregates: the secretariat and the board of trustees."""
    from marsad.members.models import Role

    return bool(
        getattr(user, "is_coalition_wide", False) or getattr(user, "role", "") == Role.BOARD_MEMBER
    )


def reach_scope_member(user: Any) -> int | None:
    """The member a user's reach report is limited to (None: coalition-wide)."""
    return None if _sees_all_aggregates(user) else getattr(user, "member_id", None)


def _sees_exact_counts(user: Any) -> bool:
    """The secretariat, and a member in its own report (its own deliveries only)."""
    return bool(getattr(user, "is_coalition_wide", False)) or reach_scope_member(user) is not None


def _without_small_counts(row: ReachRow, threshold: int) -> ReachRow:
    """The row with its people, or households, and what is derived from them hidden when
    they are from 1 to threshold − 1."""
    hidden: dict[str, Any] = {}
    if 0 < (row.people or 0) < threshold:
        hidden.update(people=None, people_reported=None)
    if 0 < (row.households or 0) < threshold:
        hidden.update(households=None, households_reported=None, quantity=None, value=None)
    return replace(row, **hidden, suppressed=True) if hidden else row


def _cents(amount: Decimal | None) -> Decimal:
    """SQLite sums decimals without their scale; both databases give 2 places here."""
    return (amount or ZERO).quantize(CENT)


def _period_label(dimension: ReachDimension, key: int) -> str:
    if dimension == ReachDimension.MONTH:
        return f"{key // 100}-{key % 100:02d}"
    if dimension == ReachDimension.QUARTER:
        return _("Q%(quarter)s %(year)s") % {"quarter": key % 10, "year": key // 10}
    return str(key)


def _labels(dimension: ReachDimension, keys: set[int]) -> dict[int, str]:
    english = _english()
    if dimension == ReachDimension.MEMBER:
        return _member_names(keys)
    if dimension == ReachDimension.GOVERNORATE:
        return {
            pk: (en if english else ar)
            for pk, ar, en in Governorate.objects.filter(pk__in=keys).values_list(
                "pk", "name_ar", "name_en"
            )
        }
    if dimension in (ReachDimension.CATEGORY, ReachDimension.SUBCATEGORY):
        return {
            pk: (en if english else ar)
            for pk, ar, en in AidCategory.objects.filter(pk__in=keys).values_list(
                "pk", "name_ar", "name_en"
            )
        }
    return {key: _period_label(dimension, key) for key in keys}


def reach_report(
    *, user: Any, dimension: ReachDimension | str, filters: ReachFilters | None = None
) -> ReachReport:
    """Distinct people and households reached, grouped by `dimension`, with the overlap.

    Six queries whatever the size of the ledger: distinct counts per group, per group and
    member, per member, overall; value and quantity per group; the groups' labels (and the
    small-count threshold, for those who see small counts hidden).
    """
    dimension = ReachDimension(dimension)
    filters = filters or ReachFilters()
    entries = reach_entries(user=user, filters=filters)
    keyed = entries.annotate(grp=_group_expression(dimension), pkey=PERSON_KEY, hkey=HOUSEHOLD_KEY)
    counts = {
        "people": Count("pkey", distinct=True),
        "households": Count("hkey", distinct=True),
    }

    distinct = {row["grp"]: row for row in keyed.values("grp").annotate(**counts).order_by("grp")}
    reported: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in keyed.values("grp", "member_id").annotate(**counts).order_by():
        reported[row["grp"]][0] += row["people"]
        reported[row["grp"]][1] += row["households"]
    total_reported = [0, 0]
    for row in keyed.values("member_id").annotate(**counts).order_by():
        total_reported[0] += row["people"]
        total_reported[1] += row["households"]
    overall = keyed.aggregate(**counts)
    sums = {
        row["grp"]: row
        for row in entries.annotate(grp=_group_expression(dimension))
        .values("grp")
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .order_by()
    }
    labels = _labels(dimension, {key for key in distinct if key is not None})

    rows = [
        ReachRow(
            key=key,
            label=labels.get(key, "—") if key is not None else "—",
            people=row["people"],
            households=row["households"],
            people_reported=reported[key][0],
            households_reported=reported[key][1],
            quantity=_cents(sums.get(key, {}).get("quantity")),
            value=_cents(sums.get(key, {}).get("value")),
        )
        for key, row in distinct.items()
    ]
    if dimension in PERIOD_DIMENSIONS:
        rows.sort(key=lambda r: r.key or 0)
    else:
        rows.sort(key=lambda r: (-(r.people or 0), -(r.households or 0), r.label))
    total = ReachRow(
        key=None,
        label=_("Total"),
        people=overall["people"],
        households=overall["households"],
        people_reported=total_reported[0],
        households_reported=total_reported[1],
        quantity=_cents(sum((r.quantity or ZERO for r in rows), ZERO)),
        value=_cents(sum((r.value or ZERO for r in rows), ZERO)),
    )
    threshold = None
    if not _sees_exact_counts(user):
        threshold = int(CoalitionSettings.current().small_count_threshold)
        rows = [_without_small_counts(row, threshold) for row in rows]
        total = _without_small_counts(total, threshold)
    return ReachReport(
        dimension=dimension,
        filters=filters,
        rows=rows,
        total=total,
        scoped_to_member=reach_scope_member(user),
        threshold=threshold,
    )


def reach_table(report: ReachReport) -> tuple[list[str], list[list[Any]]]:
    """The report as a header and rows (with the total last), for CSV and XLSX. A hidden
    small count reads "<threshold"; a figure derived from one is left empty."""

    def count(value: int | None) -> int | str:
        return f"<{report.threshold}" if value is None else value

    def derived(value: Any) -> Any:
        return "" if value is None else value

    header = [
        str(REACH_DIMENSION_LABELS[report.dimension]),
        _("People reached (distinct)"),
        _("People, sum of member reports"),
        _("People served by more than one member (overlap)"),
        _("Households reached (distinct)"),
        _("Households, sum of member reports"),
        _("Households served by more than one member (overlap)"),
        _("Quantity"),
        _("Value (EGP)"),
    ]
    rows = [
        [
            row.label,
            count(row.people),
            count(row.people_reported),
            derived(row.people_overlap),
            count(row.households),
            count(row.households_reported),
            derived(row.households_overlap),
            derived(row.quantity),
            derived(row.value),
        ]
        for row in [*report.rows, report.total]
    ]
    return header, rows


# Conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictFilters:
    action: str = ""
    resolution: str = ""
    member: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class ConflictSide:
    """One delivery of a conflict. `entry_id`, `household_id` and `person_name` are None
    when the viewer may not see that delivery in full (another member's)."""

    member: str
    category: str
    delivered_on: datetime.date
    own: bool
    entry_id: int | None = None
    household_id: int | None = None
    person_name: str | None = None


@dataclass(frozen=True)
class ConflictRow:
    id: int
    rule: str
    action: str
    action_label: str
    resolution: str
    resolution_label: str
    found_at: datetime.datetime
    entry: ConflictSide
    other: ConflictSide
    reason: str | None = None
    decided_by: str | None = None


#: What a conflict row shows of both deliveries, read with the conflict.
CONFLICT_RELATED = (
    "rule__category",
    "decided_by",
    "entry__member",
    "entry__category",
    "entry__person",
    "other__member",
    "other__category",
    "other__person",
)


def conflict_list(*, user: Any, filters: ConflictFilters | None = None) -> QuerySet[AidConflict]:
    """Conflicts the user may see: all for the secretariat; for a member, those where one
    of its own deliveries is on either side."""
    filters = filters or ConflictFilters()
    conflicts = AidConflict.objects.all()
    if not getattr(user, "is_coalition_wide", False):
        member_id = getattr(user, "member_id", None)
        if member_id is None:
            return conflicts.none()
        conflicts = conflicts.filter(Q(entry__member_id=member_id) | Q(other__member_id=member_id))
    if filters.action:
        conflicts = conflicts.filter(action=filters.action)
    if filters.resolution:
        conflicts = conflicts.filter(resolution=filters.resolution)
    if filters.member is not None:
        conflicts = conflicts.filter(
            Q(entry__member_id=filters.member) | Q(other__member_id=filters.member)
        )
    if filters.date_from:
        conflicts = conflicts.filter(entry__delivered_on__gte=filters.date_from)
    if filters.date_to:
        conflicts = conflicts.filter(entry__delivered_on__lte=filters.date_to)
    return conflicts.select_related(*CONFLICT_RELATED).order_by("-created_at", "-id")


def _side(entry: AidEntry, *, user: Any) -> ConflictSide:
    english = _english()
    own = bool(getattr(user, "member_id", None) == entry.member_id)
    full = own or getattr(user, "is_coalition_wide", False)
    return ConflictSide(
        member=entry.member.display_name("en" if english else "ar"),
        category=entry.category.name,
        delivered_on=entry.delivered_on,
        own=own,
        entry_id=entry.pk if full else None,
        household_id=entry.household_id if full else None,
        person_name=(entry.person.full_name if entry.person else "") if full else None,
    )


def conflict_rows(*, user: Any, conflicts: Iterable[AidConflict]) -> list[ConflictRow]:
    """Conflicts as the user may see them: the other member's side is name, category,
    date only; the decision (reason, who) only to the side that took it."""
    rows = []
    for conflict in conflicts:
        entry = _side(conflict.entry, user=user)
        decided = entry.entry_id is not None
        rows.append(
            ConflictRow(
                id=conflict.pk,
                rule=str(conflict.rule),
                action=conflict.action,
                action_label=str(conflict.get_action_display()),
                resolution=conflict.resolution,
                resolution_label=str(conflict.get_resolution_display()),
                found_at=conflict.created_at,
                entry=entry,
                other=_side(conflict.other, user=user),
                reason=conflict.reason if decided else None,
                decided_by=(str(conflict.decided_by) if conflict.decided_by else "")
                if decided
                else None,
            )
        )
    return rows


# Aid histories -----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One delivery in a household's or person's history. Another member's delivery shows
    only the member, category and date; the rest is None."""

    delivered_on: datetime.date
    member: str
    category: str
    own: bool
    entry_id: int | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    value: Decimal | None = None
    person_name: str | None = None
    is_reversed: bool = False


def _history(user: Any, entries: QuerySet[AidEntry]) -> list[HistoryRow]:
    member_id = getattr(user, "member_id", None)
    wide = getattr(user, "is_coalition_wide", False)
    visible = Q(member_id=member_id) if member_id is not None else Q(pk__in=[])
    if not wide:
        # Another member's reversed deliveries never happened, as far as others know.
        entries = entries.filter(visible | Q(pk__in=AidEntry.objects.effective().values("pk")))
    english = _english()
    rows = []
    for entry in (
        entries.filter(kind=AidEntry.Kind.DELIVERY)
        .select_related("member", "category", "person")
        .annotate(is_reversed=_reversed())
        .order_by("-delivered_on", "-id")
    ):
        own = entry.member_id == member_id
        full = own or wide
        rows.append(
            HistoryRow(
                delivered_on=entry.delivered_on,
                member=entry.member.display_name("en" if english else "ar"),
                category=entry.category.name,
                own=own,
                entry_id=entry.pk if full else None,
                quantity=entry.quantity if full else None,
                unit=entry.category.unit if full else None,
                value=entry.value if full else None,
                person_name=(entry.person.full_name if entry.person else "") if full else None,
                is_reversed=bool(entry.is_reversed) if full else False,
            )
        )
    return rows


def household_aid_history(*, user: Any, household: Household) -> list[HistoryRow]:
    """Deliveries to the household or anyone in it, by every member."""
    return _history(user, AidEntry.objects.filter(household=household))


def person_aid_history(*, user: Any, person: Person) -> list[HistoryRow]:
    """Deliveries to the person (or records merged into them) and to their household."""
    merged = Person.objects.filter(
        Q(merged_into=person) | Q(merged_into__merged_into=person)
    ).values("pk")
    return _history(
        user,
        AidEntry.objects.filter(
            Q(person=person)
            | Q(person__in=merged)
            | Q(household_id=person.household_id, person__isnull=True)
        ),
    )


# Recording -------------------------------------------------------------------------------


def aid_beneficiary(
    *, user: Any, household_id: int | None = None, person_id: int | None = None
) -> tuple[Household, Person | None]:
    """The household (and person) the user's member may record aid for; 404 otherwise:
    households it registered or where it serves someone, people it serves."""
    from django.http import Http404

    from marsad.assistance.validation import households_open_to

    member = getattr(user, "member", None)
    if member is None:
        raise Http404
    if person_id is not None:
        person = (
            Person.objects.filter(pk=person_id, service_links__member=member)
            .exclude(status=Person.Status.MERGED)
            .select_related("household__governorate", "household__member")
            .first()
        )
        if person is None:
            raise Http404
        return person.household, person
    if household_id is None:
        raise Http404
    household = (
        Household.objects.filter(households_open_to(member), pk=household_id)
        .select_related("governorate", "member")
        .first()
    )
    if household is None:
        raise Http404
    return household, None


def aid_recipients(*, user: Any, household: Household) -> list[tuple[int, str]]:
    """People of the household the user may name as recipients: those it sees in full."""
    from marsad.matching.selectors import people_visible_in_full

    return list(
        Person.objects.filter(people_visible_in_full(user), household=household)
        .exclude(status=Person.Status.MERGED)
        .distinct()
        .order_by("pk")
        .values_list("pk", "full_name")
    )


def entry_conflicts(*, entry: AidEntry) -> QuerySet[AidConflict]:
    """Conflicts the entry is on either side of (shown on its page, masked by `conflict_rows`)."""
    return (
        AidConflict.objects.filter(Q(entry=entry) | Q(other=entry))
        .select_related(*CONFLICT_RELATED)
        .order_by("-created_at", "-id")
    )


def entry_as_initial(entry: AidEntry) -> dict[str, Any]:
    """A delivery as the correction form's starting values."""
    return {
        "category": entry.category.code,
        "person": entry.person_id,
        "quantity": entry.quantity,
        "value": entry.value,
        "delivered_on": entry.delivered_on,
        "period_start": entry.period_start,
        "period_end": entry.period_end,
        "program": entry.program.code if entry.program else "",
        "governorate": entry.governorate.code,
        "district": entry.district.code if entry.district else "",
        "village": entry.village,
        "delivered_by_name": entry.delivered_by_name,
        "note": entry.note,
    }
