"""Tests of the synthetic household generator (pure Python, no database)."""

import datetime
import re
from collections import Counter
from collections.abc import Iterable

import pytest

from marsad.demo import names
from marsad.demo.people import (
    BORN_ABROAD_CODE,
    SyntheticHousehold,
    SyntheticPerson,
    _national_id,
    generate_households,
)

TODAY = datetime.date(2025, 6, 1)

# Rough populations in millions, keyed by national-ID governorate code.
WEIGHTS: dict[str, float] = {
    "01": 10.1,
    "02": 5.5,
    "03": 0.8,
    "04": 0.8,
    "11": 1.6,
    "12": 6.9,
    "13": 7.7,
    "14": 6.0,
    "15": 3.7,
    "16": 5.3,
    "17": 4.7,
    "18": 6.9,
    "19": 1.4,
    "21": 9.3,
    "22": 3.6,
    "23": 4.0,
    "24": 6.2,
    "25": 4.9,
    "26": 5.6,
    "27": 3.6,
    "28": 1.6,
    "29": 1.4,
    "31": 0.4,
    "32": 0.3,
    "33": 0.5,
    "34": 0.5,
    "35": 0.1,
}

PHONE = re.compile(r"^\+201[0125]\d{8}$")
NID_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def generate(seed: int = 7, people: int = 1000, **kwargs: object) -> list[SyntheticHousehold]:
    args: dict[str, object] = {
        "seed": seed,
        "people": people,
        "governorate_weights": WEIGHTS,
        "today": TODAY,
    }
    args.update(kwargs)
    return list(generate_households(**args))  # type: ignore[arg-type]


def everyone(households: Iterable[SyntheticHousehold]) -> list[SyntheticPerson]:
    return [p for h in households for p in h.members]


def whole_years(earlier: datetime.date, later: datetime.date) -> int:
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years


def expected_check_digit(first13: str) -> int:
    total = sum(int(d) * w for d, w in zip(first13, NID_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


@pytest.fixture(scope="module")
def sample() -> list[SyntheticHousehold]:
    return generate(seed=2025, people=30_000)


@pytest.fixture(scope="module")
def people(sample: list[SyntheticHousehold]) -> list[SyntheticPerson]:
    return everyone(sample)


# --- determinism and counts ------------------------------------------------------


def test_same_seed_same_output() -> None:
    assert generate(seed=1, people=3000) == generate(seed=1, people=3000)


def test_different_seed_different_output() -> None:
    a = everyone(generate(seed=1, people=500))
    b = everyone(generate(seed=2, people=500))
    assert [p.full_name for p in a] != [p.full_name for p in b]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 10, 11, 1234, 5000])
def test_exact_people_count(n: int) -> None:
    households = generate(seed=n, people=n)
    assert sum(len(h.members) for h in households) == n
    assert all(h.members for h in households)


def test_prefix_is_stable() -> None:
    small = generate(seed=5, people=800)
    large = generate(seed=5, people=2000)
    # All households but the last (which is made to fit) are the same.
    assert small[:-1] == large[: len(small) - 1]


def test_keys_unique_and_linked(sample: list[SyntheticHousehold]) -> None:
    household_keys = [h.key for h in sample]
    assert len(set(household_keys)) == len(household_keys)
    person_keys = [p.key for h in sample for p in h.members]
    assert len(set(person_keys)) == len(person_keys)
    for h in sample:
        assert all(p.household_key == h.key for p in h.members)


# --- structure -------------------------------------------------------------------


def test_household_shape(sample: list[SyntheticHousehold]) -> None:
    sizes = [len(h.members) for h in sample]
    assert min(sizes) >= 1
    assert max(sizes) <= 10
    assert 3.9 <= sum(sizes) / len(sizes) <= 4.6
    female_heads = sum(h.head.gender == "F" for h in sample if len(h.members) > 1)
    assert 0.10 <= female_heads / sum(len(h.members) > 1 for h in sample) <= 0.22
    for h in sample:
        relations = Counter(p.relation for p in h.members)
        assert h.members[0].relation == "head"
        assert relations["head"] == 1
        assert relations["spouse"] <= 1
        assert relations["father"] <= 1
        assert relations["mother"] <= 1
        for p in h.members:
            if p.relation == "spouse":
                assert p.gender != h.head.gender
            if p.relation in ("son", "father"):
                assert p.gender == "M"
            if p.relation in ("daughter", "mother"):
                assert p.gender == "F"


def test_governorates_and_districts(sample: list[SyntheticHousehold]) -> None:
    for h in sample:
        assert h.governorate_code in WEIGHTS
        assert 0 <= h.district_index < 1000
        assert h.address
        assert all(p.governorate_code == h.governorate_code for p in h.members)
    counts = Counter(h.governorate_code for h in sample)
    assert counts["01"] > counts["35"] * 10  # weights are followed


def test_zero_weight_governorate_never_chosen() -> None:
    weights = dict.fromkeys(WEIGHTS, 0.0)
    weights["26"] = 1.0
    households = generate(people=500, governorate_weights=weights)
    assert {h.governorate_code for h in households} == {"26"}
    births = {p.birth_governorate_code for p in everyone(households)}
    assert births <= {"26", BORN_ABROAD_CODE}


