"""Time the registry's duplicate check and registration throughput on a large registry.

    .venv/bin/python -m benchmarks.registry_dup_check --people 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/marsad_bench_reg \\
        [--checks 2000] [--registrations 500] [--seed 7] [--keep] [--profile FILE]
        [--batch-households 20000] [--batch-size 1000] [--profile-batch FILE]

1. Creates the database if it does not exist (PostgreSQL: through the ``postgres`` database;
   SQLite: the file) and migrates it.
2. Loads ``--people`` synthetic people (``marsad.demo.people.generate_households``: whole
   households, so siblings, twins, name chains and common names are all there) with the demo
   loader's row builders, i.e. stored exactly as registration stores them, registered by two
   fictional members. A database kept from an earlier run with the same ``--people`` and
   ``--seed`` (``--keep``) is reused without loading.
3. ANALYZE.
4. Times the duplicate check of the registration path (``validate_person`` → exact national
   ID by blind index → ``find_duplicates``: candidate queries and scoring) for ``--checks``
   new person inputs: spelling variants of stored people typed without their ID (alef/hamza,
   ta marbuta, compound spacing, dropped family name), brand-new people, and stored people
   typed with their exact national ID (which stops at the blind index, as registration does,
   with the coordination summary shown to the case worker).
5. Registers ``--registrations`` new households of 2-6 people with ``household_register``
   (``confirm_warnings=True``), one after the other.
6. Imports ``--batch-households`` further new households (every size) with
   ``households_register_batch`` in batches of ``--batch-size``, alternating the two
   members, as a member's spreadsheet would arrive. To exercise the duplicate paths, 5% of
   the households also list a stored person with their exact national ID and 10% a
   spelling variant of a stored person without an ID (relation "other"). ``0`` skips it.
7. Drops the database unless ``--keep``.

Progress goes to stderr. The last three lines are ``batch_households_per_s=…``,
``households_per_s=…`` and ``p50_ms=… p95_ms=… p99_ms=…`` (the duplicate check over all
kinds of input).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from benchmarks.dedupe_data import _HA, _JOIN, _STRIP, _TA, _spell

if TYPE_CHECKING:
    from marsad.demo.people import SyntheticHousehold
    from marsad.geo.models import District, Governorate
    from marsad.members.models import Member, User
    from marsad.registry.models import Person
    from marsad.registry.validation import PersonInput

HOUSEHOLD_BATCH = 2000
PERSON_BATCH = 5000
WARM_UP_CHECKS = 25
BENCH_TARGET = "registry_dup_check"
#: Share of the checks that are spelling variants of stored people / brand-new people; the
#: rest are stored people typed with their exact national ID.
SHARE_VARIANTS = 0.45
SHARE_NEW = 0.35
KINDS = ("variant", "new", "exact_id")


# --- The database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: str
    engine: str  # "postgresql" or "sqlite"
    name: str  # database name or file path

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme in {"postgres", "postgresql", "pgsql"}:
            name = unquote(parts.path.lstrip("/"))
            if not name or name == "postgres":
                raise SystemExit("The URL must name a scratch database (not 'postgres').")
            return cls(url, "postgresql", name)
        if parts.scheme == "sqlite":
            path = url.removeprefix("sqlite://").removeprefix("/")  # as dj-database-url reads it
            if not path or path == ":memory:":
                raise SystemExit("The SQLite URL must name a file, e.g. sqlite:////tmp/b.sqlite3")
            return cls(url, "sqlite", path)
        raise SystemExit(f"Unsupported database URL scheme {parts.scheme!r}.")

    def _admin(self) -> Any:
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            dbname="postgres",
            autocommit=True,
        )

    def exists(self) -> bool:
        if self.engine == "sqlite":
            return Path(self.name).exists()
        with self._admin() as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return found.fetchone() is not None

    def create(self) -> None:
        if self.engine == "sqlite":
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)
            return
        from psycopg import sql

        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        if self.engine == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.name + suffix).unlink(missing_ok=True)
            return
        from psycopg import sql

        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


class Refused(SystemExit):
    """The database holds something this benchmark did not make: it is left alone."""


def setup_django(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("MARSAD_VAR_DIR", var_dir)
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    import django

    django.setup()


def database_is_ours() -> bool:
    """Whether an existing database is empty or holds only this benchmark's data."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    if not tables:
        return True
    if "core_auditevent" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM core_auditevent WHERE target_type = %s LIMIT 1", [BENCH_TARGET]
        )
        return cursor.fetchone() is not None


