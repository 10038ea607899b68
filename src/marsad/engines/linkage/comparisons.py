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
#: Stands in a custom level's SQL for the engine's Jaro–Winkler function (it has another name
#: on DuckDB than on Spark).
JARO_WINKLER: Final = "{jaro_winkler}"


@dataclass(frozen=True)
class Level:
    label: str
    kind: str  # null | exact | custom | jaro_winkler | damerau | else
    column: str = ""
    sql: str = ""
    threshold: float = 0.0
    test: Predicate | None = None
    #: Evidence of its own rather than a looser rung of the field's ladder: when training
    #: never sees it among matches it weighs nothing, instead of the rung above's weight.
    separate: bool = False

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


def alike(a: FeatureRow, b: FeatureRow, part_a: str, part_b: str) -> bool:
    """`part_a` of `a` is the same name as `part_b` of `b`: the same key, or a near spelling."""
    key = a.get(f"{part_a}_key")
    if key is not None and key == b.get(f"{part_b}_key"):
        return True
    x, y = a.get(part_a), b.get(part_b)
    return (
        isinstance(x, str)
        and isinstance(y, str)
        and JaroWinkler.similarity(x, y) >= NAME_FUZZY_THRESHOLD
    )


def _alike_sql(part_l: str, part_r: str) -> str:
    return (
        f'("{part_l}_key_l" = "{part_r}_key_r" OR '
        f'{JARO_WINKLER}("{part_l}_l", "{part_r}_r") >= {NAME_FUZZY_THRESHOLD})'
    )


def _swapped(a: FeatureRow, b: FeatureRow) -> bool:
    return alike(a, b, "first", "family") and alike(a, b, "family", "first")


def _crossed(a: FeatureRow, b: FeatureRow) -> bool:
    return alike(a, b, "first", "family") or alike(a, b, "family", "first")


#: First and family names written the other way round (given name in the surname column).
SWAPPED = Level(
    "first and family swapped",
    "custom",
    sql=f"{_alike_sql('first', 'family')} AND {_alike_sql('family', 'first')}",
    test=_swapped,
    separate=True,
)
#: One record's first name is the other's family name (swapped, then one of them changed).
CROSSED = Level(
    "first name in the family name's place",
    "custom",
    sql=f"({_alike_sql('first', 'family')} OR {_alike_sql('family', 'first')})",
    test=_crossed,
    separate=True,
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
    if part in {"first", "family"}:
        levels.append(SWAPPED)
    if part == "first":
        levels.append(CROSSED)
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


def _engine_level_class() -> Any:
    from splink.comparison_level_library import CustomLevel

    class EngineLevel(CustomLevel):
        """A custom level written for DuckDB, with the engine's Jaro–Winkler function."""

        def __init__(self, sql: str) -> None:
            super().__init__(sql, base_dialect_str="duckdb")

        def create_sql(self, sql_dialect: Any) -> str:
            function = sql_dialect.jaro_winkler_function_name
            condition = self.sql_condition.replace(JARO_WINKLER, function)
            return str(CustomLevel(condition, base_dialect_str="duckdb").create_sql(sql_dialect))

    return EngineLevel


def splink_comparisons(parameters: list[list[tuple[float, float]]] | None = None) -> list[Any]:
    """The same comparisons as Splink comparison creators (optionally with m/u set).

    Imported lazily: Splink is only needed for training and batch prediction.
    """
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    engine_level = _engine_level_class()
    result = []
    for c_index, comparison in enumerate(COMPARISONS):
        creators = []
        for l_index, level in enumerate(comparison.levels):
            creator: Any
            if level.kind == "null":
                creator = cll.NullLevel(level.column)
            elif level.kind in {"custom", "null_custom"}:
                creator = engine_level(level.sql)
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
