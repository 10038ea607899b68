"""Time a full recomputation of the gap index and the map's data endpoint over a large ledger.

    .venv/bin/python -m benchmarks.gap_map --aid-entries 10000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/marsad_bench_gap \\
        [--households 200000] [--people-per-household 4] [--requests 500] [--seed 7] [--keep]

1. Creates the scratch database (it must not exist, or hold only this benchmark's data)
   and migrates it (the 27 governorates, the aid taxonomy and the sourced indicators come
   with the migrations).
2. Creates 36 members with 3 programs each, then writes ``--households`` households and
   their people with COPY (minimal rows: this benchmark is about the gap index, not
   registration), spread over the governorates by population.
3. Writes ``--aid-entries`` deliveries with COPY straight into ``assistance_aidentry``, in
   chunks: random members, categories and dates over the last two years, 70 % to the
   household as a whole and 30 % to one person, half of them under a program, and 0.5 %
   reversed (the reversal rows come on top). Then ANALYZE.
4. Times a full recomputation (``gap_recompute_all``: the default snapshots, i.e. all aid
   for "all" and for the current year) → ``recompute_s``.
5. Times ``--requests`` requests of the map's data endpoint ``/api/gap/geojson/`` through
   Django's test client (middleware, token authentication, suppression for a member's
   user), varying the measure and the period, after a few warm-up requests → p50 and p95.
6. Drops the database unless ``--keep``.

Progress goes to stderr; the last line is ``recompute_s=… endpoint_p95_ms=…``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.scratch import mark, scratch_database

MARKER = "marsad_bench_gap_marker"
CHUNK = 200_000
MEMBERS = 36
PROGRAMS_PER_MEMBER = 3
SHARE_PERSON_LEVEL = 0.30
SHARE_REVERSED = 0.005
MEASURES = (
    "gap",
    "need",
    "coverage",
    "gap_rank",
    "indicator:poverty_rate",
    "indicator:hdi_subnational",
    "coverage:households_reached",
    "coverage:people_reached",
    "coverage:aid_value",
)


def _copy_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_model_rows(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """COPY rows into a model's table; columns not given take the field's default."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = datetime.datetime.now(tz=datetime.UTC)
    defaults: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(_copy_value(row.get(f.attname, defaults[f.attname])) for f in fields)
        )
        buffer.write("\n")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())


def _setval(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def registry_load(args: argparse.Namespace, rng: random.Random) -> tuple[list[int], list[int]]:
    """Households and people by COPY; returns each household's member and governorate ids."""
    from marsad.geo.models import Governorate
    from marsad.members.models import Member
    from marsad.registry.models import Household, Person

    governorates = list(Governorate.objects.values_list("id", "population"))
    weights = [float(p or 1) for _, p in governorates]
    member_ids = list(Member.objects.order_by("id").values_list("id", flat=True))
    household_member: list[int] = []
    household_governorate: list[int] = []
    size = args.people_per_household
    for start in range(0, args.households, CHUNK):
        count = min(CHUNK, args.households - start)
        members = rng.choices(member_ids, k=count)
        places = rng.choices([g for g, _ in governorates], weights=weights, k=count)
        household_member += members
        household_governorate += places
        copy_model_rows(
            Household,
            [
                {"id": start + k + 1, "member_id": members[k], "governorate_id": places[k]}
                for k in range(count)
            ],
        )
        people = []
        for k in range(count):
            household_id = start + k + 1
            for j in range(size):
                people.append(
                    {
                        "id": (household_id - 1) * size + j + 1,
                        "household_id": household_id,
                        "member_id": members[k],
                        "status": "active",
                        "relation": "head" if j == 0 else "son",
                        "full_name": f"شخص {household_id}-{j}",
                        "gender": "M" if j % 2 == 0 else "F",
                        "national_id_index": None,
                    }
                )
        copy_model_rows(Person, people)
        print(f"  households {start + count:,}/{args.households:,}", file=sys.stderr)
    _setval(Household._meta.db_table)
    _setval(Person._meta.db_table)
    return household_member, household_governorate


def ledger_load(
    args: argparse.Namespace,
    rng: random.Random,
    household_member: list[int],
    household_governorate: list[int],
) -> int:
    """N deliveries (plus their reversals) by COPY in chunks of text; returns rows written."""
    from django.db import connection

    from marsad.assistance.models import AidCategory
    from marsad.programs.models import Program

    categories = list(AidCategory.objects.filter(parent__isnull=False).values_list("id", flat=True))
    programs: dict[int, list[int]] = {}
    for pk, member_id in Program.objects.values_list("id", "member_id"):
        programs.setdefault(member_id, []).append(pk)
    today = datetime.date.today()  # noqa: DTZ011 - a calendar date for generated rows
    first = today - datetime.timedelta(days=730)
    days = [(first + datetime.timedelta(days=d)).isoformat() for d in range(731)]
    columns = (
        "id, kind, member_id, category_id, household_id, person_id, quantity, value, "
        "delivered_on, period_start, period_end, program_id, governorate_id, district_id, "
        "village, delivered_by_id, delivered_by_name, evidence, reverses_id, note, "
        "source_key, created_at, created_by_id"
    )
    created = datetime.datetime.now(tz=datetime.UTC).isoformat()
    households = len(household_member)
    size = args.people_per_household
    next_id = args.aid_entries + 1
    written = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, args.aid_entries, CHUNK):
            count = min(CHUNK, args.aid_entries - start)
            lines = []
            reversals = []
            picks = [rng.randrange(households) for _ in range(count)]
            cats = rng.choices(categories, k=count)
            dates = rng.choices(days, k=count)
            for k in range(count):
                entry_id = start + k + 1
                h = picks[k]
                household_id = h + 1
                # Mostly the registering member, sometimes another one serving the family.
                member = (
                    household_member[h] if rng.random() < 0.8 else rng.randrange(1, MEMBERS + 1)
                )
                person = (
                    str(h * size + rng.randrange(size) + 1)
                    if rng.random() < SHARE_PERSON_LEVEL
                    else r"\N"
                )
                member_programs = programs.get(member)
                program = (
                    str(rng.choice(member_programs))
                    if member_programs and rng.random() < 0.5
                    else r"\N"
                )
                value = rng.randrange(100, 2000)
                day = dates[k]
                common = f"{member}\t{cats[k]}\t{household_id}\t{person}"
                lines.append(
                    f"{entry_id}\tdelivery\t{common}\t1\t{value}\t{day}\t{day}\t{day}\t{program}"
                    f"\t{household_governorate[h]}\t\\N\t\t\\N\t\t\t\\N\t\t\t{created}\t\\N\n"
                )
                if rng.random() < SHARE_REVERSED:
                    reversals.append(
                        f"{next_id}\treversal\t{common}\t-1\t-{value}\t{day}\t{day}\t{day}"
                        f"\t{program}\t{household_governorate[h]}\t\\N\t\t\\N\t\t\t{entry_id}"
                        f"\tbenchmark reversal\t\t{created}\t\\N\n"
                    )
                    next_id += 1
            with raw.copy(f"COPY assistance_aidentry ({columns}) FROM STDIN") as copy:
                copy.write("".join(lines))
                if reversals:
                    copy.write("".join(reversals))
            written += count + len(reversals)
            rate = (start + count) / (time.perf_counter() - started)
            print(
                f"  aid entries {start + count:,}/{args.aid_entries:,} ({rate:,.0f}/s)",
                file=sys.stderr,
            )
    _setval("assistance_aidentry")
    return written


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run(args: argparse.Namespace) -> None:
    from marsad.assistance.models import AidEntry

    if args.reuse:
        load_s = 0.0
        rows = AidEntry.objects.count()
        print(f"reusing {rows:,} ledger rows", file=sys.stderr)
    else:
        rows, load_s = load(args)
    recompute_and_request(args, rows, load_s)


