import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.engines.gapindex import (
    AreaInput,
    AreaScore,
    Direction,
    GapIndexError,
    GapIndexErrorCode,
    IndicatorSpec,
    Part,
    Transform,
    composite,
    compute,
    goalposts,
    normalise,
    transform_value,
)

EXACT = 1e-12

# The worked example of docs/gap-index.md: Cairo (01), Beni Suef (22), Assiut (25).
# Need values are the sourced figures (HDI 2021 Global Data Lab, illiteracy 2017 census,
# poverty 2015 HIECS; Beni Suef has no 2015 poverty figure). Populations are round numbers
# (not the real ones) and the households reached are invented for the example.
HDI = IndicatorSpec("hdi_2021", direction=Direction.MORE_IS_BETTER, goalposts=(0.6, 0.8))
ILLITERACY = IndicatorSpec("illiteracy_2017", goalposts=(0.0, 50.0))
POVERTY = IndicatorSpec("poverty_2015", goalposts=(0.0, 100.0))
REACH = IndicatorSpec("households_reached", transform=Transform.PER_CAPITA, goalposts=(0, 100))

EXAMPLE_AREAS = [
    AreaInput(
        "01",
        10_000_000,
        need={"hdi_2021": 0.779, "illiteracy_2017": 16.2, "poverty_2015": 18},
        coverage={"households_reached": 300_000},
    ),
    AreaInput(
        "22",
        3_000_000,
        need={"hdi_2021": 0.697, "illiteracy_2017": 35.9, "poverty_2015": None},
        coverage={"households_reached": 30_000},
    ),
    AreaInput(
        "25",
        5_000_000,
        need={"hdi_2021": 0.676, "illiteracy_2017": 34.6, "poverty_2015": 66},
        coverage={"households_reached": 225_000},
    ),
]


def area(code: str, need: dict, coverage: dict, population: float | None = 1000.0) -> AreaInput:
    return AreaInput(code, population, need, coverage)


def by_code(scores: list[AreaScore]) -> dict[str, AreaScore]:
    return {score.code: score for score in scores}


# --- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "spec", "population", "low", "high", "expected"),
    [
        # (30 - 10) / (50 - 10) = 20 / 40
        (30, IndicatorSpec("poverty"), None, 10, 50, 0.5),
        # HDI, higher = less need: 1 - (0.75 - 0.6) / (0.8 - 0.6) = 1 - 0.75
        (0.75, IndicatorSpec("hdi", direction=Direction.MORE_IS_BETTER), None, 0.6, 0.8, 0.25),
        # 500 villages / 2,000,000 people × 1,000 = 0.25 per 1,000; (0.25 - 0) / (1 - 0)
        (500, IndicatorSpec("villages", transform=Transform.PER_CAPITA), 2_000_000, 0, 1, 0.25),
        # log1p(e² - 1) = 2; 2 / 4
        (math.e**2 - 1, IndicatorSpec("aid", transform=Transform.LOG), None, 0, 4, 0.5),
        # log1p(0) = 0
        (0, IndicatorSpec("aid", transform=Transform.LOG), None, 0, 4, 0.0),
        # 9 / 1,000 × 1,000 = 9; log1p(9) = ln 10; ln 10 / ln 100
        (
            9,
            IndicatorSpec("aid", transform=Transform.PER_CAPITA_LOG),
            1000,
            0,
            math.log(100),
            0.5,
        ),
        # clipped: 120 above a high of 100, -5 below a low of 0
        (120, IndicatorSpec("poverty"), None, 0, 100, 1.0),
        (-5, IndicatorSpec("poverty"), None, 0, 100, 0.0),
        (120, IndicatorSpec("toilets", direction=Direction.MORE_IS_BETTER), None, 0, 100, 0.0),
        # low == high: no spread, the middle
        (7, IndicatorSpec("poverty"), None, 7, 7, 0.5),
        (7, IndicatorSpec("hdi", direction=Direction.MORE_IS_BETTER), None, 7, 7, 0.5),
        # the smallest spread a float has, and one wider than the largest float
        (5e-324, IndicatorSpec("poverty"), None, 0, 5e-324, 1.0),
        (0, IndicatorSpec("poverty"), None, -1e308, 1e308, 0.5),
        (1e308, IndicatorSpec("poverty"), None, -1e308, 0, 1.0),
    ],
)
def test_normalise(value, spec, population, low, high, expected):
    # when
    score = normalise(value, spec, population, low, high)

    # then
    assert score == pytest.approx(expected, abs=EXACT)


