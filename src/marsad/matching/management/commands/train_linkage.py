"""`marsad train_linkage INPUT.csv`: re-estimate the linkage model without labels.

Writes the model JSON (default: the shipped `engines/linkage/model.json`), which both the
online duplicate check and `marsad dedupe` load. Training is unsupervised (Splink EM), so
any large person file in the spec's format will do; no ground truth is read.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from marsad.engines.linkage.pipeline import clean_rows
from marsad.engines.linkage.splink_runner import train_model
from marsad.matching.files import PersonFileError, read_person_file
from marsad.matching.linkage import governorate_index


class Command(BaseCommand):
    help = "Train the record-linkage model (unsupervised) on a person-records file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("--output", type=Path, help="Model JSON (default: shipped model).")
        parser.add_argument("--model-version", default=timezone.localdate().isoformat())
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--max-pairs",
            type=float,
            default=2e7,
            help="Random pairs sampled to estimate u (default 2e7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            person_file = read_person_file(options["input"])
        except PersonFileError as exc:
            for detail in exc.details:
                self.stderr.write(f"  {detail}")
            raise CommandError(exc.message, returncode=2) from exc
        rows, _ = clean_rows(
            person_file.rows, today=timezone.localdate(), governorates=governorate_index()
        )
        model = train_model(
            rows,
            version=options["model_version"],
            trained_on=f"{options['input'].name} ({len(rows):,} records)",
            seed=options["seed"],
            max_pairs=options["max_pairs"],
        )
        output = options["output"] or Path(
            str(resources.files("marsad.engines.linkage") / "model.json")
        )
        model.save(output)
        self.stdout.write(
            f"model {model.version} trained on {len(rows):,} records in "
            f"{time.perf_counter() - started:.1f} s → {output}"
        )