def server_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (WAL)"


# --- Loading --------------------------------------------------------------------------------


@dataclass
class World:
    """The benchmark's fixed rows: governorates, demo districts, members and their workers."""

    governorates: dict[str, Governorate]
    districts: dict[str, list[District]]
    members: list[Member]
    workers: list[User]
    weights: dict[str, float]


def world_create() -> World:
    from marsad.demo.districts import DEMO_DISTRICTS
    from marsad.demo.loader import _districts
    from marsad.geo.models import Governorate
    from marsad.members.models import Member, Role, User

    governorates = {g.code: g for g in Governorate.objects.all()}
    districts = _districts(governorates)
    specs = (
        ("bench-wafaa", "جمعية الوفاء للتنمية (تجريبية)", "Al-Wafaa Development (demo)"),
        ("bench-rahma", "مؤسسة الرحمة الخيرية (تجريبية)", "Al-Rahma Charity (demo)"),
    )
    members, workers = [], []
    for n, (slug, name_ar, name_en) in enumerate(specs, start=1):
        member, _ = Member.objects.get_or_create(
            slug=slug,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "kind": Member.Kind.ASSOCIATION,
                "registration_number": f"BENCH-{n:04d}",
                "is_demo": True,
            },
        )
        worker = User.objects.filter(username=f"{slug}-case").first()
        if worker is None:
            worker = User(
                username=f"{slug}-case", role=Role.CASE_WORKER, member=member, full_name=name_ar
            )
            worker.set_unusable_password()
            worker.save()
        members.append(member)
        workers.append(worker)
    weights = {
        code: float(governorates[code].population or 0)
        for code in DEMO_DISTRICTS
        if code in governorates
    }
    return World(governorates, districts, members, workers, weights)


