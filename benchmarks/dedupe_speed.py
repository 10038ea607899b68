"""Time `marsad dedupe` end to end (read, clean, score, cluster, write) and its peak memory.

    .venv/bin/python -m benchmarks.dedupe_speed --records 1000000 [--engine duckdb]

Generates the input with benchmarks/dedupe_data.py (not timed), then runs the real command in
a child process and prints records/s and the child's peak resident memory as its last line.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.dedupe_data import main as generate

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        generate(["--records", str(args.records), "--seed", str(args.seed), "--output", tmp])
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.test"
            ),
            "MARSAD_VAR_DIR": tmp,
        }
        command = [
            sys.executable,
            "-m",
            "marsad",
            "dedupe",
            f"{tmp}/records.csv",
            "--output",
            f"{tmp}/clusters.csv",
            "--engine",
            args.engine,
        ]
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own command line
            command,
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    print(result.stdout.strip().splitlines()[-1])
    print(
        f"records={args.records} seconds={seconds:.1f} "
        f"records_per_s={args.records / seconds:,.0f} peak_memory_gb={peak_gb:.2f}"
    )


if __name__ == "__main__":
    main()
