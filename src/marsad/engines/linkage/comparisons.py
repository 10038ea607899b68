"""The comparison vector: for each field, which agreement level a pair of records reaches.

Each level is written twice, once as a Splink level (SQL, for training and batch
prediction) and once as a Python predicate over the same feature rows (for the online
check). `tests/engines/linkage` checks that both give the same level on many pairs.
Levels are tried in order; the first that holds is the pair's level. Level 0 is "missing
on either side" and carries no weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from marsad.engines.linkage.features import FeatureRow

Predicate = Callable[[FeatureRow, FeatureRow], bool]

NAME_FUZZY_THRESHOLD: Final = 0.92


@dataclass(frozen=True)
class Level:
    label: str
    kind: str  # null | exact | custom | jaro_winkler | damerau | else
    column: str = ""
    sql: str = ""
    threshold: float = 0.0
    test: Predicate | None = None

    def holds(self, left: FeatureRow, right: FeatureRow) -> bool:
        a, b = left.get(self.column), right.get(self.column)
        if self.kind == "null":
            return a is None or b is None
        if self.kind == "exact":
            return a is not None and a == b
        if self.kind == "jaro_winkler":
            return (
                isinstance(a, str)
                and isinstance(b, str)
                and JaroWinkler.similarity(a, b) >= self.threshold
            )
        if self.kind == "damerau":
            return (
                isinstance(a, str)
                and isinstance(b, str)
                and DamerauLevenshtein.distance(a, b) <= self.threshold
            )
        if self.kind in {"custom", "null_custom"}:
            assert self.test is not None  # noqa: S101 - custom levels always carry a test
            return self.test(left, right)
        return True  # else


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]

    def level_of(self, left: FeatureRow, right: FeatureRow) -> int:
        for index, level in enumerate(self.levels):
            if level.holds(left, right):
                return index
        raise AssertionError("the else level always holds")  # pragma: no cover


def _null(column: str) -> Level:
    return Level("missing", "null", column=column)


def _equal(column_l: str, column_r: str) -> Predicate:
    def test(a: FeatureRow, b: FeatureRow) -> bool:
        value = a.get(column_l)
        return value is not None and value == b.get(column_r)

    return test


def _translit(part: str) -> Level:
    return Level(
        "transliteration",
        "custom",
        sql=f'"latin_l" <> "latin_r" AND "{part}_skel_l" = "{part}_skel_r"',
        test=lambda a, b: a["latin"] != b["latin"] and _equal(f"{part}_skel", f"{part}_skel")(a, b),
    )


def _name_missing(part: str) -> Level:
    """Missing on either side, or written in two scripts with no usable skeleton to compare."""

    def test(a: FeatureRow, b: FeatureRow) -> bool:
        if a.get(part) is None or b.get(part) is None:
            return True
        skeletons_missing = a.get(f"{part}_skel") is None or b.get(f"{part}_skel") is None
        return a["latin"] != b["latin"] and skeletons_missing

    return Level(
        "missing",
        "null_custom",
        sql=(
            f'"{part}_l" IS NULL OR "{part}_r" IS NULL OR ("latin_l" <> "latin_r" AND '
            f'("{part}_skel_l" IS NULL OR "{part}_skel_r" IS NULL))'
        ),
        test=test,
    )


def _name(part: str, *, fuzzy: bool) -> Comparison:
    levels = [
        _name_missing(part),
        Level("exact", "exact", column=part),
        Level("same key", "exact", column=f"{part}_key"),
        _translit(part),
    ]
    if fuzzy:
        levels.append(Level("similar", "jaro_winkler", column=part, threshold=NAME_FUZZY_THRESHOLD))
    levels.append(Level("different", "else"))
    return Comparison(f"{part}_name", tuple(levels))


def _dob_within_a_day(a: FeatureRow, b: FeatureRow) -> bool:
    x, y = a.get("dob_days"), b.get("dob_days")
    return isinstance(x, int) and isinstance(y, int) and abs(x - y) <= 1


def _dob_year_close(a: FeatureRow, b: FeatureRow) -> bool:
    x, y = a.get("dob_year"), b.get("dob_year")
    return isinstance(x, int) and isinstance(y, int) and abs(x - y) <= 1


COMPARISONS: Final[tuple[Comparison, ...]] = (
    Comparison(
        "national_id",
        (
            _null("nid_digits"),
            Level("exact", "exact", column="nid_digits"),
            Level("one typo", "damerau", column="nid_digits", threshold=1),
            Level("different", "else"),
        ),
    ),
    _name("first", fuzzy=True),
    _name("father", fuzzy=True),
    _name("grandfather", fuzzy=True),
    _name("family", fuzzy=True),
    Comparison(
        "birth_date",
        (
            _null("dob_year"),
            Level("exact", "exact", column="dob"),
            Level(
                "day and month swapped",
                "custom",
                sql='"dob_swapped_l" = "dob_r"',
                test=_equal("dob_swapped", "dob"),
            ),
            Level(
                "within a day",
                "custom",
                sql='abs("dob_days_l" - "dob_days_r") <= 1',
                test=_dob_within_a_day,
            ),
            Level("one digit typed wrong", "damerau", column="dob", threshold=1),
            Level("same year", "exact", column="dob_year"),
            Level(
                "year off by one",
                "custom",
                sql='abs("dob_year_l" - "dob_year_r") <= 1',
                test=_dob_year_close,
            ),
            Level("different", "else"),
        ),
    ),
    Comparison("gender", (_null("gender"), Level("same", "exact", column="gender"),
                          Level("different", "else"))),
    Comparison("phone", (_null("phone"), Level("same", "exact", column="phone"),
                         Level("different", "else"))),
    Comparison(
        "governorate",
        (_null("governorate"), Level("same", "exact", column="governorate"),
         Level("different", "else")),
    ),
)  # fmt: skip


def comparison_vector(left: FeatureRow, right: FeatureRow) -> tuple[int, ...]:
    """The level index of every comparison for one pair (0 = missing)."""
    return tuple(c.level_of(left, right) for c in COMPARISONS)


def splink_comparisons(parameters: list[list[tuple[float, float]]] | None = None) -> list[Any]:
    """The same comparisons as Splink comparison creators (optionally with m/u set).

    Imported lazily: Splink is only needed for training and batch prediction.
    """
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    result = []
    for c_index, comparison in enumerate(COMPARISONS):
        creators = []
        for l_index, level in enumerate(comparison.levels):
            creator: Any
            if level.kind == "null":
                creator = cll.NullLevel(level.column)
            elif level.kind in {"custom", "null_custom"}:
                creator = cll.CustomLevel(level.sql, base_dialect_str="duckdb")
                if level.kind == "null_custom":
                    creator = creator.configure(is_null_level=True)
            elif level.kind == "exact":
                creator = cll.ExactMatchLevel(level.column)
            elif level.kind == "jaro_winkler":
                creator = cll.JaroWinklerLevel(level.column, level.threshold)
            elif level.kind == "damerau":
                creator = cll.DamerauLevenshteinLevel(level.column, int(level.threshold))
            else:
                creator = cll.ElseLevel()
            creator = creator.configure(label_for_charts=level.label)
            if parameters is not None and not level.kind.startswith("null"):
                m, u = parameters[c_index][l_index]
                creator = creator.configure(m_probability=m, u_probability=u)
            creators.append(creator)
        result.append(
            CustomComparison(comparison_levels=creators, output_column_name=comparison.name)
        )
    return result
