"""Synthetic member-institution person files with ground truth, for the deduplication benchmark.

    .venv/bin/python -m benchmarks.dedupe_data --records 100000 --seed 1 --output DIR

writes ``DIR/records.csv`` (the interchange format of ``/work/shared/specs/person-records.md``,
UTF-8 with BOM) and ``DIR/truth.csv`` (``record_id,person_id``).  Precision and recall of a
matcher are only meaningful if the data holds the traps real files hold, so the generator
models the phenomena of real beneficiary lists, and knows nothing about any matcher:

* People come from ``marsad.demo.people.generate_households`` and whole households are kept,
  so brothers and sisters (same father, grandfather and family name, often the same phone),
  twins (the same birth date too) and sons named after their grandfathers are distinct people
  in the file: the hard negatives.
* Each person gets 1-5 records (``RECORDS_PER_PERSON``).  A household registered with one
  member institution is usually registered with the same others, so siblings tend to meet in
  the same files; a person's records mostly come from different sources, sometimes twice from
  one.
* Every source (member institution) has a style drawn once per seed: date, gender,
  governorate and phone formats and which name columns it fills.  Rows follow it mostly.
* Every record then gets the noise of a hand-typed spreadsheet, at the ``P_*`` rates below:
  missing and mistyped national IDs, Arabic spelling variants, dropped name parts, Latin
  transliterations, swapped or partial birth dates, moved governorates, changed phones.

Records appear grouped by source (as if the member files had been concatenated), in random
order within a source; ``record_id`` is an opaque ``R`` + number from a random permutation.
Everything is drawn from one ``random.Random(seed)``: a seed always gives the same files.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import io
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final, NamedTuple, TypeVar

from marsad.demo import names as _names
from marsad.demo.people import SyntheticPerson, generate_households

__all__ = [
    "COLUMNS",
    "DEFAULT_TODAY",
    "AnnotatedRecord",
    "generate_annotated",
    "generate_dataset",
    "main",
    "write_dataset",
]

COLUMNS: Final = (
    "record_id",
    "source",
    "national_id",
    "full_name",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "birth_date",
    "gender",
    "governorate",
    "phone",
)

DEFAULT_TODAY: Final = datetime.date(2025, 7, 1)
"""The CLI's ``today``: a fixed date, never the clock, so that a seed gives the same files."""

# --- Duplication and sources --------------------------------------------------------------

RECORDS_PER_PERSON: Final = ((1, 0.58), (2, 0.28), (3, 0.10), (4, 0.025), (5, 0.015))
"""Share of people with 1..5 records (mean 1.585): most people are known to one member only."""

P_HOUSEHOLD_SHARED_COUNT: Final = 0.5
"""A member takes the household's record count (the family registered as a whole)."""

SOURCES: Final = (
    ("nour", 18.0),
    ("amal", 15.0),
    ("khair", 13.0),
    ("binaa", 11.0),
    ("saeed", 10.0),
    ("shabab", 9.0),
    ("ataa", 8.0),
    ("karama", 7.0),
    ("rahma", 5.0),
    ("tanweer", 4.0),
)
"""Member institutions and their relative sizes."""

SOURCE_HOME_GOVERNORATES: Final = (3, 8)
SOURCE_HOME_BOOST: Final = 4.0
"""Each source works mostly in a few governorates, where it is this many times likelier."""

P_OWN_SOURCE_ORDER: Final = 0.25
"""A member registered independently of the rest of the household."""

P_SAME_SOURCE_AGAIN: Final = 0.08
"""A further record comes from a source that already has the person (registered twice)."""

# --- National ID --------------------------------------------------------------------------

P_NID_MISSING: Final = 0.25
"""Target share of records without a national ID, reached through three causes: people who
have none in ``people.py`` (10%), people who never give it (``P_NID_WITHHELD``) and records
where it was left blank (the rest)."""
P_NID_WITHHELD: Final = 0.06
_P_PERSON_WITHOUT_NID: Final = 0.10
_P_NID_BLANKED: Final = 1 - (1 - P_NID_MISSING) / (
    (1 - _P_PERSON_WITHOUT_NID) * (1 - P_NID_WITHHELD)
)
P_NID_SUBSTITUTION: Final = 0.03
"""Of records with an ID: one digit replaced by another."""
P_NID_TRANSPOSITION: Final = 0.015
"""Of records with an ID: two different adjacent digits swapped."""
P_NID_SEPARATORS: Final = 0.10
"""Of records with an ID: written in groups with spaces or dashes."""
P_NID_ARABIC_DIGITS: Final = 0.10
"""Of records with an ID: written in Arabic-Indic digits (٠-٩)."""

# --- Names --------------------------------------------------------------------------------

