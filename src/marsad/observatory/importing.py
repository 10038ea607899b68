"""Importing indicator values from CSV or XLSX files, all rows or none.

Every row is checked before anything is written; each bad row is reported with its line,
field, a stable code and a message in the user's language. A row whose value cell is empty
is skipped: a missing figure stays missing (no row), it never becomes a zero.

Percentages are read with or without their sign (27.9%, ٢٧٫٩٪). For an indicator in
percent, a value between 0 and 1 written without the sign is refused: a workbook's
percentage cell stores 0.279 for the 27.9 % it shows, and taking it as written would make
the rate a hundred times too small.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.engines.cells import CellError, is_blank, parse_decimal, western_digits
from marsad.engines.linkage.records import GovernorateIndex
from marsad.geo.models import District, Governorate
from marsad.matching.files import PersonFileError, table_rows
from marsad.observatory.errors import ObservatoryError
from marsad.observatory.hxl import Layout, find_layout
from marsad.observatory.models import Indicator, IndicatorValue, Level

_YEAR = re.compile(r"^(\d{4})(?:\s*[/\-–]\s*(\d{2}|\d{4}))?$")


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        return _("Line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped_blank: int = 0
    indicators: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ParsedValue:
    line: int
    indicator: Indicator
    governorate_id: int | None
    district_id: int | None
    year: str
    year_sort: int
    value: float
    source: str


def parse_year(text: str) -> tuple[str, int] | None:
    """'2017' → ('2017', 2017); '2017/18', '2017-2018' → ('2017/18', 2017)."""
    match = _YEAR.match(western_digits(text).strip())
    if not match:
        return None
    first = int(match.group(1))
    if match.group(2) is None:
        return str(first), first
    second = match.group(2)
    if len(second) == 4:
        if int(second) != first + 1:
            return None
        second = second[2:]
    elif int(second) != (first + 1) % 100:
        return None
    return f"{first}/{second}", first


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PERCENT_SIGNS = "%\u066a\uff05"  # %, the Arabic percent sign ٪, the full-width ％


def _without_percent_sign(value: object) -> tuple[object, bool]:
    """The cell without a percent sign, and whether it had one ("27.9%", "٢٧٫٩٪")."""
    if not isinstance(value, str) or not any(sign in value for sign in _PERCENT_SIGNS):
        return value, False
    for sign in _PERCENT_SIGNS:
        value = value.replace(sign, "")
    return value, True


def _in_percent(indicator: Indicator) -> bool:
    """Whether the indicator's values are percentages (its unit says so: "% of population")."""
    return any(sign in f"{indicator.unit_en}{indicator.unit_ar}" for sign in _PERCENT_SIGNS)


def _file_rows(path: Path) -> Iterator[Sequence[object]]:
    try:
        yield from table_rows(path)
    except PersonFileError as error:
        raise ApplicationError(
            code=ObservatoryError.UNREADABLE_FILE,
            message=_("The file cannot be read as CSV or as a workbook: %(reason)s")
            % {"reason": error.message},
            field="file",
        ) from error


