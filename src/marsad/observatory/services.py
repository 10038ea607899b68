"""Writes of the observatory: seeding the indicators, computing and storing gap snapshots.

A snapshot is computed from the stored indicator values (the latest year per area) and the
registered coverage sources (`marsad.observatory.coverage`), scored by the pure engine
`marsad.engines.gapindex`, and written in one transaction, so the map never sees half a
snapshot. The ledger is aggregated here, in the background, never while a page waits.
"""

from __future__ import annotations

import csv
import datetime
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marsad.engines import gapindex
from marsad.geo.models import District, Governorate
from marsad.observatory.coverage import (
    ALL_PERIODS,
    coverage_compute,
    coverage_measures,
    scope_for,
)
from marsad.observatory.importing import parse_year
from marsad.observatory.models import (
    GapScore,
    GapSnapshot,
    Indicator,
    IndicatorValue,
    Level,
)

logger = logging.getLogger(__name__)

#: Areas need indicators covering at least this share of the need weight to get a need score.
DEFAULT_MIN_WEIGHT_SHARE = 0.5


# Seeding --------------------------------------------------------------------------------


def _data_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("marsad.observatory") / "data" / name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def indicator_definition_rows() -> list[dict[str, str]]:
    """The shipped indicator definitions (see observatory/data/README.md)."""
    return _data_rows("definitions.csv")


def indicator_value_rows() -> list[dict[str, str]]:
    """The shipped, sourced indicator values, one row per governorate, indicator and year."""
    return _data_rows("indicators.csv")


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def indicators_seed(
    indicator_model: Any = Indicator,
    value_model: Any = IndicatorValue,
    governorate_model: Any = Governorate,
) -> int:
    """Create or refresh the shipped indicators and their values; safe to run again.

    Definitions already edited in the admin keep their weights and goalposts: only missing
    indicators are created. Values are refreshed from the shipped file. Takes the model
    classes so that a data migration can pass its historical models. Returns the number of
    values in the file.
    """
    indicators = {}
    for row in indicator_definition_rows():
        indicator, _created = indicator_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "unit_ar": row["unit_ar"],
                "unit_en": row["unit_en"],
                "direction": row["direction"],
                "transform": row["transform"],
                "goal_low": _optional_float(row["goal_low"]),
                "goal_high": _optional_float(row["goal_high"]),
                "weight": float(row["weight"]),
                "is_need": row["is_need"] == "true",
                "level": row["level"],
                "source": row["source"],
                "description": row["description"],
            },
        )
        indicators[indicator.code] = indicator
    governorates = dict(governorate_model.objects.values_list("code", "id"))
    rows = indicator_value_rows()
    for row in rows:
        year = parse_year(row["year"])
        if year is None:  # pragma: no cover - the shipped file is checked by a test
            raise ValueError(f"Unreadable year {row['year']!r} in the shipped indicators")
        value_model.objects.update_or_create(
            indicator=indicators[row["indicator"]],
            governorate_id=governorates[row["governorate_code"]],
            district=None,
            year=year[0],
            defaults={"year_sort": year[1], "value": float(row["value"]), "source": row["source"]},
        )
    return len(rows)


# Snapshots ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotKey:
    level: str
    sector: str
    period: str


@dataclass(frozen=True)
class Area:
    id: int
    code: str
    population: float | None


def _areas(level: str) -> list[Area]:
    model: Any = District if level == Level.DISTRICT else Governorate
    return [
        Area(pk, code, float(population) if population else None)
        for pk, code, population in model.objects.order_by("code").values_list(
            "id", "code", "population"
        )
    ]


def latest_indicator_values(level: str) -> dict[int, dict[str, dict[str, Any]]]:
    """Area id → indicator code → {value, year, source}: the latest year of each."""
    column = "district_id" if level == Level.DISTRICT else "governorate_id"
    latest: dict[int, dict[str, dict[str, Any]]] = {}
    rows = (
        IndicatorValue.objects.filter(indicator__level=level, **{f"{column}__isnull": False})
        .order_by("year_sort", "year")
        .values_list(column, "indicator__code", "value", "year", "source")
    )
    for area, code, value, year, source in rows:
        latest.setdefault(area, {})[code] = {"value": value, "year": year, "source": source}
    return latest


def need_specs(indicators: Iterable[Indicator]) -> list[gapindex.IndicatorSpec]:
    specs = []
    for indicator in indicators:
        if not indicator.in_need_index:
            continue
        posts = None
        low, high = indicator.goal_low, indicator.goal_high
        if low is not None and high is not None and low < high:
            posts = (low, high)  # otherwise the observed range (an admin's typo is not fatal)
        specs.append(
            gapindex.IndicatorSpec(
                code=indicator.code,
                weight=indicator.weight,
                direction=gapindex.Direction(indicator.direction),
                transform=gapindex.Transform(indicator.transform),
                goalposts=posts,
            )
        )
    return specs


def coverage_specs() -> list[gapindex.IndicatorSpec]:
    return [
        gapindex.IndicatorSpec(
            code=measure.code,
            weight=measure.weight,
            transform=measure.transform,
            goalposts=measure.goalposts,
        )
        for measure in coverage_measures()
    ]


def _spec_dict(spec: gapindex.IndicatorSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "weight": spec.weight,
        "direction": spec.direction.value,
        "transform": spec.transform.value,
        "goalposts": list(spec.goalposts) if spec.goalposts else None,
    }


