"""The batch path end to end: clean, score with Splink, cluster under the hard rules."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marsad.engines.linkage.clustering import Clustering, cluster
from marsad.engines.linkage.decision import hard_conflict, same_or_mistyped_identifier
from marsad.engines.linkage.features import FeatureRow, feature_row
from marsad.engines.linkage.model import LinkageModel
from marsad.engines.linkage.records import GovernorateIndex, clean_record

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DedupeResult:
    rows: Sequence[FeatureRow]
    clustering: Clustering
    edges: int
    problems: Mapping[str, tuple[str, ...]]  # record id → fields that could not be read

    @property
    def clusters(self) -> int:
        return len(set(self.clustering.cluster_of.values()))

    @property
    def matched_pairs(self) -> int:
        sizes: dict[str, int] = {}
        for cluster_id in self.clustering.cluster_of.values():
            sizes[cluster_id] = sizes.get(cluster_id, 0) + 1
        return sum(n * (n - 1) // 2 for n in sizes.values())


def clean_rows(
    raw_rows: Iterable[Mapping[str, object]],
    *,
    today: datetime.date,
    governorates: GovernorateIndex | None,
    total: int = 0,
    progress: Progress | None = None,
) -> tuple[list[FeatureRow], dict[str, tuple[str, ...]]]:
    rows: list[FeatureRow] = []
    problems: dict[str, tuple[str, ...]] = {}
    for index, raw in enumerate(raw_rows, start=1):
        record = clean_record(raw, today=today, governorates=governorates)
        rows.append(feature_row(record))
        if record.problems:
            problems[record.record_id] = record.problems
        if progress and index % 10_000 == 0:
            progress("clean", index, total)
    if progress:
        progress("clean", len(rows), total or len(rows))
    return rows, problems


def link_rows(
    rows: Sequence[FeatureRow],
    model: LinkageModel,
    *,
    engine: str = "duckdb",
    spark: Any = None,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> tuple[Clustering, int]:
    from marsad.engines.linkage.splink_runner import predict_edges

    match_threshold = model.match_threshold if threshold is None else threshold
    if progress:
        progress("score", 0, 0)
    edges = list(predict_edges(rows, model, threshold=match_threshold, engine=engine, spark=spark))
    if progress:
        progress("cluster", 0, len(edges))
    by_id = {str(row["unique_id"]): row for row in rows}
    clustering = cluster(
        by_id,
        edges,
        conflict=lambda a, b: hard_conflict(by_id[a], by_id[b]),
        threshold=match_threshold,
        dated_identifier=lambda other, record: (
            by_id[other]["dob"] is not None
            and same_or_mistyped_identifier(by_id[other], by_id[record])
        ),
    )
    return clustering, len(edges)


def dedupe(
    raw_rows: Iterable[Mapping[str, object]],
    model: LinkageModel,
    *,
    today: datetime.date,
    governorates: GovernorateIndex | None = None,
    engine: str = "duckdb",
    spark: Any = None,
    threshold: float | None = None,
    total: int = 0,
    progress: Progress | None = None,
) -> DedupeResult:
    rows, problems = clean_rows(
        raw_rows, today=today, governorates=governorates, total=total, progress=progress
    )
    clustering, edges = link_rows(
        rows, model, engine=engine, spark=spark, threshold=threshold, progress=progress
    )
    return DedupeResult(rows, clustering, edges, problems)


def pairs_of(cluster_of: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every unordered pair of record ids placed in the same cluster (for evaluation)."""
    groups: dict[str, list[str]] = {}
    for record_id, cluster_id in cluster_of.items():
        groups.setdefault(cluster_id, []).append(record_id)
    return {
        pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)
    }
