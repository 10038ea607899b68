"""What the coalition reaches where: coverage measures per area, computed from the data.

Coverage is a registry of sources. Each source runs a few set-based queries for one scope
(level, period, sector) and returns, per measure code, {area id: value}; the recompute
service asks every registered source and hands the values to the gap engine. A new source
(volunteers and their hours, programs' own reach) is a small class added with
`coverage_source_register`, plus its `CoverageMeasure` definitions.

Counting rules (kept simple, written down in docs/decisions/0008-gap-observatory.md):

* Only effective deliveries count (`AidEntry.objects.effective()`: not reversals, not
  reversed), placed in the area recorded on the delivery.
* Households reached: distinct households with at least one delivery in the area.
* People reached: distinct people with a person-level delivery (a record merged into another
  counts as the record it joined), plus every person recorded in a household that had a
  household-level delivery (records merged into another person are left out: their
  survivor is counted where it is recorded).
* Aid value: the sum of the deliveries' values (EGP); per capita in the index.
* Members active: distinct member institutions with a delivery; programs active: distinct
  programs named on deliveries.

Areas with no delivery get 0 for every measure: no coverage is a fact, not missing data.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marsad.assistance.models import AidCategory, AidEntry
from marsad.engines.gapindex import Transform
from marsad.observatory.models import Level

_PERIOD = re.compile(r"^([0-9]{4})(?:-Q([1-4]))?$")  # Western digits: one spelling, one snapshot
ALL_PERIODS = "all"


@dataclass(frozen=True)
class CoverageMeasure:
    """A coverage measure: how it enters the index and whether it is a count of people.

    `count` measures are suppressed below the small-count threshold for those who may not
    see exact figures; `derived_from` names the count whose suppression also hides this one.
    """

    code: str
    label: str | Promise
    transform: Transform
    weight: float
    count: bool = False
    derived_from: str = ""
    #: Fixed (low, high) after the transform, so that coverage means the same from one
    #: recompute to the next; without them the best-covered area would always score 1.
    goalposts: tuple[float, float] | None = None


@dataclass(frozen=True)
class CoverageScope:
    level: str
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    category_ids: tuple[int, ...] | None = None


@dataclass
class CoverageData:
    """Measure code → {area id: value}; `actors`: area id → who does what there."""

    values: dict[str, dict[int, float]] = field(default_factory=dict)
    actors: dict[int, dict[str, Any]] = field(default_factory=dict)
    first_delivery: datetime.date | None = None
    last_delivery: datetime.date | None = None


class CoverageSource(Protocol):
    measures: tuple[CoverageMeasure, ...]

    def measure(self, scope: CoverageScope) -> CoverageData: ...


def period_range(period: str) -> tuple[datetime.date | None, datetime.date | None] | None:
    """ "all" → (None, None); "2026" → the year; "2026-Q3" → the quarter; else None."""
    if period == ALL_PERIODS:
        return None, None
    match = _PERIOD.match(period)
    if not match:
        return None
    year = int(match.group(1))
    if not 1900 <= year <= 2200:
        return None
    if match.group(2) is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    quarter = int(match.group(2))
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (
        datetime.date(year, 12, 31)
        if end_month == 12
        else datetime.date(year, end_month + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def sector_category_ids(sector: str) -> tuple[int, ...] | None:
    """The category with this code and its sub-categories; None for all aid ("")."""
    if not sector:
        return None
    return tuple(
        AidCategory.objects.filter(Q(code=sector) | Q(parent__code=sector))
        .order_by("id")
        .values_list("id", flat=True)
    )


def scope_for(*, level: str, sector: str, period: str) -> CoverageScope:
    dates = period_range(period)
    if dates is None:
        raise ValueError(f"Unknown period {period!r}")
    return CoverageScope(
        level=level,
        date_from=dates[0],
        date_to=dates[1],
        category_ids=sector_category_ids(sector),
    )


def area_column(level: str) -> str:
    return "district_id" if level == Level.DISTRICT else "governorate_id"


def effective_entries(scope: CoverageScope) -> QuerySet[AidEntry]:
    entries = AidEntry.objects.effective()
    if scope.date_from:
        entries = entries.filter(delivered_on__gte=scope.date_from)
    if scope.date_to:
        entries = entries.filter(delivered_on__lte=scope.date_to)
    if scope.category_ids is not None:
        entries = entries.filter(category_id__in=scope.category_ids or [0])
    if scope.level == Level.DISTRICT:
        entries = entries.filter(district__isnull=False)
    return entries.order_by()


def _pairs(
    queryset: QuerySet[Any], column: str, key: str | Combinable
) -> tuple[str, tuple[Any, ...]]:
    """SQL of the distinct (area, item) pairs of `queryset`, the area taken from `column`."""
    item = F(key) if isinstance(key, str) else key
    pairs = queryset.values(area=F(column), item=item).distinct()
    sql, params = pairs.query.sql_with_params()
    return sql, tuple(params)


def _count_per_area(sql: str, params: tuple[Any, ...]) -> dict[int, float]:
    """Rows per area of a query of distinct (area, item) pairs, counted in the database.

    Distinct pairs first, then a count per area: a hash aggregate over the pairs instead of
    sorting the whole ledger for COUNT(DISTINCT).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT area, COUNT(*) FROM ({sql}) pairs GROUP BY area",  # noqa: S608
            params,
        )
        return {area: float(count) for area, count in cursor.fetchall() if area is not None}