P_FAMILY_DROPPED: Final = 0.15
"""The family name is left out (the usual "triple name"); includes the next case."""
P_GRANDFATHER_DROPPED: Final = 0.04
"""Only first and father name are given."""
P_HAMZA_STRIPPED: Final = 0.25
"""Every أ/إ/آ typed as a bare ا (the commonest keyboard habit)."""
P_HAMZA_SWAPPED: Final = 0.05
"""One alef written in another form, either way (ا→أ, أ→إ, إ→ا, ...)."""
P_TA_MARBUTA_AS_HA: Final = 0.15
"""Word-final ة typed as ه (فاطمه)."""
P_HA_AS_TA_MARBUTA: Final = 0.03
"""Word-final ه typed as ة (طة, عبدة)."""
P_YA_AS_ALIF_MAQSURA: Final = 0.15
"""Word-final ي typed as ى (على, حمدى): the Egyptian habit."""
P_ALIF_MAQSURA_AS_YA: Final = 0.08
"""Word-final ى typed as ي (مصطفي, موسي)."""
P_COMPOUND_JOINED: Final = 0.25
"""Compound names written without their space (عبدالله, ابوزيد, جادالله)."""
P_DIACRITICS: Final = 0.03
"""A few harakat typed in (محمّد)."""
P_TATWEEL: Final = 0.02
"""A tatweel (ـ) stretches one word."""
P_LATIN: Final = 0.03
"""The whole name in Latin letters (``TRANSLITERATIONS`` or ``_romanize``)."""
P_TYPO: Final = 0.02
"""One name field gets an extra space or a doubled letter."""
P_NAME_IN_FIRST_COLUMN: Final = 0.02
"""In sources that fill name parts only: the whole name typed into first_name."""
P_NAME_FIELD_SKIPPED: Final = 0.03
"""In sources that fill both: full_name left blank; and, as often, the parts left blank."""
P_TITLE: Final = 0.03
"""Of Arabic names: a title before the name, which is not part of it (``TITLES``)."""
TITLES: Final = {
    # (gender, 50 or older): titles with their weights
    ("M", True): (("الحاج", 6.0), ("الأستاذ", 1.0), ("م/", 0.5), ("د.", 0.5)),
    ("F", True): (("الحاجة", 6.0), ("الأستاذة", 1.0), ("د.", 0.3)),
    ("M", False): (("الأستاذ", 3.0), ("م/", 1.0), ("د.", 1.0), ("الحاج", 0.5)),
    ("F", False): (("الأستاذة", 3.0), ("د.", 1.0), ("الحاجة", 0.5)),
}

# --- Birth date, gender, governorate ---------------------------------------------------------

P_DATE_MISSING: Final = 0.06
P_DATE_YEAR_ONLY: Final = 0.04
P_DATE_OFF_BY_ONE: Final = 0.01
P_DATE_SWAPPED: Final = 0.03
"""Of records whose day is 1-12 and differs from the month: day and month swapped."""
P_GENDER_MISSING: Final = 0.05
P_GOVERNORATE_MISSING: Final = 0.10
P_GOVERNORATE_MOVED: Final = 0.03
"""Another governorate (the person moved; the same one across that person's records)."""

# --- Phone --------------------------------------------------------------------------------

P_PHONE_MISSING: Final = 0.35
"""Target share of records without a phone: people ``people.py`` gives none (about 32%) plus
records where a known phone was left blank."""
_P_PERSON_WITHOUT_PHONE: Final = 0.32
_P_PHONE_BLANKED: Final = 1 - (1 - P_PHONE_MISSING) / (1 - _P_PERSON_WITHOUT_PHONE)
P_PHONE_CHANGED: Final = 0.08
"""Of records with a phone: another number (the same new one across that person's records)."""

P_STYLE_DEVIATION: Final = 0.05
"""A row writes a date, gender or governorate in another format than its source's style."""
P_PHONE_STYLE_DEVIATION: Final = 0.10

DATE_FORMATS: Final = ("iso", "dmy")
GENDER_FORMATS: Final = ("letter", "word", "arabic")
GOVERNORATE_FORMATS: Final = ("arabic", "english", "code")
NAME_LAYOUTS: Final = ("full", "parts", "both")
PHONE_FORMATS: Final = ("local", "e164", "intl00", "spaced", "arabic_digits")

# --- Small helpers --------------------------------------------------------------------------

_T = TypeVar("_T")

_ARABIC_DIGITS: Final = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_STRIP_HAMZA: Final = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
_ALEFS: Final = ("ا", "أ", "إ", "آ")
_ALEF_WEIGHTS: Final = {"ا": 10.0, "أ": 6.0, "إ": 3.0, "آ": 1.0}
_HARAKAT: Final = ("\u064e", "\u064e", "\u0650", "\u064f", "\u0652", "\u0651", "\u064b")
_TATWEEL: Final = "\u0640"
_NON_CONNECTING: Final = frozenset("اأإآدذرزوؤةىء")
_ARABIC_LETTERS: Final = frozenset(chr(c) for c in range(0x0621, 0x064B))
_NID_GROUPS: Final = ((1, 6, 2, 4, 1), (1, 6, 2, 5), (7, 7), (2, 2, 2, 2, 2, 2, 2), (3, 4, 4, 3))

