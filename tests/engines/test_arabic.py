import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.engines.arabic import (
    NameParts,
    _clean_characters,
    _join_article,
    _join_compounds,
    display_name,
    leading_titles,
    name_key,
    name_tokens,
    normalize_name,
    split_name,
    to_western_digits,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("شقة ١٢ دور 3", "شقة 12 دور 3"),
        ("", ""),
    ],
)
def test_to_western_digits(raw: str, expected: str) -> None:
    assert to_western_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمال", "امال"),
        ("ٱلحسن", "الحسن"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("مؤمن", "مومن"),
        ("هانئ", "هاني"),
        ("عائشة", "عايشه"),
        ("یوسف", "يوسف"),
        ("مُحَمَّد", "محمد"),
        ("عَبْدُ اللّٰهِ", "عبدالله"),
        ("محمـــد", "محمد"),
        ("ﻣﺤﻤﺪ", "محمد"),
        ("عبد ﷲ", "عبدالله"),
        ("علاء", "علاء"),
        ("أسماء", "اسماء"),
        ("محمد،أحمد", "محمد احمد"),
        ("محمد؛ أحمد.", "محمد احمد"),
        ("محمد-أحمد_علي/حسن", "محمد احمد علي حسن"),
        ("  محمد \u00a0 أحمد\t", "محمد احمد"),
        ("\u200fمحمد\u200f", "محمد"),
        ("عبد\u200cالله", "عبدالله"),
        ("Mohamed Ahmed", "mohamed ahmed"),
        ("Abdel-Rahman  EL SAYED", "abdel rahman el sayed"),
        ("Mohamed أحمد ٣", "mohamed احمد 3"),
        ("", ""),
        (" ـ - ", ""),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("عبد الله", "عبدالله"),
        ("عبد الرحمن", "عبدالرحمن"),
        ("عبد ال رحمن", "عبدالرحمن"),
        ("ال سيد", "السيد"),
        ("أبو بكر", "ابوبكر"),
        ("ابو زيد", "ابوزيد"),
        ("أبو عبد الله", "ابوعبدالله"),
        ("نور الدين", "نورالدين"),
        ("عز الدين", "عزالدين"),
        ("عطا الله", "عطاالله"),
        ("فتح الله", "فتحالله"),
        ("جاد الله", "جادالله"),
        ("خير الله", "خيرالله"),
        ("سيف الإسلام", "سيفالاسلام"),
        ("محمد عبد", "محمد عبد"),
        ("الله", "الله"),
        ("الدين محمد", "الدين محمد"),
    ],
)
def test_compound_names_become_one_token(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    "variants",
    [
        ["عبد الله", "عبدالله", "عبدُ الله", "عبـد الله", "عبد اللّه"],
        ["أحمد", "احمد", "إحمد", "أَحْمَد"],
        ["فاطمة الزهراء", "فاطمه الزهراء", "فاطِمَة الزَّهراء"],
        ["مصطفى إسماعيل", "مصطفي اسماعيل", "مُصطفى  إسماعيل"],
        ["نور الدين", "نورالدين", "نور الـدين"],
    ],
)
def test_spelling_variants_share_a_normal_form(variants: list[str]) -> None:
    assert len({normalize_name(variant) for variant in variants}) == 1


def test_name_tokens() -> None:
    assert name_tokens("محمد عبد الله أبو بكر") == ("محمد", "عبدالله", "ابوبكر")
    assert name_tokens("") == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", NameParts("", "", "", "", ())),
        ("محمد", NameParts("محمد", "", "", "", ("محمد",))),
        ("محمد أحمد", NameParts("محمد", "احمد", "", "", ("محمد", "احمد"))),
        (
            "محمد أحمد محمود",
            NameParts("محمد", "احمد", "محمود", "", ("محمد", "احمد", "محمود")),
        ),
        (
            "محمد أحمد محمود السيد",
            NameParts("محمد", "احمد", "محمود", "السيد", ("محمد", "احمد", "محمود", "السيد")),
        ),
        (
            "محمد أحمد محمود علي السيد",
            NameParts("محمد", "احمد", "محمود", "السيد", ("محمد", "احمد", "محمود", "علي", "السيد")),
        ),
        (
            "عبد الله محمد عبد الرحمن أبو زيد",
            NameParts(
                "عبدالله",
                "محمد",
                "عبدالرحمن",
                "ابوزيد",
                ("عبدالله", "محمد", "عبدالرحمن", "ابوزيد"),
            ),
        ),
    ],
)
def test_split_name(raw: str, expected: NameParts) -> None:
    assert split_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  محمـــد   أحمد ", "محمد أحمد"),
        ("مُحَمَّد", "مُحَمَّد"),
        ("فاطمة\u00a0الزهراء", "فاطمة الزهراء"),
        ("Mohamed  Ahmed", "Mohamed Ahmed"),
    ],
)
def test_display_name_keeps_what_was_typed(raw: str, expected: str) -> None:
    assert display_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("محمد عبد الرحمن السيد", "محمد عبدلرحمن سيد"),
        ("علاء", "عل"),
        ("إسماعيل", "اسمعيل"),
        ("عثمان", "عتمن"),
        ("داوود", "دود"),
        ("mohammed", "mohamed"),
    ],
)
def test_name_key(raw: str, expected: str) -> None:
    assert name_key(raw) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("السيد", "سيد"),
        ("علاء", "علا"),
        ("عثمان", "عتمان"),
        ("ذكي", "زكى"),
        ("ظريف", "ضريف"),
        ("إسماعيل", "اسمعيل"),
        ("عبد الرحمن", "عبدالرحمان"),
        ("داود", "داوود"),
        ("عطا الله", "عطالله"),
        ("هبة", "هبه"),
    ],
)
def test_name_key_brings_spelling_variants_together(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("محمد", "محمود"), ("احمد", "حمد"), ("حسن", "حسين"), ("علي", "عمر")],
)
def test_name_key_keeps_distinct_names_apart(left: str, right: str) -> None:
    assert name_key(left) != name_key(right)


