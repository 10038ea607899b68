"""The Fellegi–Sunter model: trained m and u probabilities per comparison level.

`model.json` beside this file is the versioned, trained model that both the online check
and the batch path load. A pair's match weight is log2(prior odds) plus, for every
comparison not missing on either side, log2(m / u) of the level it reaches; its match
probability is 2^w / (1 + 2^w) — the same arithmetic Splink's `predict` does.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from marsad.engines.linkage.comparisons import COMPARISONS, comparison_vector
from marsad.engines.linkage.features import FeatureRow

FORMAT: Final = "marsad-linkage-model/1"


class ModelMismatchError(ValueError):
    """The model file was trained for different comparisons than this code defines."""


@dataclass(frozen=True)
class PairScore:
    vector: tuple[int, ...]
    match_weight: float
    probability: float
    contributions: tuple[tuple[str, str, float], ...]  # (comparison, level label, weight)


@dataclass(frozen=True)
class LinkageModel:
    version: str
    prior: float  # probability that two random records match
    parameters: tuple[tuple[tuple[float, float], ...], ...]  # [comparison][level] = (m, u)
    match_threshold: float = 0.99
    review_threshold: float = 0.5
    trained_on: str = ""

    def __post_init__(self) -> None:
        labels = [[level.label for level in c.levels] for c in COMPARISONS]
        if len(self.parameters) != len(COMPARISONS) or any(
            len(p) != len(levels) for p, levels in zip(self.parameters, labels, strict=False)
        ):
            raise ModelMismatchError("The model does not fit the comparisons; retrain it.")

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def level_weight(self, comparison: int, level: int) -> float:
        if level == 0:
            return 0.0
        m, u = self.parameters[comparison][level]
        return math.log2(m / u)

    def score_vector(self, vector: tuple[int, ...]) -> tuple[float, float]:
        weight = self.prior_weight + sum(
            self.level_weight(c, level) for c, level in enumerate(vector)
        )
        return weight, probability_from_weight(weight)

    def score(self, left: FeatureRow, right: FeatureRow) -> PairScore:
        vector = comparison_vector(left, right)
        weight, probability = self.score_vector(vector)
        contributions = tuple(
            (c.name, c.levels[level].label, self.level_weight(i, level))
            for i, (c, level) in enumerate(zip(COMPARISONS, vector, strict=True))
        )
        return PairScore(vector, weight, probability, contributions)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "trained_on": self.trained_on,
            "probability_two_random_records_match": self.prior,
            "match_threshold": self.match_threshold,
            "review_threshold": self.review_threshold,
            "comparisons": [
                {
                    "name": comparison.name,
                    "levels": [
                        {"label": level.label, "m": m, "u": u}
                        for level, (m, u) in zip(comparison.levels, params, strict=True)
                    ],
                }
                for comparison, params in zip(COMPARISONS, self.parameters, strict=True)
            ],
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> LinkageModel:
        if document.get("format") != FORMAT:
            raise ModelMismatchError(f"Not a {FORMAT} file.")
        names = [c.name for c in COMPARISONS]
        stored = [c["name"] for c in document["comparisons"]]
        if stored != names:
            raise ModelMismatchError(f"Model compares {stored}, the code compares {names}.")
        parameters = []
        for comparison, entry in zip(COMPARISONS, document["comparisons"], strict=True):
            labels = [level.label for level in comparison.levels]
            if [level["label"] for level in entry["levels"]] != labels:
                raise ModelMismatchError(f"Levels of {comparison.name} changed; retrain.")
            parameters.append(
                tuple((float(level["m"]), float(level["u"])) for level in entry["levels"])
            )
        return cls(
            version=str(document["version"]),
            prior=float(document["probability_two_random_records_match"]),
            parameters=tuple(parameters),
            match_threshold=float(document["match_threshold"]),
            review_threshold=float(document["review_threshold"]),
            trained_on=str(document.get("trained_on", "")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")


def probability_from_weight(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds: float = 2.0**weight
    return odds / (1 + odds)


def load_model(path: Path | None = None) -> LinkageModel:
    """The shipped model (or the one at `path`)."""
    if path is None:
        text = (resources.files("marsad.engines.linkage") / "model.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return LinkageModel.from_json(json.loads(text))
