"""Finding the columns of an indicator file: plain headers or HXL hashtags.

HXL (the Humanitarian Exchange Language) puts a row of hashtags such as `#adm1+code` or
`#indicator+value` either as the first row or right under the human-readable headers.
Attributes may come in any order (`#adm1+code` = `+code#adm1` is not valid HXL, but
`#indicator+value+num` and `#indicator+num+value` are the same column). Plain headers are
matched in English or Arabic, case and spacing ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FIELDS = ("indicator", "adm1", "adm1_name", "adm2", "adm2_name", "year", "value", "source")

#: HXL hashtag (tag, required attributes) → field. The first match wins, most specific first.
HXL_TAGS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("#adm1", frozenset({"code"}), "adm1"),
    ("#adm1", frozenset({"name"}), "adm1_name"),
    ("#adm1", frozenset(), "adm1_name"),
    ("#adm2", frozenset({"code"}), "adm2"),
    ("#adm2", frozenset({"name"}), "adm2_name"),
    ("#adm2", frozenset(), "adm2_name"),
    ("#indicator", frozenset({"code"}), "indicator"),
    ("#indicator", frozenset({"value"}), "value"),
    ("#indicator", frozenset({"num"}), "value"),
    ("#date", frozenset({"year"}), "year"),
    ("#date", frozenset(), "year"),
    ("#meta", frozenset({"source"}), "source"),
)

PLAIN_HEADERS: dict[str, str] = {
    "indicator": "indicator",
    "indicator_code": "indicator",
    "indicator code": "indicator",
    "code": "indicator",
    "المؤشر": "indicator",
    "كود المؤشر": "indicator",
    "governorate": "adm1",
    "governorate_code": "adm1",
    "governorate code": "adm1",
    "nid_code": "adm1",
    "adm1": "adm1",
    "adm1_pcode": "adm1",
    "المحافظة": "adm1",
    "كود المحافظة": "adm1",
    "governorate_name": "adm1_name",
    "governorate name": "adm1_name",
    "name_en": "adm1_name",
    "اسم المحافظة": "adm1_name",
    "district": "adm2",
    "district_code": "adm2",
    "district code": "adm2",
    "adm2": "adm2",
    "adm2_pcode": "adm2",
    "المركز": "adm2",
    "القسم": "adm2",
    "كود المركز": "adm2",
    "district_name": "adm2_name",
    "district name": "adm2_name",
    "اسم المركز": "adm2_name",
    "year": "year",
    "السنة": "year",
    "العام": "year",
    "value": "value",
    "القيمة": "value",
    "source": "source",
    "المصدر": "source",
}


@dataclass(frozen=True)
class Layout:
    """Where each field is (column index) and on which row the data starts (0-based)."""

    columns: dict[str, int]
    data_start: int
    hxl: bool

    def cell(self, row: Sequence[object], name: str) -> object:
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return None
        return row[index]


def _hashtag(cell: object) -> tuple[str, frozenset[str]] | None:
    text = str(cell or "").strip().lower().replace(" ", "")
    if not text.startswith("#"):
        return None
    tag, *attributes = text.split("+")
    return tag, frozenset(a for a in attributes if a)


def is_hashtag_row(row: Sequence[object]) -> bool:
    """Most of the row's non-empty cells are hashtags (HXL's own rule of thumb)."""
    cells = [c for c in row if str(c or "").strip()]
    return bool(cells) and sum(_hashtag(c) is not None for c in cells) * 2 > len(cells)


def hxl_columns(row: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        parsed = _hashtag(cell)
        if parsed is None:
            continue
        tag, attributes = parsed
        for wanted_tag, wanted, field in HXL_TAGS:
            if tag == wanted_tag and wanted <= attributes:
                columns.setdefault(field, index)
                break
    return columns


def plain_columns(row: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = " ".join(str(cell or "").strip().lower().split())
        field = PLAIN_HEADERS.get(key) or PLAIN_HEADERS.get(key.replace(" ", "_"))
        if field:
            columns.setdefault(field, index)
    return columns


def find_layout(first: Sequence[object], second: Sequence[object] | None) -> Layout:
    """The file's columns from its first two rows."""
    if is_hashtag_row(first):
        return Layout(hxl_columns(first), data_start=1, hxl=True)
    if second is not None and is_hashtag_row(second):
        return Layout(hxl_columns(second), data_start=2, hxl=True)
    return Layout(plain_columns(first), data_start=1, hxl=False)