# --- names -------------------------------------------------------------------------


def test_full_name_is_the_chain(people: list[SyntheticPerson]) -> None:
    for p in people:
        parts = (p.first_name, p.father_name, p.grandfather_name, p.family_name)
        assert p.full_name == " ".join(parts)
        assert all(parts)
        assert p.first_name != p.father_name
        assert p.father_name != p.grandfather_name


def test_name_chains_within_households(sample: list[SyntheticHousehold]) -> None:
    for h in sample:
        head = h.head
        children = [p for p in h.members if p.relation in ("son", "daughter")]
        if children:
            # Siblings share their father's chain and never a first name.
            assert len({(c.father_name, c.grandfather_name, c.family_name) for c in children}) == 1
            assert len({c.first_name for c in children}) == len(children)
        if head.gender == "M":
            for c in children:
                assert c.father_name == head.first_name
                assert c.grandfather_name == head.father_name
                assert c.family_name == head.family_name
        else:
            # A widow's children carry their late father's name, not hers.
            for c in children:
                assert c.father_name != head.first_name
        for p in h.members:
            if p.relation == "father":
                assert p.first_name == head.father_name
                assert p.father_name == head.grandfather_name
                assert p.family_name == head.family_name
            elif p.relation == "other":  # a sibling of the head
                assert p.first_name != head.first_name
                assert (p.father_name, p.grandfather_name, p.family_name) == (
                    head.father_name,
                    head.grandfather_name,
                    head.family_name,
                )


def test_wives_keep_their_own_chain(sample: list[SyntheticHousehold]) -> None:
    wives = [(h.head, p) for h in sample for p in h.members if p.relation == "spouse"]
    assert wives
    own_family = sum(w.family_name != husband.family_name for husband, w in wives)
    assert own_family / len(wives) > 0.8  # cousin marriages are the exception


def test_some_sons_named_after_their_grandfather(people: list[SyntheticPerson]) -> None:
    sons = [p for p in people if p.relation == "son"]
    named = [p for p in sons if p.first_name == p.grandfather_name]
    assert 0.02 <= len(named) / len(sons) <= 0.25


def test_twins_exist(sample: list[SyntheticHousehold]) -> None:
    twins = 0
    for h in sample:
        births = Counter(p.birth_date for p in h.members if p.relation in ("son", "daughter"))
        twins += sum(1 for n in births.values() if n > 1)
    assert twins >= 10


def test_christian_names_appear(people: list[SyntheticPerson]) -> None:
    coptic_only = {n for n, _ in names.COPTIC_MALE_FIRST_NAMES} - {
        n for n, _ in names.MALE_FIRST_NAMES
    }
    share = sum(p.first_name in coptic_only for p in people if p.gender == "M")
    assert share > 0


# --- dates -----------------------------------------------------------------------------


def test_no_birth_after_today_or_before_1900(people: list[SyntheticPerson]) -> None:
    assert all(datetime.date(1900, 1, 1) <= p.birth_date <= TODAY for p in people)


def test_parents_are_18_to_45_years_older(sample: list[SyntheticHousehold]) -> None:
    checked = 0
    for h in sample:
        head = h.head
        parents = [head] + [p for p in h.members if p.relation == "spouse"]
        for child in h.members:
            if child.relation in ("son", "daughter"):
                for parent in parents:
                    assert 18 <= whole_years(parent.birth_date, child.birth_date) <= 45
                    checked += 1
            elif child.relation in ("father", "mother"):
                assert 18 <= whole_years(child.birth_date, head.birth_date) <= 45
                checked += 1
    assert checked > 10_000


# --- national IDs and phones -----------------------------------------------------------


def test_national_ids_are_valid_and_agree(people: list[SyntheticPerson]) -> None:
    with_id = [p for p in people if p.national_id is not None]
    assert 0.87 <= len(with_id) / len(people) <= 0.93
    ids = [p.national_id for p in with_id]
    assert len(set(ids)) == len(ids)
    for p in with_id:
        nid = p.national_id
        assert nid is not None
        assert len(nid) == 14
        assert nid.isdigit()
        century = {"2": 1900, "3": 2000}[nid[0]]
        assert datetime.date(century + int(nid[1:3]), int(nid[3:5]), int(nid[5:7])) == (
            p.birth_date
        )
        assert nid[7:9] == p.birth_governorate_code
        assert int(nid[12]) % 2 == (1 if p.gender == "M" else 0)
        assert int(nid[13]) == expected_check_digit(nid[:13])


def test_birth_governorates(people: list[SyntheticPerson]) -> None:
    abroad = sum(p.birth_governorate_code == BORN_ABROAD_CODE for p in people)
    assert 0.001 <= abroad / len(people) <= 0.012
    local = sum(p.birth_governorate_code == p.governorate_code for p in people)
    assert 0.85 <= local / len(people) <= 0.98
    assert all(
        p.birth_governorate_code in WEIGHTS or p.birth_governorate_code == BORN_ABROAD_CODE
        for p in people
    )


