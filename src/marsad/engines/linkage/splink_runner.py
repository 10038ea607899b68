"""Training the model and scoring whole files with Splink (DuckDB locally, Spark on a cluster).

Splink runs the same comparisons (`comparisons.splink_comparisons`) with the parameters of
our `LinkageModel`, so a pair scored here gets the probability the pure-Python scorer gives.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

from marsad.engines.linkage.blocking import splink_blocking_rules
from marsad.engines.linkage.clustering import Edge
from marsad.engines.linkage.comparisons import COMPARISONS, splink_comparisons
from marsad.engines.linkage.features import COLUMNS, FeatureRow
from marsad.engines.linkage.model import LinkageModel

#: Floor for probabilities Splink could not estimate (a level never seen in training).
MIN_PROBABILITY = 1e-6
#: EM passes: each blocks on some fields and estimates the m probabilities of the others.
#: None of them groups households (phone with father's name would teach EM that brothers match).
TRAINING_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("nid_digits",),
    ("first_key", "dob"),
    ("first_key", "father_key", "grandfather_key"),
    ("family_key", "dob"),
)


def _frame(rows: Sequence[FeatureRow]) -> Any:
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    for column in ("nid_checked", "latin", "dob_days", "dob_year"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _db_api(engine: str, spark: Any = None) -> Any:
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        connection.execute("SET enable_progress_bar = false")
        return DuckDBAPI(connection)
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    raise ValueError(f"Unknown engine {engine!r}: use duckdb or spark.")


def _linker(
    rows: Sequence[FeatureRow],
    model: LinkageModel | None,
    engine: str,
    spark: Any,
    *,
    keep_levels: bool = False,
) -> Any:
    from splink import Linker, SettingsCreator

    parameters = None if model is None else [list(p) for p in model.parameters]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=splink_comparisons(parameters),
        blocking_rules_to_generate_predictions=splink_blocking_rules(),
        probability_two_random_records_match=model.prior if model else 1e-5,
        retain_matching_columns=keep_levels,  # with the levels (gamma_ columns)
        retain_intermediate_calculation_columns=False,
    )
    db_api = _db_api(engine, spark)
    frame = _frame(rows)
    if engine == "spark":
        frame = db_api.spark.createDataFrame(frame.astype(object).where(frame.notna(), None))
    table = db_api.register(frame)
    return Linker(table, settings, log_level=logging.ERROR)


def train_model(
    rows: Sequence[FeatureRow],
    *,
    version: str,
    trained_on: str,
    seed: int = 1,
    max_pairs: float = 2e7,
    match_threshold: float = 0.99,
    review_threshold: float = 0.5,
) -> LinkageModel:
    """Estimate the model without labels: u by random sampling, m by expectation maximisation."""
    from splink import block_on

    linker = _linker(rows, None, "duckdb", None)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("nid_digits"),
            block_on("first_key", "father_key", "grandfather_key", "dob"),
            block_on("first_key", "family_key", "dob"),
        ],
        recall=0.8,
    )
    if not 0 < linker._settings_obj._probability_two_random_records_match < 1:
        # No deterministic matches at all: start EM from one expected duplicate per record.
        linker._settings_obj._probability_two_random_records_match = 1 / max(len(rows), 2)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    usable = [columns for columns in TRAINING_BLOCKS if _has_pairs(rows, columns)]
    if not usable:
        raise ValueError("Too little data to train: no training rule produces any pair.")
    for columns in usable:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*columns))
    sampled_pairs = min(max_pairs, len(rows) * (len(rows) - 1) / 2)
    return _model_from_linker(
        linker,
        u_floor=min(MIN_PROBABILITY, 0.5 / max(sampled_pairs, 1)),
        version=version,
        trained_on=trained_on,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )


def _has_pairs(rows: Sequence[FeatureRow], columns: tuple[str, ...], minimum: int = 20) -> bool:
    """Whether blocking on `columns` yields at least `minimum` pairs (EM needs some)."""
    counts: dict[tuple[object, ...], int] = {}
    pairs = 0
    for row in rows:
        key = tuple(row.get(column) for column in columns)
        if any(value is None for value in key):
            continue
        pairs += counts.get(key, 0)
        counts[key] = counts.get(key, 0) + 1
        if pairs >= minimum:
            return True
    return False


def _model_from_linker(linker: Any, *, u_floor: float, **fields: Any) -> LinkageModel:
    document = linker.misc.save_model_to_json()
    prior = float(document["probability_two_random_records_match"])
    parameters = []
    for comparison, stored in zip(COMPARISONS, document["comparisons"], strict=True):
        trained = [
            (
                level.kind,
                stored_level.get("m_probability"),
                without_matches(
                    stored_level.get("u_probability"), stored_level.get("m_probability"), prior
                ),
            )
            for level, stored_level in zip(
                comparison.levels, stored["comparison_levels"], strict=True
            )
        ]
        separate = frozenset(i for i, level in enumerate(comparison.levels) if level.separate)
        parameters.append(monotone_parameters(trained, u_floor=u_floor, separate=separate))
    return LinkageModel(
        prior=prior,
        parameters=tuple(parameters),
        **fields,
    )


def without_matches(u: float | None, m: float | None, prior: float) -> float | None:
    """u with the true matches taken out of the random sample it was counted on.

    Random pairs are a mixture: a share `prior` of them are matches, which reach a level with
    probability m. What random sampling measures is prior·m + (1 − prior)·u, so u itself is
    (sampled − prior·m) / (1 − prior). On a large file the correction is negligible; on a
    small one with many duplicates (5,000 records, thousands of duplicate pairs) the sampled
    rate of an agreeing identifier is mostly duplicates, and uncorrected it would make an
    identical identifier look like weak evidence.
    """
    if u is None or m is None or not 0 < prior < 1:
        return u
    return max((float(u) - prior * float(m)) / (1 - prior), 0.0)


def monotone_parameters(
    trained: Sequence[tuple[str, float | None, float | None]],
    *,
    u_floor: float = MIN_PROBABILITY,
    separate: frozenset[int] = frozenset(),
) -> tuple[tuple[float, float], ...]:
    """(m, u) per level, repaired so that a looser level never outweighs a stricter one.

    Levels run from strict to loose. A level the training data never showed among matches
    (m missing) gets the weight of the level above it rather than a huge penalty — or, for a
    `separate` level (other evidence, not a looser rung), no weight at all — and a level
    whose estimated weight exceeds the one above it is capped at that weight. The null level
    is (1, 1): it carries no evidence. u is never below `u_floor`.
    """
    result: list[tuple[float, float]] = []
    previous_weight: float | None = None
    for index, (kind, m, u) in enumerate(trained):
        if kind.startswith("null"):
            result.append((1.0, 1.0))
            continue
        u_value = max(float(u or 0.0), u_floor)
        m_value = float(m) if m else 0.0
        if kind != "else" and previous_weight is not None:
            cap = min(1.0, u_value * 2.0**previous_weight)
            unseen = u_value if index in separate else cap
            m_value = min(unseen, cap) if m_value <= MIN_PROBABILITY else min(m_value, cap)
        m_value = max(m_value, MIN_PROBABILITY)
        result.append((m_value, u_value))
        previous_weight = math.log2(m_value / u_value)
    return tuple(result)


def predict_edges(
    rows: Sequence[FeatureRow],
    model: LinkageModel,
    *,
    threshold: float,
    engine: str = "duckdb",
    spark: Any = None,
) -> Iterator[Edge]:
    """Every blocked pair with match probability ≥ `threshold`, scored by Splink."""
    linker = _linker(rows, model, engine, spark)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    sql = (
        f"select unique_id_l, unique_id_r, match_probability "  # noqa: S608 - Splink's own table name
        f"from {predictions.physical_name}"
    )
    frame = linker.misc.query_sql(sql, output_type="pandas")
    for left, right, probability in frame.itertuples(index=False):
        yield Edge(str(left), str(right), float(probability))


def predict_levels(
    rows: Sequence[FeatureRow], model: LinkageModel, *, engine: str = "duckdb", spark: Any = None
) -> dict[tuple[str, str], tuple[int, ...]]:
    """The comparison vector Splink computes for every blocked pair (keyed both ways round)."""
    linker = _linker(rows, model, engine, spark, keep_levels=True)
    predictions = linker.inference.predict(threshold_match_probability=0.0)
    gammas = ", ".join(f"gamma_{c.name}" for c in COMPARISONS)
    sql = f"select unique_id_l, unique_id_r, {gammas} from {predictions.physical_name}"  # noqa: S608 - our column names
    frame = linker.misc.query_sql(sql, output_type="pandas")
    levels = {}
    for left, right, *vector in frame.itertuples(index=False):
        # Splink numbers levels from the loosest (0 = else) up and gives -1 to the null level.
        counted = tuple(
            0 if g == -1 else len(c.levels) - 1 - int(g)
            for c, g in zip(COMPARISONS, vector, strict=True)
        )
        levels[(str(left), str(right))] = counted
        levels[(str(right), str(left))] = counted
    return levels


def score_pairs(
    rows: Sequence[FeatureRow], model: LinkageModel, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """Splink's probability for given pairs (used to check batch and online agree)."""
    probabilities = {}
    for edge in predict_edges(rows, model, threshold=0.0):
        probabilities[(edge.left, edge.right)] = edge.probability
        probabilities[(edge.right, edge.left)] = edge.probability
    return {pair: probabilities[pair] for pair in pairs if pair in probabilities}


def spark_jar_path() -> str:
    """Splink's jar of string-similarity functions, which Spark needs for these comparisons."""
    from splink.internals.spark.jar_location import similarity_jar_location

    return str(similarity_jar_location())


def spark_session() -> Any:
    """A Spark session for Splink.

    `MARSAD_SPARK_MASTER` points it at a cluster (e.g. spark://host:7077 or yarn); the default
    is local mode on this machine's cores. `MARSAD_SPARK_CHECKPOINT_DIR` must be storage all
    executors share when on a cluster (HDFS, S3); locally a temporary directory is used.
    """
    import os
    import tempfile

    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.appName("marsad-linkage")
        .master(os.environ.get("MARSAD_SPARK_MASTER", "local[*]"))
        .config("spark.jars", spark_jar_path())
        .config("spark.sql.shuffle.partitions", os.environ.get("MARSAD_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    checkpoints = os.environ.get("MARSAD_SPARK_CHECKPOINT_DIR") or tempfile.mkdtemp(
        prefix="marsad-spark-"
    )
    session.sparkContext.setCheckpointDir(checkpoints)
    session.sparkContext.setLogLevel(os.environ.get("MARSAD_SPARK_LOG_LEVEL", "ERROR"))
    return session
