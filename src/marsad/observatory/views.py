"""The development gap map: the page, its GeoJSON, the area panel and the exports.

The views are thin: they read the selection (level, measure, sector, period) from the query
string, call the observatory selectors, which check it and hide small counts from whoever
may not see them, and render. The table, the map and the exports all come from the same
`gap_table` call, so a download holds exactly the rows the page shows.
"""

import csv
import io
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.core.spreadsheets import csv_row
from marsad.engines.arabic import to_western_digits
from marsad.observatory import selectors
from marsad.observatory.errors import ObservatoryError
from marsad.observatory.models import Level

#: Who sees the gap map, its areas and its exports: the roles its menu entry is shown to.
GAP_ROLES = roles_for("observatory:map")


@dataclass(frozen=True)
class MapSelection:
    """What the map shows; the defaults are the whole coalition's gap, all sectors, all time."""

    level: str = Level.GOVERNORATE
    measure: str = "gap"
    sector: str = ""
    period: str = "all"

    @classmethod
    def from_request(cls, request: HttpRequest) -> "MapSelection":
        get = request.GET
        return cls(
            level=get.get("level") or cls.level,
            measure=get.get("measure") or cls.measure,
            sector=get.get("sector", cls.sector),
            # "٢٠٢٥" is the period 2025 (one snapshot), as the API reads it.
            period=to_western_digits(get.get("period", "")).strip() or cls.period,
        )

    def as_kwargs(self) -> dict[str, str]:
        return {
            "level": self.level,
            "measure": self.measure,
            "sector": self.sector,
            "period": self.period,
        }

    def querystring(self) -> str:
        return urlencode(self.as_kwargs())


def _error_response(error: ApplicationError, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"code": str(error.code), "message": str(error.message), "field": error.field},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _measure_unit(table: selectors.GapTable) -> str:
    """The unit the legend and tooltips give for the chosen measure."""
    unit = getattr(table, "measure_unit", "")
    if unit:
        return str(unit)
    if table.measure in selectors.BASE_MEASURES:
        return _("index from 0 to 1")
    return ""


# The page -------------------------------------------------------------------------------


def _table_or_fallback(
    request: HttpRequest, selection: MapSelection
) -> tuple[selectors.GapTable, MapSelection, ApplicationError | None]:
    """The table for the selection or, when a choice is unknown (a district-only measure
    after switching to governorates, an old bookmark), for the same selection with that one
    choice reset; the error is returned so the page can say what was changed."""
    try:
        return selectors.gap_table(**selection.as_kwargs(), user=request.user), selection, None
    except ApplicationError as error:
        field = error.field if error.field in selection.as_kwargs() else None
        fallback = replace(selection, **{field: getattr(MapSelection, field)}) if field else None
        if fallback is None or fallback == selection:
            fallback = MapSelection()
        try:
            table = selectors.gap_table(**fallback.as_kwargs(), user=request.user)
        except ApplicationError:
            fallback = MapSelection()
            table = selectors.gap_table(**fallback.as_kwargs(), user=request.user)
        return table, fallback, error


@role_required(*GAP_ROLES)
def gap_map(request: HttpRequest) -> HttpResponse:
    """The map, the legend, the filters and the ranked table of priority areas."""
    table, selection, error = _table_or_fallback(request, MapSelection.from_request(request))
    query = selection.querystring()
    area_query = urlencode({"sector": selection.sector, "period": selection.period})
    context = {
        "table": table,
        "selection": selection,
        "error": error,
        "levels": Level.choices,
        "sectors": selectors.sectors_available(),
        "periods": selectors.periods_available(),
        "measure_unit": _measure_unit(table),
        "geojson_url": f"{reverse('observatory:geojson')}?{query}",
        "area_url": (
            reverse("observatory:area", args=[selection.level, "__code__"]) + f"?{area_query}"
        ),
        "area_query": area_query,
        "csv_url": f"{reverse('observatory:export_csv')}?{query}",
        "hxl_url": f"{reverse('observatory:export_hxl')}?{query}",
        "tile_url": settings.MARSAD_MAP_TILE_URL,
        "base_columns": ("gap", "need", "coverage"),
        "decimal_separator": formats.get_format("DECIMAL_SEPARATOR"),
    }
    # htmx swaps only successful answers: the filters get the page with its explanation.
    status = 400 if error and not getattr(request, "htmx", False) else 200
    return render(request, "observatory/map.html", context, status=status)