class HouseholdsReached:
    measures: tuple[CoverageMeasure, ...] = (
        CoverageMeasure(
            "households_reached",
            _("Households reached per 1,000 people"),
            Transform.PER_CAPITA,
            1.0,
            count=True,
            # 50 households per 1,000 people is about one household in five.
            goalposts=(0.0, 50.0),
        ),
    )

    def measure(self, scope: CoverageScope) -> CoverageData:
        sql, params = _pairs(effective_entries(scope), area_column(scope.level), "household_id")
        return CoverageData(values={"households_reached": _count_per_area(sql, params)})


#: The person a person-level delivery reached: the record it was merged into, if any (a
#: merge can be followed by another), so that one person's two records count once.
SURVIVING_PERSON = Coalesce(
    "person__merged_into__merged_into_id", "person__merged_into_id", "person_id"
)


class PeopleReached:
    measures: tuple[CoverageMeasure, ...] = (
        CoverageMeasure(
            "people_reached",
            _("People reached per 1,000 people"),
            Transform.PER_CAPITA,
            1.0,
            count=True,
            goalposts=(0.0, 200.0),
        ),
    )

    def measure(self, scope: CoverageScope) -> CoverageData:
        from marsad.registry.models import Person

        column = area_column(scope.level)
        entries = effective_entries(scope)
        people_sql, people_params = _pairs(
            entries.filter(person__isnull=False), column, SURVIVING_PERSON
        )
        households_sql, households_params = _pairs(
            entries.filter(person__isnull=True), column, "household_id"
        )
        person_table = connection.ops.quote_name(Person._meta.db_table)
        # The people recorded in households served as a whole, in that delivery's area.
        sql = (
            f"SELECT area, item FROM ({people_sql}) by_person UNION "  # noqa: S608
            f"SELECT served.area, person.id FROM ({households_sql}) served "
            f"JOIN {person_table} person ON person.household_id = served.item "
            "AND person.merged_into_id IS NULL"
        )
        return CoverageData(
            values={"people_reached": _count_per_area(sql, (*people_params, *households_params))}
        )


class LedgerBreakdown:
    """Value, members and programs per area, and who does what: one pass over the ledger."""

    measures: tuple[CoverageMeasure, ...] = (
        CoverageMeasure(
            "aid_value",
            _("Aid value per 1,000 people (EGP, log scale)"),
            Transform.PER_CAPITA_LOG,
            1.0,
            derived_from="households_reached",
            # log(1 + EGP per 1,000 people): up to EGP 1,000 a person.
            goalposts=(0.0, 13.82),
        ),
        CoverageMeasure(
            "members_active",
            _("Member institutions active"),
            Transform.NONE,
            0.5,
            goalposts=(0.0, 10.0),
        ),
        CoverageMeasure(
            "programs_active", _("Programs active"), Transform.NONE, 0.5, goalposts=(0.0, 10.0)
        ),
    )

    def measure(self, scope: CoverageScope) -> CoverageData:
        column = area_column(scope.level)
        rows = (
            effective_entries(scope)
            .values(column, "member_id", "program_id", "category_id")
            .annotate(
                deliveries=Count("id"),
                value=Sum("value"),
                first=Min("delivered_on"),
                last=Max("delivered_on"),
            )
            .order_by()
        )
        first: datetime.date | None = None
        last: datetime.date | None = None
        value: dict[int, float] = defaultdict(float)
        members: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        programs: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            first = row["first"] if first is None else min(first, row["first"])
            last = row["last"] if last is None else max(last, row["last"])
            area = row[column]
            if area is None:
                continue
            value[area] += float(row["value"] or 0)
            member = members[area].setdefault(
                row["member_id"], {"id": row["member_id"], "deliveries": 0, "categories": set()}
            )
            member["deliveries"] += row["deliveries"]
            member["categories"].add(row["category_id"])
            if row["program_id"] is not None:
                programs[area].add(row["program_id"])
        actors = {
            area: {
                "members": [
                    {**m, "categories": sorted(m["categories"])}
                    for m in sorted(by_member.values(), key=lambda m: -m["deliveries"])
                ],
                "programs": sorted(programs.get(area, ())),
            }
            for area, by_member in members.items()
        }
        return CoverageData(
            values={
                "aid_value": dict(value),
                "members_active": {area: float(len(m)) for area, m in members.items()},
                "programs_active": {area: float(len(p)) for area, p in programs.items()},
            },
            actors=actors,
            first_delivery=first,
            last_delivery=last,
        )


COVERAGE_SOURCES: list[CoverageSource] = [HouseholdsReached(), PeopleReached(), LedgerBreakdown()]


def coverage_source_register(source: CoverageSource) -> None:
    """Add a coverage source (volunteers, programs' own reach...) to every recompute."""
    COVERAGE_SOURCES.append(source)


def coverage_measures() -> list[CoverageMeasure]:
    return [measure for source in COVERAGE_SOURCES for measure in source.measures]


def coverage_compute(scope: CoverageScope, area_ids: Iterable[int]) -> CoverageData:
    """Every registered source's measures for every area (0 where nothing was found)."""
    result = CoverageData()
    areas = list(area_ids)
    for source in COVERAGE_SOURCES:
        data = source.measure(scope)
        for measure in source.measures:
            found = data.values.get(measure.code, {})
            result.values[measure.code] = {area: found.get(area, 0.0) for area in areas}
        for area, actors in data.actors.items():
            result.actors.setdefault(area, {}).update(actors)
        if data.first_delivery is not None:
            result.first_delivery = data.first_delivery
            result.last_delivery = data.last_delivery
    return result
