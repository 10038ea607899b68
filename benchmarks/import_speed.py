"""Time the bulk import of households and aid entries against a raw PostgreSQL COPY.

    .venv/bin/python -m benchmarks.import_speed --households 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/marsad_bench_import \\
        [--aid-entries 1000000] [--seed 11] [--keep]

1. Creates the scratch database (it must not exist, or hold only this benchmark's data)
   and migrates it.
2. Writes a households file in the member format (one row per person, Arabic headers:
   ``رقم الأسرة``, ``الاسم``, ``الرقم القومي``...) from ``marsad.demo.people``: whole
   households with siblings, twins, name chains and common names; about 1 in 5 people
   without a national ID, as in real member files.
3. Imports it with ``marsad.imports.services.import_file`` (the path of ``marsad import``:
   reading, mapping, then batches through duplicate prevention; with ``--preview`` also
   the preview pass that the upload page runs first) and times it end to end.
4. Writes an aid file of ``--aid-entries`` rows (entry reference, national ID or household
   reference, category by Arabic or English name or code, quantity, value, date, a
   month for monthly grants), with repeat deliveries that the duplicate-aid rules catch.
5. Imports it the same way and times it.
6. Loads the same aid file with ``COPY … FROM STDIN (FORMAT csv, HEADER)`` into a scratch
   table of text columns and times that.
7. Drops the database unless ``--keep``.

Progress goes to stderr. The last line is ``ratio_vs_copy=…`` (aid import rows/s over
COPY rows/s); before it come the mode (``import`` or ``preview+import``) and the speeds.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.scratch import mark, scratch_database

MARKER = "marsad_bench_import_marker"
HOUSEHOLD_HEADER = (
    "رقم الأسرة",
    "الاسم",
    "الرقم القومي",
    "النوع",
    "تاريخ الميلاد",
    "صلة القرابة",
    "الموبايل",
    "المحافظة",
    "العنوان",
)
AID_HEADER = (
    "entry_ref",
    "national_id",
    "household_ref",
    "category",
    "quantity",
    "value",
    "delivered_on",
    "period_start",
)
RELATION_AR = {"head": "رب الأسرة", "spouse": "زوجة", "son": "ابن", "daughter": "ابنة"}
#: Aid categories and their share of deliveries; the rule-covered ones repeat sometimes.
CATEGORY_MIX = (
    ("food-box", 0.30),
    ("كرتونة مواد غذائية", 0.05),
    ("monthly-cash", 0.20),
    ("Ramadan box", 0.10),
    ("medicines", 0.10),
    ("medical-visit", 0.08),
    ("school-supplies", 0.07),
    ("eid-meat", 0.05),
    ("winter-blankets", 0.05),
)


def households_file(path: Path, *, households: int, seed: int, today: datetime.date) -> Any:
    """Write the households file; return (people with an ID, household references)."""
    from marsad.demo.people import generate_households
    from marsad.geo.models import Governorate

    weights = {g.code: float(g.population or 1) for g in Governorate.objects.all()}
    rng = random.Random(seed)
    people_with_id: list[str] = []
    references: list[str] = []
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HOUSEHOLD_HEADER)
        for household in generate_households(
            seed=seed, people=households * 6, governorate_weights=weights, today=today
        ):
            if written == households:
                break
            written += 1
            references.append(household.key)
            for person in household.members:
                national_id = person.national_id if rng.random() > 0.2 else None
                if national_id:
                    people_with_id.append(national_id)
                out.writerow(
                    (
                        household.key,
                        person.full_name,
                        national_id or "",
                        "ذكر" if person.gender == "M" else "أنثى",
                        person.birth_date.strftime("%d/%m/%Y"),
                        RELATION_AR.get(person.relation, "ابن"),
                        person.phone or "",
                        household.governorate_code,
                        household.address,
                    )
                )
    return people_with_id, references


def aid_file(
    path: Path, *, rows: int, people: Sequence[str], households: Sequence[str], seed: int
) -> None:
    rng = random.Random(seed)
    names = [name for name, _ in CATEGORY_MIX]
    weights = [weight for _, weight in CATEGORY_MIX]
    first_day = datetime.date(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(AID_HEADER)
        for n in range(rows):
            category = rng.choices(names, weights)[0]
            day = first_day + datetime.timedelta(days=rng.randrange(700))
            by_household = rng.random() < 0.2
            out.writerow(
                (
                    f"A{n:08d}",
                    "" if by_household else rng.choice(people),
                    rng.choice(households) if by_household else "",
                    category,
                    rng.choice(("1", "1", "2", "3")) if category != "monthly-cash" else "500",
                    f"{rng.randrange(100, 900)}.00" if category != "monthly-cash" else "",
                    day.isoformat(),
                    f"{day:%Y-%m}" if category == "monthly-cash" else "",
                )
            )


def copy_speed(path: Path) -> tuple[int, float]:
    """Rows and seconds of a raw COPY of the aid file into a table of text columns."""
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in AID_HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_aid_copy")
        cursor.execute(f"CREATE TABLE bench_aid_copy ({columns})")
        started = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy("COPY bench_aid_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_aid_copy")
        rows = cursor.fetchone()[0]
    return rows, seconds


def progress(label: str) -> Any:
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        seconds = time.perf_counter() - started
        rate = done / seconds if seconds else 0.0
        print(
            f"\r{label}: {done:,}/{total:,} rows, {rate:,.0f} rows/s, {seconds:.0f} s   ",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    return report


def run(args: argparse.Namespace, work: Path) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from marsad.imports.services import import_file
    from marsad.members.models import Member, Role, User

    call_command("migrate", verbosity=0)
    mark(MARKER)
    member = Member.objects.create(
        slug="bench-import",
        name_ar="مؤسسة قياس الاستيراد",
        name_en="Import Benchmark Foundation",
        kind=Member.Kind.FOUNDATION,
        registration_number="BENCH-1",
    )
    admin = User.objects.create(
        username="bench-import-admin", role=Role.MEMBER_ADMIN, member=member
    )
    today = timezone.localdate()

    print("writing the households file", file=sys.stderr)
    households_path = work / "households.csv"
    people, references = households_file(
        households_path, households=args.households, seed=args.seed, today=today
    )
    started = time.perf_counter()
    imported = import_file(
        path=households_path,
        member=member,
        kind="households",
        by=admin,
        progress=progress("households import"),
        preview=args.preview,
    )
    household_seconds = time.perf_counter() - started
    print(f"households import: {imported.status} {_counts(imported)}", file=sys.stderr)

    print("writing the aid file", file=sys.stderr)
    aid_path = work / "aid.csv"
    aid_file(aid_path, rows=args.aid_entries, people=people, households=references, seed=args.seed)
    started = time.perf_counter()
    imported = import_file(
        path=aid_path,
        member=member,
        kind="aid",
        by=admin,
        progress=progress("aid import"),
        preview=args.preview,
    )
    aid_seconds = time.perf_counter() - started
    print(f"aid import: {imported.status} {_counts(imported)}", file=sys.stderr)

    copy_rows, copy_seconds = copy_speed(aid_path)
    households_per_s = args.households / household_seconds
    aid_per_s = args.aid_entries / aid_seconds
    copy_per_s = copy_rows / copy_seconds
    print(
        f"households={args.households} household_import_s={household_seconds:.1f} "
        f"households_per_s={households_per_s:,.0f} aid_rows={args.aid_entries} "
        f"aid_import_s={aid_seconds:.1f} aid_rows_per_s={aid_per_s:,.0f} "
        f"copy_s={copy_seconds:.1f} copy_rows_per_s={copy_per_s:,.0f}"
    )
    print(f"mode={'preview+import' if args.preview else 'import'}")
    print(f"ratio_vs_copy={aid_per_s / copy_per_s:.3f}")


def _counts(batch: Any) -> str:
    names = (
        "rows_total",
        "created",
        "existing",
        "rejected",
        "people_created",
        "people_linked",
        "pending_review",
        "to_review",
        "flagged",
    )
    return " ".join(f"{name}={getattr(batch, name)}" for name in names)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, required=True)
    parser.add_argument("--aid-entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="check every row in a preview pass first, as the upload page does "
        "(default: import straight away, as `marsad import` does)",
    )
    args = parser.parse_args(argv)
    with scratch_database(args.database_url, marker=MARKER, keep=args.keep) as work:
        run(args, work)


if __name__ == "__main__":
    main()
