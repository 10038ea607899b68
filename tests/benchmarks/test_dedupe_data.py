"""Tests of the deduplication benchmark's data generator (pure Python, no database).

Rates are checked on one 20,000-record sample with tolerant ranges: they guard against a noise
kind silently disappearing or exploding, not against sampling error.  Where a rate can be read
off the rows themselves (IDs, dates, genders, governorates, phones, Latin, harakat) it is; name
spelling habits are counted from the generator's annotations, and a separate test checks that
every annotation is visible in its row.
"""

import csv
import datetime
import io
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

import pytest

from benchmarks.dedupe_data import (
    COLUMNS,
    DATE_FORMATS,
    GENDER_FORMATS,
    GOVERNORATE_FORMATS,
    PHONE_FORMATS,
    SOURCES,
    TITLES,
    AnnotatedRecord,
    generate_annotated,
    generate_dataset,
    main,
    write_dataset,
)
from marsad.demo.people import SyntheticPerson
from marsad.engines.nid import clean_national_id, parse_national_id

TODAY = datetime.date(2025, 7, 1)
SAMPLE = 20_000
NAME_FIELDS = ("full_name", "first_name", "father_name", "grandfather_name", "family_name")
HARAKAT = re.compile("[\u064b-\u0652]")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _governorate_names() -> dict[str, str]:
    text = (resources.files("marsad.geo") / "data" / "governorates.csv").read_text("utf-8")
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["nid_code"]
        names.update({code: code, row["name_en"]: code, row["name_ar"]: code})
        names[row["name_ar"].translate(str.maketrans("أإآ", "ااا"))] = code
    return names


GOVERNORATE_CODES = _governorate_names()


