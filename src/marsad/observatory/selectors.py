"""Reads of the observatory: the gap table, an area's detail, the map's GeoJSON.

Everything here reads stored snapshots (a handful of small queries whatever the size of the
ledger); a combination of sector and period never computed before is computed once, stored,
and read like the others.

Small counts: for everyone but the secretariat (and the public), a count of households or
people reached that is above 0 and below `CoalitionSettings.small_count_threshold` is
returned as None with `suppressed = True`, and so is every figure derived from it (the rate
per 1,000, the aid value per person, the raw values in the explanation). The composite
indices (need, coverage, gap) stay: they are min–max scores over all areas, not counts.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marsad.assistance.models import AidCategory
from marsad.core.errors import ApplicationError
from marsad.core.models import CoalitionSettings
from marsad.geo.models import District, Governorate
from marsad.members.models import Member
from marsad.observatory.coverage import ALL_PERIODS, coverage_measures, period_range
from marsad.observatory.errors import ObservatoryError
from marsad.observatory.models import GapScore, GapSnapshot, Indicator, Level
from marsad.observatory.services import gap_snapshot_compute
from marsad.programs.models import Program

BASE_MEASURES = ("gap", "need", "coverage", "gap_rank")
TREND_POINTS = 24
#: Counts hidden below the threshold, and the figures derived from each.
SUPPRESSIBLE = {
    "households_reached": ("households_reached", "value_per_capita", "aid_value"),
    "people_reached": ("people_reached",),
}
#: Rounding of boundary coordinates (4 decimals ≈ 11 m) and simplification tolerance (deg).
COORDINATE_DECIMALS = 4
SIMPLIFY_TOLERANCE = 0.002


@dataclass(frozen=True)
class GapRow:
    code: str
    name: str
    name_ar: str
    name_en: str
    value: float | None
    need: float | None
    coverage: float | None
    gap: float | None
    gap_rank: float | None
    rank: int | None
    population: int | None
    households_reached: int | None
    people_reached: int | None
    value_per_capita: float | None
    members_active: int
    programs_active: int
    suppressed: bool
    missing: list[str]
    drivers: list[dict[str, Any]]


@dataclass(frozen=True)
class GapTable:
    as_of: datetime.datetime | None
    level: str
    measure: str
    measure_label: str
    sector: str
    period: str
    threshold: int
    measures: list[tuple[str, str]]
    rows: list[GapRow]
    labels: dict[str, str] = field(default_factory=dict)  # indicator and measure names


@dataclass(frozen=True)
class AreaDetail:
    row: GapRow
    as_of: datetime.datetime | None
    level: str
    sector: str
    period: str
    threshold: int
    trend: list[tuple[datetime.datetime, float | None]]
    indicators: list[dict[str, Any]]
    need_parts: list[dict[str, Any]]
    coverage_parts: list[dict[str, Any]]
    members: list[dict[str, Any]]
    programs: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


# Checking the request -------------------------------------------------------------------


def _english() -> bool:
    return get_language() == "en"


def _check_level(level: str) -> None:
    if level not in Level.values:
        raise ApplicationError(
            code=ObservatoryError.UNKNOWN_LEVEL,
            message=_("Unknown level %(level)s; use governorate or district.") % {"level": level},
            field="level",
        )


def _check_sector(sector: str) -> None:
    if sector and not AidCategory.objects.filter(code=sector).exists():
        raise ApplicationError(
            code=ObservatoryError.UNKNOWN_SECTOR,
            message=_("Unknown sector %(sector)s; use an aid category code.") % {"sector": sector},
            field="sector",
        )


def _check_period(period: str) -> None:
    if period_range(period) is None:
        raise ApplicationError(
            code=ObservatoryError.UNKNOWN_PERIOD,
            message=_("Unknown period %(period)s; use all, a year (2026) or a quarter (2026-Q3).")
            % {"period": period},
            field="period",
        )


def small_count_threshold() -> int:
    return int(CoalitionSettings.current().small_count_threshold)


def sees_exact_counts(user: Any) -> bool:
    """The secretariat sees exact counts; members and the public see small ones hidden."""
    return bool(getattr(user, "is_coalition_wide", False))


# Measures -------------------------------------------------------------------------------


def _indicators(level: str) -> list[Indicator]:
    return list(Indicator.objects.filter(level=level).order_by("code"))


def measures_available(indicators: list[Indicator]) -> list[tuple[str, str]]:
    measures = [
        ("gap", _("Gap")),
        ("need", _("Need")),
        ("coverage", _("Coverage")),
        ("gap_rank", _("Gap (rank-based)")),
    ]
    measures += [(f"indicator:{i.code}", i.name) for i in indicators]
    measures += [(f"coverage:{m.code}", str(m.label)) for m in coverage_measures()]
    return measures


def _coverage_value(code: str, raw: float | None, population: int | None) -> float | None:
    """A coverage measure as the map shows it: per 1,000 people, as its label says (the log
    of an amount is how the index scores it, not what the map shows), or as counted."""
    from marsad.engines.gapindex import Transform

    measure = next((m for m in coverage_measures() if m.code == code), None)
    if raw is None or measure is None:
        return None
    if measure.transform in (Transform.PER_CAPITA, Transform.PER_CAPITA_LOG):
        return raw / population * 1000 if population else None
    return raw


# Snapshots ------------------------------------------------------------------------------


def latest_snapshot(*, level: str, sector: str, period: str) -> GapSnapshot | None:
    return (
        GapSnapshot.objects.filter(
            level=level, sector=sector, period=period, status=GapSnapshot.Status.READY
        )
        .order_by("-as_of", "-id")
        .first()
    )


def _snapshot(*, level: str, sector: str, period: str) -> GapSnapshot:
    """The latest snapshot, computed now if this combination was never computed."""
    snapshot = latest_snapshot(level=level, sector=sector, period=period)
    if snapshot is None:
        snapshot = gap_snapshot_compute(level=level, sector=sector, period=period)
    return snapshot


SCORE_FIELDS = (
    "area_code",
    "population",
    "need",
    "coverage",
    "gap",
    "gap_rank",
    "rank",
    "households_reached",
    "people_reached",
    "aid_value",
    "value_per_capita",
    "members_active",
    "programs_active",
    "indicators",
    "coverage_values",
    "parts",
    "missing",
)


def _score_rows(snapshot: GapSnapshot, *, level: str, code: str = "") -> list[dict[str, Any]]:
    prefix = "district" if level == Level.DISTRICT else "governorate"
    scores = GapScore.objects.filter(snapshot=snapshot)
    if code:
        scores = scores.filter(area_code=code)
    return list(scores.values(*SCORE_FIELDS, "actors", f"{prefix}__name_ar", f"{prefix}__name_en"))


def _hidden(score: dict[str, Any], *, exact: bool, threshold: int) -> set[str]:
    """The fields of this row that must not be shown to this viewer."""
    if exact:
        return set()
    hidden: set[str] = set()
    for count, derived in SUPPRESSIBLE.items():
        if 0 < (score.get(count) or 0) < threshold:
            hidden.update(derived)
    return hidden


def _row(
    score: dict[str, Any],
    *,
    level: str,
    measure: str,
    labels: dict[str, str],
    exact: bool,
    threshold: int,
) -> GapRow:
    prefix = "district" if level == Level.DISTRICT else "governorate"
    hidden = _hidden(score, exact=exact, threshold=threshold)
    name_ar, name_en = score[f"{prefix}__name_ar"], score[f"{prefix}__name_en"]
    value: float | None
    if measure.startswith("indicator:"):
        item = score["indicators"].get(measure.removeprefix("indicator:"))
        value = item["value"] if item else None
    elif measure.startswith("coverage:"):
        code = measure.removeprefix("coverage:")
        value = (
            None
            if code in hidden
            else _coverage_value(code, score["coverage_values"].get(code), score["population"])
        )
    else:
        value = score[measure]
    need_parts = {part["code"]: part for part in score["parts"].get("need", [])}
    drivers = [
        {
            "code": code,
            "label": labels.get(code, code),
            "contribution": need_parts.get(code, {}).get("contribution"),
        }
        for code in score["parts"].get("drivers", [])
    ]
    return GapRow(
        code=score["area_code"],
        name=name_en if _english() else name_ar,
        name_ar=name_ar,
        name_en=name_en,
        value=value,
        need=score["need"],
        coverage=score["coverage"],
        gap=score["gap"],
        gap_rank=score["gap_rank"],
        rank=score["rank"],
        population=score["population"],
        households_reached=None if "households_reached" in hidden else score["households_reached"],
        people_reached=None if "people_reached" in hidden else score["people_reached"],
        value_per_capita=None if "value_per_capita" in hidden else score["value_per_capita"],
        members_active=score["members_active"],
        programs_active=score["programs_active"],
        suppressed=bool(hidden),
        missing=list(score["missing"]),
        drivers=drivers,
    )


def _check_measure(measure: str, measures: list[tuple[str, str]]) -> str:
    for key, label in measures:
        if key == measure:
            return label
    raise ApplicationError(
        code=ObservatoryError.UNKNOWN_MEASURE,
        message=_("Unknown measure %(measure)s.") % {"measure": measure},
        field="measure",
    )


def _labels(indicators: list[Indicator]) -> dict[str, str]:
    labels = {i.code: i.name for i in indicators}
    labels.update({m.code: str(m.label) for m in coverage_measures()})
    return labels


def _sort_key(row: GapRow) -> tuple[int, int, str]:
    return (row.rank is None, row.rank or 0, row.code)


def gap_table(
    *,
    level: str = Level.GOVERNORATE,
    measure: str = "gap",
    sector: str = "",
    period: str = ALL_PERIODS,
    user: Any = None,
) -> GapTable:
    """Every area of `level` with its need, coverage, gap and the chosen measure's value.

    Rows are sorted by priority rank (1 = largest gap), areas without a gap last. Raises
    ApplicationError with an `observatory.unknown_*` code for a bad parameter.
    """
    _check_level(level)
    _check_sector(sector)
    _check_period(period)
    indicators = _indicators(level)
    measures = measures_available(indicators)
    measure_label = _check_measure(measure, measures)
    snapshot = _snapshot(level=level, sector=sector, period=period)
    threshold = small_count_threshold()
    exact = sees_exact_counts(user)
    labels = _labels(indicators)
    rows = [
        _row(score, level=level, measure=measure, labels=labels, exact=exact, threshold=threshold)
        for score in _score_rows(snapshot, level=level)
    ]
    rows.sort(key=_sort_key)
    return GapTable(
        as_of=snapshot.as_of,
        level=level,
        measure=measure,
        measure_label=measure_label,
        sector=sector,
        period=period,
        threshold=threshold,
        measures=measures,
        rows=rows,
        labels=labels,
    )


def _parts(
    parts: list[dict[str, Any]], labels: dict[str, str], hidden: set[str]
) -> list[dict[str, Any]]:
    shown = []
    for part in parts:
        item = {**part, "label": labels.get(part["code"], part["code"])}
        if part["code"] in hidden:
            # The score and its share too: with the goalposts and the population, either
            # gives the hidden count back.
            item.update(raw=None, transformed=None, score=None, contribution=None, suppressed=True)
        shown.append(item)
    return shown


def area_detail(
    *,
    level: str,
    code: str,
    sector: str = "",
    period: str = ALL_PERIODS,
    user: Any = None,
) -> AreaDetail:
    """One area for the side panel: its row, the explanation, the trend, who does what."""
    _check_level(level)
    _check_sector(sector)
    _check_period(period)
    snapshot = _snapshot(level=level, sector=sector, period=period)
    scores = _score_rows(snapshot, level=level, code=code)
    if not scores:
        raise ApplicationError(
            code=ObservatoryError.UNKNOWN_AREA,
            message=_("No area with the code %(code)s on this map.") % {"code": code},
            field="code",
        )
    score = scores[0]
    indicators = _indicators(level)
    labels = _labels(indicators)
    threshold = small_count_threshold()
    exact = sees_exact_counts(user)
    hidden = _hidden(score, exact=exact, threshold=threshold)
    row = _row(score, level=level, measure="gap", labels=labels, exact=exact, threshold=threshold)
    trend = list(
        GapScore.objects.filter(
            snapshot__level=level,
            snapshot__sector=sector,
            snapshot__period=period,
            snapshot__status=GapSnapshot.Status.READY,
            area_code=code,
        )
        .order_by("-snapshot__as_of")
        .values_list("snapshot__as_of", "gap")[:TREND_POINTS]
    )
    trend.reverse()
    by_code = {i.code: i for i in indicators}
    indicator_rows = [
        {
            "code": key,
            "label": by_code[key].name if key in by_code else key,
            "unit": by_code[key].unit if key in by_code else "",
            "value": item["value"],
            "year": item["year"],
            "in_need_index": by_code[key].in_need_index if key in by_code else False,
        }
        for key, item in sorted(score["indicators"].items())
    ]
    actors = score["actors"] or {}
    member_rows = actors.get("members", [])
    member_names = {m.pk: m for m in Member.objects.filter(pk__in=[m["id"] for m in member_rows])}
    category_ids = {c for m in member_rows for c in m.get("categories", [])}
    categories = {c.pk: c.name for c in AidCategory.objects.filter(pk__in=category_ids)}
    members = [
        {
            "id": item["id"],
            "name": str(member_names[item["id"]]) if item["id"] in member_names else "—",
            "deliveries": item["deliveries"]
            if exact or not 0 < item["deliveries"] < threshold
            else None,
            "categories": [categories[c] for c in item.get("categories", []) if c in categories],
        }
        for item in member_rows
    ]
    programs = [
        {"id": p.pk, "code": p.code, "name": p.name, "member": str(p.member)}
        for p in Program.objects.filter(pk__in=actors.get("programs", [])).select_related("member")
    ]
    return AreaDetail(
        row=row,
        as_of=snapshot.as_of,
        level=level,
        sector=sector,
        period=period,
        threshold=threshold,
        trend=trend,
        indicators=indicator_rows,
        need_parts=_parts(score["parts"].get("need", []), labels, hidden),
        coverage_parts=_parts(score["parts"].get("coverage", []), labels, hidden),
        members=members,
        programs=programs,
    )


# The map --------------------------------------------------------------------------------

_GEOMETRY_CACHE: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _round(coordinates: Any) -> Any:
    if isinstance(coordinates, float | int):
        return round(float(coordinates), COORDINATE_DECIMALS)
    return [_round(c) for c in coordinates]


def simplified_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """A lighter geometry for the map: simplified (topology kept), coordinates rounded."""
    from shapely.geometry import mapping, shape

    try:
        simple = shape(geometry).simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
        light = json.loads(json.dumps(mapping(simple)))
    except (ValueError, TypeError, AttributeError):
        light = geometry
    return {"type": light["type"], "coordinates": _round(light["coordinates"])}


def boundaries(level: str) -> dict[str, dict[str, Any]]:
    """Area code → simplified geometry, cached in the process until a boundary changes."""
    model: Any = District if level == Level.DISTRICT else Governorate
    stamp = tuple(
        model.objects.filter(boundary__isnull=False)
        .aggregate(changed=Max("updated_at"), count=Count("id"))
        .values()
    )
    cached = _GEOMETRY_CACHE.get(level)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    geometries = {
        code: simplified_geometry(boundary)
        for code, boundary in model.objects.filter(boundary__isnull=False).values_list(
            "code", "boundary"
        )
    }
    _GEOMETRY_CACHE[level] = (stamp, geometries)
    return geometries


def gap_geojson(
    *,
    level: str = Level.GOVERNORATE,
    measure: str = "gap",
    sector: str = "",
    period: str = ALL_PERIODS,
    user: Any = None,
) -> dict[str, Any]:
    """The gap table as a GeoJSON FeatureCollection; areas without a boundary are left out."""
    table = gap_table(level=level, measure=measure, sector=sector, period=period, user=user)
    geometries = boundaries(level)
    features = [
        {
            "type": "Feature",
            "id": row.code,
            "properties": asdict(row),
            "geometry": geometries[row.code],
        }
        for row in table.rows
        if row.code in geometries
    ]
    return {
        "type": "FeatureCollection",
        "as_of": table.as_of.isoformat() if table.as_of else None,
        "level": table.level,
        "measure": table.measure,
        "measure_label": table.measure_label,
        "sector": table.sector,
        "period": table.period,
        "threshold": table.threshold,
        "features": features,
    }


# Choices --------------------------------------------------------------------------------


def _period_label(period: str) -> str:
    if period == ALL_PERIODS:
        return _("All time")
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    return period


def periods_available() -> list[tuple[str, str]]:
    """ "all", then every year (newest first) from the first delivery to this year, each
    followed by its quarters; plus any period a snapshot was computed for."""
    today = timezone.localdate()
    first_year = today.year
    snapshot = latest_snapshot(level=Level.GOVERNORATE, sector="", period=ALL_PERIODS)
    if snapshot is not None and snapshot.settings.get("deliveries_from"):
        first_year = min(first_year, int(snapshot.settings["deliveries_from"][:4]))
    periods = [ALL_PERIODS]
    for year in range(today.year, first_year - 1, -1):
        periods.append(str(year))
        last_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        periods += [f"{year}-Q{q}" for q in range(last_quarter, 0, -1)]
    for period in (
        GapSnapshot.objects.values_list("period", flat=True).distinct().order_by("period")
    ):
        if period not in periods:
            periods.append(period)
    return [(period, _period_label(period)) for period in periods]


def sectors_available() -> list[tuple[str, str]]:
    """All aid, then each top-level aid category (a sector includes its sub-categories)."""
    english = _english()
    sectors = [("", _("All aid"))]
    sectors += [
        (code, en if english else ar)
        for code, ar, en in AidCategory.objects.filter(parent__isnull=True, is_active=True)
        .order_by("kind", "code")
        .values_list("code", "name_ar", "name_en")
    ]
    return sectors


# Export ---------------------------------------------------------------------------------


def gap_table_export(table: GapTable) -> tuple[list[str], list[str], list[list[Any]]]:
    """What the map shows as (headers, HXL hashtags, rows) for CSV and HXL downloads.

    Suppressed counts stay empty, exactly as on the screen.
    """
    adm = "#adm2" if table.level == Level.DISTRICT else "#adm1"
    columns: list[tuple[str, str, str]] = [
        ("code", _("Code"), f"{adm}+code"),
        ("name", _("Area"), f"{adm}+name"),
        ("value", table.measure_label, "#indicator+value+num"),
        ("rank", _("Priority rank"), "#indicator+rank+num"),
        ("gap", _("Gap"), "#indicator+gap+num"),
        ("need", _("Need"), "#indicator+need+num"),
        ("coverage", _("Coverage"), "#indicator+coverage+num"),
        ("population", _("Population"), "#population+total+num"),
        ("households_reached", _("Households reached"), "#reached+hh+num"),
        ("people_reached", _("People reached"), "#reached+ind+num"),
        ("value_per_capita", _("Aid value per person (EGP)"), "#value+aid+per_capita"),
        ("members_active", _("Member institutions active"), "#org+num"),
        ("programs_active", _("Programs active"), "#activity+num"),
        ("missing", _("Missing indicators"), "#meta+missing"),
    ]
    rows = []
    for row in table.rows:
        values = asdict(row)
        values["missing"] = " ".join(row.missing)
        rows.append([values[key] for key, _label, _tag in columns])
    return [str(label) for _k, label, _t in columns], [t for _k, _l, t in columns], rows