def _part_dict(part: gapindex.Part) -> dict[str, Any]:
    values = asdict(part)
    values["goalposts"] = list(part.goalposts) if part.goalposts else None
    return values


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def min_weight_share() -> float:
    return float(getattr(settings, "MARSAD_GAP_MIN_WEIGHT_SHARE", DEFAULT_MIN_WEIGHT_SHARE))


def gap_snapshot_compute(
    *, level: str, sector: str = "", period: str = ALL_PERIODS, now: datetime.datetime | None = None
) -> GapSnapshot:
    """Compute the gap index of every area of `level` and store it as a new snapshot.

    Raises ValueError for an unknown level or period (the selectors check them first).
    """
    if level not in Level.values:
        raise ValueError(f"Unknown level {level!r}")
    started = time.perf_counter()
    scope = scope_for(level=level, sector=sector, period=period)
    areas = _areas(level)
    indicators = list(Indicator.objects.filter(level=level).order_by("code"))
    needs = need_specs(indicators)
    coverages = coverage_specs()
    latest = latest_indicator_values(level)
    coverage = coverage_compute(scope, [area.id for area in areas])
    inputs = [
        gapindex.AreaInput(
            code=area.code,
            population=area.population,
            need={code: item["value"] for code, item in latest.get(area.id, {}).items()},
            coverage={code: values[area.id] for code, values in coverage.values.items()},
        )
        for area in areas
    ]
    share = min_weight_share()
    scores = gapindex.compute(inputs, needs, coverages, min_weight_share=share)
    area_field = "district_id" if level == Level.DISTRICT else "governorate_id"
    rows = []
    for area, score in zip(areas, scores, strict=True):
        value = coverage.values.get("aid_value", {}).get(area.id, 0.0)
        rows.append(
            GapScore(
                **{area_field: area.id},
                area_code=area.code,
                population=int(area.population) if area.population else None,
                need=score.need,
                coverage=score.coverage,
                gap=score.gap,
                gap_rank=score.gap_rank,
                rank=score.rank,
                households_reached=int(coverage.values["households_reached"][area.id]),
                people_reached=int(coverage.values["people_reached"][area.id]),
                aid_value=value,
                value_per_capita=value / area.population if area.population else None,
                members_active=int(coverage.values["members_active"][area.id]),
                programs_active=int(coverage.values["programs_active"][area.id]),
                indicators={
                    code: {"value": item["value"], "year": item["year"]}
                    for code, item in latest.get(area.id, {}).items()
                },
                coverage_values={code: values[area.id] for code, values in coverage.values.items()},
                parts={
                    "need": [_part_dict(p) for p in score.need_parts],
                    "coverage": [_part_dict(p) for p in score.coverage_parts],
                    "drivers": list(score.drivers),
                    "need_weight_share": score.need_weight_share,
                    "coverage_weight_share": score.coverage_weight_share,
                },
                missing=list(score.missing),
                actors=coverage.actors.get(area.id, {}),
            )
        )
    with transaction.atomic():
        snapshot = GapSnapshot.objects.create(
            as_of=now or timezone.now(),
            level=level,
            sector=sector,
            period=period,
            settings={
                "need": [_spec_dict(s) for s in needs],
                "coverage": [_spec_dict(s) for s in coverages],
                "min_weight_share": share,
                "deliveries_from": _iso(coverage.first_delivery),
                "deliveries_until": _iso(coverage.last_delivery),
            },
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        for row in rows:
            row.snapshot = snapshot
        GapScore.objects.bulk_create(rows)
    return snapshot


def default_snapshot_keys(*, today: datetime.date | None = None) -> list[SnapshotKey]:
    """What a full recompute refreshes: the configured sectors and periods, every level
    that has indicator values (governorates always).

    `MARSAD_GAP_SECTORS` (default: all aid only) and `MARSAD_GAP_PERIODS` (default: "all"
    and the current year; "current_year" and "current_quarter" are understood) configure it.
    """
    today = today or timezone.localdate()
    levels = [Level.GOVERNORATE.value]
    if IndicatorValue.objects.filter(district__isnull=False).exists():
        levels.append(Level.DISTRICT.value)
    sectors: Sequence[str] = getattr(settings, "MARSAD_GAP_SECTORS", ("",))
    periods = []
    for period in getattr(settings, "MARSAD_GAP_PERIODS", (ALL_PERIODS, "current_year")):
        if period == "current_year":
            period = str(today.year)
        elif period == "current_quarter":
            period = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        periods.append(period)
    return [
        SnapshotKey(level, sector, period)
        for level in levels
        for sector in sectors
        for period in periods
    ]


def gap_recompute_all(
    *, keys: Sequence[SnapshotKey] | None = None, today: datetime.date | None = None
) -> list[GapSnapshot]:
    """Recompute every default snapshot (and those the map asked for since) with one time."""
    now = timezone.now()
    wanted = list(keys if keys is not None else default_snapshot_keys(today=today))
    if keys is None:
        # Combinations the map computed on demand stay fresh too.
        requested = (
            GapSnapshot.objects.filter(status=GapSnapshot.Status.READY)
            .values_list("level", "sector", "period")
            .distinct()
        )
        for level, sector, period in requested:
            key = SnapshotKey(level, sector, period)
            if key not in wanted:
                wanted.append(key)
    snapshots = []
    for key in wanted:
        try:
            snapshots.append(
                gap_snapshot_compute(level=key.level, sector=key.sector, period=key.period, now=now)
            )
        except ValueError:
            logger.warning("Gap snapshot %s skipped: its sector or period is unknown.", key)
    return snapshots
