"""Arabic text normalisation for matching and searching Egyptian person names.

Member institutions type the same name many ways: أحمد / احمد, فاطمة / فاطمه, مصطفى / مصطفي,
عبد الله / عبدالله, with or without harakat and tatweel, in Arabic-Indic or Western digits,
sometimes in Latin transliteration. Matching compares the *normal form* produced here, while
screens show what was typed (see `display_name`).

Invariants:

- `normalize_name` is idempotent and never raises on any `str`.
- Its output holds only letters, digits 0-9 (other scripts' digits pass through) and single
  spaces between tokens; no leading/trailing space.
- `name_tokens(x) == tuple(normalize_name(x).split())`.
- Changing any rule here changes stored keys: treat the rules as a versioned contract.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

TATWEEL = "\u0640"

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)

_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u0672": "ا",
        "\u0673": "ا",
        "ة": "ه",
        "\u06c0": "ه",
        "ى": "ي",
        "ی": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
    }
)

_ARTICLE = "ال"
#: "ام" (Umm) opens female compound names: أم كلثوم, أم هاشم, أم السعد.
_PREFIXES = frozenset({"عبد", "ابو", "ام"})
_SUFFIXES = frozenset({"الله", "الدين", "الاسلام", "العابدين", "الحق"})

_KEY_LETTERS = str.maketrans({"ء": None, "ث": "ت", "ذ": "ز", "ظ": "ض"})

#: Titles written before a name on member lists, in normal form (Arabic and transliterated).
#: السيد and الشيخ are left out on purpose: both are also given names (السيد أحمد).
TITLES = frozenset(
    {
        "الحاج", "الحاجه", "حاج", "حاجه", "الحج", "الحجه",
        "المرحوم", "المرحومه",
        "الاستاذ", "الاستاذه", "استاذ", "استاذه",
        "الدكتور", "الدكتوره", "دكتور", "دكتوره",
        "المهندس", "المهندسه", "مهندس", "مهندسه",
        "المستشار", "اللواء", "العميد", "العقيد",
        "dr", "eng", "mr", "mrs", "ms", "prof",
        "hag", "hagg", "haj", "hajj", "elhag", "elhagg", "elhaj", "elhajj", "alhaj", "alhajj",
    }
)  # fmt: skip


def to_western_digits(text: str) -> str:
    """Map Arabic-Indic (٠-٩) and Eastern/Persian (۰-۹) digits to 0-9; nothing else changes."""
    return text.translate(_DIGITS)


def _clean_characters(text: str) -> str:
    """Fold case and compatibility forms, drop marks, turn every non-letter/digit into a space.

    Combining marks (harakat, shadda, sukun, superscript alef, Quranic signs, Latin accents
    left uncomposed), format characters (RLM, ZWNJ, BOM) and tatweel are deleted, so they never
    split a word. The closing NFC re-composes letters that a deleted character kept apart,
    which keeps the whole function idempotent.
    """
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char == TATWEEL or category[0] == "M" or category == "Cf":
            continue
        kept.append(char if category[0] == "L" or category == "Nd" else " ")
    return unicodedata.normalize("NFC", "".join(kept).translate(_LETTERS).translate(_DIGITS))


def _join_article(tokens: list[str]) -> list[str]:
    """Glue a detached article to the next word: "ال سيد" → "السيد" (a bare "ال" is no name)."""
    joined: list[str] = []
    pending = False
    for token in tokens:
        if pending:
            joined[-1] += token
        else:
            joined.append(token)
        pending = token == _ARTICLE
    return joined


def _join_compounds(tokens: list[str]) -> list[str]:
    """Make each compound name one token.

    "عبد"/"ابو"/"ام" absorb the following token, chaining ("ابو عبد الله" → "ابوعبدالله");
    "الله", "الدين", "الاسلام", "العابدين", "الحق" attach to the preceding token
    ("عطا الله" → "عطاالله", "نور الدين" → "نورالدين"). A prefix with nothing after it,
    or a suffix with nothing before it, stays a token of its own.
    """
    joined: list[str] = []
    pending = False
    for token in tokens:
        if pending or (token in _SUFFIXES and joined):
            joined[-1] += token
        else:
            joined.append(token)
        pending = token in _PREFIXES
    return joined


@lru_cache(maxsize=200_000)
def name_tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens of a person's name, each compound name as one token.

    Letter unification: أ إ آ ٱ → ا, ة → ه, ى/ی → ي, ؤ → و, ئ → ي, ک → ك. The standalone hamza ء
    is *kept*: dropping it would merge distinct names such as علاء (Alaa, m.) and علا (Ola, f.);
    the coarser `name_key` drops it. Latin letters are case-folded and otherwise kept, so a
    transliterated name passes through.

    The characters are cleaned word by word (`_word_tokens`, memoised: full names rarely
    repeat, their words do). That equals cleaning the whole text at once: every whitespace
    character is a starter that no normalisation composes with or reorders across, and
    cleaning turns it into a space, so the cleaned text is the cleaned words joined by spaces.
    """
    tokens = [token for word in text.split() for token in _word_tokens(word)]
    return tuple(_join_compounds(_join_article(tokens)))


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The cleaned tokens of one whitespace-free piece of a name (punctuation splits it)."""
    return tuple(_clean_characters(word).split())


def leading_titles(tokens: Sequence[str], *, names_after: int = 2) -> int:
    """How many of a name's first tokens (normal forms) are titles, not names.

    A title from `TITLES` ("الحاجه فاطمه" is فاطمه), or a single letter (م/ for مهندس, د.
    for دكتور, أ/ for أستاذ) when `names_after` names or more follow it: two in a whole
    name (a lone letter before one name may abbreviate a first name), one in a first-name
    column, which holds a single name. A name is never left empty.
    """
    count = 0
    while len(tokens) - count > 1 and (
        tokens[count] in TITLES or (len(tokens[count]) == 1 and len(tokens) - count > names_after)
    ):
        count += 1
    return count


def normalize_name(text: str) -> str:
    """The normal form of a person's name for matching and search (idempotent)."""
    return " ".join(name_tokens(text))