class _Checker:
    """Turns the file's rows into values, collecting every problem."""

    def __init__(self, *, default_indicator: str, default_source: str) -> None:
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.default_indicator = default_indicator
        self.default_source = default_source
        governorates = list(
            Governorate.objects.values_list("id", "code", "iso_code", "name_ar", "name_en")
        )
        self.governorate_ids = {code: pk for pk, code, *_rest in governorates}
        self.resolver = GovernorateIndex(
            (code, iso, ar, en) for _pk, code, iso, ar, en in governorates
        )
        # Codes are unique; names are not (El Matareya is in Cairo and in Dakahlia), so a
        # name keeps every district it names, with its governorate.
        self.district_codes: dict[str, int] = {}
        self.district_names: dict[str, dict[int, int]] = {}
        for pk, code, ar, en, governorate in District.objects.values_list(
            "id", "code", "name_ar", "name_en", "governorate_id"
        ):
            self.district_codes[code.lower()] = pk
            for name in (ar, en):
                self.district_names.setdefault(name.strip().lower(), {})[pk] = governorate
        self.problems: list[RowProblem] = []
        self.values: list[ParsedValue] = []
        self.seen: dict[tuple[str, str, int | None, int | None, str], int] = {}
        self.skipped_blank = 0

    def problem(self, line: int, field_name: str, code: str, message: str) -> None:
        self.problems.append(RowProblem(line, field_name, code, message))

    def check_columns(self, layout: Layout) -> None:
        missing = []
        if "value" not in layout.columns:
            missing.append("value")
        if "year" not in layout.columns:
            missing.append("year")
        if "indicator" not in layout.columns and not self.default_indicator:
            missing.append("indicator")
        if not {"adm1", "adm1_name", "adm2", "adm2_name"} & set(layout.columns):
            missing.append("governorate")
        if missing:
            raise ApplicationError(
                code=ObservatoryError.MISSING_COLUMNS,
                message=_(
                    "The file has no column for: %(columns)s. Use plain headers (indicator, "
                    "governorate, district, year, value, source) or HXL hashtags (#indicator+code, "
                    "#adm1+code, #adm2+code, #date+year, #indicator+value, #meta+source)."
                )
                % {"columns": ", ".join(missing)},
                field="file",
            )

    def row(self, line: int, layout: Layout, cells: Sequence[object]) -> None:
        if all(is_blank(c) for c in cells):
            return
        raw_value = layout.cell(cells, "value")
        if is_blank(raw_value) or _text(raw_value) in {"-", "—", "..", "NA", "N/A", "n/a"}:
            self.skipped_blank += 1
            return
        before = len(self.problems)
        code = _text(layout.cell(cells, "indicator")) or self.default_indicator
        indicator = self.indicators.get(code.strip().lower()) if code else None
        if indicator is None:
            self.problem(
                line,
                "indicator",
                ObservatoryError.INVALID_ROWS,
                _("unknown indicator %(code)s; define it in the admin first")
                % {"code": code or "—"},
            )
        governorate_id, district_id = self._area(line, layout, cells, indicator)
        year_text = _text(layout.cell(cells, "year"))
        year = parse_year(year_text)
        if year is None:
            self.problem(
                line,
                "year",
                ObservatoryError.INVALID_ROWS,
                _("%(value)s is not a year (write 2017 or 2017/18)") % {"value": year_text or "—"},
            )
        cell, with_sign = _without_percent_sign(raw_value)
        try:
            number: float | None = float(parse_decimal(cell))
        except CellError:
            number = None
            self.problem(
                line,
                "value",
                ObservatoryError.INVALID_ROWS,
                _("%(value)s is not a number") % {"value": _text(raw_value)},
            )
        if (
            number is not None
            and indicator is not None
            and not with_sign
            and _in_percent(indicator)
            and 0 < number < 1
        ):
            # A workbook's percentage cell holds 0.279 for 27.9 %: stored as written it
            # would be a rate a hundred times too small.
            self.problem(
                line,
                "value",
                ObservatoryError.INVALID_ROWS,
                _(
                    "%(value)s looks like a share of 1, but this indicator is in percent: "
                    "write %(percent)s%% if that is what it means, or %(value)s%% for a rate "
                    "under one percent"
                )
                % {"value": _text(raw_value), "percent": f"{number * 100:g}"},
            )
        source = _text(layout.cell(cells, "source")) or self.default_source
        if not source:
            self.problem(
                line,
                "source",
                ObservatoryError.INVALID_ROWS,
                _("every value needs its source"),
            )
        if len(self.problems) > before:
            return
        if indicator is None or year is None or number is None:
            return
        key = (indicator.code, year[0], governorate_id, district_id, "")
        if key in self.seen:
            self.problem(
                line,
                "year",
                ObservatoryError.INVALID_ROWS,
                _("the same indicator, area and year is already on line %(line)s")
                % {"line": self.seen[key]},
            )
            return
        self.seen[key] = line
        self.values.append(
            ParsedValue(
                line=line,
                indicator=indicator,
                governorate_id=governorate_id,
                district_id=district_id,
                year=year[0],
                year_sort=year[1],
                value=number,
                source=source[:500],
            )
        )

    def _area(
        self, line: int, layout: Layout, cells: Sequence[object], indicator: Indicator | None
    ) -> tuple[int | None, int | None]:
        district_text = _text(layout.cell(cells, "adm2")) or _text(layout.cell(cells, "adm2_name"))
        wants_district = indicator is not None and indicator.level == Level.DISTRICT
        if wants_district or (indicator is None and district_text):
            if not district_text:
                self.problem(
                    line,
                    "district",
                    ObservatoryError.INVALID_ROWS,
                    _("this indicator is given per district; the district is missing"),
                )
                return None, None
            pk = self.district_codes.get(district_text.lower())
            if pk is not None:
                return None, pk
            named = self.district_names.get(district_text.lower(), {})
            governorate_text = _text(layout.cell(cells, "adm1")) or _text(
                layout.cell(cells, "adm1_name")
            )
            if governorate_text and len(named) > 1:
                code = self.resolver.resolve(governorate_text)
                governorate_id = self.governorate_ids.get(code) if code else None
                named = {k: v for k, v in named.items() if v == governorate_id}
            if len(named) > 1:
                self.problem(
                    line,
                    "district",
                    ObservatoryError.INVALID_ROWS,
                    _(
                        "%(value)s is the name of districts in more than one governorate; "
                        "add the governorate or use the district's code"
                    )
                    % {"value": district_text},
                )
                return None, None
            if not named:
                self.problem(
                    line,
                    "district",
                    ObservatoryError.INVALID_ROWS,
                    _("unknown district %(value)s") % {"value": district_text},
                )
                return None, None
            return None, next(iter(named))
        governorate_text = _text(layout.cell(cells, "adm1")) or _text(
            layout.cell(cells, "adm1_name")
        )
        code = self.resolver.resolve(governorate_text) if governorate_text else None
        if code is None:
            self.problem(
                line,
                "governorate",
                ObservatoryError.INVALID_ROWS,
                _("unknown governorate %(value)s") % {"value": governorate_text or "—"},
            )
            return None, None
        return self.governorate_ids[code], None