@role_required(*GAP_ROLES)
def gap_map_geojson(request: HttpRequest) -> JsonResponse:
    """The areas with a boundary and their figures, for the Leaflet layer (session auth)."""
    selection = MapSelection.from_request(request)
    try:
        collection = selectors.gap_geojson(**selection.as_kwargs(), user=request.user)
    except ApplicationError as exc:
        return _error_response(exc)
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*GAP_ROLES)
def area_panel(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """One area's figures, explanation, trend and who does what there.

    With htmx it is the side panel's content; followed as a plain link (no JavaScript) it
    is a page of its own.
    """
    selection = MapSelection(
        level=level,
        sector=request.GET.get("sector", ""),
        period=to_western_digits(request.GET.get("period", "")).strip() or "all",
    )
    try:
        detail = selectors.area_detail(
            level=level,
            code=code,
            sector=selection.sector,
            period=selection.period,
            user=request.user,
        )
    except ApplicationError as exc:
        if exc.code == ObservatoryError.UNKNOWN_AREA:
            raise Http404(str(exc.message)) from exc
        return render(
            request,
            "observatory/area.html",
            {"error": exc, "selection": selection},
            status=400,
        )
    htmx = getattr(request, "htmx", False)
    template = "observatory/_area_panel.html" if htmx else "observatory/area.html"
    labels = {part["code"]: part["label"] for part in detail.need_parts}
    labels.update({item["code"]: item["label"] for item in detail.indicators})
    context = {
        "detail": detail,
        "row": detail.row,
        "missing_labels": [labels.get(code, code) for code in detail.row.missing],
        "selection": selection,
        "map_url": f"{reverse('observatory:map')}?{selection.querystring()}",
        "trend_points": _sparkline(detail.trend),
    }
    return render(request, template, context)


def _sparkline(trend: list[tuple[Any, float | None]], width: int = 240, height: int = 44) -> str:
    """SVG polyline points for the gap over time (gap is in [0, 1]); "" with < 2 values."""
    known = [gap for _as_of, gap in trend if gap is not None]
    if len(known) < 2:
        return ""
    step = (width - 8) / (len(known) - 1)
    return " ".join(
        f"{4 + index * step:.1f},{height - 4 - gap * (height - 8):.1f}"
        for index, gap in enumerate(known)
    )


# Exports --------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{round(value, digits):g}"


def _count(value: int | None, suppressed: bool, threshold: int) -> str:
    if value is None:
        return f"<{threshold}" if suppressed else ""
    return str(value)


def _hxl_attribute(measure: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", measure.lower()).strip("_")


def export_rows(table: selectors.GapTable) -> tuple[list[str], list[str], list[list[str]]]:
    """Header, HXL hashtags and one row per area, in the order the table shows them.

    Counts hidden from the viewer are written as "<threshold", never as a number.
    """
    adm = "#adm2" if table.level == Level.DISTRICT else "#adm1"
    as_of = timezone.localtime(table.as_of).date().isoformat() if table.as_of else ""
    # (header, HXL hashtag, the cell of a row); the four scores are left out when the
    # measure shown is one of them, which would repeat it.
    columns: list[tuple[str, str, Any]] = [
        (_("Rank"), "#indicator+rank", lambda row: "" if row.rank is None else str(row.rank)),
        (_("Code"), f"{adm}+code", lambda row: row.code),
        (_("Area"), f"{adm}+name", lambda row: row.name),
        (
            table.measure_label,
            f"#indicator+value+{_hxl_attribute(table.measure)}",
            lambda row: _number(row.value),
        ),
        *(
            (label, f"#indicator+{score}", lambda row, score=score: _number(getattr(row, score)))
            for score, label in (
                ("gap", _("Gap")),
                ("need", _("Need")),
                ("coverage", _("Coverage")),
                ("gap_rank", _("Gap (rank-based)")),
            )
            if score != table.measure
        ),
        (
            _("Population"),
            "#population+total",
            lambda row: "" if row.population is None else str(row.population),
        ),
        (
            _("Households reached"),
            "#reached+households",
            lambda row: _count(row.households_reached, row.suppressed, table.threshold),
        ),
        (
            _("People reached"),
            "#reached+individuals",
            lambda row: _count(row.people_reached, row.suppressed, table.threshold),
        ),
        (_("Members active"), "#org+count", lambda row: str(row.members_active)),
        (_("Programs active"), "#activity+count", lambda row: str(row.programs_active)),
        (
            _("Main drivers of need"),
            "#description+drivers",
            lambda row: "; ".join(str(driver["label"]) for driver in row.drivers),
        ),
        (
            _("Missing indicators"),
            "#meta+missing",
            lambda row: "; ".join(table.labels.get(code, code) for code in row.missing),
        ),
        (_("Data as of"), "#date+reported", lambda _row: as_of),
    ]
    rows = [[cell(row) for _header, _tag, cell in columns] for row in table.rows]
    return (
        [header for header, _tag, _cell in columns],
        [tag for _header, tag, _cell in columns],
        rows,
    )


@role_required(*GAP_ROLES)
def gap_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """What the map shows, as CSV or HXL-tagged CSV (UTF-8 with BOM, for Excel); audited."""
    selection = MapSelection.from_request(request)
    try:
        table = selectors.gap_table(**selection.as_kwargs(), user=request.user)
    except ApplicationError as exc:
        return _error_response(exc)
    header, hashtags, rows = export_rows(table)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(csv_row(header))
    if fmt == "hxl":
        writer.writerow(hashtags)
    writer.writerows(csv_row(row) for row in rows)
    stamp = (
        timezone.localtime(table.as_of).date() if table.as_of else timezone.localdate()
    ).isoformat()
    parts = ["marsad-gaps", table.level, _hxl_attribute(table.measure)]
    parts += [_hxl_attribute(table.sector)] if table.sector else []
    parts += [table.period, stamp]
    extension = "hxl.csv" if fmt == "hxl" else "csv"
    filename = f"{'-'.join(parts)}.{extension}"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit_record(
        actor=request.user,
        action="export",
        target_type="observatory.gap_table",
        target_label=filename,
        changes={
            "format": fmt,
            "rows": len(rows),
            "as_of": table.as_of.isoformat() if table.as_of else None,
            "suppressed_rows": sum(row.suppressed for row in table.rows),
            **selection.as_kwargs(),
        },
        request=request,
    )
    return response
