"""`marsad dedupe INPUT.csv --output CLUSTERS.csv`: find the same person across rows.

See shared/specs/person-records.md for the input and output formats. Exit codes: 0 done,
2 unusable input (missing record_id column, duplicate record ids, unreadable file) or
arguments.

`marsad dedupe --registry` scans the stored registry instead of a file, here in the
command rather than on the task worker: every likely duplicate pair gets a review case
(nothing is merged). Exit codes: 0 done, 1 the scan failed or another one is under way.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from marsad.core.errors import ApplicationError
from marsad.engines.linkage.model import ModelMismatchError, load_model
from marsad.engines.linkage.pipeline import DedupeResult, dedupe
from marsad.engines.linkage.splink_runner import spark_session
from marsad.matching.files import PersonFileError, read_person_file
from marsad.matching.linkage import governorate_index
from marsad.matching.scan import registry_scan_create, registry_scan_run

STAGES = {
    "read": "reading",
    "clean": "cleaning",
    "score": "scoring pairs",
    "cluster": "clustering",
    "loading": "reading people",
    "scoring": "scoring pairs",
    "recording": "opening cases",
}


class Progress:
    """One status line on a terminal, nothing in a pipe."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.active = stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.active:
            return
        elapsed = time.perf_counter() - self.started
        if total:
            width = 28
            filled = width * done // total
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        else:
            bar = f"{done:,}" if done else ""
        self.stream.write(f"\r  {STAGES.get(stage, stage):<14} {bar}  {elapsed:6.1f} s\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        if self.active:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Deduplicate a person-records file: which rows are the same person. "
        "With --registry, scan the stored registry and open review cases instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "input", type=Path, nargs="?", help="CSV or XLSX file (person-records format)."
        )
        parser.add_argument("--output", type=Path, help="CLUSTERS.csv to write.")
        parser.add_argument(
            "--registry",
            action="store_true",
            help="Scan the stored registry instead of a file and open review cases "
            "(no INPUT or --output).",
        )
        parser.add_argument(
            "--engine",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Where Splink scores the pairs (default duckdb, in-process).",
        )
        parser.add_argument(
            "--model", type=Path, help="A trained model JSON (default: the shipped model)."
        )
        parser.add_argument(
            "--threshold",
            type=float,
            help="Match probability needed to join records (default: model's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["registry"]:
            self._registry(options)
            return
        if options["input"] is None or options["output"] is None:
            raise CommandError(
                "Give INPUT and --output CLUSTERS.csv (or --registry to scan the registry).",
                returncode=2,
            )
        started = time.perf_counter()
        progress = Progress(sys.stderr)
        try:
            model = load_model(options["model"])
        except (OSError, ValueError, KeyError, ModelMismatchError) as exc:
            raise CommandError(f"Cannot load the model: {exc}", returncode=2) from exc
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1.", returncode=2)
        progress("read", 0, 0)
        try:
            person_file = read_person_file(options["input"])
        except PersonFileError as exc:
            progress.finish()
            for detail in exc.details:
                self.stderr.write(f"  {detail}")
            raise CommandError(exc.message, returncode=2) from exc
        if person_file.other_sheets:
            self.stderr.write(
                "Only the first sheet was read. These sheets hold values too and were not: "
                f"{', '.join(person_file.other_sheets)}. Put every record on the first "
                "sheet, or give each sheet as its own file."
            )
        spark = spark_session() if options["engine"] == "spark" else None
        result = dedupe(
            person_file.rows,
            model,
            today=timezone.localdate(),
            governorates=governorate_index(),
            engine=options["engine"],
            spark=spark,
            threshold=threshold,
            total=len(person_file.rows),
            progress=progress,
        )
        progress.finish()
        _write_clusters(options["output"], person_file.rows, result)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"records={len(result.rows):,} clusters={result.clusters:,} "
            f"pairs={result.matched_pairs:,} candidate_edges={result.edges:,} "
            f"unreadable_values={len(result.problems):,} seconds={seconds:.1f}"
        )

    def _registry(self, options: dict[str, Any]) -> None:
        given = [
            name
            for name, value in (
                ("INPUT", options["input"]),
                ("--output", options["output"]),
                ("--model", options["model"]),
                ("--threshold", options["threshold"]),
            )
            if value is not None
        ]
        if options["engine"] != "duckdb":
            given.append("--engine spark")
        if given:
            raise CommandError(
                f"--registry scans the registry with the shipped model, the coalition's "
                f"thresholds and DuckDB; do not give {', '.join(given)}.",
                returncode=2,
            )
        started = time.perf_counter()
        progress = Progress(sys.stderr)
        try:
            scan = registry_scan_create(by=None)
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc
        try:
            registry_scan_run(scan=scan, progress=progress)
        except Exception as exc:
            progress.finish()
            raise CommandError(f"The registry scan failed: {exc}", returncode=1) from exc
        progress.finish()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"scan={scan.pk} records={scan.records_done:,} pairs_scored={scan.pairs_scored:,} "
            f"cases_opened={scan.cases_opened:,} seconds={seconds:.1f}"
        )


def _write_clusters(path: Path, rows: list[dict[str, object]], result: DedupeResult) -> None:
    cluster_of = result.clustering.cluster_of
    best = result.clustering.best_probability
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "cluster_id", "match_probability"])
        for row in rows:
            record_id = str(row["record_id"])
            cluster_id = cluster_of[record_id]
            probability = best.get(cluster_id)
            writer.writerow(
                [record_id, cluster_id, "" if probability is None else f"{probability:.6f}"]
            )