@pytest.mark.parametrize(
    ("value", "transform", "population"),
    [
        (None, Transform.NONE, 1000),
        (math.nan, Transform.NONE, 1000),
        (math.inf, Transform.NONE, 1000),
        (-math.inf, Transform.NONE, 1000),
        (5, Transform.PER_CAPITA, None),
        (5, Transform.PER_CAPITA, 0),
        (5, Transform.PER_CAPITA, -100),
        (5, Transform.PER_CAPITA, math.nan),
        (5, Transform.PER_CAPITA, math.inf),
        (-1, Transform.LOG, None),
        (-0.5, Transform.LOG, None),
        (-5, Transform.PER_CAPITA_LOG, 1000),
        (5, Transform.PER_CAPITA_LOG, None),
        # 1e308 / 1e-10 × 1,000 overflows to infinity
        (1e308, Transform.PER_CAPITA, 1e-10),
    ],
)
def test_normalise_missing(value, transform, population):
    # given
    spec = IndicatorSpec("indicator", transform=transform)

    # when / then
    assert transform_value(value, transform, population) is None
    assert normalise(value, spec, population, 0, 1) is None


def test_negative_value_without_log_is_kept():
    # (-2 - (-4)) / (0 - (-4)) = 2 / 4
    assert normalise(-2, IndicatorSpec("growth"), None, -4, 0) == 0.5


@pytest.mark.parametrize(("low", "high"), [(1, 0), (math.nan, 1), (0, math.inf)])
def test_normalise_rejects_bad_goalposts(low, high):
    with pytest.raises(GapIndexError) as error:
        normalise(0.5, IndicatorSpec("poverty"), None, low, high)

    assert error.value.code is GapIndexErrorCode.INVALID_GOALPOSTS


def test_observed_goalposts_after_transform():
    # given: per 1,000 people: 10 / 1,000 → 10; missing; 30 / 2,000 → 15; NaN; no population
    spec = IndicatorSpec("villages", transform=Transform.PER_CAPITA)
    values = [10, None, 30, math.nan, 4]
    populations = [1000, 1000, 2000, 1000, None]

    # when / then
    assert goalposts(values, spec, populations) == (10.0, 15.0)


def test_observed_goalposts_ignore_fixed_ones_and_need_a_value():
    spec = IndicatorSpec("poverty", goalposts=(0, 100))

    assert goalposts([20, 40], spec, [None, None]) == (20.0, 40.0)
    assert goalposts([None, math.nan], spec, [None, None]) is None
    assert goalposts([], spec, []) is None


def test_observed_goalposts_need_one_population_per_value():
    with pytest.raises(ValueError, match="zip"):
        goalposts([1, 2], IndicatorSpec("poverty"), [1000])


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"weight": -1}, GapIndexErrorCode.NEGATIVE_WEIGHT),
        ({"weight": math.nan}, GapIndexErrorCode.INVALID_NUMBER),
        ({"weight": math.inf}, GapIndexErrorCode.INVALID_NUMBER),
        ({"goalposts": (5, 5)}, GapIndexErrorCode.INVALID_GOALPOSTS),
        ({"goalposts": (100, 0)}, GapIndexErrorCode.INVALID_GOALPOSTS),
        ({"goalposts": (0, math.inf)}, GapIndexErrorCode.INVALID_GOALPOSTS),
        ({"direction": "less_is_more"}, GapIndexErrorCode.INVALID_PARAMETER),
        ({"transform": "sqrt"}, GapIndexErrorCode.INVALID_PARAMETER),
    ],
)
def test_spec_rejects(kwargs, code):
    with pytest.raises(GapIndexError) as error:
        IndicatorSpec("poverty", **kwargs)

    assert error.value.code is code
    assert "poverty" in error.value.message


