"""Deterministic generator of fictional Egyptian households and people.

``generate_households`` draws everything from one ``random.Random(seed)``: the
same arguments always give the same households, on any machine.  Nothing it
makes describes a real person; names are common names combined at random and
national IDs and phone numbers are made up (though well-formed).

What the data looks like:

* Household sizes 1-10, mean about 4.2 (poorer Egyptian families).  Kinds:
  one-person households (mostly elderly widows), married couples with children
  (the head is the husband), about 15% female-headed households (a widow with
  her children) and a few men living without a wife.  Some households also hold
  the head's father and/or mother (relations ``"father"``/``"mother"``) or a
  sibling of the head (relation ``"other"``, always a brother or sister of the
  head: same father, grandfather and family name).  About 10% of households
  are Christian and draw their names from the Coptic lists.
* Members come head first, then spouse, children from eldest to youngest, then
  the head's father, mother and sibling.
* Name chains follow the Egyptian convention: a child's ``father_name`` is the
  father's ``first_name``, its ``grandfather_name`` the father's
  ``father_name``, its ``family_name`` the father's.  A wife keeps her own
  chain and family name (sometimes the husband's: cousin marriage).  A widow's
  children carry their late father's chain.  The eldest son is sometimes named
  after his paternal grandfather (``first_name == grandfather_name``), so two
  living people of one family can share three of four name parts.  Nobody has
  ``first_name == father_name`` and siblings never share a first name.
  About 1% of children are twins (same birth date as the previous child).
* Parents are 18-45 years (whole years) older than their children; no birth
  date is after ``today``; nobody is born before 1900.
* About 90% of people have a national ID: 14 digits, century digit (2 for the
  1900s, 3 for the 2000s), YYMMDD birth date, 2-digit birth governorate code,
  3-digit serial, a gender digit (odd male, even female) and the weighted
  mod-11 check digit.  No two people share one.  The birth governorate is
  usually the residence, sometimes another governorate (migrants; drawn with
  the same population weights), about 0.5% ``"88"`` (born abroad).
* Phones are E.164 mobile numbers ``+201[0125]XXXXXXXX``; wives, children and
  relatives often give the household's (the head's) phone.

``district_index`` is *not* a district: it is a uniform random integer in
``[0, 1000)``.  The caller, who knows the governorate's districts, reduces it
modulo its own district count (``districts[hh.district_index % len(districts)]``).

Generating a prefix is stable: with the same seed, weights and ``today``, the
households made for ``people=N`` are the first households made for any larger
``people``, except the last one, which is drawn smaller to fit exactly (and so
differs).
"""

import bisect
import datetime
import itertools
import math
import operator
import random
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, Literal, TypeVar

from marsad.demo import names as _names

__all__ = [
    "BORN_ABROAD_CODE",
    "Gender",
    "Relation",
    "SyntheticHousehold",
    "SyntheticPerson",
    "generate_households",
]

Gender = Literal["M", "F"]
Relation = Literal["head", "spouse", "son", "daughter", "father", "mother", "other"]

BORN_ABROAD_CODE: Final = "88"
"""Birth governorate code of people born outside Egypt."""


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    """One fictional person.  ``full_name`` is the four-part chain joined by spaces."""

    key: str
    household_key: str
    relation: Relation
    first_name: str
    father_name: str
    grandfather_name: str
    family_name: str
    full_name: str
    gender: Gender
    birth_date: datetime.date
    national_id: str | None
    phone: str | None
    governorate_code: str
    birth_governorate_code: str


@dataclass(frozen=True, slots=True)
class SyntheticHousehold:
    """One fictional household; ``members[0]`` is the head.

    ``district_index`` is a random int in ``[0, 1000)``: reduce it modulo the
    governorate's district count to pick a district.
    """

    key: str
    governorate_code: str
    district_index: int
    address: str
    members: tuple[SyntheticPerson, ...]

    @property
    def head(self) -> SyntheticPerson:
        return self.members[0]


# --- National ID -------------------------------------------------------------

