"""Comparing names across scripts: Arabic and its Latin transliterations.

A few percent of member files write names in Latin letters ("Mohamed Abdel Rahman
El-Sayed"), with no single convention. Rather than guess one Arabic spelling for a Latin
name, both scripts are reduced to a *consonant skeleton* in one alphabet: vowels and the
letters Latin usually leaves out (ع, ء, medial و/ي, long ا) disappear, and letters Latin writes
in several ways collapse to one spelling (ق/q/k → k, ج/j/g → g, ش → sh, خ → kh, غ → gh:
Arabic letters that Latin writes as two letters become those two letters, so "Eshak" and
إسحاق meet whether the "sh" is one sound or two).
Mohamed, Mohammed, Muhammad and محمد all become "mhmd".

The skeleton is deliberately coarse (Mahmoud and Mohamed share it too): it is evidence for a
cross-script comparison only, never a verdict on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.engines.arabic import normalize_name

_ARABIC_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "g", "ح": "h", "خ": "kh", "د": "d", "ذ": "z",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "و": "w", "ي": "y",
}  # fmt: skip
_ARABIC_SILENT = frozenset("اءعى")
_LATIN_DIGRAPHS = (("dh", "z"), ("ph", "f"))
_LATIN_MAP = {"q": "k", "c": "k", "j": "g", "v": "f", "p": "b"}
_LATIN_VOWELS = frozenset("aeiou")
_LATIN_PREFIXES = (
    "abdel",
    "abdul",
    "abdal",
    "abdl",
    "abd",
    "abu",
    "abou",
    "abo",
    "om",
    "umm",
    "um",
    "oum",
)
_LATIN_ARTICLES = frozenset({"el", "al", "ul"})
_LATIN_SUFFIXES = frozenset({"allah", "alla", "ullah", "eldin", "eddin", "uddin", "aldin"})


_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3\u06FA-\u06FF]")


@lru_cache(maxsize=200_000)
def is_latin(text: str) -> bool:
    """True when the letters of `text` are mostly Latin (a transliterated name)."""
    latin = len(_LATIN_LETTER.findall(text))
    return latin > 0 and latin > len(_ARABIC_LETTER.findall(text))


def latin_name_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a Latin-script name with compound names joined, like `arabic.name_tokens`.

    "Abdel Rahman", "Abd El-Rahman" and "Abdelrahman" all give "abdelrahman"; "El Sayed" gives
    "elsayed"; "Nour El Din" gives "noureldin".
    """
    joined: list[str] = []
    pending = False
    for token in normalize_name(text).split():
        if pending:
            joined[-1] += token
        else:
            joined.append(token)
        pending = token in _LATIN_ARTICLES or token in _LATIN_PREFIXES
    result: list[str] = []
    for token in joined:
        if token in _LATIN_SUFFIXES and result:
            result[-1] += token
        else:
            result.append(token)
    return tuple(result)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The consonant skeleton of one normalised name token, in either script."""
    if not token:
        return ""
    letters = _latin_letters(token) if is_latin(token) else _arabic_letters(token)
    collapsed = [c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1]]
    while collapsed and collapsed[-1] == "h":
        collapsed.pop()
    return "".join(collapsed)


def _arabic_letters(token: str) -> list[str]:
    letters: list[str] = []
    # Each mapped value may be two Latin letters (ش → s, h); they are added one by one.
    for index, char in enumerate(token):
        if char in _ARABIC_SILENT:
            continue
        if char in "وي" and index > 0:
            continue
        letters.extend(_ARABIC_CONSONANTS.get(char, ""))
    return letters


def _latin_letters(token: str) -> list[str]:
    text = token.lower()
    for digraph, symbol in _LATIN_DIGRAPHS:
        text = text.replace(digraph, symbol)
    letters: list[str] = []
    for index, char in enumerate(text):
        if char in _LATIN_VOWELS:
            continue
        if char in "wy" and index > 0:
            continue
        if char.isalpha():
            letters.append(_LATIN_MAP.get(char, char))
    return letters