def progress_bar(label: str, total: int) -> Callable[[int], None]:
    started = time.perf_counter()

    def report(done: int) -> None:
        seconds = time.perf_counter() - started
        rate = done / seconds if seconds else 0.0
        eta = (total - done) / rate if rate else 0.0
        print(
            f"\r{label}: {done:,}/{total:,} ({100 * done / max(total, 1):.0f}%) "
            f"{rate:,.0f}/s, {seconds:.0f} s, about {eta:.0f} s left   ",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    return report


def load(world: World, *, people: int, seed: int, today: datetime.date) -> tuple[int, int]:
    """Bulk-load the synthetic registry as the demo loader does; (households, people)."""
    from django.db import transaction

    from marsad.demo.loader import _household_row, _link_households, _person_row
    from marsad.demo.people import generate_households
    from marsad.registry.models import Household, Person

    active = dict.fromkeys(world.weights, world.members)
    chooser = random.Random(seed)
    stream = generate_households(
        seed=seed, people=people, governorate_weights=world.weights, today=today
    )
    report = progress_bar("loading people", people)
    households_done = people_done = 0
    while batch := list(islice(stream, HOUSEHOLD_BATCH)):
        with transaction.atomic():
            rows = [
                _household_row(h, world.governorates, world.districts, active, chooser)
                for h in batch
            ]
            created = Household.objects.bulk_create(rows)
            persons = [
                _person_row(person, household)
                for synthetic, household in zip(batch, created, strict=True)
                for person in synthetic.members
            ]
            Person.objects.bulk_create(persons, batch_size=PERSON_BATCH)
            _link_households(created, persons, today)
        households_done += len(created)
        people_done += len(persons)
        report(people_done)
    return households_done, people_done


def analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


@dataclass(frozen=True)
class LoadInfo:
    people: int
    households: int
    max_person_id: int
    seconds: float | None  # None: reused from an earlier run


def load_info_stored(*, people: int, seed: int) -> LoadInfo | None:
    """The load an earlier kept run made, or None; refuses a database holding anything else."""
    from marsad.core.models import AuditEvent
    from marsad.registry.models import Person

    event = AuditEvent.objects.filter(target_type=BENCH_TARGET).first()
    if event is None:
        if Person.objects.exists():
            raise Refused("The database holds people not loaded by this benchmark; not used.")
        return None
    if event.target_id != f"{people}:{seed}":
        raise Refused(
            f"The database holds a benchmark load of {event.target_id} (people:seed); drop it "
            "or run with the same --people and --seed."
        )
    changes = event.changes
    return LoadInfo(changes["people"], changes["households"], changes["max_person_id"], None)


def load_info_record(*, people: int, seed: int, households: int, seconds: float) -> LoadInfo:
    from django.db.models import Max

    from marsad.core.audit import audit_record
    from marsad.registry.models import Person

    max_id = Person.objects.aggregate(m=Max("pk"))["m"] or 0
    audit_record(
        actor=None,
        action="create",
        target_type=BENCH_TARGET,
        target_id=f"{people}:{seed}",
        target_label="registry duplicate check benchmark data",
        changes={"people": people, "households": households, "max_person_id": max_id},
    )
    return LoadInfo(people, households, max_id, seconds)


# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    kind: str  # one of KINDS
    data: PersonInput
    governorate: str
    source_id: int | None = None  # the stored person it was made from


def _swap_alef(text: str, rng: random.Random) -> str:
    """One alef changed: a hamza dropped (أ/إ/آ → ا) or added to a word-initial bare alef."""
    spots = [
        j
        for j, char in enumerate(text)
        if char in "أإآ" or (char == "ا" and (j == 0 or text[j - 1] == " "))
    ]
    if not spots:
        return text
    j = rng.choice(spots)
    if text[j] != "ا":
        new = "ا"
    elif text[j + 1 : j + 2] == "ل":  # the article: ال → أل is a common mistyping too
        new = "أ"
    else:
        new = rng.choice("أإ")
    return text[:j] + new + text[j + 1 :]


def _split_compound(text: str) -> str:
    """عبدالله → عبد الله (the opposite habit to joining)."""
    for prefix in ("عبد", "أبو", "ابو"):
        text = " ".join(
            f"{prefix} {word[len(prefix) :]}"
            if word.startswith(prefix) and len(word) > len(prefix) + 1
            else word
            for word in text.split(" ")
        )
    return text


def spelling_variant(person: Person, rng: random.Random) -> PersonInput:
    """How another case worker might type a stored person, without the national ID."""
    from marsad.registry.validation import PersonInput

    parts = [person.first_name, person.father_name, person.grandfather_name, person.family_name]
    original = list(parts)
    for _ in range(5):
        if rng.random() < 0.5:
            i = rng.randrange(len(parts))
            parts[i] = _swap_alef(parts[i], rng)
        if rng.random() < 0.4:
            parts = [_spell(p, _TA | _HA)[0] for p in parts]
        if rng.random() < 0.3:
            parts = [_spell(p, _STRIP)[0] for p in parts]
        if rng.random() < 0.4:
            parts = [
                _split_compound(p) if rng.random() < 0.5 else _spell(p, _JOIN)[0] for p in parts
            ]
        if rng.random() < 0.5:
            parts[3] = ""
        if parts != original:
            break
    else:
        parts[3] = ""
    return PersonInput(
        full_name=" ".join(p for p in parts if p),
        gender=person.gender,
        birth_date=person.birth_date,
        relation=person.relation,
        phone=person.phone if rng.random() < 0.3 else "",
    )


def exact_id_input(person: Person) -> PersonInput:
    from marsad.core.crypto import decrypt_pii
    from marsad.registry.validation import PersonInput

    return PersonInput(
        full_name=person.full_name,
        gender=person.gender,
        national_id=decrypt_pii(person.national_id_encrypted),
        birth_date=person.birth_date,
        relation=person.relation,
        phone=person.phone,
    )


def synthetic_input(person: Any) -> PersonInput:
    from marsad.registry.validation import PersonInput

    return PersonInput(
        full_name=person.full_name,
        gender=person.gender,
        national_id=person.national_id or "",
        birth_date=person.birth_date,
        relation=person.relation,
        phone=person.phone or "",
    )


def stored_sample(info: LoadInfo, count: int, rng: random.Random, *, with_id: bool) -> list[Person]:
    """`count` random loaded people (with a national ID if `with_id`), in a random order."""
    from marsad.registry.models import Person

    chosen: dict[int, Person] = {}
    while len(chosen) < count:
        ids = rng.sample(range(1, info.max_person_id + 1), min(info.max_person_id, 2 * count))
        rows = Person.objects.filter(pk__in=ids, pk__lte=info.max_person_id).select_related(
            "household__governorate"
        )
        if with_id:
            rows = rows.exclude(national_id_encrypted="")
        for person in rows:
            chosen.setdefault(person.pk, person)
    people = sorted(chosen.values(), key=lambda p: p.pk)
    rng.shuffle(people)
    return people[:count]


def new_households(seed: int, today: datetime.date, weights: dict[str, float]) -> Iterator[Any]:
    """Households nobody stored: a different seed, minus any whose national ID is taken."""
    from marsad.core.crypto import blind_index
    from marsad.demo.people import generate_households
    from marsad.registry.models import Person

    stream = generate_households(
        seed=seed + 1_000_003, people=10**9, governorate_weights=weights, today=today
    )
    while batch := list(islice(stream, 500)):
        indexes = {
            p.key: blind_index(p.national_id) for h in batch for p in h.members if p.national_id
        }
        taken = set(
            Person.objects.filter(national_id_index__in=list(indexes.values())).values_list(
                "national_id_index", flat=True
            )
        )
        for household in batch:
            if not any(indexes.get(p.key) in taken for p in household.members):
                yield household


def checks_build(
    info: LoadInfo, count: int, rng: random.Random, fresh: Iterator[SyntheticHousehold]
) -> list[Check]:
    variants = round(count * SHARE_VARIANTS)
    new = round(count * SHARE_NEW)
    exact = count - variants - new
    checks = [
        Check("variant", spelling_variant(p, rng), p.household.governorate.code, p.pk)
        for p in stored_sample(info, variants, rng, with_id=False)
    ]
    checks += [
        Check("exact_id", exact_id_input(p), p.household.governorate.code, p.pk)
        for p in stored_sample(info, exact, rng, with_id=True)
    ]
    fresh_people = (
        (person, household.governorate_code) for household in fresh for person in household.members
    )
    checks += [
        Check("new", synthetic_input(person), code) for person, code in islice(fresh_people, new)
    ]
    rng.shuffle(checks)
    return checks


# --- Timing ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    seconds: float
    candidates: int = 0
    found: bool = False  # variants: the source person is a candidate; new: anyone is


def run_check(check: Check) -> Outcome:
    """What registration does for one person before storing it (timed by the caller)."""
    from marsad.matching.selectors import exact_national_id, find_duplicates
    from marsad.registry.services import already_registered_error
    from marsad.registry.validation import validate_person

    started = time.perf_counter()
    clean, problems = validate_person(check.data)
    if clean is None:
        raise RuntimeError(f"benchmark input is invalid: {problems}")
    existing = exact_national_id(clean.national_id_index)
    if existing is not None:
        # Registration stops here and shows who registered the person.
        already_registered_error(existing, index=0)
        return Outcome(time.perf_counter() - started, 1, existing.pk == check.source_id)
    record = clean.linkage_record(record_id="new", governorate=check.governorate)
    candidates = find_duplicates(record)
    seconds = time.perf_counter() - started
    if check.kind == "variant":
        found = any(c.person.pk == check.source_id for c in candidates)
    else:
        found = bool(candidates)
    return Outcome(seconds, len(candidates), found)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


@dataclass
class Registrations:
    households: int = 0
    people: int = 0
    failed: int = 0
    pending: int = 0
    to_review: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)


