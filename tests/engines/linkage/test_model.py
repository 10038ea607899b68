import math

import pytest

from marsad.engines.linkage.comparisons import COMPARISONS, comparison_vector
from marsad.engines.linkage.model import LinkageModel, ModelMismatchError, load_model
from marsad.engines.linkage.splink_runner import monotone_parameters
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