def check_file(
    path: Path, *, default_indicator: str = "", default_source: str = ""
) -> tuple[list[ParsedValue], list[RowProblem], int]:
    """Read and check the whole file: (values, problems, rows skipped for a blank value)."""
    rows = _file_rows(Path(path))
    first = next(rows, None)
    if first is None:
        raise ApplicationError(
            code=ObservatoryError.EMPTY_FILE, message=_("The file is empty."), field="file"
        )
    second = next(rows, None)
    layout = find_layout(first, second)
    checker = _Checker(default_indicator=default_indicator, default_source=default_source)
    checker.check_columns(layout)
    line = 1
    if second is not None and layout.data_start == 1:
        line = 2
        checker.row(line, layout, second)
    elif second is not None:
        line = 2
    for cells in rows:
        line += 1
        checker.row(line, layout, cells)
    return checker.values, checker.problems, checker.skipped_blank


@transaction.atomic
def indicator_values_import(
    *, path: Path, by: Any = None, default_indicator: str = "", default_source: str = ""
) -> ImportResult:
    """Import a file of indicator values; all or nothing.

    Raises ApplicationError(ObservatoryError.INVALID_ROWS) with every problem in
    `extra["problems"]` when any row is bad; nothing is written then. A value already stored
    for the same indicator, area and year is replaced (with its new source).
    """
    values, problems, skipped = check_file(
        path, default_indicator=default_indicator, default_source=default_source
    )
    if problems:
        rows = len({p.line for p in problems})
        raise ApplicationError(
            code=ObservatoryError.INVALID_ROWS,
            message=ngettext(
                "%(count)s row has a problem; nothing was imported.",
                "%(count)s rows have problems; nothing was imported.",
                rows,
            )
            % {"count": rows},
            field="file",
            extra={"problems": problems},
        )
    result = ImportResult(skipped_blank=skipped)
    for parsed in values:
        _stored, created = IndicatorValue.objects.update_or_create(
            indicator=parsed.indicator,
            governorate_id=parsed.governorate_id,
            district_id=parsed.district_id,
            year=parsed.year,
            defaults={
                "year_sort": parsed.year_sort,
                "value": parsed.value,
                "source": parsed.source,
                "imported_by": by if getattr(by, "is_authenticated", False) else None,
            },
        )
        result.created += created
        result.updated += not created
        result.indicators.add(parsed.indicator.code)
    audit_record(
        actor=by,
        action="create",
        target_type=IndicatorValue._meta.label_lower,
        target_label=Path(path).name[:255],
        changes={
            "file": Path(path).name,
            "created": result.created,
            "updated": result.updated,
            "indicators": sorted(result.indicators),
        },
    )
    return result