def registrations_run(
    world: World, households: list[SyntheticHousehold], report: Callable[[int], None]
) -> Registrations:
    from marsad.core.errors import ApplicationError
    from marsad.registry.services import HouseholdInput, household_register

    result = Registrations()
    started = time.perf_counter()
    for n, synthetic in enumerate(households, start=1):
        districts = world.districts[synthetic.governorate_code]
        member = world.members[n % len(world.members)]
        worker = world.workers[n % len(world.workers)]  # member's case worker
        one = time.perf_counter()
        try:
            registered = household_register(
                member=member,
                by=worker,
                household=HouseholdInput(
                    governorate=synthetic.governorate_code,
                    district=districts[synthetic.district_index % len(districts)].code,
                    address=synthetic.address,
                ),
                people=[synthetic_input(p) for p in synthetic.members],
                confirm_warnings=True,
            )
        except ApplicationError as error:
            result.failed += 1
            print(f"\nregistration failed: {error.code}", file=sys.stderr)
        else:
            result.households += 1
            result.people += len(registered.created)
            result.pending += len(registered.pending)
            result.to_review += len(registered.to_review)
        result.latencies.append(time.perf_counter() - one)
        if n % 10 == 0 or n == len(households):
            report(n)
    result.seconds = time.perf_counter() - started
    return result