def test_spec_from_stored_settings():
    spec = IndicatorSpec(
        "hdi_2021", weight=2, direction="more_is_better", transform="none", goalposts=(0, 1)
    )

    assert spec == IndicatorSpec(
        "hdi_2021", 2.0, Direction.MORE_IS_BETTER, Transform.NONE, (0.0, 1.0)
    )
    assert isinstance(spec.weight, float)
    assert spec.direction is Direction.MORE_IS_BETTER


# --- composites -------------------------------------------------------------------------


def part(code: str, score: float | None, weight: float = 1.0) -> Part:
    return Part(code, score, score, score, weight, 0.0)


@pytest.mark.parametrize(
    ("parts", "min_weight_share", "expected"),
    [
        # (2 × 0.5 + 1 × 1.0) / (2 + 1); available share 3 / 4 = 0.75
        ([part("a", 0.5, 2), part("b", 1.0), part("c", None)], 0.5, 2 / 3),
        ([part("a", 0.5, 2), part("b", 1.0), part("c", None)], 0.75, 2 / 3),
        ([part("a", 0.5, 2), part("b", 1.0), part("c", None)], 0.8, None),
        # share exactly 1 / 2 is enough: 0.4 / 1
        ([part("a", 0.4), part("b", None)], 0.5, 0.4),
        # a zero weight is ignored, with or without a score
        ([part("a", 0.4), part("b", 1.0, 0), part("c", None, 0)], 1.0, 0.4),
        # min share 0: any one value is enough; none is not
        ([part("a", 0.4), part("b", None, 9)], 0.0, 0.4),
        ([part("a", None)], 0.0, None),
        ([], 0.5, None),
        ([part("a", 1.0, 0)], 0.5, None),
    ],
)
def test_composite(parts, min_weight_share, expected):
    # when
    value = composite(parts, min_weight_share)

    # then
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=EXACT)


@pytest.mark.parametrize("min_weight_share", [-0.1, 1.1, math.nan])
def test_composite_rejects_min_weight_share(min_weight_share):
    with pytest.raises(GapIndexError) as error:
        composite([part("a", 0.5)], min_weight_share)

    assert error.value.code is GapIndexErrorCode.INVALID_PARAMETER


# --- the whole index --------------------------------------------------------------------