@dataclass(frozen=True)
class NameParts:
    """A name cut into the Egyptian four-part pattern: first, father, grandfather, family.

    `first`, `father`, `grandfather` are normalised tokens 0, 1 and 2; `family` is the last
    token when there are four or more, since a fifth or sixth part is usually a
    great-grandfather's name and the family name comes last. Missing parts are "". `tokens`
    keeps every token, so nothing is lost.
    """

    first: str
    father: str
    grandfather: str
    family: str
    tokens: tuple[str, ...]


def split_name(text: str) -> NameParts:
    """Split a full name into `NameParts` after normalisation."""
    tokens = name_tokens(text)
    padded = (*tokens, "", "", "")
    family = tokens[-1] if len(tokens) >= 4 else ""
    return NameParts(padded[0], padded[1], padded[2], family, tokens)


def display_name(text: str) -> str:
    """The name as typed, minus tatweel and surplus whitespace: what screens show."""
    return " ".join(text.replace(TATWEEL, "").split())


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """`name_key` of one token that is already normalised (one name part, say)."""
    return _token_key(token)


def _token_key(token: str) -> str:
    if token.startswith(_ARTICLE) and len(token) > len(_ARTICLE) + 1:
        token = token[len(_ARTICLE) :]
    token = token.translate(_KEY_LETTERS)
    if not token:
        return ""
    token = token[0] + token[1:].replace("ا", "")
    collapsed = [char for i, char in enumerate(token) if i == 0 or char != token[i - 1]]
    return "".join(collapsed)


def name_key(text: str) -> str:
    """A coarse key for blocking candidate pairs; never shown and never used as a match verdict.

    Starting from the normalised tokens, each token: loses a leading article "ال" (السيد and
    سيد meet), loses every ء (علاء and علا meet), has ث → ت, ذ → ز, ظ → ض (Egyptian
    pronunciation spellings: عتمان, زكي), loses every ا after its first letter (اسمعيل, عبدالرحمان),
    and has runs of one letter collapsed (داوود → دود, mohammed → mohamed). و and ي stay, so
    محمد and محمود differ. Latin tokens are affected only by the collapsing.
    Invariant: `name_key(normalize_name(x)) == name_key(x)`.
    """
    keys = (_token_key(token) for token in name_tokens(text))
    return " ".join(key for key in keys if key)
