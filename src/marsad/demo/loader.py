"""Loading the demo: fictional member institutions, users for every role, districts, and
synthetic households and people (see `marsad.demo.people`).

Everything is marked as demo (`is_demo`, "(تجريبية)" / "(demo)" in names) and deterministic
for a given seed.
"""

import datetime
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from marsad.assistance.models import AidCategory, AidEntry
from marsad.core.audit import audit_record
from marsad.demo.districts import DEMO_DISTRICTS
from marsad.demo.people import SyntheticHousehold, SyntheticPerson, generate_households
from marsad.geo.models import District, Governorate
from marsad.members.models import BodySeat, Branch, CoalitionBody, Member, Partner, Role, User
from marsad.registry.models import Household, HouseholdMembership, Person, ServiceLink
from marsad.registry.services import person_fields
from marsad.registry.validation import PersonInput, validate_person

DEFAULT_PASSWORD = "marsad-demo-2026"  # noqa: S105 - printed for the local demo only


def demo_password() -> str:
    return os.environ.get("MARSAD_DEMO_PASSWORD", DEFAULT_PASSWORD)


@dataclass(frozen=True)
class DemoMember:
    slug: str
    name_ar: str
    name_en: str
    kind: str
    registration_number: str
    governorates: tuple[str, ...]


DEMO_MEMBERS = (
    DemoMember(
        "demo-nour",
        "مؤسسة النور للتنمية المجتمعية (تجريبية)",
        "Al-Nour Community Development Foundation (demo)",
        Member.Kind.FOUNDATION,
        "DEMO-0101",
        ("01", "21", "24", "25", "26"),
    ),
    DemoMember(
        "demo-amal",
        "جمعية الأمل الخيرية (تجريبية)",
        "Al-Amal Charitable Association (demo)",
        Member.Kind.ASSOCIATION,
        "DEMO-0102",
        ("12", "13", "14", "16", "17"),
    ),
    DemoMember(
        "demo-khair",
        "مؤسسة الخير للتكافل (تجريبية)",
        "Al-Khair Solidarity Foundation (demo)",
        Member.Kind.FOUNDATION,
        "DEMO-0103",
        ("01", "02", "15", "18", "21", "22", "23"),
    ),
    DemoMember(
        "demo-binaa",
        "جمعية بناء الإنسان (تجريبية)",
        "Binaa Human Development Association (demo)",
        Member.Kind.ASSOCIATION,
        "DEMO-0104",
        ("24", "25", "26", "27", "28", "29"),
    ),
    DemoMember(
        "demo-saeed",
        "مؤسسة الصعيد للتمكين الاقتصادي (تجريبية)",
        "Upper Egypt Economic Empowerment Foundation (demo)",
        Member.Kind.FOUNDATION,
        "DEMO-0105",
        ("22", "23", "24", "27"),
    ),
    DemoMember(
        "demo-shabab",
        "جمعية شباب المتطوعين (تجريبية)",
        "Young Volunteers Association (demo)",
        Member.Kind.ASSOCIATION,
        "DEMO-0106",
        ("01", "02", "03", "04", "11", "19"),
    ),
)

DEMO_PARTNERS = (
    (
        "شركة مثال للاستثمار (تجريبية)",
        "Mithal Investment Company (demo)",
        Partner.Kind.PRIVATE_COMPANY,
    ),
    (
        "مؤسسة العطاء المانحة (تجريبية)",
        "Al-Ataa Donor Foundation (demo)",
        Partner.Kind.DONOR_FOUNDATION,
    ),
    (
        "مديرية التضامن الاجتماعي (تجريبية)",
        "Social Solidarity Directorate (demo)",
        Partner.Kind.STATE_BODY,
    ),
)