def test_worked_example_of_the_docs():
    # when
    scores = by_code(compute(EXAMPLE_AREAS, [HDI, ILLITERACY, POVERTY], [REACH]))

    # then
    # Cairo: HDI 1 - (0.779 - 0.6) / 0.2 = 0.105; illiteracy 16.2 / 50 = 0.324;
    # poverty 18 / 100 = 0.18; need (0.105 + 0.324 + 0.18) / 3 = 0.609 / 3 = 0.203.
    # Reach 300,000 / 10,000,000 × 1,000 = 30 per 1,000 → 30 / 100 = 0.3.
    # Gap 0.203 × (1 - 0.3) = 0.1421.
    cairo = scores["01"]
    assert cairo.need == pytest.approx(0.203, abs=EXACT)
    assert cairo.coverage == pytest.approx(0.3, abs=EXACT)
    assert cairo.gap == pytest.approx(0.1421, abs=EXACT)
    assert [p.score for p in cairo.need_parts] == pytest.approx([0.105, 0.324, 0.18], abs=EXACT)
    # contributions 0.105 / 0.609, 0.324 / 0.609 = 0.532 > 1/2, 0.18 / 0.609
    assert [p.contribution for p in cairo.need_parts] == pytest.approx(
        [0.105 / 0.609, 0.324 / 0.609, 0.18 / 0.609], abs=EXACT
    )
    assert cairo.drivers == ("illiteracy_2017",)
    assert cairo.missing == ()
    assert cairo.need_weight_share == 1.0
    assert cairo.coverage_parts[0].transformed == pytest.approx(30.0, abs=EXACT)

    # Beni Suef: HDI 1 - 0.097 / 0.2 = 0.515; illiteracy 35.9 / 50 = 0.718; poverty missing,
    # weight share 2 / 3 ≥ 1 / 2; need (0.515 + 0.718) / 2 = 0.6165.
    # Reach 30,000 / 3,000,000 × 1,000 = 10 → 0.1; gap 0.6165 × 0.9 = 0.55485.
    beni_suef = scores["22"]
    assert beni_suef.need == pytest.approx(0.6165, abs=EXACT)
    assert beni_suef.coverage == pytest.approx(0.1, abs=EXACT)
    assert beni_suef.gap == pytest.approx(0.55485, abs=EXACT)
    assert beni_suef.missing == ("poverty_2015",)
    assert beni_suef.need_weight_share == pytest.approx(2 / 3, abs=EXACT)
    # 0.718 / 1.233 = 0.582 > 1/2
    assert beni_suef.drivers == ("illiteracy_2017",)
    assert beni_suef.need_parts[2] == Part("poverty_2015", None, None, None, 1.0, 0.0, (0, 100))

    # Assiut: HDI 1 - 0.076 / 0.2 = 0.62; illiteracy 34.6 / 50 = 0.692; poverty 0.66;
    # need 1.972 / 3 = 0.657333…; reach 225,000 / 5,000,000 × 1,000 = 45 → 0.45;
    # gap 0.657333… × 0.55 = 0.361533…
    assiut = scores["25"]
    assert assiut.need == pytest.approx(1.972 / 3, abs=EXACT)
    assert assiut.coverage == pytest.approx(0.45, abs=EXACT)
    assert assiut.gap == pytest.approx(1.972 / 3 * 0.55, abs=EXACT)
    # contributions 0.692 / 1.972 = 0.351, then 0.66 / 1.972 = 0.335: 0.686 > 1/2
    assert assiut.drivers == ("illiteracy_2017", "poverty_2015")

    # ranks by gap: Beni Suef 0.555, Assiut 0.362, Cairo 0.142
    assert [scores[code].rank for code in ("22", "25", "01")] == [1, 2, 3]
    # percentiles, need: Cairo 0, Beni Suef 0.5, Assiut 1; coverage: Beni Suef 0,
    # Cairo 0.5, Assiut 1. gap_rank: Cairo 0 × 0.5 = 0, Beni Suef 0.5 × 1 = 0.5, Assiut 1 × 0 = 0
    assert [scores[code].gap_rank for code in ("01", "22", "25")] == [0.0, 0.5, 0.0]


def test_order_of_areas_is_kept():
    scores = compute(list(reversed(EXAMPLE_AREAS)), [HDI, ILLITERACY, POVERTY], [REACH])

    assert [score.code for score in scores] == ["25", "22", "01"]


def test_observed_goalposts_across_areas():
    # given: poverty 10, 20, 40 → goalposts (10, 40); scores 0, 10 / 30, 1.
    # Reach per 1,000: 5 / 1,000, 20 / 2,000, 0 / 1,000 → 5, 10, 0 → goalposts (0, 10);
    # coverage 0.5, 1, 0.
    areas = [
        area("a", {"poverty": 10}, {"reach": 5}, population=1000),
        area("b", {"poverty": 20}, {"reach": 20}, population=2000),
        area("c", {"poverty": 40}, {"reach": 0}, population=1000),
    ]
    reach = IndicatorSpec("reach", transform=Transform.PER_CAPITA)

    # when
    scores = compute(areas, [IndicatorSpec("poverty")], [reach])

    # then
    assert [s.need for s in scores] == pytest.approx([0.0, 1 / 3, 1.0], abs=EXACT)
    assert [s.coverage for s in scores] == pytest.approx([0.5, 1.0, 0.0], abs=EXACT)
    # gaps 0 × 0.5 = 0, 1/3 × 0 = 0, 1 × 1 = 1: ranks 1 for c, then a and b tie at 2
    assert [s.gap for s in scores] == pytest.approx([0.0, 0.0, 1.0], abs=EXACT)
    assert [s.rank for s in scores] == [2, 2, 1]
    assert scores[0].need_parts[0].goalposts == (10.0, 40.0)
    assert scores[0].coverage_parts[0].goalposts == (0.0, 10.0)
    # a need of 0 has no drivers
    assert scores[0].drivers == ()
    assert scores[2].drivers == ("poverty",)