BATCH_SHARE_EXACT = 0.05
BATCH_SHARE_VARIANT = 0.10
BATCH_KEY_PREFIX = "bench-batch:"


@dataclass
class BatchRun:
    households: int = 0
    people: int = 0
    created: int = 0
    linked: int = 0
    pending: int = 0
    to_review: int = 0
    rejected: int = 0
    existing: int = 0
    seconds: float = 0.0
    batch_seconds: list[float] = field(default_factory=list)


def batch_rows(
    info: LoadInfo,
    fresh: Iterator[SyntheticHousehold],
    world: World,
    count: int,
    rng: random.Random,
) -> list[Any]:
    """`count` import rows of households nobody imported yet, some listing stored people."""
    from dataclasses import replace

    from marsad.registry.batch import HouseholdRow
    from marsad.registry.models import Household
    from marsad.registry.services import HouseholdInput

    exact = iter(stored_sample(info, round(count * BATCH_SHARE_EXACT), rng, with_id=True))
    variants = iter(stored_sample(info, round(count * BATCH_SHARE_VARIANT), rng, with_id=False))
    rows: list[HouseholdRow] = []
    while len(rows) < count:
        chunk = list(islice(fresh, min(2000, count - len(rows))))
        keys = {BATCH_KEY_PREFIX + h.key for h in chunk}
        taken = set(
            Household.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
        )
        for synthetic in chunk:
            key = BATCH_KEY_PREFIX + synthetic.key
            if key in taken:
                continue
            people = [synthetic_input(p) for p in synthetic.members]
            draw = rng.random()
            if draw < BATCH_SHARE_EXACT and (stored := next(exact, None)):
                people.append(replace(exact_id_input(stored), relation="other"))
            elif draw < BATCH_SHARE_EXACT + BATCH_SHARE_VARIANT and (
                stored := next(variants, None)
            ):
                people.append(replace(spelling_variant(stored, rng), relation="other"))
            districts = world.districts[synthetic.governorate_code]
            rows.append(
                HouseholdRow(
                    key=key,
                    line=2 + len(rows),
                    household=HouseholdInput(
                        governorate=synthetic.governorate_code,
                        district=districts[synthetic.district_index % len(districts)].code,
                        address=synthetic.address,
                    ),
                    people=people,
                )
            )
    return rows