_NAME_PIECES = st.sampled_from(
    [
        "عبد",
        "ال",
        "الله",
        "الدين",
        "الإسلام",
        "أبو",
        "ابو",
        "له",
        "دين",
        "محمد",
        "فاطمة",
        "مُحَمَّد",
        "ـ",
        "ء",
        "ئ",
        "١٢",
        "Ahmed",
        "İ",
        "ß",
        " ",
        "-",
        "،",
        "\u200f",
        "\u0654",
        "\u0670",
    ]
)
_NAME_LIKE = st.lists(_NAME_PIECES, max_size=12).map(" ".join) | st.lists(
    _NAME_PIECES, max_size=12
).map("".join)
_ARABIC_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" -."),
)
_ANY_TEXT = _NAME_LIKE | _ARABIC_TEXT | st.text()


@given(_ANY_TEXT)
def test_normalize_name_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(_ANY_TEXT)
def test_normal_form_is_tokens_joined_by_single_spaces(text: str) -> None:
    normal = normalize_name(text)
    assert tuple(normal.split(" ")) == (name_tokens(text) or ("",))
    assert normal == normal.strip()
    assert "  " not in normal


@given(_ANY_TEXT)
def test_name_key_ignores_prior_normalisation(text: str) -> None:
    assert name_key(normalize_name(text)) == name_key(text)


def _tokens_of_whole_text(text: str) -> tuple[str, ...]:
    """`name_tokens` as it was before the words were cleaned (and memoised) one by one."""
    return tuple(_join_compounds(_join_article(_clean_characters(text).split())))


#: Every character Python splits on, and characters that normalisation composes, reorders,
#: deletes or expands next to them.
_WHITESPACE = [chr(code) for code in range(0x110000) if chr(code).isspace()]
_TRICKY = st.sampled_from(
    [
        *_WHITESPACE,
        "\u0301",  # combining acute: composes with a preceding letter
        "\u0308",
        "\u0654",  # hamza above
        "\u0670",
        "\u0640",  # tatweel
        "\u200f",  # right-to-left mark (format)
        "\u200b",  # zero width space: a format character, not whitespace
        "\u180e",
        "\u1100",  # Hangul leading consonant + vowel compose under NFC
        "\u1161",
        "\u11a8",
        "\u00a8",  # NFKC: space + diaeresis
        "\ufdfa",  # NFKC: four words with spaces
        "\ufb50",  # presentation form of alef wasla
        "ﻻ",
        "e",
        "ا",
        "أ",
        "ال",
        "عبد",
        "الله",
        "İ",
        "ß",
        "-",
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "e \u0301x",
        "a\u00a0\u0301b",
        "\u1100 \u1161",
        "\u1100\u3000\u1161",
        "ا \u0654",
        "عبد\u2028الله",
        "ال\x1cسيد",
        "محمد\u200b أحمد",
        "\ufdfa محمد",
        "Mohamed\u0085Ali",
        "\u00a8 \u00a8",
        "",
        "   ",
    ],
)
def test_name_tokens_word_by_word_equals_the_whole_text(text: str) -> None:
    assert name_tokens(text) == _tokens_of_whole_text(text)


@given(st.lists(_TRICKY | st.characters(), max_size=16).map("".join) | _ANY_TEXT)
def test_name_tokens_word_by_word_equals_the_whole_text_always(text: str) -> None:
    assert name_tokens(text) == _tokens_of_whole_text(text)


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("الحاج محمد احمد علي", 1),
        ("الحاجه فاطمه", 1),  # a title and one name: the name stays
        ("الاستاذ الدكتور محمود حسن علي", 2),
        ("م احمد سعيد علي", 1),  # م/ for مهندس
        ("م احمد", 0),  # a letter and one name: nothing certain
        ("السيد احمد محمد", 0),  # السيد is also a given name
        ("محمد الحاج علي", 0),  # only before the name
        ("dr ahmed mohamed", 1),
        ("الحاج", 0),
    ],
)
def test_leading_titles(name, titles):
    assert leading_titles(name.split()) == titles


def test_a_letter_before_the_one_name_of_a_first_name_column_is_a_title():
    assert leading_titles(["م", "احمد"], names_after=1) == 1
    assert leading_titles(["الحاج", "م", "احمد"], names_after=1) == 2
    assert leading_titles(["احمد"], names_after=1) == 0
    assert leading_titles(["م"], names_after=1) == 0  # a name is never left empty
