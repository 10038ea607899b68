"""Time `marsad demo load` into a fresh database.

    .venv/bin/python benchmarks/demo_load.py --people 100000 [--database-url URL]

Without --database-url a throwaway SQLite file is used. Prints people/s as its last line.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "MARSAD_VAR_DIR": tmp,
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
        }
        marsad = [sys.executable, "-m", "marsad"]
        subprocess.run([*marsad, "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [*marsad, "demo", "load", "--people", str(args.people)], env=env, check=True, cwd=ROOT
        )
        seconds = time.perf_counter() - started
    print(f"people={args.people} seconds={seconds:.1f} people_per_s={args.people / seconds:,.0f}")


if __name__ == "__main__":
    main()