_GENDER_VALUES: Final = {
    "letter": {"M": "M", "F": "F"},
    "word": {"M": "male", "F": "female"},
    "arabic": {"M": "ذكر", "F": "أنثى"},
}

# Spelling flags: bits of the deterministic, cacheable part of the Arabic name noise.
_JOIN, _STRIP, _TA, _HA, _YA, _MAQSURA = 1, 2, 4, 8, 16, 32
_FLAG_TAGS: Final = (
    (_JOIN, "name_compound_joined"),
    (_STRIP, "name_hamza_stripped"),
    (_TA, "name_ta_marbuta_as_ha"),
    (_HA, "name_ha_as_ta_marbuta"),
    (_YA, "name_ya_as_alif_maqsura"),
    (_MAQSURA, "name_alif_maqsura_as_ya"),
)


class _Picker:
    """Weighted choice of an index by bisection over cumulative weights."""

    __slots__ = ("_cum", "_last", "_total")

    def __init__(self, weights: Sequence[float]) -> None:
        total = 0.0
        cum: list[float] = []
        for weight in weights:
            total += weight
            cum.append(total)
        self._cum = cum
        self._total = total
        self._last = len(cum) - 1

    def pick(self, random_: Callable[[], float]) -> int:
        return min(bisect.bisect_right(self._cum, random_() * self._total), self._last)


def _join_compounds(text: str) -> str:
    """عبد الله → عبدالله, أبو زيد → أبوزيد, جاد الله → جادالله (within one name part)."""
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and (word in ("عبد", "أبو", "ابو") or words[i + 1] == "الله"):
            out.append(word + words[i + 1])
            i += 2
        else:
            out.append(word)
            i += 1
    return " ".join(out)


_FINAL_SWAPS: Final = ((_TA, "ة", "ه"), (_HA, "ه", "ة"), (_YA, "ي", "ى"), (_MAQSURA, "ى", "ي"))


def _spell(text: str, flags: int) -> tuple[str, int]:
    """Apply the spelling habits in ``flags``; also return the flags that changed something.

    Word-final swaps look at the letter as written before any swap, so ي→ى and ى→ي in one
    record exchange the two rather than undo each other.
    """
    changed = 0
    if flags & _JOIN:
        joined = _join_compounds(text)
        if joined != text:
            changed |= _JOIN
            text = joined
    if flags & _STRIP:
        stripped = text.translate(_STRIP_HAMZA)
        if stripped != text:
            changed |= _STRIP
            text = stripped
    finals = {old: (flag, new) for flag, old, new in _FINAL_SWAPS if flags & flag}
    if finals:
        words = text.split(" ")
        for i, word in enumerate(words):
            swap = finals.get(word[-1:])
            if swap:
                changed |= swap[0]
                words[i] = word[:-1] + swap[1]
        text = " ".join(words)
    return text, changed


# --- Romanisation -------------------------------------------------------------------------

_CONSONANTS: Final = {
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "g",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "z",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "غ": "gh",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
}
_VOWELS: Final = {
    "ا": "a",
    "أ": "a",
    "إ": "e",
    "آ": "a",
    "ى": "a",
    "ة": "a",
    "ع": "a",
    "ؤ": "a",
    "ئ": "e",
}


def _romanize(word: str) -> str:
    """Letter-by-letter Egyptian-style romanisation of one Arabic word (no article).

    Consonants map one to one (ج → g, ق → k, as Egyptians write them); ا/ع/ة/ى → a,
    إ → e, و → w at the start or before ا/ي and ou elsewhere, ي → y at the start or end
    and i inside.
    Short vowels are not written in Arabic, so one is guessed: "a" after a word-initial
    consonant cluster's first letter, "e" before the last letter of a final cluster
    (محمود → Mahmoud, جمال → Gamal, خالد → Khaled, أشرف → Ashref).
    """
    tokens: list[tuple[str, bool]] = []
    last = len(word) - 1
    for i, char in enumerate(word):
        if char == "و":
            consonant = i == 0 or word[i + 1 : i + 2] in ("ا", "ي")
            tokens.append(("w", False) if consonant else ("ou", True))
        elif char == "ي":
            tokens.append(("y", False) if i == 0 else ("y", True) if i == last else ("i", True))
        elif char in _VOWELS:
            tokens.append((_VOWELS[char], True))
        elif char in _CONSONANTS:
            tokens.append((_CONSONANTS[char], False))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        text, vowel = tokens[i]
        if vowel:
            if not (out and out[-1] == text):
                out.append(text)
            i += 1
            continue
        j = i
        while j < len(tokens) and not tokens[j][1]:
            j += 1
        run = [t for t, _ in tokens[i:j]]
        if i == 0 and len(run) >= 2:
            run.insert(1, "a")
            rest = len(run) - 2
        else:
            rest = len(run)
        if j == len(tokens) and rest >= 2:
            run.insert(len(run) - 1, "e")
        out.extend(run)
        i = j
    return "".join(out).capitalize()