def test_not_enough_data():
    # given: b has 1 of weight 3 (share 1/3 < 1/2); c has no coverage value
    need = [IndicatorSpec("poverty", weight=2), IndicatorSpec("illiteracy")]
    coverage = [IndicatorSpec("reach", goalposts=(0, 100))]
    areas = [
        area("a", {"poverty": 60, "illiteracy": 30}, {"reach": 20}),
        area("b", {"illiteracy": 10}, {"reach": 50}),
        area("c", {"poverty": 20, "illiteracy": 10}, {}),
    ]

    # when
    scores = by_code(compute(areas, need, coverage))

    # then
    # observed goalposts: poverty (20, 60), illiteracy (10, 30)
    # a: poverty 1, illiteracy 1 → need 1; coverage 0.2; gap 0.8
    assert scores["a"].need == 1.0
    assert scores["a"].gap == pytest.approx(0.8, abs=EXACT)
    assert scores["a"].rank == 1
    assert scores["a"].gap_rank == 0.25  # alone with a gap: 0.5 × (1 - 0.5)
    # b: not enough need data
    assert scores["b"].need is None
    assert scores["b"].need_weight_share == pytest.approx(1 / 3, abs=EXACT)
    assert scores["b"].coverage == 0.5
    assert (scores["b"].gap, scores["b"].rank, scores["b"].gap_rank) == (None, None, None)
    assert scores["b"].missing == ("poverty",)
    assert scores["b"].drivers == ()
    assert all(p.contribution == 0.0 for p in scores["b"].need_parts)
    # c: need 0 (both at their low goalposts) but no coverage value
    assert scores["c"].need == 0.0
    assert scores["c"].coverage is None
    assert scores["c"].coverage_weight_share == 0.0
    assert scores["c"].gap is None
    assert scores["c"].missing == ("reach",)


def test_lower_min_weight_share_lets_thin_data_through():
    # given: as above, b with share 1/3; with a minimum of 0.3 its illiteracy (10 → 0) is enough
    need = [IndicatorSpec("poverty", weight=2), IndicatorSpec("illiteracy")]
    areas = [
        area("a", {"poverty": 60, "illiteracy": 30}, {"reach": 1}),
        area("b", {"illiteracy": 10}, {"reach": 1}),
    ]

    # when
    scores = compute(areas, need, [IndicatorSpec("reach")], min_weight_share=0.3)

    # then
    assert scores[1].need == 0.0
    assert scores[1].missing == ("poverty",)


def test_no_areas():
    assert compute([], [HDI], [REACH]) == []


def test_one_area():
    # given: observed goalposts from one area: low == high → 0.5 on both sides
    areas = [area("25", {"poverty": 66}, {"reach": 12})]

    # when
    [score] = compute(areas, [IndicatorSpec("poverty")], [IndicatorSpec("reach")])

    # then: gap 0.5 × (1 - 0.5); percentiles 0.5 alone → 0.5 × 0.5
    assert (score.need, score.coverage, score.gap) == (0.5, 0.5, 0.25)
    assert (score.rank, score.gap_rank) == (1, 0.25)
    assert score.drivers == ("poverty",)


