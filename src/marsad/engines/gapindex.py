"""The development gap index: where need is high and the coalition's coverage is low.

The gap map must rank governorates and districts in a way an analyst can check by hand and
explain to a board, from official indicators that are often missing, so the method is
INFORM-style and deliberately plain (see docs/gap-index.md for the analysts' version):

1. Each indicator value is transformed: NONE, PER_CAPITA (value / population × 1,000),
   LOG (log1p, for skewed counts and amounts) or PER_CAPITA_LOG.
2. The transformed value is scaled min–max to [0, 1] between goalposts (low, high): fixed
   ones from the spec, so that years and subsets compare, or else the observed minimum and
   maximum over the areas given. Values outside fixed goalposts are clipped. When low ==
   high (every area has the same value, or only one area has one) the score is 0.5: no
   area stands out, so each sits in the middle.
3. Need indicators are oriented so that 1 = more need: MORE_IS_BETTER ones (HDI, flush
   toilets) are turned round, score = 1 − scaled. Coverage measures are always read as
   "larger = more coverage" and their `direction` is not used: reach, aid and volunteer
   hours are never worse for being larger.
4. A composite (need, coverage) is the weighted mean of the scores the area has, the
   weights re-normalised over them. If the weight of the indicators the area has is below
   `min_weight_share` of the total weight, the composite is None ("not enough data").
5. gap = need × (1 − coverage), None unless both are known. `rank` orders the areas with a
   gap, 1 = highest, competition ranking for ties (1, 2, 2, 4).
6. gap_rank = P(need) × (1 − P(coverage)), where P is the mid-rank percentile among the
   areas that have both need and coverage: (average 1-based rank − 1) / (n − 1), ties
   share their average rank, and a single area gets 0.5. It ignores how far apart the
   values are, so one extreme area cannot squash the others; it does not compare across
   years or subsets.
7. `drivers`: the fewest need indicators, largest contribution first, whose contributions
   add up to more than `driver_share` (default one half) of the need score; an indicator
   tied with the last one taken is taken too, so equals are never split arbitrarily.
   A need of None or 0 has no drivers: nothing raised it.

Missing data: a value that is None, absent, NaN or infinite, a per-capita value without a
positive finite population, the log of a negative value, and a transform result that is
not finite are all *missing* for that area: never replaced by an estimate, listed in
`missing`, and left out of that area's composite. Observed goalposts use the values that
are not missing. Indicators with weight 0 are ignored altogether (no part, never missing).

Invariants: every score, composite, gap and gap_rank is None or in [0, 1]; a part's
`contribution` is in [0, 1] and the contributions of an area's available parts add up to 1
when its composite is known (with a composite of 0 they are the weight shares), and are all
0 otherwise; with everything else fixed, a larger coverage value never raises the area's
gap. Codes are unique: among areas, and among need and coverage specs together.
"""

from __future__ import annotations

import bisect
import enum
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from marsad.engines.errors import CodedValueError

PER_CAPITA_SCALE = 1000.0
"""PER_CAPITA values are per this many people."""

_TIE_DIGITS = 9
"""Composites equal to this many decimals tie in ranks (float sums differ in the last bits)."""

_SHARE_TOLERANCE = 1e-9


class Direction(enum.StrEnum):
    """What a larger value of a need indicator means: more need, or less need."""

    MORE_IS_WORSE = "more_is_worse"
    MORE_IS_BETTER = "more_is_better"


class Transform(enum.StrEnum):
    """Applied to the raw value before scaling; goalposts are on the transformed scale."""

    NONE = "none"
    PER_CAPITA = "per_capita"
    LOG = "log"
    PER_CAPITA_LOG = "per_capita_log"


class GapIndexErrorCode(enum.StrEnum):
    INVALID_NUMBER = "invalid_number"
    NEGATIVE_WEIGHT = "negative_weight"
    INVALID_GOALPOSTS = "invalid_goalposts"
    DUPLICATE_CODE = "duplicate_code"
    DUPLICATE_AREA = "duplicate_area"
    INVALID_PARAMETER = "invalid_parameter"


class GapIndexError(CodedValueError):
    """A spec or parameter the index cannot use; the message names the field."""

    code: GapIndexErrorCode


