import math

import pytest

from marsad.engines.linkage.comparisons import COMPARISONS, comparison_vector
from marsad.engines.linkage.model import LinkageModel, ModelMismatchError, load_model
from marsad.engines.linkage.splink_runner import monotone_parameters, without_matches
from tests.engines.linkage.conftest import row


def test_shipped_model_loads_and_fits_the_comparisons():
    model = load_model()
    assert len(model.parameters) == len(COMPARISONS)
    assert 0 < model.prior < 1
    assert model.review_threshold < model.match_threshold


def test_score_is_prior_plus_level_weights():
    model = load_model()
    a = row(full_name="محمد أحمد علي", national_id="28208151304597", phone="01012345678")
    b = row(full_name="محمد احمد على", national_id="28208151304597", phone="+201012345678")
    score = model.score(a, b)
    expected = model.prior_weight + sum(
        model.level_weight(i, level) for i, level in enumerate(score.vector)
    )
    assert score.match_weight == pytest.approx(expected)
    assert score.probability == pytest.approx(2**expected / (1 + 2**expected))
    assert score.vector == comparison_vector(a, b)
    assert dict((name, label) for name, label, _ in score.contributions)["national_id"] == "exact"


def test_monotone_parameters_never_reward_a_looser_level():
    repaired = monotone_parameters(
        [
            ("null", None, None),
            ("exact", 0.8, 0.01),
            ("exact", None, 0.0002),
            ("custom", 0.5, 0.0001),
            ("else", 0.05, 0.99),
        ]
    )
    weights = [math.log2(m / u) for m, u in repaired[1:4]]
    assert repaired[0] == (1.0, 1.0)
    assert weights[0] >= weights[1] >= weights[2]
    assert weights[1] == pytest.approx(weights[0])
    assert repaired[4] == (0.05, 0.99)


def test_a_model_for_other_comparisons_is_refused():
    document = load_model().to_json()
    document["comparisons"][0]["levels"].pop()
    with pytest.raises(ModelMismatchError):
        LinkageModel.from_json(document)
    document = load_model().to_json()
    document["format"] = "something-else"
    with pytest.raises(ModelMismatchError):
        LinkageModel.from_json(document)


def test_a_separate_level_never_seen_among_matches_weighs_nothing():
    trained = [
        ("null_custom", None, None),
        ("exact", 0.9, 0.01),
        ("custom", None, 0.00003),  # e.g. first and family names swapped: never in training
        ("else", 0.1, 0.99),
    ]
    inherited = monotone_parameters(trained)
    separate = monotone_parameters(trained, separate=frozenset({2}))
    assert math.log2(inherited[2][0] / inherited[2][1]) == pytest.approx(math.log2(0.9 / 0.01))
    assert separate[2][0] == pytest.approx(separate[2][1])  # m = u: weight 0
    # Seen in training, a separate level keeps its estimate (under the cap of the one above).
    seen = monotone_parameters(
        [("exact", 0.9, 0.01), ("custom", 0.005, 0.0001), ("else", 0.095, 0.99)],
        separate=frozenset({1}),
    )
    assert seen[1] == (0.005, 0.0001)


def test_u_floor_replaces_the_fixed_minimum():
    repaired = monotone_parameters([("exact", 0.9, 0.0), ("else", 0.1, 1.0)], u_floor=2.5e-8)
    assert repaired[0] == (0.9, 2.5e-8)


def test_without_matches_takes_the_duplicates_out_of_a_random_sample():
    # 5,000 records with 6,500 duplicate pairs among 12.5 M: prior 5.2e-4. An identifier
    # that matches in 90% of duplicates and in 1 of 10 M other pairs is sampled at
    # 5.2e-4 * 0.9 + 1e-7.
    prior = 5.2e-4
    sampled = prior * 0.9 + (1 - prior) * 1e-7
    assert without_matches(sampled, 0.9, prior) == pytest.approx(1e-7)
    assert without_matches(0.01, 0.9, 0.02) == 0.0  # never negative
    assert without_matches(None, 0.9, prior) is None
    # A large file: the correction is negligible.
    assert without_matches(0.005, 0.6, 1e-5) == pytest.approx(0.005, rel=2e-3)