def test_phones(sample: list[SyntheticHousehold]) -> None:
    shared = 0
    for h in sample:
        phones = [p.phone for p in h.members if p.phone is not None]
        assert all(PHONE.match(phone) for phone in phones)
        shared += len(phones) != len(set(phones))
    assert shared > len(sample) / 4  # siblings and wives often give the household phone


def test_national_id_builder() -> None:
    nid = _national_id(
        birth_date=datetime.date(1990, 1, 1), governorate_code="01", serial=234, gender_digit=5
    )
    assert nid[:13] == "2900101012345"
    assert int(nid[13]) == expected_check_digit(nid[:13])
    assert _national_id(
        birth_date=datetime.date(2003, 12, 31), governorate_code="88", serial=7, gender_digit=2
    ).startswith("3031231880072")
    with pytest.raises(ValueError, match="1899"):
        _national_id(
            birth_date=datetime.date(1899, 1, 1), governorate_code="01", serial=1, gender_digit=1
        )


def test_agrees_with_engine_nid() -> None:
    nid_engine = pytest.importorskip("marsad.engines.nid")
    dates = [datetime.date(1935, 2, 28), datetime.date(1999, 12, 31), datetime.date(2000, 1, 1)]
    for birth in dates:
        for gov in ("01", "21", "35", "88"):
            for gender, digit in (("M", 3), ("F", 4)):
                theirs = nid_engine.build_national_id(
                    birth_date=birth, governorate_code=gov, serial=123, gender=gender
                )
                ours = _national_id(
                    birth_date=birth, governorate_code=gov, serial=123, gender_digit=digit
                )
                assert len(theirs) == 14
                assert theirs.isdigit()
                assert theirs[:9] == ours[:9]  # century, birth date, governorate
                assert int(theirs[12]) % 2 == int(ours[12]) % 2  # gender parity
                # The same check-digit rule, applied to their first 13 digits.
                same_body = _national_id(
                    birth_date=birth,
                    governorate_code=gov,
                    serial=int(theirs[9:12]),
                    gender_digit=int(theirs[12]),
                )
                assert theirs == same_body


def test_generated_ids_parse_with_engine_nid(people: list[SyntheticPerson]) -> None:
    nid_engine = pytest.importorskip("marsad.engines.nid")
    for p in people[:5000]:
        if p.national_id is None:
            continue
        parsed = nid_engine.parse_national_id(p.national_id, today=TODAY)
        assert parsed.check_digit_ok
        assert parsed.birth_date == p.birth_date
        assert parsed.governorate_code == p.birth_governorate_code
        assert parsed.gender == p.gender


# --- arguments and name lists -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"people": -1}, ValueError),
        ({"governorate_weights": {}}, ValueError),
        ({"governorate_weights": {"1": 1.0}}, ValueError),
        ({"governorate_weights": {"88": 1.0}}, ValueError),
        ({"governorate_weights": {"20": 1.0}}, ValueError),
        ({"governorate_weights": {"01": -1.0}}, ValueError),
        ({"governorate_weights": {"01": float("nan")}}, ValueError),
        ({"today": datetime.date(1995, 1, 1)}, ValueError),
        ({"today": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)}, TypeError),
        ({"seed": "x"}, TypeError),
    ],
)
def test_bad_arguments_fail_at_call_time(kwargs: dict[str, object], error: type) -> None:
    args: dict[str, object] = {
        "seed": 1,
        "people": 10,
        "governorate_weights": WEIGHTS,
        "today": TODAY,
    }
    args.update(kwargs)
    with pytest.raises(error):
        generate_households(**args)  # type: ignore[arg-type]


def test_name_lists() -> None:
    lists = {
        "male": names.MALE_FIRST_NAMES,
        "female": names.FEMALE_FIRST_NAMES,
        "coptic_male": names.COPTIC_MALE_FIRST_NAMES,
        "coptic_female": names.COPTIC_FEMALE_FIRST_NAMES,
        "family": names.FAMILY_NAMES,
        "coptic_family": names.COPTIC_FAMILY_NAMES,
    }
    for label, pairs in lists.items():
        plain = [n for n, _ in pairs]
        assert len(plain) == len(set(plain)), label
        assert all(w > 0 and n.strip() == n and n for n, w in pairs), label
    assert len(names.MALE_FIRST_NAMES) >= 150
    assert len(names.FEMALE_FIRST_NAMES) >= 150
    assert len(names.FAMILY_NAMES) >= 120
    male = {n for n, _ in names.MALE_FIRST_NAMES + names.COPTIC_MALE_FIRST_NAMES}
    female = {n for n, _ in names.FEMALE_FIRST_NAMES + names.COPTIC_FEMALE_FIRST_NAMES}
    assert not male & female
    assert set(names.TRANSLITERATIONS) <= male | female | {n for n, _ in names.FAMILY_NAMES}
    assert names.TRANSLITERATIONS["محمد"][0] == "Mohamed"