@dataclass(frozen=True)
class IndicatorSpec:
    """One need indicator or coverage measure and how to score it.

    `weight` is relative (only ratios matter), >= 0; 0 leaves the indicator out.
    `goalposts` are fixed (low, high) on the transformed scale, low < high, for example
    (0, 100) for a percentage or (0.6, 0.8) for HDI; None uses the observed minimum and
    maximum of the areas given, which moves when the set of areas or the year changes.
    `direction` is used on the need side only (see the module docstring).
    `direction` and `transform` may be given as their string values (stored settings).
    Construction raises `GapIndexError` for a negative or non-finite weight, goalposts that
    are not finite or not low < high, and an unknown direction or transform.
    """

    code: str
    weight: float = 1.0
    direction: Direction = Direction.MORE_IS_WORSE
    transform: Transform = Transform.NONE
    goalposts: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.weight, bool) or not math.isfinite(self.weight):
            raise GapIndexError(
                GapIndexErrorCode.INVALID_NUMBER, f"The weight of {self.code} must be finite."
            )
        if self.weight < 0:
            raise GapIndexError(
                GapIndexErrorCode.NEGATIVE_WEIGHT, f"The weight of {self.code} is negative."
            )
        object.__setattr__(self, "weight", float(self.weight))
        try:
            object.__setattr__(self, "direction", Direction(self.direction))
            object.__setattr__(self, "transform", Transform(self.transform))
        except ValueError:
            raise GapIndexError(
                GapIndexErrorCode.INVALID_PARAMETER,
                f"The direction or transform of {self.code} is unknown.",
            ) from None
        if self.goalposts is not None:
            low, high = self.goalposts
            _check_goalposts(low, high, self.code, fixed=True)
            object.__setattr__(self, "goalposts", (float(low), float(high)))


@dataclass(frozen=True)
class AreaInput:
    """One area's raw values; a code absent from a mapping, or None, is missing."""

    code: str
    population: float | None
    need: Mapping[str, float | None]
    coverage: Mapping[str, float | None]


@dataclass(frozen=True)
class Part:
    """One indicator's line in an area's explanation.

    `raw` is the value given (None if missing or not finite), `transformed` after the
    transform, `score` in [0, 1] oriented so 1 = more need (need side) or more coverage
    (coverage side). `contribution` is the share of the composite this part explains:
    weight × score / Σ weight × score over the available parts. `goalposts` are the (low,
    high) used for this indicator, None when no area had a value.
    """

    code: str
    raw: float | None
    transformed: float | None
    score: float | None
    weight: float
    contribution: float
    goalposts: tuple[float, float] | None = None


@dataclass(frozen=True)
class AreaScore:
    """One area's index with its explanation; see the module docstring for the rules.

    `need_weight_share` and `coverage_weight_share` are the shares of the total weight
    whose indicators the area has (0 when a side has no weighted indicator): how much
    evidence stands behind the composite.
    """

    code: str
    need: float | None
    coverage: float | None
    gap: float | None
    gap_rank: float | None
    rank: int | None
    need_parts: tuple[Part, ...]
    coverage_parts: tuple[Part, ...]
    missing: tuple[str, ...]
    drivers: tuple[str, ...]
    need_weight_share: float = 0.0
    coverage_weight_share: float = 0.0


def _check_goalposts(low: float, high: float, name: str, *, fixed: bool) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise GapIndexError(
            GapIndexErrorCode.INVALID_GOALPOSTS, f"The goalposts of {name} must be finite."
        )
    if low > high or (fixed and low == high):
        relation = "low < high" if fixed else "low <= high"
        raise GapIndexError(
            GapIndexErrorCode.INVALID_GOALPOSTS, f"The goalposts of {name} must be {relation}."
        )


def _check_share(value: float, name: str, *, allow_zero: bool) -> None:
    if not math.isfinite(value) or value > 1 or value < 0 or (value == 0 and not allow_zero):
        bounds = "[0, 1]" if allow_zero else "(0, 1]"
        raise GapIndexError(GapIndexErrorCode.INVALID_PARAMETER, f"{name} must be in {bounds}.")


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def transform_value(
    value: float | None, transform: Transform, population: float | None
) -> float | None:
    """The value on the scale the goalposts use, or None when it is missing."""
    number = _finite(value)
    if number is None:
        return None
    if transform in (Transform.PER_CAPITA, Transform.PER_CAPITA_LOG):
        people = _finite(population)
        if people is None or people <= 0:
            return None
        number = number / people * PER_CAPITA_SCALE
    if transform in (Transform.LOG, Transform.PER_CAPITA_LOG):
        if number < 0:
            return None
        number = math.log1p(number)
    return number if math.isfinite(number) else None


def _scale(transformed: float, low: float, high: float) -> float:
    span = high - low
    if span == 0:
        return 0.5
    if math.isfinite(span):
        scaled = (transformed - low) / span
    else:  # two finite extremes more than the largest float apart: halve everything
        scaled = (transformed / 2 - low / 2) / (high / 2 - low / 2)
    return min(1.0, max(0.0, scaled))