def load(args: argparse.Namespace) -> tuple[int, float]:
    from django.core.management import call_command
    from django.db import connection

    from marsad.members.models import Member
    from marsad.programs.models import Program

    call_command("migrate", verbosity=0)
    mark(MARKER)
    rng = random.Random(args.seed)
    for n in range(1, MEMBERS + 1):
        member = Member.objects.create(
            slug=f"bench-gap-{n}",
            name_ar=f"مؤسسة القياس {n}",
            name_en=f"Benchmark Foundation {n}",
            kind=Member.Kind.FOUNDATION,
            registration_number=f"BENCH-GAP-{n}",
        )
        for p in range(1, PROGRAMS_PER_MEMBER + 1):
            Program.objects.create(
                member=member, code=f"p{p}", name_ar=f"برنامج {p}", name_en=f"Program {p}"
            )
    print("loading households and people", file=sys.stderr)
    loaded = time.perf_counter()
    household_member, household_governorate = registry_load(args, rng)
    print("loading the ledger", file=sys.stderr)
    rows = ledger_load(args, rng, household_member, household_governorate)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - loaded
    print(f"loaded {rows:,} ledger rows in {load_s:.0f} s", file=sys.stderr)
    return rows, load_s


def recompute_and_request(args: argparse.Namespace, rows: int, load_s: float) -> None:
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from marsad.members.models import Member, Role, User
    from marsad.observatory.services import gap_recompute_all

    print("recomputing the gap index", file=sys.stderr)
    started = time.perf_counter()
    snapshots = gap_recompute_all()
    recompute_s = time.perf_counter() - started
    print(
        f"recompute: {len(snapshots)} snapshots in {recompute_s:.1f} s "
        f"({', '.join(f'{s.period}={s.duration_ms} ms' for s in snapshots)})",
        file=sys.stderr,
    )

    member = Member.objects.order_by("id").first()
    user, _made = User.objects.get_or_create(
        username="bench-gap-worker", defaults={"role": Role.CASE_WORKER, "member": member}
    )
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Token {token.key}")
    periods = ("all", str(timezone.localdate().year))
    queries = [
        {"measure": MEASURES[k % len(MEASURES)], "period": periods[(k // 3) % 2]}
        for k in range(args.requests)
    ]
    for query in queries[:20]:  # warm-up: caches, connections, compiled templates
        response = client.get("/api/gap/geojson/", query)
        if response.status_code != 200:
            raise SystemExit(f"The endpoint answered {response.status_code}: {response.content!r}")
    timings = []
    for query in queries:
        began = time.perf_counter()
        response = client.get("/api/gap/geojson/", query)
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"The endpoint answered {response.status_code}")
    size_kb = len(response.content) / 1024
    p50 = statistics.median(timings)
    p95 = percentile(timings, 0.95)
    print(
        f"aid_entries={args.aid_entries} ledger_rows={rows} households={args.households} "
        f"people={args.households * args.people_per_household} load_s={load_s:.0f} "
        f"snapshots={len(snapshots)} requests={len(timings)} response_kb={size_kb:.0f} "
        f"endpoint_p50_ms={p50:.1f}"
    )
    print(f"recompute_s={recompute_s:.1f} endpoint_p95_ms={p95:.1f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aid-entries", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--people-per-household", type=int, default=4)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time again over the data a previous --keep run left (implies --keep)",
    )
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse
    os.environ["MARSAD_API_RATE"] = "1000000/min"
    with scratch_database(
        args.database_url, marker=MARKER, keep=args.keep, reuse=args.reuse
    ) as _work:
        run(args)


if __name__ == "__main__":
    main()