MEMBER_ROLES = (
    ("admin", Role.MEMBER_ADMIN, "مسؤول"),
    ("case", Role.CASE_WORKER, "باحث حالة"),
    ("coord", Role.VOLUNTEER_COORDINATOR, "منسق متطوعين"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    member: str


@dataclass(frozen=True)
class DemoResult:
    members: int
    users: int
    districts: int
    households: int
    people: int
    aid_entries: int = 0


def demo_exists() -> bool:
    return Member.objects.filter(is_demo=True).exists()


def demo_logins() -> list[DemoLogin]:
    users = User.objects.filter(username__startswith="demo-").select_related("member")
    return [
        DemoLogin(u.username, u.get_role_display(), u.member.name_en if u.member else "")
        for u in users.order_by("member__slug", "username")
    ]


@transaction.atomic
def demo_load(
    *,
    seed: int = 2026,
    people: int = 20_000,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Create the demo institutions, users and registry. Refuses to run twice."""
    if demo_exists():
        raise RuntimeError("The demo data is already loaded.")
    today = today or timezone.localdate()  # the coalition's calendar day (Cairo)
    governorates = {g.code: g for g in Governorate.objects.all()}
    districts = _districts(governorates)
    members = _members(governorates)
    users = _users(members)
    _partners_and_seats(members, users)
    households, persons = _registry(
        seed=seed,
        people=people,
        today=today,
        governorates=governorates,
        districts=districts,
        members=members,
        progress=progress,
    )
    aid_entries = _aid_ledger(seed=seed, today=today)
    audit_record(
        actor=None,
        action="create",
        target_type="demo",
        target_id=str(seed),
        target_label="demo data",
        changes={"households": households, "people": persons, "aid_entries": aid_entries},
    )
    return DemoResult(
        len(members),
        len(users),
        sum(map(len, districts.values())),
        households,
        persons,
        aid_entries,
    )


def _districts(governorates: dict[str, Governorate]) -> dict[str, list[District]]:
    result: dict[str, list[District]] = {}
    for code, rows in DEMO_DISTRICTS.items():
        result[code] = [
            District.objects.get_or_create(
                code=f"demo-{code}-{n}",
                defaults={
                    "governorate": governorates[code],
                    "kind": kind,
                    "name_ar": name_ar,
                    "name_en": name_en,
                },
            )[0]
            for n, (kind, name_ar, name_en) in enumerate(rows, start=1)
        ]
    return result


def _members(governorates: dict[str, Governorate]) -> list[Member]:
    members = []
    for spec in DEMO_MEMBERS:
        member = Member.objects.create(
            slug=spec.slug,
            name_ar=spec.name_ar,
            name_en=spec.name_en,
            kind=spec.kind,
            registration_number=spec.registration_number,
            is_demo=True,
        )
        member.governorates.set([governorates[c] for c in spec.governorates])
        for code in spec.governorates[:2]:
            governorate = governorates[code]
            Branch.objects.create(
                member=member,
                governorate=governorate,
                name_ar=f"فرع {governorate.name_ar}",
                name_en=f"{governorate.name_en} branch",
            )
        members.append(member)
    return members


def _users(members: list[Member]) -> list[User]:
    # One hash for all demo users: hashing is deliberately slow, and these share a password.
    password_hash = make_password(demo_password())
    specs: list[tuple[str, str, Member | None, str]] = [
        ("demo-secretariat", Role.SECRETARIAT_ANALYST, None, "محلل الأمانة الفنية"),
        ("demo-board", Role.BOARD_MEMBER, None, "عضو مجلس الأمناء"),
        ("demo-volunteer", Role.VOLUNTEER, None, "متطوع تجريبي"),
    ]
    for member in members:
        short = member.slug.removeprefix("demo-")
        specs += [
            (f"demo-{short}-{suffix}", role, member, f"{label} — {member.name_ar}")
            for suffix, role, label in MEMBER_ROLES
        ]
    users = []
    for username, role, holder, full_name in specs:
        users.append(
            User(
                username=username,
                role=role,
                member=holder,
                full_name=full_name,
                password=password_hash,
            )
        )
    return User.objects.bulk_create(users)


def _partners_and_seats(members: list[Member], users: list[User]) -> None:
    Partner.objects.bulk_create(
        Partner(name_ar=ar, name_en=en, kind=kind, is_demo=True) for ar, en, kind in DEMO_PARTNERS
    )
    board = CoalitionBody.objects.get(kind=CoalitionBody.Kind.BOARD_OF_TRUSTEES)
    assembly = CoalitionBody.objects.get(kind=CoalitionBody.Kind.GENERAL_ASSEMBLY)
    trustee = next(u for u in users if u.role == Role.BOARD_MEMBER)
    seats = [
        BodySeat(body=board, user=trustee, member=members[0], position=BodySeat.Position.MEMBER)
    ]
    seats += [BodySeat(body=assembly, member=m) for m in members]
    BodySeat.objects.bulk_create(seats)


def _registry(
    *,
    seed: int,
    people: int,
    today: datetime.date,
    governorates: dict[str, Governorate],
    districts: dict[str, list[District]],
    members: list[Member],
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int]:
    active: dict[str, list[Member]] = {}
    for spec, member in zip(DEMO_MEMBERS, members, strict=True):
        for code in spec.governorates:
            active.setdefault(code, []).append(member)
    weights = {code: float(governorates[code].population or 0) for code in active}
    chooser = random.Random(seed)
    stream = generate_households(seed=seed, people=people, governorate_weights=weights, today=today)
    households_done = people_done = 0
    while batch := list(islice(stream, 2000)):
        rows = [_household_row(h, governorates, districts, active, chooser) for h in batch]
        created = Household.objects.bulk_create(rows)
        persons = [
            _person_row(person, household)
            for synthetic, household in zip(batch, created, strict=True)
            for person in synthetic.members
        ]
        Person.objects.bulk_create(persons, batch_size=2000)
        _link_households(created, persons, today)
        households_done += len(created)
        people_done += len(persons)
        if progress:
            progress(people_done, people)
    return households_done, people_done


def _link_households(
    households: list[Household], persons: list[Person], today: datetime.date
) -> None:
    """Heads, current memberships and the registering member's service links, in bulk."""
    heads = Person.objects.filter(household=OuterRef("pk"), relation=Person.Relation.HEAD).values(
        "pk"
    )[:1]
    Household.objects.filter(pk__in=[h.pk for h in households]).update(head=Subquery(heads))
    HouseholdMembership.objects.bulk_create(
        (
            HouseholdMembership(
                person=p, household_id=p.household_id, relation=p.relation, started_on=today
            )
            for p in persons
        ),
        batch_size=2000,
    )
    ServiceLink.objects.bulk_create(
        (ServiceLink(person=p, member_id=p.member_id, since=today) for p in persons),
        batch_size=2000,
    )


def _household_row(
    synthetic: SyntheticHousehold,
    governorates: dict[str, Governorate],
    districts: dict[str, list[District]],
    active: dict[str, list[Member]],
    chooser: random.Random,
) -> Household:
    options = districts[synthetic.governorate_code]
    return Household(
        member=chooser.choice(active[synthetic.governorate_code]),
        governorate=governorates[synthetic.governorate_code],
        district=options[synthetic.district_index % len(options)],
        address=synthetic.address,
        source_key=synthetic.key,
    )


def _person_row(person: SyntheticPerson, household: Household) -> Person:
    """A person stored exactly as registration stores one (normal forms, encrypted ID)."""
    clean, problems = validate_person(
        PersonInput(
            full_name=person.full_name,
            gender=person.gender,
            national_id=person.national_id or "",
            birth_date=person.birth_date,
            relation=person.relation,
            phone=person.phone or "",
        )
    )
    if clean is None:
        raise ValueError(f"demo person {person.key} is invalid: {problems}")
    return Person(household=household, member_id=household.member_id, **person_fields(clean))


def _aid_ledger(*, seed: int, today: datetime.date) -> int:
    """Some deliveries, so the ledger, histories and reach report have something to show.

    Every fourth household gets a food box from its registering member in one of the past
    twelve months; every twentieth also a medical visit for its head from another member
    active in its governorate (which then serves the head), so the reach report shows the
    overlap between members. No category these use has a duplicate-aid rule.
    """
    categories = {
        c.code: c for c in AidCategory.objects.filter(code__in=["food-box", "medical-visit"])
    }
    if len(categories) < 2:
        return 0
    active: dict[int, list[int]] = {}
    through = Member.governorates.through.objects.filter(member__is_demo=True)
    for governorate_id, member_id in through.values_list("governorate_id", "member_id").order_by(
        "governorate_id", "member_id"
    ):
        active.setdefault(governorate_id, []).append(member_id)
    chooser = random.Random(seed + 1)
    first_of_month = today.replace(day=1)
    entries: list[AidEntry] = []
    links: list[ServiceLink] = []
    households = Household.objects.filter(member__is_demo=True).order_by("pk")
    rows = households.values_list("pk", "member_id", "governorate_id", "district_id", "head_id")
    for index, (pk, member_id, governorate_id, district_id, head_id) in enumerate(rows):
        if index % 4:
            continue
        month = first_of_month - datetime.timedelta(days=30 * chooser.randint(1, 11))
        day = month.replace(day=chooser.randint(1, 28))
        place = {"governorate_id": governorate_id, "district_id": district_id}
        entries.append(
            AidEntry(
                member_id=member_id,
                category=categories["food-box"],
                household_id=pk,
                quantity=Decimal(1),
                value=Decimal(450),
                delivered_on=day,
                period_start=day,
                period_end=day,
                **place,
            )
        )
        others = [m for m in active.get(governorate_id, []) if m != member_id]
        if index % 20 == 0 and head_id is not None and others:
            other = chooser.choice(others)
            links.append(ServiceLink(member_id=other, person_id=head_id, since=day))
            entries.append(
                AidEntry(
                    member_id=other,
                    category=categories["medical-visit"],
                    household_id=pk,
                    person_id=head_id,
                    quantity=Decimal(1),
                    value=Decimal(300),
                    delivered_on=day,
                    period_start=day,
                    period_end=day,
                    **place,
                )
            )
    ServiceLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    AidEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