def normalise(
    value: float | None, spec: IndicatorSpec, population: float | None, low: float, high: float
) -> float | None:
    """The need score in [0, 1] (1 = more need) of a raw value, or None when it is missing.

    Transforms, scales between (low, high) with clipping, 0.5 when low == high, and turns
    MORE_IS_BETTER round. Raises `GapIndexError` for goalposts not finite or low > high.
    """
    _check_goalposts(low, high, spec.code, fixed=False)
    transformed = transform_value(value, spec.transform, population)
    if transformed is None:
        return None
    scaled = _scale(transformed, low, high)
    return 1.0 - scaled if spec.direction is Direction.MORE_IS_BETTER else scaled


def goalposts(
    values: Iterable[float | None], spec: IndicatorSpec, populations: Iterable[float | None]
) -> tuple[float, float] | None:
    """Observed (min, max) of the transformed values that are not missing, else None.

    `populations` goes with `values`, item by item (ValueError if the lengths differ).
    Ignores `spec.goalposts`: this is what the areas given show.
    """
    transformed = [
        number
        for value, population in zip(values, populations, strict=True)
        if (number := transform_value(value, spec.transform, population)) is not None
    ]
    if not transformed:
        return None
    return min(transformed), max(transformed)


def _shares(parts: Sequence[Part]) -> tuple[float, float, float]:
    """(total weight, available weight, Σ weight × score) over parts with weight > 0."""
    total = available = weighted = 0.0
    for part in parts:
        if part.weight <= 0:
            continue
        total += part.weight
        if part.score is not None:
            available += part.weight
            weighted += part.weight * part.score
    return total, available, weighted


def composite(parts: Sequence[Part], min_weight_share: float = 0.5) -> float | None:
    """Weighted mean of the available scores, in [0, 1], or None for not enough data.

    None when no part with weight > 0 has a score, or when their weight is less than
    `min_weight_share` (in [0, 1]) of the weight of all parts with weight > 0.
    """
    _check_share(min_weight_share, "min_weight_share", allow_zero=True)
    total, available, weighted = _shares(parts)
    if available == 0 or available / total < min_weight_share - _SHARE_TOLERANCE:
        return None
    return min(1.0, max(0.0, weighted / available))


def _with_contributions(parts: list[Part], value: float | None) -> tuple[Part, ...]:
    _, available, weighted = _shares(parts)
    explained: list[Part] = []
    for part in parts:
        contribution = 0.0
        if value is not None and part.score is not None and part.weight > 0:
            if weighted > 0:
                contribution = part.weight * part.score / weighted
            else:
                contribution = part.weight / available
        explained.append(replace(part, contribution=min(1.0, max(0.0, contribution))))
    return tuple(explained)


def _drivers(parts: Sequence[Part], driver_share: float) -> tuple[str, ...]:
    ordered = sorted(
        (part for part in parts if part.contribution > 0),
        key=lambda part: -part.contribution,
    )
    drivers: list[str] = []
    explained = 0.0
    last = 0.0
    for part in ordered:
        enough = explained > driver_share + _SHARE_TOLERANCE
        if enough and not math.isclose(part.contribution, last, abs_tol=_SHARE_TOLERANCE):
            break
        drivers.append(part.code)
        explained += part.contribution
        last = part.contribution
    return tuple(drivers)


def _key(value: float) -> float:
    return round(value, _TIE_DIGITS)


def _percentile_ranks(values: Sequence[float]) -> list[float]:
    """Mid-rank percentile of each value among `values`: lowest 0, highest 1, alone 0.5."""
    count = len(values)
    if count == 1:
        return [0.5]
    ordered = sorted(_key(value) for value in values)
    ranks: list[float] = []
    for value in values:
        below = bisect.bisect_left(ordered, _key(value))
        equal = bisect.bisect_right(ordered, _key(value)) - below
        ranks.append((below + (equal - 1) / 2) / (count - 1))
    return ranks


def _check_codes(
    areas: Sequence[AreaInput], need: Sequence[IndicatorSpec], coverage: Sequence[IndicatorSpec]
) -> None:
    seen: set[str] = set()
    for spec in (*need, *coverage):
        if spec.code in seen:
            raise GapIndexError(
                GapIndexErrorCode.DUPLICATE_CODE, f"The indicator {spec.code} appears twice."
            )
        seen.add(spec.code)
    area_codes: set[str] = set()
    for area in areas:
        if area.code in area_codes:
            raise GapIndexError(
                GapIndexErrorCode.DUPLICATE_AREA, f"The area {area.code} appears twice."
            )
        area_codes.add(area.code)