def test_all_areas_equal():
    areas = [area(code, {"poverty": 30}, {"reach": 4}) for code in ("01", "02", "03")]

    scores = compute(areas, [IndicatorSpec("poverty")], [IndicatorSpec("reach")])

    assert {(s.need, s.coverage, s.gap, s.rank, s.gap_rank) for s in scores} == {
        (0.5, 0.5, 0.25, 1, 0.25)
    }


def test_competition_ranking_and_percentiles_with_ties():
    # given: need 0.8, 0.6, 0.6, 0.2 (goalposts 0–100); coverage 0 everywhere
    need = [IndicatorSpec("poverty", goalposts=(0, 100))]
    coverage = [IndicatorSpec("reach", goalposts=(0, 100))]
    areas = [
        area(code, {"poverty": poverty}, {"reach": 0})
        for code, poverty in (("a", 80), ("b", 60), ("c", 60), ("d", 20))
    ]

    # when
    scores = compute(areas, need, coverage)

    # then
    # gaps 0.8, 0.6, 0.6, 0.2 → ranks 1, 2, 2, 4
    assert [s.rank for s in scores] == [1, 2, 2, 4]
    # need percentiles: a (3 below) 3/3 = 1; b, c (1 below, tied pair) (1 + 0.5) / 3 = 0.5;
    # d 0. Coverage all tied: (0 + 1.5) / 3 = 0.5. gap_rank = P(need) × 0.5.
    assert [s.gap_rank for s in scores] == [0.5, 0.25, 0.25, 0.0]


def test_float_noise_does_not_break_ties():
    # given: (0.1 + 0.2) / 2 = 0.15000000000000002 in floats, (0.15 + 0.15) / 2 = 0.15
    need = [IndicatorSpec("x", goalposts=(0, 1)), IndicatorSpec("y", goalposts=(0, 1))]
    coverage = [IndicatorSpec("reach", goalposts=(0, 1))]
    areas = [
        area("a", {"x": 0.1, "y": 0.2}, {"reach": 0}),
        area("b", {"x": 0.15, "y": 0.15}, {"reach": 0}),
    ]

    # when
    scores = compute(areas, need, coverage)

    # then
    assert [s.rank for s in scores] == [1, 1]
    assert [s.gap_rank for s in scores] == [0.25, 0.25]


def test_zero_weight_is_ignored():
    # given: "villages" has weight 0: no part, not missing, no effect
    need = [IndicatorSpec("poverty", goalposts=(0, 100)), IndicatorSpec("villages", weight=0)]
    areas = [area("a", {"poverty": 40}, {"reach": 1}), area("b", {"poverty": 40}, {"reach": 1})]

    # when
    scores = compute(areas, need, [IndicatorSpec("reach")])

    # then
    assert [p.code for p in scores[0].need_parts] == ["poverty"]
    assert scores[0].missing == ()
    assert scores[0].need == 0.4


def test_all_zero_weights_give_no_composite():
    areas = [area("a", {"poverty": 40}, {"reach": 1})]

    [score] = compute(areas, [IndicatorSpec("poverty", weight=0)], [IndicatorSpec("reach")])

    assert (score.need, score.gap, score.need_parts, score.need_weight_share) == (
        None,
        None,
        (),
        0.0,
    )


def test_weights_change_the_composite():
    # given: scores 1.0 (poverty 100) and 0.0 (illiteracy 0) on fixed goalposts
    areas = [area("a", {"poverty": 100, "illiteracy": 0}, {"reach": 0})]
    coverage = [IndicatorSpec("reach", goalposts=(0, 1))]

    # when: weights 3 and 1
    need = [
        IndicatorSpec("poverty", weight=3, goalposts=(0, 100)),
        IndicatorSpec("illiteracy", weight=1, goalposts=(0, 100)),
    ]
    [score] = compute(areas, need, coverage)

    # then: (3 × 1 + 1 × 0) / 4 = 0.75; poverty explains all of it
    assert score.need == 0.75
    assert [p.contribution for p in score.need_parts] == [1.0, 0.0]
    assert score.drivers == ("poverty",)