def _romanize_with_article(word: str) -> tuple[str, ...]:
    if word.startswith("ال") and len(word) > 3:
        core = _romanize(word[2:])
        return (f"El-{core}", f"El{core.lower()}", f"El {core}", f"Al-{core}")
    return (_romanize(word),)


def _latin_variants(part: str) -> tuple[str, ...]:
    """Latin spellings of one name part, most usual first."""
    known = _names.TRANSLITERATIONS.get(part)
    if known:
        return known
    words = part.split(" ")
    if len(words) == 2 and words[0] == "عبد":
        if words[1].startswith("ال"):
            core = _romanize(words[1][2:])
            return (f"Abdel{core.lower()}", f"Abdel {core}", f"Abd El-{core}", f"Abdul {core}")
        return (f"Abd {_romanize(words[1])}",)
    if len(words) == 2 and words[0] in ("أبو", "ابو"):
        rest = _romanize_with_article(words[1])[0]
        return (f"Abou {rest}", f"Abu {rest}", f"Abo {rest}")
    if len(words) == 2 and words[1] == "الله":
        core = _romanize(words[0])
        return (f"{core}allah", f"{core} Allah")
    if len(words) == 1:
        return _romanize_with_article(part)
    return (" ".join(_romanize_with_article(w)[0] for w in words),)


# --- Governorates -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Governorate:
    code: str
    name_ar: str
    name_en: str
    population: float


def _governorates() -> tuple[_Governorate, ...]:
    text = (resources.files("marsad.geo") / "data" / "governorates.csv").read_text("utf-8")
    return tuple(
        _Governorate(row["nid_code"], row["name_ar"], row["name_en"], float(row["population"]))
        for row in csv.DictReader(io.StringIO(text))
    )


# --- The generator --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Style:
    date: str
    gender: str
    governorate: str
    names: str
    phone: str


class _Raw(NamedTuple):
    source: int
    person: SyntheticPerson
    values: tuple[str, ...]
    noise: tuple[str, ...]