def _side(
    areas: Sequence[AreaInput],
    specs: Sequence[IndicatorSpec],
    values_of: Callable[[AreaInput], Mapping[str, float | None]],
    *,
    oriented: bool,
    min_weight_share: float,
) -> list[tuple[tuple[Part, ...], float | None, float]]:
    """Per area: (parts, composite, weight share) for one side of the index."""
    weighted_specs = [spec for spec in specs if spec.weight > 0]
    populations = [area.population for area in areas]
    posts: dict[str, tuple[float, float] | None] = {}
    for spec in weighted_specs:
        raw_values = [values_of(area).get(spec.code) for area in areas]
        posts[spec.code] = spec.goalposts or goalposts(raw_values, spec, populations)

    results: list[tuple[tuple[Part, ...], float | None, float]] = []
    for area in areas:
        values = values_of(area)
        parts: list[Part] = []
        for spec in weighted_specs:
            raw = _finite(values.get(spec.code))
            transformed = transform_value(raw, spec.transform, area.population)
            bounds = posts[spec.code]
            score: float | None = None
            if transformed is not None and bounds is not None:
                score = _scale(transformed, *bounds)
                if oriented and spec.direction is Direction.MORE_IS_BETTER:
                    score = 1.0 - score
            parts.append(Part(spec.code, raw, transformed, score, spec.weight, 0.0, bounds))
        value = composite(parts, min_weight_share)
        total, available, _ = _shares(parts)
        share = available / total if total > 0 else 0.0
        results.append((_with_contributions(parts, value), value, share))
    return results


def compute(
    areas: Sequence[AreaInput],
    need: Sequence[IndicatorSpec],
    coverage: Sequence[IndicatorSpec],
    *,
    min_weight_share: float = 0.5,
    driver_share: float = 0.5,
) -> list[AreaScore]:
    """The gap index of every area, in the order of `areas`.

    Observed goalposts are taken over `areas`, so pass every area of the map, not a filtered
    subset, or use fixed goalposts. Raises `GapIndexError`: DUPLICATE_CODE, DUPLICATE_AREA,
    or INVALID_PARAMETER for `min_weight_share` outside [0, 1] or `driver_share` outside
    (0, 1]. Missing data never raises.
    """
    _check_share(min_weight_share, "min_weight_share", allow_zero=True)
    _check_share(driver_share, "driver_share", allow_zero=False)
    _check_codes(areas, need, coverage)

    need_sides = _side(
        areas, need, lambda area: area.need, oriented=True, min_weight_share=min_weight_share
    )
    coverage_sides = _side(
        areas,
        coverage,
        lambda area: area.coverage,
        oriented=False,
        min_weight_share=min_weight_share,
    )

    gaps: list[float | None] = []
    for (_, need_value, _), (_, coverage_value, _) in zip(need_sides, coverage_sides, strict=True):
        if need_value is None or coverage_value is None:
            gaps.append(None)
        else:
            gaps.append(min(1.0, max(0.0, need_value * (1.0 - coverage_value))))

    known = [k for k, gap in enumerate(gaps) if gap is not None]
    gap_keys = sorted(_key(gap) for gap in gaps if gap is not None)
    need_ranks = _percentile_ranks([need_sides[k][1] or 0.0 for k in known])
    coverage_ranks = _percentile_ranks([coverage_sides[k][1] or 0.0 for k in known])
    gap_ranks: dict[int, float] = {
        k: need_rank * (1.0 - coverage_rank)
        for k, need_rank, coverage_rank in zip(known, need_ranks, coverage_ranks, strict=True)
    }

    scores: list[AreaScore] = []
    for k, area in enumerate(areas):
        need_parts, need_value, need_share = need_sides[k]
        coverage_parts, coverage_value, coverage_share = coverage_sides[k]
        gap = gaps[k]
        rank = None
        if gap is not None:
            rank = len(gap_keys) - bisect.bisect_right(gap_keys, _key(gap)) + 1
        missing = tuple(part.code for part in (*need_parts, *coverage_parts) if part.score is None)
        scores.append(
            AreaScore(
                code=area.code,
                need=need_value,
                coverage=coverage_value,
                gap=gap,
                gap_rank=gap_ranks.get(k),
                rank=rank,
                need_parts=need_parts,
                coverage_parts=coverage_parts,
                missing=missing,
                drivers=_drivers(need_parts, driver_share) if need_value else (),
                need_weight_share=need_share,
                coverage_weight_share=coverage_share,
            )
        )
    return scores