def batch_run(world: World, rows: list[Any], size: int, report: Callable[[int], None]) -> BatchRun:
    from marsad.registry.batch import households_register_batch

    result = BatchRun()
    started = time.perf_counter()
    for number, start in enumerate(range(0, len(rows), size)):
        chunk = rows[start : start + size]
        one = time.perf_counter()
        outcomes = households_register_batch(
            member=world.members[number % len(world.members)],
            by=world.workers[number % len(world.workers)],
            rows=chunk,
            source="benchmark",
        )
        result.batch_seconds.append(time.perf_counter() - one)
        for outcome in outcomes:
            result.created += outcome.status == "created"
            result.rejected += outcome.status == "rejected"
            result.existing += outcome.status == "existing"
            result.people += len(outcome.created) + len(outcome.linked)
            result.linked += len(outcome.linked)
            result.pending += len(outcome.pending)
            result.to_review += len(outcome.to_review)
        result.households += len(chunk)
        report(result.households)
    result.seconds = time.perf_counter() - started
    return result


def registration_households(
    fresh: Iterator[SyntheticHousehold], count: int, already: int
) -> list[SyntheticHousehold]:
    """`count` new households of 2-6 people, after the `already` registered by earlier runs."""
    eligible = (h for h in fresh if 2 <= len(h.members) <= 6)
    return list(islice(eligible, already, already + count))