def test_coverage_direction_is_not_used():
    # given: reach is read as "larger = more coverage" whatever the direction says
    areas = [area("a", {"poverty": 50}, {"reach": 80})]
    need = [IndicatorSpec("poverty", goalposts=(0, 100))]

    # when
    default = compute(areas, need, [IndicatorSpec("reach", goalposts=(0, 100))])
    better = compute(
        areas,
        need,
        [IndicatorSpec("reach", direction=Direction.MORE_IS_BETTER, goalposts=(0, 100))],
    )

    # then: 0.5 × (1 - 0.8)
    assert default == better
    assert default[0].coverage == 0.8
    assert default[0].gap == pytest.approx(0.1, abs=EXACT)


def test_non_finite_values_and_populations_are_missing():
    need = [IndicatorSpec("poverty", goalposts=(0, 100)), IndicatorSpec("illiteracy")]
    coverage = [IndicatorSpec("reach", transform=Transform.PER_CAPITA, goalposts=(0, 10))]
    areas = [
        area("a", {"poverty": math.nan, "illiteracy": math.inf}, {"reach": 5}),
        area("b", {"poverty": 50, "illiteracy": 10}, {"reach": 5}, population=math.nan),
    ]

    # when
    a, b = compute(areas, need, coverage)

    # then
    assert a.missing == ("poverty", "illiteracy")
    assert a.need is None
    assert a.need_parts[0].raw is None
    assert a.coverage == 0.5  # 5 / 1,000 × 1,000 = 5 → 5 / 10
    assert b.missing == ("reach",)
    assert b.coverage is None
    assert b.coverage_parts[0].raw == 5.0
    assert b.coverage_parts[0].transformed is None


@pytest.mark.parametrize(
    ("contributions", "driver_share", "expected"),
    [
        # 0.4 + 0.35 > 0.5
        ((40, 35, 25), 0.5, ("a", "b")),
        # 0.6 alone > 0.5
        ((60, 30, 10), 0.5, ("a",)),
        # 0.5 is not more than half: b is needed too
        ((50, 30, 20), 0.5, ("a", "b")),
        # tied halves are both taken
        ((50, 50, 0), 0.5, ("a", "b")),
        # 0.4 + 0.2 > 0.5, and c and d tie with b
        ((40, 20, 20, 20), 0.5, ("a", "b", "c", "d")),
        # largest first, whatever the order of the specs
        ((10, 30, 60), 0.5, ("c",)),
        # a stricter share: 0.6 + 0.3 > 0.8
        ((60, 30, 10), 0.8, ("a", "b")),
        ((60, 30, 10), 1.0, ("a", "b", "c")),
    ],
)
def test_drivers(contributions, driver_share, expected):
    # given: scores proportional to the contributions, equal weights, goalposts 0–100
    codes = "abcd"[: len(contributions)]
    need = [IndicatorSpec(code, goalposts=(0, 100)) for code in codes]
    areas = [area("x", dict(zip(codes, contributions, strict=True)), {"reach": 0})]

    # when
    [score] = compute(areas, need, [IndicatorSpec("reach")], driver_share=driver_share)

    # then
    assert score.drivers == expected


@pytest.mark.parametrize(
    ("specs", "areas", "code"),
    [
        ([IndicatorSpec("a"), IndicatorSpec("a")], [], GapIndexErrorCode.DUPLICATE_CODE),
        ([IndicatorSpec("reach")], [], GapIndexErrorCode.DUPLICATE_CODE),
        (
            [IndicatorSpec("a")],
            [area("01", {}, {}), area("01", {}, {})],
            GapIndexErrorCode.DUPLICATE_AREA,
        ),
    ],
)
def test_compute_rejects_duplicates(specs, areas, code):
    with pytest.raises(GapIndexError) as error:
        compute(areas, specs, [IndicatorSpec("reach")])

    assert error.value.code is code