_NID_WEIGHTS: Final = (2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(first13: str) -> str:
    """Check digit of an Egyptian national ID: K = (11 - sum mod 11) mod 10."""
    if len(first13) != 13:
        raise ValueError("need exactly 13 digits")
    total = sum(map(operator.mul, map(int, first13), _NID_WEIGHTS))
    return str((11 - total % 11) % 10)


def _national_id(
    *, birth_date: datetime.date, governorate_code: str, serial: int, gender_digit: int
) -> str:
    """Build a 14-digit national ID (``serial`` 0-999, ``gender_digit`` odd = male)."""
    year = birth_date.year
    if 1900 <= year <= 1999:
        century = 2
    elif 2000 <= year <= 2099:
        century = 3
    else:
        raise ValueError(f"birth year {year} cannot be encoded in a national ID")
    if not (0 <= serial <= 999 and 0 <= gender_digit <= 9):
        raise ValueError("serial must be 0-999 and gender_digit 0-9")
    first13 = (
        f"{century}{year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
        f"{governorate_code}{serial:03d}{gender_digit}"
    )
    if len(first13) != 13 or not first13.isdigit():
        raise ValueError(f"bad governorate code {governorate_code!r}")
    return first13 + _check_digit(first13)


# --- Weighted picking ----------------------------------------------------------

_T = TypeVar("_T")


class _Picker(Generic[_T]):
    """Weighted choice by bisection over cumulative weights (one ``random()`` call)."""

    __slots__ = ("_cum", "_items", "_last", "_total")

    def __init__(self, pairs: Sequence[tuple[_T, float]]) -> None:
        items: list[_T] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                items.append(item)
                cum.append(total)
        if not items:
            raise ValueError("no item has a positive weight")
        self._items = items
        self._cum = cum
        self._total = total
        self._last = len(items) - 1

    def pick(self, random_: Callable[[], float]) -> _T:
        i = bisect.bisect_right(self._cum, random_() * self._total)
        return self._items[min(i, self._last)]

    def pick_other(self, random_: Callable[[], float], exclude: Collection[_T]) -> _T:
        while True:
            item = self.pick(random_)
            if item not in exclude:
                return item


@dataclass(frozen=True, slots=True)
class _NameSet:
    male: _Picker[str]
    female: _Picker[str]
    family: _Picker[str]


# --- Tunables -------------------------------------------------------------------

_YEAR: Final = 365.2425


def _days(years: float) -> int:
    return int(years * _YEAR)


_HOUSEHOLD_SIZES: Final = ((1, 6), (2, 13), (3, 17), (4, 22), (5, 19), (6, 11), (7, 6), (8, 3))
_HOUSEHOLD_SIZES_TAIL: Final = ((9, 2), (10, 1))
_P_FEMALE_HEAD: Final = 0.15
_P_LONE_MALE_HEAD: Final = 0.04
_P_CHRISTIAN: Final = 0.10
_P_HEADS_MOTHER: Final = 0.08
_P_HEADS_FATHER: Final = 0.03
_P_SIBLING: Final = 0.03
_P_COUSIN_MARRIAGE: Final = 0.08
_P_NAMED_AFTER_GRANDFATHER: Final = 0.15
_P_TWIN: Final = 0.012
_P_NATIONAL_ID: Final = 0.90
_P_BORN_ABROAD: Final = 0.005
_P_MIGRANT_ADULT: Final = 0.10
_P_MIGRANT_CHILD: Final = 0.03
_P_HOUSEHOLD_PHONE: Final = 0.85

_MIN_PARENT_AGE: Final = _days(18) + 40  # days; margin keeps whole-year age >= 18
_MAX_MOTHER_AGE_AT_BIRTH: Final = _days(43.5)
_MAX_FATHER_AGE_AT_BIRTH: Final = _days(44.5)
_MAX_AGE: Final = _days(95)
_MIN_GAP_BETWEEN_BIRTHS: Final = 300

_PHONE_PREFIXES: Final = (("0", 40.0), ("1", 22.0), ("2", 28.0), ("5", 10.0))
_URBAN_GOVERNORATES: Final = frozenset({"01", "02", "03", "04"})
_UPPER_EGYPT_GOVERNORATES: Final = frozenset({"25", "26", "27", "28", "29"})
_RESIDENCE_CODES: Final = frozenset(
    ["01", "02", "03", "04"]
    + [str(n) for n in range(11, 20)]
    + [str(n) for n in range(21, 30)]
    + [str(n) for n in range(31, 36)]
)


# --- The generator ---------------------------------------------------------------


class _Generator:
    def __init__(
        self, seed: int, governorate_weights: Mapping[str, float], today: datetime.date
    ) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.today = today.toordinal()
        self.min_birth = max(datetime.date(1900, 1, 1).toordinal(), self.today - _MAX_AGE)
        self.governorates: _Picker[str] = _Picker(list(governorate_weights.items()))
        self.sizes: _Picker[int] = _Picker(
            [(s, float(w)) for s, w in _HOUSEHOLD_SIZES + _HOUSEHOLD_SIZES_TAIL]
        )
        self.phone_prefixes: _Picker[str] = _Picker(_PHONE_PREFIXES)
        self.muslim = _NameSet(
            _Picker(_names.MALE_FIRST_NAMES),
            _Picker(_names.FEMALE_FIRST_NAMES),
            _Picker(_names.FAMILY_NAMES),
        )
        self.christian = _NameSet(
            _Picker(_names.COPTIC_MALE_FIRST_NAMES),
            _Picker(_names.COPTIC_FEMALE_FIRST_NAMES),
            _Picker(_names.COPTIC_FAMILY_NAMES),
        )
        self.issued: set[str] = set()
        self.person_count = 0
        self.household_count = 0
        # Per-household state, set by household().
        self.household_key = ""
        self.residence = ""
        self.household_phone: str | None = None
        self.members: list[SyntheticPerson] = []

    # -- small helpers --

    def phone(self) -> str:
        prefix = self.phone_prefixes.pick(self.random)
        return f"+201{prefix}{self.rng.randrange(100_000_000):08d}"

    def some_phone(self, own: float, shared: float) -> str | None:
        x = self.random()
        if x < own:
            return self.phone()
        if x < own + shared:
            return self.household_phone
        return None

    def national_id(self, birth: datetime.date, governorate: str, gender: Gender) -> str:
        randrange = self.rng.randrange
        odd = 1 if gender == "M" else 0
        while True:
            nid = _national_id(
                birth_date=birth,
                governorate_code=governorate,
                serial=randrange(1000),
                gender_digit=randrange(5) * 2 + odd,
            )
            if nid not in self.issued:
                self.issued.add(nid)
                return nid

    def add(
        self,
        relation: Relation,
        chain: tuple[str, str, str, str],
        gender: Gender,
        birth_ordinal: int,
        phone: str | None,
        migrant: float,
    ) -> SyntheticPerson:
        random_ = self.random
        self.person_count += 1
        birth = datetime.date.fromordinal(birth_ordinal)
        x = random_()
        if x < _P_BORN_ABROAD:
            birth_governorate = BORN_ABROAD_CODE
        elif x < _P_BORN_ABROAD + migrant:
            birth_governorate = self.governorates.pick(random_)
        else:
            birth_governorate = self.residence
        nid = (
            self.national_id(birth, birth_governorate, gender)
            if random_() < _P_NATIONAL_ID
            else None
        )
        first, father, grandfather, family = chain
        person = SyntheticPerson(
            key=f"P{self.person_count:07d}",
            household_key=self.household_key,
            relation=relation,
            first_name=first,
            father_name=father,
            grandfather_name=grandfather,
            family_name=family,
            full_name=f"{first} {father} {grandfather} {family}",
            gender=gender,
            birth_date=birth,
            national_id=nid,
            phone=phone,
            governorate_code=self.residence,
            birth_governorate_code=birth_governorate,
        )
        self.members.append(person)
        return person

    def chain(
        self, names: _NameSet, gender: Gender, family: str | None = None
    ) -> tuple[str, str, str, str]:
        """A random 4-part chain; men are sometimes named after their grandfather."""
        random_ = self.random
        grandfather = names.male.pick(random_)
        father = names.male.pick_other(random_, (grandfather,))
        if gender == "F":
            first = names.female.pick(random_)
        elif random_() < _P_NAMED_AFTER_GRANDFATHER:
            first = grandfather
        else:
            first = names.male.pick_other(random_, (father,))
        return first, father, grandfather, family or names.family.pick(random_)

    def wife_family(self, names: _NameSet, husband_family: str) -> str:
        if self.random() < _P_COUSIN_MARRIAGE:
            return husband_family
        return names.family.pick(self.random)

    def child_offsets(self, count: int) -> list[int]:
        """Children's birth dates as days after their mother's birth, eldest first."""
        random_ = self.random
        triangular = self.rng.triangular
        first = int(triangular(_MIN_PARENT_AGE, _days(32), _days(21)))
        gaps = [
            0
            if random_() < _P_TWIN
            else int(triangular(_MIN_GAP_BETWEEN_BIRTHS, _days(5), _days(2.2)))
            for _ in range(count - 1)
        ]
        span = sum(gaps)
        if first + span > _MAX_MOTHER_AGE_AT_BIRTH:
            first = max(_MIN_PARENT_AGE, _MAX_MOTHER_AGE_AT_BIRTH - span)
            if first + span > _MAX_MOTHER_AGE_AT_BIRTH:
                gaps = [min(g, _MIN_GAP_BETWEEN_BIRTHS) for g in gaps]
        return list(itertools.accumulate(gaps, initial=first))

    def husband_gap(self, limit: int) -> int:
        """How many days older the husband is than his wife (0-12 years, <= limit)."""
        gap = int(self.rng.triangular(0, _days(12), _days(5)))
        return max(0, min(gap, limit))

    # -- households --

    def household(self, max_size: int) -> SyntheticHousehold:
        random_ = self.random
        rng = self.rng
        self.household_count += 1
        self.household_key = f"H{self.household_count:07d}"
        self.residence = self.governorates.pick(random_)
        self.members = []
        district_index = rng.randrange(1000)
        address = self.address(self.residence)
        names = self.christian if random_() < _P_CHRISTIAN else self.muslim
        self.household_phone = self.phone() if random_() < _P_HOUSEHOLD_PHONE else None
        size = min(self.sizes.pick(random_), max_size)
        if size == 1:
            self.single(names)
        else:
            self.family(names, size)
        return SyntheticHousehold(
            key=self.household_key,
            governorate_code=self.residence,
            district_index=district_index,
            address=address,
            members=tuple(self.members),
        )

    def address(self, governorate: str) -> str:
        rng = self.rng
        if governorate in _URBAN_GOVERNORATES:
            prefixes = _names.URBAN_LOCALITY_PREFIXES
        elif governorate in _UPPER_EGYPT_GOVERNORATES:
            prefixes = _names.UPPER_EGYPT_LOCALITY_PREFIXES
        else:
            prefixes = _names.RURAL_LOCALITY_PREFIXES
        if self.random() < 0.5:
            word = self.muslim.family.pick(self.random)
            if word == "الشيخ":  # "كفر الشيخ" is a real governorate
                word = rng.choice(_names.LOCALITY_WORDS)
        else:
            word = rng.choice(_names.LOCALITY_WORDS)
        street = rng.choice(_names.STREET_NAMES)
        return f"{rng.randint(1, 150)} {street}، {rng.choice(prefixes)} {word}"

    def single(self, names: _NameSet) -> None:
        x = self.random()
        gender: Gender
        if x < 0.60:  # elderly widow
            gender, age = "F", self.rng.randint(_days(55), _days(88))
        elif x < 0.85:  # elderly widower
            gender, age = "M", self.rng.randint(_days(55), _days(88))
        else:  # young single man
            gender, age = "M", self.rng.randint(_days(20), _days(35))
        self.add(
            "head",
            self.chain(names, gender),
            gender,
            self.today - age,
            self.household_phone,
            _P_MIGRANT_ADULT,
        )

    def family(self, names: _NameSet, size: int) -> None:
        random_ = self.random
        randint = self.rng.randint
        x = random_()
        kind = (
            "widow"
            if x < _P_FEMALE_HEAD
            else "lone"
            if x < _P_FEMALE_HEAD + _P_LONE_MALE_HEAD
            else "couple"
        )
        slots = size - 1 - (kind == "couple")
        want_mother = want_father = want_sibling = False
        if slots and random_() < _P_HEADS_MOTHER:
            want_mother, slots = True, slots - 1
        if slots and random_() < _P_HEADS_FATHER:
            want_father, slots = True, slots - 1
        if slots and random_() < _P_SIBLING:
            want_sibling, slots = True, slots - 1
        n_children = slots

        # Dates, in ordinals.  "mother"/"father" are the children's parents.
        offsets: list[int] = []
        if n_children:
            offsets = self.child_offsets(n_children)
            lo = offsets[-1]
            hi = max(lo, min(offsets[0] + _days(30), _days(78)))
            mother_age = randint(lo, hi)
        elif kind == "couple":
            young = random_() < 0.55
            mother_age = randint(_days(18.2), _days(30)) if young else randint(_days(45), _days(75))
        elif kind == "lone":
            young = random_() < 0.5
            mother_age = randint(_days(20), _days(35)) if young else randint(_days(50), _days(80))
        else:
            mother_age = randint(_days(25), _days(80))
        mother_birth = self.today - mother_age
        limit = _MAX_FATHER_AGE_AT_BIRTH - offsets[-1] if offsets else _days(12)
        father_birth = mother_birth - self.husband_gap(limit)
        child_births = [mother_birth + o for o in offsets]

        # Names and the head (and spouse).
        household_phone = self.household_phone
        if kind == "widow":
            head = self.add(
                "head",
                self.chain(names, "F"),
                "F",
                mother_birth,
                household_phone,
                _P_MIGRANT_ADULT,
            )
            late_husband = self.chain(names, "M", self.wife_family(names, head.family_name))
            dad_first, dad_father, dad_family = late_husband[0], late_husband[1], late_husband[3]
            mother_first = head.first_name
        else:
            head = self.add(
                "head",
                self.chain(names, "M"),
                "M",
                father_birth if kind == "couple" or n_children else mother_birth,
                household_phone,
                _P_MIGRANT_ADULT,
            )
            dad_first, dad_father, dad_family = head.first_name, head.father_name, head.family_name
            mother_first = ""
            if kind == "couple":
                wife_chain = self.chain(names, "F", self.wife_family(names, head.family_name))
                wife = self.add(
                    "spouse",
                    wife_chain,
                    "F",
                    mother_birth,
                    self.some_phone(0.55, 0.25),
                    _P_MIGRANT_ADULT,
                )
                mother_first = wife.first_name

        # Children.
        used: set[str] = {dad_first, mother_first}
        named_after_grandfather = random_() < _P_NAMED_AFTER_GRANDFATHER
        adult = self.today - _days(16)
        for birth in child_births:
            if random_() < 0.51:
                gender: Gender = "M"
                if named_after_grandfather and dad_father not in used:
                    first = dad_father
                else:
                    first = names.male.pick_other(random_, used)
                relation: Relation = "son"
            else:
                gender, relation = "F", "daughter"
                first = names.female.pick_other(random_, used)
            used.add(first)
            phone = self.some_phone(0.45, 0.35) if birth <= adult else self.some_phone(0.0, 0.5)
            self.add(
                relation,
                (first, dad_first, dad_father, dad_family),
                gender,
                birth,
                phone,
                _P_MIGRANT_CHILD,
            )

        # The head's own parents and sibling.
        if want_mother or want_father or want_sibling:
            self.heads_relatives(names, head, want_mother, want_father, want_sibling)

    def heads_relatives(
        self,
        names: _NameSet,
        head: SyntheticPerson,
        want_mother: bool,
        want_father: bool,
        want_sibling: bool,
    ) -> None:
        random_ = self.random
        triangular = self.rng.triangular
        head_birth = head.birth_date.toordinal()
        age_at_head = int(triangular(_MIN_PARENT_AGE, _days(40), _days(24)))
        mother_birth = head_birth - age_at_head
        father_birth = mother_birth - self.husband_gap(_MAX_FATHER_AGE_AT_BIRTH - age_at_head)
        if want_father and father_birth >= self.min_birth:
            grandfather = names.male.pick_other(random_, (head.grandfather_name,))
            self.add(
                "father",
                (head.father_name, head.grandfather_name, grandfather, head.family_name),
                "M",
                father_birth,
                self.some_phone(0.3, 0.4),
                _P_MIGRANT_ADULT,
            )
        if want_mother and mother_birth >= self.min_birth:
            exclude = (head.first_name,)
            first = names.female.pick_other(random_, exclude)
            _, father, grandfather, _ = self.chain(names, "M")
            self.add(
                "mother",
                (first, father, grandfather, self.wife_family(names, head.family_name)),
                "F",
                mother_birth,
                self.some_phone(0.3, 0.4),
                _P_MIGRANT_ADULT,
            )
        if want_sibling:
            lo = max(mother_birth + _MIN_PARENT_AGE, head_birth - _days(10), self.min_birth)
            hi = min(
                mother_birth + _MAX_MOTHER_AGE_AT_BIRTH,
                father_birth + _MAX_FATHER_AGE_AT_BIRTH,
                head_birth + _days(10),
                self.today - _days(16),
            )
            if lo > hi:
                return
            used = {m.first_name for m in self.members if m.father_name == head.father_name}
            used.add(head.father_name)
            gender: Gender = "M" if random_() < 0.5 else "F"
            picker = names.male if gender == "M" else names.female
            self.add(
                "other",
                (
                    picker.pick_other(random_, used),
                    head.father_name,
                    head.grandfather_name,
                    head.family_name,
                ),
                gender,
                self.rng.randint(lo, hi),
                self.some_phone(0.6, 0.2),
                _P_MIGRANT_ADULT,
            )


def _validate(
    seed: int, people: int, governorate_weights: Mapping[str, float], today: datetime.date
) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    if isinstance(people, bool) or not isinstance(people, int) or people < 0:
        raise ValueError("people must be a non-negative int")
    if not isinstance(today, datetime.date) or isinstance(today, datetime.datetime):
        raise TypeError("today must be a datetime.date")
    if not datetime.date(2000, 1, 1) <= today <= datetime.date(2099, 12, 31):
        raise ValueError("today must be between 2000-01-01 and 2099-12-31")
    total = 0.0
    for code, weight in governorate_weights.items():
        if code not in _RESIDENCE_CODES:
            raise ValueError(
                f"{code!r} is not a national-ID governorate code of residence "
                "(01-04, 11-19, 21-29, 31-35)"
            )
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weight of governorate {code} must be finite and >= 0")
        total += weight
    if total <= 0:
        raise ValueError("governorate_weights must have a positive total")


def generate_households(
    *,
    seed: int,
    people: int,
    governorate_weights: Mapping[str, float],
    today: datetime.date,
) -> Iterator[SyntheticHousehold]:
    """Yield fictional households until exactly ``people`` people have been made.

    ``governorate_weights`` maps 2-digit national-ID governorate codes
    (``"01"`` ... ``"35"``) to population weights; a governorate's share of
    households (and of migrants' birthplaces) follows its weight.  Arguments
    are checked at call time, before the first household is made.
    """
    _validate(seed, people, governorate_weights, today)
    generator = _Generator(seed, dict(governorate_weights), today)

    def run() -> Iterator[SyntheticHousehold]:
        remaining = people
        while remaining > 0:
            household = generator.household(remaining)
            remaining -= len(household.members)
            yield household

    return run()