# --- Main -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of steps 4-5 here")
    parser.add_argument("--batch-households", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--profile-batch", type=Path, help="write cProfile stats of step 6 here")
    args = parser.parse_args(argv)

    target = Target.parse(args.database_url)
    created = not target.exists()
    if created:
        print(f"creating database {target.name}", file=sys.stderr)
        target.create()
    drop = not args.keep
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as var_dir:
        setup_django(target.url, var_dir)
        try:
            if not created and not database_is_ours():
                raise Refused(f"{target.name} holds other data: not used, not dropped.")
            run(args)
        except Refused:
            drop = False
            raise
        finally:
            if drop:
                from django.db import connections

                connections.close_all()
                target.drop()
                print(f"dropped database {target.name}", file=sys.stderr)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from marsad.registry.models import Household

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    rng = random.Random(args.seed)
    world = world_create()
    info = load_info_stored(people=args.people, seed=args.seed)
    if info is None:
        started = time.perf_counter()
        households, people = load(world, people=args.people, seed=args.seed, today=today)
        seconds = time.perf_counter() - started
        info = load_info_record(
            people=people, seed=args.seed, households=households, seconds=seconds
        )
    analyze_seconds = analyze()

    fresh = new_households(args.seed, today, world.weights)
    every_check = checks_build(info, args.checks + WARM_UP_CHECKS, rng, fresh)
    warm_up, checks = every_check[:WARM_UP_CHECKS], every_check[WARM_UP_CHECKS:]
    already = Household.objects.filter(source_key="").count()
    to_register = registration_households(fresh, args.registrations, already)
    to_import = batch_rows(info, fresh, world, args.batch_households, rng)

    profiler = cProfile.Profile() if args.profile else None
    for check in warm_up:  # the model file, the settings row, warm caches (not timed)
        run_check(check)
    report = progress_bar("duplicate checks", len(checks))
    outcomes: dict[str, list[Outcome]] = {kind: [] for kind in KINDS}
    if profiler:
        profiler.enable()
    for n, check in enumerate(checks, start=1):
        outcomes[check.kind].append(run_check(check))
        if n % 50 == 0 or n == len(checks):
            report(n)
    registrations = registrations_run(
        world, to_register, progress_bar("registrations", len(to_register))
    )
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    batch_profiler = cProfile.Profile() if args.profile_batch else None
    if batch_profiler:
        batch_profiler.enable()
    batch = batch_run(
        world, to_import, args.batch_size, progress_bar("batch import", len(to_import))
    )
    if batch_profiler:
        batch_profiler.disable()
        batch_profiler.dump_stats(args.profile_batch)

    # --- Summary ---
    every = [o.seconds * 1000 for kind in KINDS for o in outcomes[kind]]
    print()
    print(f"Registry duplicate check on {server_version()}")
    print(f"  registry: {info.people:,} people in {info.households:,} households, seed {args.seed}")
    if info.seconds is None:
        print("  load: reused a database kept from an earlier run")
    else:
        print(
            f"  load: {info.seconds:.1f} s ({info.people / info.seconds:,.0f} people/s, "
            f"batches of {HOUSEHOLD_BATCH:,} households)"
        )
    print(f"  analyze: {analyze_seconds:.1f} s")
    print(f"  duplicate checks ({len(every):,}, after {WARM_UP_CHECKS} untimed warm-up checks):")
    print("    kind          n   p50 ms   p95 ms   p99 ms   max ms  candidates  found")
    labels = {
        "variant": "source person among candidates",
        "new": "any candidate (look-alikes)",
        "exact_id": "exact ID hit",
    }
    for kind in (*KINDS, "all"):
        rows = [o for k in KINDS for o in outcomes[k]] if kind == "all" else outcomes[kind]
        if not rows:
            continue
        ms = [o.seconds * 1000 for o in rows]
        found = sum(o.found for o in rows)
        note = "" if kind == "all" else f"{found / len(rows):6.1%} {labels[kind]}"
        print(
            f"    {kind:<9} {len(rows):>5} {percentile(ms, 50):>8.1f} {percentile(ms, 95):>8.1f} "
            f"{percentile(ms, 99):>8.1f} {max(ms):>8.1f} "
            f"{sum(o.candidates for o in rows) / len(rows):>11.1f}  {note}"
        )
    reg = registrations
    lat = [s * 1000 for s in reg.latencies] or [0.0]
    print(
        f"  registrations: {reg.households:,} households ({reg.people:,} people) in "
        f"{reg.seconds:.1f} s, {reg.failed} failed; per household p50 {percentile(lat, 50):.1f} "
        f"ms, p95 {percentile(lat, 95):.1f} ms; {reg.pending} probable duplicates held for "
        f"review, {reg.to_review} possible ones"
    )
    per_batch = batch.batch_seconds or [0.0]
    print(
        f"  batch import: {batch.households:,} households ({batch.people:,} people) in "
        f"{batch.seconds:.1f} s, batches of {args.batch_size:,} "
        f"(p50 {percentile(per_batch, 50):.2f} s, max {max(per_batch):.2f} s); "
        f"{batch.created:,} created, {batch.existing} existing, "
        f"{batch.rejected} rejected; {batch.linked:,} people linked by national ID, "
        f"{batch.pending:,} probable duplicates held for review, {batch.to_review:,} possible ones"
    )
    if args.profile:
        print(f"  profile of steps 4-5: {args.profile}")
    if args.profile_batch:
        print(f"  profile of step 6: {args.profile_batch}")
    batch_rate = batch.households / batch.seconds if batch.seconds else 0.0
    print(f"batch_households_per_s={batch_rate:.1f}")
    rate = reg.households / reg.seconds if reg.seconds else 0.0
    print(f"households_per_s={rate:.1f}")
    print(
        f"p50_ms={percentile(every, 50):.2f} p95_ms={percentile(every, 95):.2f} "
        f"p99_ms={percentile(every, 99):.2f}"
    )


if __name__ == "__main__":
    main()