class _Builder:
    """Holds the random stream, the sources' styles and caches; makes one person's records."""

    def __init__(self, seed: int, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.today = today
        self.household_seed = self.rng.getrandbits(63)
        self.governorates = _governorates()
        self.by_code = {g.code: g for g in self.governorates}
        self.codes = [g.code for g in self.governorates]
        self.gov_picker = _Picker([g.population for g in self.governorates])
        self.counts = _Picker([w for _, w in RECORDS_PER_PERSON])
        self.styles = self._draw_styles()
        self.source_pickers = self._draw_source_pickers()
        self.spell_cache: dict[tuple[str, int], tuple[str, int]] = {}
        self.latin_cache: dict[str, tuple[str, ...]] = {}

    # -- set-up --

    def _balanced(self, options: Sequence[_T]) -> list[_T]:
        """One option per source, every option used at least once (if there are enough)."""
        picks = [options[i % len(options)] for i in range(len(SOURCES))]
        self.rng.shuffle(picks)
        return picks

    def _draw_styles(self) -> list[_Style]:
        dates = self._balanced(DATE_FORMATS)
        genders = self._balanced(GENDER_FORMATS)
        governorates = self._balanced(GOVERNORATE_FORMATS)
        layouts = self._balanced(NAME_LAYOUTS)
        phones = self._balanced(PHONE_FORMATS)
        return [
            _Style(dates[i], genders[i], governorates[i], layouts[i], phones[i])
            for i in range(len(SOURCES))
        ]

    def _draw_source_pickers(self) -> dict[str, _Picker]:
        homes: list[set[str]] = []
        lo, hi = SOURCE_HOME_GOVERNORATES
        for _ in SOURCES:
            home: set[str] = set()
            want = self.rng.randint(lo, hi)
            while len(home) < want:
                home.add(self.codes[self.gov_picker.pick(self.random)])
            homes.append(home)
        return {
            code: _Picker(
                [
                    size * (SOURCE_HOME_BOOST if code in homes[i] else 1.0)
                    for i, (_, size) in enumerate(SOURCES)
                ]
            )
            for code in self.codes
        }

    # -- sources and counts --

    def source_order(self, governorate: str, length: int) -> list[int]:
        picker = self.source_pickers[governorate]
        order: list[int] = []
        while len(order) < length:
            source = picker.pick(self.random)
            if source not in order:
                order.append(source)
        return order

    def record_count(self) -> int:
        return RECORDS_PER_PERSON[self.counts.pick(self.random)][0]

    def person_sources(self, count: int, household_order: list[int], governorate: str) -> list[int]:
        random_ = self.random
        order = (
            self.source_order(governorate, count)
            if random_() < P_OWN_SOURCE_ORDER
            else household_order
        )
        sources: list[int] = []
        fresh = iter(order)
        for j in range(count):
            if j and random_() < P_SAME_SOURCE_AGAIN:
                sources.append(sources[self.rng.randrange(len(sources))])
            else:
                sources.append(next(fresh))
        return sources

    # -- one person --

    def person_records(self, person: SyntheticPerson, sources: list[int]) -> list[_Raw]:
        random_ = self.random
        withheld = random_() < P_NID_WITHHELD
        moved: str | None = None
        new_phone: str | None = None
        out: list[_Raw] = []
        for source in sources:
            style = self.styles[source]
            noise: list[str] = []
            nid = "" if withheld else self.national_id(person.national_id, noise)
            name, strips_hamza = self.name(person, style, noise)
            birth = self.birth_date(person.birth_date, style, noise)
            gender = self.gender(person.gender, style, noise, strips_hamza)
            x = random_()
            if x < P_GOVERNORATE_MISSING:
                noise.append("governorate_missing")
                governorate = ""
            else:
                code = person.governorate_code
                if x < P_GOVERNORATE_MISSING + P_GOVERNORATE_MOVED:
                    if moved is None:
                        moved = code
                        while moved == code:
                            moved = self.codes[self.gov_picker.pick(random_)]
                    noise.append("governorate_moved")
                    code = moved
                governorate = self.governorate(code, style, noise, strips_hamza)
            phone = person.phone
            if phone is not None:
                if random_() < _P_PHONE_BLANKED:
                    noise.append("phone_blanked")
                    phone = None
                elif random_() < P_PHONE_CHANGED:
                    if new_phone is None:
                        new_phone = self.new_phone()
                    noise.append("phone_changed")
                    phone = new_phone
            phone_text = "" if phone is None else self.phone(phone, style, noise)
            values = (
                SOURCES[source][0],
                nid,
                name[0],
                name[1],
                name[2],
                name[3],
                name[4],
                birth,
                gender,
                governorate,
                phone_text,
            )
            out.append(_Raw(source, person, values, tuple(noise)))
        return out

    def national_id(self, nid: str | None, noise: list[str]) -> str:
        random_ = self.random
        if nid is None or random_() < _P_NID_BLANKED:
            return ""
        x = random_()
        if x < P_NID_SUBSTITUTION:
            i = self.rng.randrange(14)
            digit = str((int(nid[i]) + self.rng.randint(1, 9)) % 10)
            nid = nid[:i] + digit + nid[i + 1 :]
            noise.append("nid_substitution")
        elif x < P_NID_SUBSTITUTION + P_NID_TRANSPOSITION:
            spots = [i for i in range(13) if nid[i] != nid[i + 1]]
            i = spots[self.rng.randrange(len(spots))]
            nid = nid[:i] + nid[i + 1] + nid[i] + nid[i + 2 :]
            noise.append("nid_transposition")
        if random_() < P_NID_SEPARATORS:
            groups = _NID_GROUPS[self.rng.randrange(len(_NID_GROUPS))]
            separator = " " if random_() < 0.6 else "-"
            parts: list[str] = []
            start = 0
            for size in groups:
                parts.append(nid[start : start + size])
                start += size
            nid = separator.join(parts)
            noise.append("nid_separators")
        if random_() < P_NID_ARABIC_DIGITS:
            nid = nid.translate(_ARABIC_DIGITS)
            noise.append("nid_arabic_digits")
        return nid

    # -- names --

    def spelled(self, text: str, flags: int) -> tuple[str, int]:
        key = (text, flags)
        hit = self.spell_cache.get(key)
        if hit is None:
            hit = self.spell_cache[key] = _spell(text, flags)
        return hit

    def name(
        self, person: SyntheticPerson, style: _Style, noise: list[str]
    ) -> tuple[list[str], bool]:
        """[full, first, father, grandfather, family] of one record; and whether it strips hamza.

        The hamza habit is the typist's, so it also shows in Arabic gender and governorate.
        """
        random_ = self.random
        x = random_()
        if x < P_GRANDFATHER_DROPPED:
            parts = [person.first_name, person.father_name]
            noise += ("name_family_dropped", "name_grandfather_dropped")
        elif x < P_FAMILY_DROPPED:
            parts = [person.first_name, person.father_name, person.grandfather_name]
            noise.append("name_family_dropped")
        else:
            parts = [person.first_name, person.father_name, person.grandfather_name]
            parts.append(person.family_name)
        flags = 0
        if random_() < P_LATIN:
            noise.append("name_latin")
            parts = [self.latin(part) for part in parts]
        else:
            hamza = random_()
            flags = (
                (_JOIN if random_() < P_COMPOUND_JOINED else 0)
                | (_STRIP if hamza < P_HAMZA_STRIPPED else 0)
                | (_TA if random_() < P_TA_MARBUTA_AS_HA else 0)
                | (_HA if random_() < P_HA_AS_TA_MARBUTA else 0)
                | (_YA if random_() < P_YA_AS_ALIF_MAQSURA else 0)
                | (_MAQSURA if random_() < P_ALIF_MAQSURA_AS_YA else 0)
            )
            if flags:
                changed = 0
                for i, part in enumerate(parts):
                    parts[i], part_changed = self.spelled(part, flags)
                    changed |= part_changed
                noise.extend(tag for flag, tag in _FLAG_TAGS if changed & flag)
            if P_HAMZA_STRIPPED <= hamza < P_HAMZA_STRIPPED + P_HAMZA_SWAPPED:
                self.swap_alef(parts, noise)
            if random_() < P_DIACRITICS:
                self.diacritics(parts, noise)
            if random_() < P_TATWEEL:
                self.tatweel(parts, noise)
        full = " ".join(parts)
        parts += [""] * (4 - len(parts))
        fields = [full, *parts]
        layout = style.names
        if layout == "full":
            fields[1:] = ["", "", "", ""]
        elif layout == "parts":
            if random_() < P_NAME_IN_FIRST_COLUMN:
                fields[1:] = [full, "", "", ""]
                noise.append("name_in_first_column")
            fields[0] = ""
        else:
            x = random_()
            if x < P_NAME_FIELD_SKIPPED:
                fields[0] = ""
                noise.append("name_full_skipped")
            elif x < 2 * P_NAME_FIELD_SKIPPED:
                fields[1:] = ["", "", "", ""]
                noise.append("name_parts_skipped")
        if "name_latin" not in noise and random_() < P_TITLE:
            noise.append("name_title")
            column = 0 if fields[0] else 1  # the full name, or the first name's column
            fields[column] = f"{self.title(person, flags)} {fields[column]}"
        if random_() < P_TYPO:
            self.typo(fields, noise)
        return fields, bool(flags & _STRIP)

    def title(self, person: SyntheticPerson, flags: int) -> str:
        """A title for this person's age and gender, typed with the record's spelling habits."""
        older = (self.today - person.birth_date).days >= 50 * 365
        titles = TITLES[person.gender, older]
        picked = titles[_Picker([weight for _, weight in titles]).pick(self.random)][0]
        return self.spelled(picked, flags & (_STRIP | _TA))[0]

    def latin(self, part: str) -> str:
        variants = self.latin_cache.get(part)
        if variants is None:
            variants = self.latin_cache[part] = _latin_variants(part)
        if len(variants) == 1 or self.random() < 0.5:
            return variants[0]
        return variants[self.rng.randrange(len(variants))]

    def swap_alef(self, parts: list[str], noise: list[str]) -> None:
        spots = [
            (i, j)
            for i, part in enumerate(parts)
            for j, char in enumerate(part)
            if char in "أإآ"
            or (char == "ا" and (j == 0 or part[j - 1] == " ") and part[j + 1 : j + 2] != "ل")
        ]
        if not spots:
            return
        i, j = spots[self.rng.randrange(len(spots))]
        old = parts[i][j]
        options = [a for a in _ALEFS if a != old]
        new = options[_Picker([_ALEF_WEIGHTS[a] for a in options]).pick(self.random)]
        parts[i] = parts[i][:j] + new + parts[i][j + 1 :]
        noise.append("name_hamza_swapped")

    def diacritics(self, parts: list[str], noise: list[str]) -> None:
        i = self.rng.randrange(len(parts))
        part = parts[i]
        spots = [j for j, char in enumerate(part) if char in _ARABIC_LETTERS]
        if not spots:
            return
        chosen = sorted(self.rng.sample(spots, min(len(spots), self.rng.randint(1, 3))))
        for j in reversed(chosen):
            part = part[: j + 1] + self.rng.choice(_HARAKAT) + part[j + 1 :]
        parts[i] = part
        noise.append("name_diacritics")

    def tatweel(self, parts: list[str], noise: list[str]) -> None:
        spots = [
            (i, j)
            for i, part in enumerate(parts)
            for j in range(len(part) - 1)
            if part[j] in _ARABIC_LETTERS
            and part[j] not in _NON_CONNECTING
            and part[j + 1] in _ARABIC_LETTERS
        ]
        if not spots:
            return
        i, j = spots[self.rng.randrange(len(spots))]
        parts[i] = parts[i][: j + 1] + _TATWEEL + parts[i][j + 1 :]
        noise.append("name_tatweel")

    def typo(self, fields: list[str], noise: list[str]) -> None:
        filled = [i for i, field in enumerate(fields) if field]
        if not filled:
            return
        i = filled[self.rng.randrange(len(filled))]
        text = fields[i]
        if self.random() < 0.5:
            spaces = [j for j, char in enumerate(text) if char == " "]
            if spaces and self.random() < 0.7:
                j = spaces[self.rng.randrange(len(spaces))]
                text = text[:j] + " " + text[j:]
            else:
                text = text + " " if self.random() < 0.6 else " " + text
            noise.append("name_extra_space")
        else:
            letters = [j for j, char in enumerate(text) if char.isalpha()]
            j = letters[self.rng.randrange(len(letters))]
            text = text[: j + 1] + text[j] + text[j + 1 :]
            noise.append("name_doubled_letter")
        fields[i] = text

    # -- other fields --

    def birth_date(self, birth: datetime.date, style: _Style, noise: list[str]) -> str:
        random_ = self.random
        x = random_()
        if x < P_DATE_MISSING:
            noise.append("date_missing")
            return ""
        if x < P_DATE_MISSING + P_DATE_YEAR_ONLY:
            noise.append("date_year_only")
            return str(birth.year)
        year, month, day = birth.year, birth.month, birth.day
        if x < P_DATE_MISSING + P_DATE_YEAR_ONLY + P_DATE_OFF_BY_ONE:
            shifted = birth + datetime.timedelta(days=1 if random_() < 0.5 else -1)
            year, month, day = shifted.year, shifted.month, shifted.day
            noise.append("date_off_by_one")
        elif day <= 12 and day != month and random_() < P_DATE_SWAPPED:
            month, day = day, month
            noise.append("date_swapped")
        fmt = style.date
        if random_() < P_STYLE_DEVIATION:
            fmt = "dmy" if fmt == "iso" else "iso"
            noise.append("date_style_deviation")
        if fmt == "iso":
            return f"{year:04d}-{month:02d}-{day:02d}"
        return f"{day:02d}/{month:02d}/{year:04d}"

    def other_format(self, own: str, formats: Sequence[str], noise: list[str], tag: str) -> str:
        if self.random() < P_STYLE_DEVIATION:
            noise.append(tag)
            options = [f for f in formats if f != own]
            return options[self.rng.randrange(len(options))]
        return own

    def gender(self, gender: str, style: _Style, noise: list[str], strips_hamza: bool) -> str:
        if self.random() < P_GENDER_MISSING:
            noise.append("gender_missing")
            return ""
        fmt = self.other_format(style.gender, GENDER_FORMATS, noise, "gender_style_deviation")
        value = _GENDER_VALUES[fmt][gender]
        if fmt == "arabic" and strips_hamza:
            value = self.spelled(value, _STRIP)[0]
        return value

    def governorate(self, code: str, style: _Style, noise: list[str], strips_hamza: bool) -> str:
        fmt = self.other_format(
            style.governorate, GOVERNORATE_FORMATS, noise, "governorate_style_deviation"
        )
        if fmt == "code":
            return code
        governorate = self.by_code[code]
        if fmt == "english":
            return governorate.name_en
        if strips_hamza:
            return self.spelled(governorate.name_ar, _STRIP)[0]
        return governorate.name_ar

    def new_phone(self) -> str:
        prefix = "0125"[self.rng.randrange(4)]
        return f"+201{prefix}{self.rng.randrange(100_000_000):08d}"

    def phone(self, e164: str, style: _Style, noise: list[str]) -> str:
        fmt = style.phone
        if self.random() < P_PHONE_STYLE_DEVIATION:
            options = [f for f in PHONE_FORMATS if f != fmt]
            fmt = options[self.rng.randrange(len(options))]
            noise.append("phone_style_deviation")
        local = "0" + e164[3:]
        if fmt == "local":
            return local
        if fmt == "e164":
            return e164
        if fmt == "intl00":
            return "00" + e164[1:]
        if fmt == "spaced":
            if self.random() < 0.5:
                return f"{local[:3]} {local[3:7]} {local[7:]}"
            return f"+20 {e164[3:5]} {e164[5:9]} {e164[9:]}"
        return local.translate(_ARABIC_DIGITS)

    # -- everything --

    def stream(self, records: int) -> Iterator[_Raw]:
        """Every record, person by person, until exactly ``records`` have been made."""
        households = generate_households(
            seed=self.household_seed,
            people=records,
            governorate_weights={g.code: g.population for g in self.governorates},
            today=self.today,
        )
        random_ = self.random
        remaining = records
        for household in households:
            if remaining <= 0:
                break
            members = household.members[:remaining]
            shared = self.record_count()
            counts = [shared if random_() < P_HOUSEHOLD_SHARED_COUNT else self.record_count()]
            counts += [
                shared if random_() < P_HOUSEHOLD_SHARED_COUNT else self.record_count()
                for _ in members[1:]
            ]
            excess = sum(counts) - remaining
            while excess > 0:
                counts[counts.index(max(counts))] -= 1
                excess -= 1
            remaining -= sum(counts)
            order = self.source_order(household.governorate_code, max(counts))
            for person, count in zip(members, counts, strict=True):
                sources = self.person_sources(count, order, household.governorate_code)
                yield from self.person_records(person, sources)


def _assemble(builder: _Builder, by_source: list[list[_T]]) -> tuple[list[_T], list[str]]:
    """File order (source by source, shuffled within each) and the record ids in that order."""
    rng = builder.rng
    ordered: list[_T] = []
    for rows in by_source:
        rng.shuffle(rows)
        ordered.extend(rows)
    numbers = list(range(1, len(ordered) + 1))
    rng.shuffle(numbers)
    width = len(str(len(ordered)))
    return ordered, [f"R{n:0{width}d}" for n in numbers]


def _check_arguments(records: int, seed: int, today: datetime.date) -> None:
    if isinstance(records, bool) or not isinstance(records, int) or records < 0:
        raise ValueError("records must be a non-negative int")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    if not isinstance(today, datetime.date) or isinstance(today, datetime.datetime):
        raise TypeError("today must be a datetime.date")


# --- Public API -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnotatedRecord:
    """One output row with what the benchmark knows about it.

    ``noise`` names every perturbation that changed this row (``nid_substitution``,
    ``name_family_dropped``, ``date_swapped``, ...); format choices that follow the source's
    style are not noise.  ``person`` is the true person, as ``people.py`` made them.
    """

    row: dict[str, str]
    person: SyntheticPerson
    noise: frozenset[str]


def generate_annotated(*, records: int, seed: int, today: datetime.date) -> list[AnnotatedRecord]:
    """The rows of ``generate_dataset`` in file order, each with its person and its noise."""
    _check_arguments(records, seed, today)
    builder = _Builder(seed, today)
    by_source: list[list[_Raw]] = [[] for _ in SOURCES]
    for raw in builder.stream(records):
        by_source[raw.source].append(raw)
    ordered, ids = _assemble(builder, by_source)
    return [
        AnnotatedRecord(
            dict(zip(COLUMNS, (record_id, *raw.values), strict=True)),
            raw.person,
            frozenset(raw.noise),
        )
        for record_id, raw in zip(ids, ordered, strict=True)
    ]


def generate_dataset(
    *, records: int, seed: int, today: datetime.date
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Exactly ``records`` rows (column → string, "" when empty) and record_id → person_id."""
    annotated = generate_annotated(records=records, seed=seed, today=today)
    rows = [a.row for a in annotated]
    truth = {a.row["record_id"]: a.person.key for a in annotated}
    return rows, truth


def write_dataset(rows: Sequence[dict[str, str]], truth: dict[str, str], directory: Path) -> None:
    """Write ``records.csv`` (UTF-8 with BOM) and ``truth.csv`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "records.csv").open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with (directory / "truth.csv").open("w", encoding="utf-8", newline="") as file:
        plain = csv.writer(file, lineterminator="\n")
        plain.writerow(("record_id", "person_id"))
        plain.writerows(truth.items())


def _csv_line(values: Sequence[str]) -> str:
    line = ",".join(values)
    if line.count(",") != len(values) - 1 or '"' in line or "\n" in line or "\r" in line:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(values)
        line = buffer.getvalue()
    return line


def _generate_to(directory: Path, *, records: int, seed: int, today: datetime.date) -> int:
    """``write_dataset(*generate_dataset(...))`` without holding a million dicts.

    Each row is kept as its encoded CSV line until the file order is known.  Returns the
    number of people.
    """
    _check_arguments(records, seed, today)
    builder = _Builder(seed, today)
    by_source: list[list[tuple[bytes, str]]] = [[] for _ in SOURCES]
    people: set[str] = set()
    for raw in builder.stream(records):
        line = "," + _csv_line(raw.values) + "\n"
        by_source[raw.source].append((line.encode(), raw.person.key))
        people.add(raw.person.key)
    ordered, ids = _assemble(builder, by_source)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "records.csv").open("wb") as file:
        file.write(("\ufeff" + ",".join(COLUMNS) + "\n").encode())
        file.writelines(
            record_id.encode() + line for record_id, (line, _) in zip(ids, ordered, strict=True)
        )
    with (directory / "truth.csv").open("w", encoding="utf-8", newline="") as file:
        file.write("record_id,person_id\n")
        file.writelines(
            f"{record_id},{person}\n" for record_id, (_, person) in zip(ids, ordered, strict=True)
        )
    return len(people)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dedupe_data",
        description="Write synthetic person records (records.csv) and their truth (truth.csv).",
    )
    parser.add_argument("--records", type=int, required=True, help="exact number of records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True, help="directory to write into")
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=DEFAULT_TODAY,
        help=f"reference date for ages (default {DEFAULT_TODAY.isoformat()})",
    )
    args = parser.parse_args(argv)
    if args.records < 0:
        parser.error("--records must be >= 0")
    started = time.perf_counter()
    people = _generate_to(args.output, records=args.records, seed=args.seed, today=args.today)
    seconds = time.perf_counter() - started
    print(
        f"records={args.records} people={people} seconds={seconds:.1f} -> {args.output}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