@pytest.mark.parametrize(
    ("kwargs"), [{"min_weight_share": 1.5}, {"driver_share": 0}, {"driver_share": math.nan}]
)
def test_compute_rejects_parameters(kwargs):
    with pytest.raises(GapIndexError) as error:
        compute([], [], [], **kwargs)

    assert error.value.code is GapIndexErrorCode.INVALID_PARAMETER


# --- properties -------------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.just(math.nan),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
populations = st.one_of(st.none(), st.just(0.0), st.floats(min_value=1, max_value=1e8))


@st.composite
def fixed_goalposts(draw):
    low = draw(st.floats(min_value=-1e3, max_value=1e3))
    width = draw(st.floats(min_value=1e-3, max_value=1e3))
    return (low, low + width)


def specs(prefix: str):
    return st.lists(
        st.builds(
            IndicatorSpec,
            code=st.sampled_from([f"{prefix}{k}" for k in range(4)]),
            weight=st.floats(min_value=0, max_value=10),
            direction=st.sampled_from(Direction),
            transform=st.sampled_from(Transform),
            goalposts=st.one_of(st.none(), fixed_goalposts()),
        ),
        max_size=4,
        unique_by=lambda spec: spec.code,
    )


@st.composite
def indices(draw, value_strategy=values):
    need_specs = draw(specs("n"))
    coverage_specs = draw(specs("c"))
    count = draw(st.integers(min_value=0, max_value=6))
    areas = [
        AreaInput(
            f"{k:02d}",
            draw(populations),
            {spec.code: draw(value_strategy) for spec in need_specs},
            {spec.code: draw(value_strategy) for spec in coverage_specs},
        )
        for k in range(count)
    ]
    return areas, need_specs, coverage_specs


def in_unit(value):
    return value is None or 0.0 <= value <= 1.0


@given(indices(), st.floats(min_value=0, max_value=1))
def test_scores_stay_in_unit_interval(index, min_weight_share):
    # given
    areas, need, coverage = index

    # when
    scores = compute(areas, need, coverage, min_weight_share=min_weight_share)

    # then
    assert len(scores) == len(areas)
    ranked = [s for s in scores if s.gap is not None]
    for score in scores:
        assert all(in_unit(v) for v in (score.need, score.coverage, score.gap, score.gap_rank))
        assert (score.rank is None) == (score.gap is None) == (score.gap_rank is None)
        assert score.rank is None or 1 <= score.rank <= len(ranked)
        sides = ((score.need_parts, score.need), (score.coverage_parts, score.coverage))
        for parts, value in sides:
            assert all(in_unit(p.score) and 0.0 <= p.contribution <= 1.0 for p in parts)
            if value is not None:
                assert math.isclose(sum(p.contribution for p in parts), 1.0, abs_tol=1e-9)
            else:
                assert all(p.contribution == 0.0 for p in parts)
        assert set(score.missing) == {
            p.code for p in (*score.need_parts, *score.coverage_parts) if p.score is None
        }
        assert set(score.drivers) <= {p.code for p in score.need_parts}
    if ranked:
        assert min(s.rank for s in ranked) == 1


@given(
    indices(st.one_of(st.none(), st.floats(min_value=0, max_value=1e6))),
    st.data(),
)
def test_more_coverage_never_raises_the_gap(index, data):
    # given: one present coverage value of one area, raised
    areas, need, coverage = index
    present = [
        (k, code)
        for k, area_input in enumerate(areas)
        for code, value in area_input.coverage.items()
        if value is not None
    ]
    if not present:
        return
    k, code = data.draw(st.sampled_from(present))
    increase = data.draw(st.floats(min_value=0, max_value=1e6))
    raised_area = AreaInput(
        areas[k].code,
        areas[k].population,
        areas[k].need,
        {**areas[k].coverage, code: areas[k].coverage[code] + increase},
    )
    raised = [*areas[:k], raised_area, *areas[k + 1 :]]

    # when
    before = compute(areas, need, coverage)[k].gap
    after = compute(raised, need, coverage)[k].gap

    # then
    assert (before is None) == (after is None)
    if before is not None:
        assert after <= before