@pytest.fixture(scope="module")
def sample() -> list[AnnotatedRecord]:
    return generate_annotated(records=SAMPLE, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def people(sample: list[AnnotatedRecord]) -> dict[str, list[AnnotatedRecord]]:
    by_person: dict[str, list[AnnotatedRecord]] = defaultdict(list)
    for record in sample:
        by_person[record.person.key].append(record)
    return by_person


def _share(records: Iterable[AnnotatedRecord], test: Callable[[AnnotatedRecord], bool]) -> float:
    items = list(records)
    assert items, "empty base"
    return sum(map(test, items)) / len(items)


def _tagged(tag: str) -> Callable[[AnnotatedRecord], bool]:
    return lambda record: tag in record.noise


def _name(record: AnnotatedRecord) -> str:
    row = record.row
    return row["full_name"] or " ".join(row[f] for f in NAME_FIELDS[1:] if row[f])


def _kept_parts(record: AnnotatedRecord) -> list[str]:
    person = record.person
    parts = [person.first_name, person.father_name, person.grandfather_name, person.family_name]
    if "name_grandfather_dropped" in record.noise:
        return parts[:2]
    if "name_family_dropped" in record.noise:
        return parts[:3]
    return parts


def _arabic(sample: list[AnnotatedRecord]) -> list[AnnotatedRecord]:
    return [r for r in sample if "name_latin" not in r.noise]


def _final(text: str, letter: str) -> int:
    return sum(word.endswith(letter) for word in text.split())


def _alef_spot(text: str) -> bool:
    return any(
        char in "أإآ"
        or (char == "ا" and (j == 0 or text[j - 1] == " ") and text[j + 1 : j + 2] != "ل")
        for j, char in enumerate(text)
    )


def _parse_date(value: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007
        except ValueError:
            pass
    return None


def _e164(value: str) -> str:
    digits = value.translate(WESTERN).replace(" ", "")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+20" + digits[1:]
    return digits


# --- Shape -----------------------------------------------------------------------------------


def test_deterministic_for_a_seed() -> None:
    first = generate_dataset(records=3000, seed=11, today=TODAY)
    assert generate_dataset(records=3000, seed=11, today=TODAY) == first
    assert generate_dataset(records=3000, seed=12, today=TODAY) != first


@pytest.mark.parametrize("records", [0, 1, 2, 7, 1001])
def test_exact_record_count(records: int) -> None:
    rows, truth = generate_dataset(records=records, seed=3, today=TODAY)
    assert len(rows) == records
    assert len(truth) == records


def test_sample_has_exact_count_and_complete_truth(sample: list[AnnotatedRecord]) -> None:
    rows, truth = generate_dataset(records=SAMPLE, seed=7, today=TODAY)
    assert len(rows) == SAMPLE
    ids = [row["record_id"] for row in rows]
    assert len(set(ids)) == SAMPLE
    assert set(truth) == set(ids)
    assert [r.row for r in sample] == rows
    assert all(truth[r.row["record_id"]] == r.person.key for r in sample)
    assert all(list(row) == list(COLUMNS) for row in rows)
    assert all(isinstance(v, str) for row in rows for v in row.values())


def test_record_ids_are_opaque(sample: list[AnnotatedRecord]) -> None:
    assert all(re.fullmatch(r"R\d{5}", r.row["record_id"]) for r in sample)
    by_id = sorted(sample, key=lambda r: r.row["record_id"])
    same_neighbour = sum(a.person.key == b.person.key for a, b in itertools.pairwise(by_id))
    assert same_neighbour < 0.01 * SAMPLE
    in_file = sum(a.person.key == b.person.key for a, b in itertools.pairwise(sample))
    assert in_file < 0.01 * SAMPLE


def test_files_are_grouped_by_source(sample: list[AnnotatedRecord]) -> None:
    sources = [r.row["source"] for r in sample]
    runs = [s for i, s in enumerate(sources) if i == 0 or sources[i - 1] != s]
    assert runs == [slug for slug, _ in SOURCES]


def test_cli_writes_the_same_files_as_write_dataset(tmp_path: Path) -> None:
    rows, truth = generate_dataset(records=2500, seed=5, today=TODAY)
    write_dataset(rows, truth, tmp_path / "api")
    main(["--records", "2500", "--seed", "5", "--output", str(tmp_path / "cli")])
    for name in ("records.csv", "truth.csv"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    raw = (tmp_path / "cli" / "records.csv").read_bytes()
    assert raw.startswith("\ufeffrecord_id,source,".encode())
    with (tmp_path / "cli" / "records.csv").open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.DictReader(file)) == rows
    with (tmp_path / "cli" / "truth.csv").open(encoding="utf-8", newline="") as file:
        assert {r["record_id"]: r["person_id"] for r in csv.DictReader(file)} == truth


# --- Population and duplication -----------------------------------------------------------------


def test_records_per_person(people: dict[str, list[AnnotatedRecord]]) -> None:
    counts = Counter(len(records) for records in people.values())
    total = len(people)
    assert 0.53 <= counts[1] / total <= 0.63
    assert 0.24 <= counts[2] / total <= 0.32
    assert 0.07 <= counts[3] / total <= 0.13
    assert 0.02 <= (counts[4] + counts[5]) / total <= 0.06
    assert max(counts) <= 5


def test_records_of_a_person_mostly_come_from_different_sources(
    people: dict[str, list[AnnotatedRecord]],
) -> None:
    pairs = same = 0
    for records in people.values():
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                pairs += 1
                same += a.row["source"] == b.row["source"]
    assert 0.03 <= same / pairs <= 0.2


def test_households_are_whole_with_siblings_and_twins(
    people: dict[str, list[AnnotatedRecord]],
) -> None:
    persons = [records[0].person for records in people.values()]
    households: dict[str, list[SyntheticPerson]] = defaultdict(list)
    for person in persons:
        households[person.household_key].append(person)
    assert sum(len(m) > 1 for m in households.values()) > 0.5 * len(households)
    siblings = twins = 0
    for members in households.values():
        children = [p for p in members if p.relation in ("son", "daughter")]
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                assert a.key != b.key
                chain_a = (a.father_name, a.grandfather_name, a.family_name)
                assert chain_a == (b.father_name, b.grandfather_name, b.family_name)
                siblings += 1
                twins += a.birth_date == b.birth_date
    assert siblings > 1000
    assert twins >= 5
    named_after_grandfather = [p for p in persons if p.first_name == p.grandfather_name]
    assert len(named_after_grandfather) > 50


def test_siblings_share_a_phone_in_the_files(sample: list[AnnotatedRecord]) -> None:
    by_phone: dict[str, set[str]] = defaultdict(set)
    for record in sample:
        if record.row["phone"]:
            by_phone[_e164(record.row["phone"])].add(record.person.key)
    shared = sum(len(keys) > 1 for keys in by_phone.values())
    assert shared > 500


def _normalized(name: str) -> str:
    name = HARAKAT.sub("", name).replace("\u0640", "").replace(" ", "")
    return name.translate(str.maketrans("أإآةى", "اااهي"))


def test_short_three_part_names_belong_to_many_people(sample: list[AnnotatedRecord]) -> None:
    common = {"محمد", "أحمد", "محمود", "علي", "حسن", "مصطفى", "إبراهيم"}
    owners: dict[str, set[str]] = defaultdict(set)
    short_common = 0
    for record in _arabic(sample):
        if "name_grandfather_dropped" not in record.noise and "name_family_dropped" in record.noise:
            owners[_normalized(_name(record))].add(record.person.key)
            short_common += set(_kept_parts(record)) <= common
    assert len(owners) > 1000
    assert short_common > 10
    assert sum(len(keys) > 1 for keys in owners.values()) >= 5


def test_governorates_follow_population(people: dict[str, list[AnnotatedRecord]]) -> None:
    codes = Counter(records[0].person.governorate_code for records in people.values())
    assert 0.07 <= codes["01"] / len(people) <= 0.13
    assert len(codes) >= 20


# --- Styles ------------------------------------------------------------------------------------


def _formats(sample: list[AnnotatedRecord], column: str, classify: Callable[[str], str]) -> dict:
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for record in sample:
        value = record.row[column]
        if value:
            by_source[record.row["source"]][classify(value)] += 1
    return by_source


def test_sources_follow_their_styles(sample: list[AnnotatedRecord]) -> None:
    classifiers: dict[str, Callable[[str], str]] = {
        "birth_date": lambda v: "year" if len(v) == 4 else "iso" if "-" in v else "dmy",
        "gender": lambda v: "letter" if len(v) == 1 else "word" if v.isascii() else "arabic",
        "governorate": lambda v: "code" if v.isdigit() else "english" if v.isascii() else "arabic",
        "phone": lambda v: (
            "arabic_digits"
            if not v.isascii()
            else "spaced"
            if " " in v
            else "e164"
            if v.startswith("+")
            else "intl00"
            if v.startswith("00")
            else "local"
        ),
    }
    expected = {
        "birth_date": set(DATE_FORMATS),
        "gender": set(GENDER_FORMATS),
        "governorate": set(GOVERNORATE_FORMATS),
        "phone": set(PHONE_FORMATS),
    }
    for column, classify in classifiers.items():
        main_formats = set()
        for counts in _formats(sample, column, classify).values():
            counts.pop("year", None)
            (top, n), *_ = counts.most_common()
            assert n / sum(counts.values()) > 0.8, column
            assert len(counts) > 1, f"no row-level inconsistency in {column}"
            main_formats.add(top)
        assert main_formats == expected[column]


def test_sources_fill_names_in_their_layout(sample: list[AnnotatedRecord]) -> None:
    layouts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in sample:
        row = record.row
        full, parts = bool(row["full_name"]), bool(row["first_name"])
        layouts[row["source"]]["both" if full and parts else "full" if full else "parts"] += 1
    tops = {counts.most_common(1)[0][0] for counts in layouts.values()}
    assert tops == {"full", "parts", "both"}


# --- National ID -----------------------------------------------------------------------------


def test_national_id_noise(sample: list[AnnotatedRecord], people: dict) -> None:
    assert 0.21 <= _share(sample, lambda r: not r.row["national_id"]) <= 0.29
    never = sum(all(not r.row["national_id"] for r in records) for records in people.values())
    assert never / len(people) > 0.12

    present = [r for r in sample if r.row["national_id"]]
    assert 0.07 <= _share(present, lambda r: bool(re.search("[ -]", r.row["national_id"]))) <= 0.13
    assert 0.07 <= _share(present, lambda r: not r.row["national_id"].isascii()) <= 0.13

    kinds: Counter[str] = Counter()
    for record in present:
        typed, true = clean_national_id(record.row["national_id"]), record.person.national_id
        assert true is not None
        assert len(typed) == 14
        diff = [i for i in range(14) if typed[i] != true[i]]
        if not diff:
            kinds["same"] += 1
            parsed = parse_national_id(typed, today=TODAY)
            assert parsed.birth_date == record.person.birth_date
            assert parsed.gender == record.person.gender
            assert not {"nid_substitution", "nid_transposition"} & record.noise
        elif len(diff) == 1:
            kinds["substitution"] += 1
            assert "nid_substitution" in record.noise
        else:
            i, j = diff
            assert j == i + 1
            assert (typed[i], typed[j]) == (true[j], true[i])
            kinds["transposition"] += 1
            assert "nid_transposition" in record.noise
    assert 0.02 <= kinds["substitution"] / len(present) <= 0.04
    assert 0.009 <= kinds["transposition"] / len(present) <= 0.022


# --- Birth date, gender, governorate, phone ------------------------------------------------------


def test_birth_date_noise(sample: list[AnnotatedRecord]) -> None:
    kinds: Counter[str] = Counter()
    eligible = 0
    for record in sample:
        value, true = record.row["birth_date"], record.person.birth_date
        if true.day <= 12 and true.day != true.month:
            eligible += 1
        if not value:
            kinds["missing"] += 1
            continue
        if re.fullmatch(r"\d{4}", value):
            assert int(value) == true.year
            kinds["year"] += 1
            continue
        date = _parse_date(value)
        assert date is not None, value
        if date == true:
            kinds["same"] += 1
        elif abs((date - true).days) == 1:
            kinds["off_by_one"] += 1
        else:
            assert (date.year, date.month, date.day) == (true.year, true.day, true.month)
            kinds["swapped"] += 1
    assert 0.045 <= kinds["missing"] / SAMPLE <= 0.075
    assert 0.03 <= kinds["year"] / SAMPLE <= 0.05
    assert 0.005 <= kinds["off_by_one"] / SAMPLE <= 0.016
    assert 0.02 <= kinds["swapped"] / eligible <= 0.04


def test_gender_noise(sample: list[AnnotatedRecord]) -> None:
    values = {"M": "M", "F": "F", "male": "M", "female": "F", "ذكر": "M", "أنثى": "F", "انثى": "F"}
    assert 0.035 <= _share(sample, lambda r: not r.row["gender"]) <= 0.065
    assert all(values[r.row["gender"]] == r.person.gender for r in sample if r.row["gender"])


def test_governorate_noise(sample: list[AnnotatedRecord], people: dict) -> None:
    assert 0.08 <= _share(sample, lambda r: not r.row["governorate"]) <= 0.12
    given = [r for r in sample if r.row["governorate"]]
    moved = _share(
        given, lambda r: GOVERNORATE_CODES[r.row["governorate"]] != r.person.governorate_code
    )
    assert 0.02 <= moved <= 0.045
    for records in people.values():
        others = {
            GOVERNORATE_CODES[r.row["governorate"]] for r in records if r.row["governorate"]
        } - {records[0].person.governorate_code}
        assert len(others) <= 1


def test_phone_noise(sample: list[AnnotatedRecord]) -> None:
    assert 0.30 <= _share(sample, lambda r: not r.row["phone"]) <= 0.40
    given = [r for r in sample if r.row["phone"]]
    assert all(re.fullmatch(r"\+201[0125]\d{8}", _e164(r.row["phone"])) for r in given)
    changed = _share(given, lambda r: _e164(r.row["phone"]) != r.person.phone)
    assert 0.06 <= changed <= 0.10


# --- Names -------------------------------------------------------------------------------------


def test_name_parts_dropped(sample: list[AnnotatedRecord]) -> None:
    assert 0.13 <= _share(sample, _tagged("name_family_dropped")) <= 0.17
    assert 0.03 <= _share(sample, _tagged("name_grandfather_dropped")) <= 0.05
    parts_rows = [r for r in sample if r.row["first_name"] and not r.row["full_name"]]
    for record in parts_rows:
        if "name_in_first_column" not in record.noise:
            assert bool(record.row["family_name"]) != ("name_family_dropped" in record.noise)


def test_latin_diacritics_tatweel_and_typos(sample: list[AnnotatedRecord]) -> None:
    latin = _share(sample, lambda r: _name(r).isascii())
    assert 0.02 <= latin <= 0.04
    assert all(_name(r).isascii() == ("name_latin" in r.noise) for r in sample)
    arabic = _arabic(sample)
    assert 0.02 <= _share(arabic, lambda r: bool(HARAKAT.search(_name(r)))) <= 0.04
    assert 0.012 <= _share(arabic, lambda r: "\u0640" in _name(r)) <= 0.03
    typo = _share(sample, lambda r: bool({"name_extra_space", "name_doubled_letter"} & r.noise))
    assert 0.013 <= typo <= 0.027
    assert _share(sample, _tagged("name_extra_space")) > 0.004
    assert _share(sample, _tagged("name_doubled_letter")) > 0.004


def test_titles_before_names(sample: list[AnnotatedRecord]) -> None:
    arabic = _arabic(sample)
    titled = [r for r in arabic if "name_title" in r.noise]
    assert 0.02 <= len(titled) / len(arabic) <= 0.04
    assert not [r for r in sample if "name_title" in r.noise and "name_latin" in r.noise]
    written = {
        title.translate(str.maketrans({"أ": "ا"})).replace("ة", "ه")
        for titles in TITLES.values()
        for title, _ in titles
    }
    for record in titled:
        if record.noise & {"name_doubled_letter", "name_extra_space"}:
            continue
        first = HARAKAT.sub("", _name(record).split(" ")[0]).replace("\u0640", "")
        assert first.translate(str.maketrans({"أ": "ا"})).replace("ة", "ه") in written
    elders = [r for r in titled if r.person.birth_date.year < 1960]
    assert elders
    assert sum(_name(r).startswith("الحاج") for r in elders) > len(elders) / 2


def test_arabic_spelling_variants(sample: list[AnnotatedRecord]) -> None:
    arabic = [(r, " ".join(_kept_parts(r))) for r in _arabic(sample)]

    def rate(tag: str, applies: Callable[[str], bool]) -> float:
        return _share((r for r, canon in arabic if applies(canon)), _tagged(tag))

    assert 0.2 <= rate("name_hamza_stripped", lambda c: bool(re.search("[أإآ]", c))) <= 0.3
    assert 0.03 <= rate("name_hamza_swapped", _alef_spot) <= 0.07
    assert 0.11 <= rate("name_ta_marbuta_as_ha", lambda c: _final(c, "ة") > 0) <= 0.19
    assert 0.01 <= rate("name_ha_as_ta_marbuta", lambda c: _final(c, "ه") > 0) <= 0.06
    assert 0.11 <= rate("name_ya_as_alif_maqsura", lambda c: _final(c, "ي") > 0) <= 0.19
    assert 0.05 <= rate("name_alif_maqsura_as_ya", lambda c: _final(c, "ى") > 0) <= 0.11
    compound = re.compile(r"(^| )(عبد|أبو) | الله( |$)")
    assert 0.2 <= rate("name_compound_joined", lambda c: bool(compound.search(c))) <= 0.3


def _join(canon: str) -> str:
    return re.sub(r"(?:(?<=^)|(?<= ))(عبد|أبو) ", r"\1", canon).replace(" الله", "الله")


def _final_swap(old: str, new: str) -> Callable[[list[str], list[str]], bool]:
    return lambda name, canon: any(
        c.endswith(old) and n.endswith(new) for n, c in zip(name, canon, strict=True)
    )


def test_name_annotations_are_visible(sample: list[AnnotatedRecord]) -> None:
    """Each name tag shows in its row, word by word; a row without name tags is canonical."""

    def alefs(words: list[str]) -> str:
        return re.sub("[^اأإآ]", "", " ".join(words))

    checks: dict[str, Callable[[list[str], list[str]], bool]] = {
        "name_hamza_stripped": lambda name, canon: not re.search("[أإآ]", " ".join(name)),
        "name_hamza_swapped": lambda name, canon: alefs(name) != alefs(canon),
        "name_ta_marbuta_as_ha": _final_swap("ة", "ه"),
        "name_ha_as_ta_marbuta": _final_swap("ه", "ة"),
        "name_ya_as_alif_maqsura": _final_swap("ي", "ى"),
        "name_alif_maqsura_as_ya": _final_swap("ى", "ي"),
    }
    seen: Counter[str] = Counter()
    for record in _arabic(sample):
        if record.noise & {"name_doubled_letter", "name_extra_space"}:
            continue
        raw = _name(record)
        assert bool(HARAKAT.search(raw)) == ("name_diacritics" in record.noise)
        assert ("\u0640" in raw) == ("name_tatweel" in record.noise)
        name = HARAKAT.sub("", raw).replace("\u0640", "").split(" ")
        if "name_title" in record.noise:
            name = name[1:]  # the title, which is not a name (test_titles_before_names)
        canon = " ".join(_kept_parts(record))
        if "name_compound_joined" in record.noise:
            seen["name_compound_joined"] += 1
            assert len(name) < len(canon.split(" ")), (raw, canon)
            canon = _join(canon)
        canon_words = canon.split(" ")
        assert len(name) == len(canon_words), (raw, canon)
        for tag, check in checks.items():
            if tag in record.noise:
                seen[tag] += 1
                assert check(name, canon_words), (tag, raw, canon)
        if not record.noise & {*checks, "name_compound_joined"}:
            assert name == canon_words
    assert set(seen) == {*checks, "name_compound_joined"}


def test_name_layout_inconsistencies(sample: list[AnnotatedRecord]) -> None:
    in_first = [r for r in sample if "name_in_first_column" in r.noise]
    assert in_first
    for record in in_first:
        row = record.row
        assert not row["full_name"]
        assert not row["father_name"]
        assert " " in row["first_name"].strip()
    assert any("name_full_skipped" in r.noise for r in sample)
    assert any("name_parts_skipped" in r.noise for r in sample)
