"""Reading and checking administrative boundaries from GeoJSON files.

A file is checked whole before anything is written: every feature needs a code that maps to
a known area (for districts, a parent governorate we know), and a valid polygon geometry.
Each problem is reported with the feature's position and code.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from marsad.core.errors import ApplicationError
from marsad.engines.linkage.records import GovernorateIndex
from marsad.geo.errors import GeoError

LEVELS = ("governorate", "district")
CODE_FIELDS = {
    "governorate": ("code", "ADM1_PCODE", "adm1_pcode", "iso_3166_2", "shapeISO"),
    "district": ("code", "ADM2_PCODE", "adm2_pcode", "pcode"),
}
PARENT_FIELDS = (
    "governorate_code",
    "ADM1_PCODE",
    "adm1_pcode",
    "governorate",
    "ADM1_EN",
    "ADM1_AR",
)
NAME_AR_FIELDS = {
    "governorate": ("name_ar", "ADM1_AR", "adm1_ar"),
    "district": ("name_ar", "ADM2_AR", "adm2_ar"),
}
NAME_EN_FIELDS = {
    "governorate": ("name_en", "ADM1_EN", "adm1_en", "shapeName"),
    "district": ("name_en", "ADM2_EN", "adm2_en", "name"),
}
POLYGON_TYPES = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class BoundaryFeature:
    index: int
    code: str
    parent_code: str
    name_ar: str
    name_en: str
    geometry: dict[str, Any]


@dataclass(frozen=True)
class BoundaryProblem:
    index: int
    code: str
    message: str

    def __str__(self) -> str:
        return _("Feature %(index)s (code %(code)s): %(message)s") % {
            "index": self.index,
            "code": self.code or "—",
            "message": self.message,
        }


def load_feature_collection(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            code=GeoError.FILE_UNREADABLE,
            message=_("Cannot read %(path)s as GeoJSON: %(reason)s")
            % {"path": path, "reason": exc},
            field="file",
        ) from exc
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ApplicationError(
            code=GeoError.NOT_FEATURE_COLLECTION,
            message=_("%(path)s is not a GeoJSON FeatureCollection.") % {"path": path},
            field="file",
        )
    return features


def _first(properties: Mapping[str, Any], names: Iterable[str]) -> str:
    for name in names:
        value = properties.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def check_features(
    features: list[dict[str, Any]],
    *,
    level: str,
    resolver: GovernorateIndex,
    code_field: str | None = None,
    parent_field: str | None = None,
) -> tuple[list[BoundaryFeature], list[BoundaryProblem]]:
    """Validate every feature; return the good ones and a problem for each bad one."""
    if level not in LEVELS:
        raise ApplicationError(
            code=GeoError.UNKNOWN_LEVEL,
            message=_("Unknown level %(level)s; use one of: %(levels)s")
            % {"level": level, "levels": ", ".join(LEVELS)},
            field="level",
        )
    code_fields = (code_field,) if code_field else CODE_FIELDS[level]
    parent_fields = (parent_field,) if parent_field else PARENT_FIELDS
    good: list[BoundaryFeature] = []
    problems: list[BoundaryProblem] = []
    seen: set[str] = set()
    for index, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        raw_code = _first(properties, code_fields)
        if level == "governorate":
            code = resolver.resolve(raw_code) or ""
            parent_code = code
            if not raw_code:
                problems.append(BoundaryProblem(index, "", _("no code property found")))
                continue
            if not code:
                problems.append(BoundaryProblem(index, raw_code, _("unknown governorate code")))
                continue
        else:
            code = raw_code
            if not code:
                problems.append(BoundaryProblem(index, "", _("no code property found")))
                continue
            raw_parent = _first(properties, parent_fields)
            parent_code = resolver.resolve(raw_parent) or ""
            if not parent_code:
                problems.append(
                    BoundaryProblem(
                        index,
                        code,
                        _("unknown governorate %(value)s") % {"value": raw_parent or "—"},
                    )
                )
                continue
        if code in seen:
            problems.append(BoundaryProblem(index, code, _("code appears twice in the file")))
            continue
        seen.add(code)
        geometry = (feature or {}).get("geometry")
        problem = _geometry_problem(geometry)
        if problem:
            problems.append(BoundaryProblem(index, code, problem))
            continue
        assert isinstance(geometry, dict)  # noqa: S101 - _geometry_problem checked it
        good.append(
            BoundaryFeature(
                index=index,
                code=code,
                parent_code=parent_code,
                name_ar=_first(properties, NAME_AR_FIELDS[level]),
                name_en=_first(properties, NAME_EN_FIELDS[level]),
                geometry=geometry,
            )
        )
    return good, problems


def _geometry_problem(geometry: object) -> str | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return _("geometry must be a Polygon or MultiPolygon, not %(kind)s") % {
            "kind": kind or _("nothing")
        }
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        return _("geometry cannot be read: %(reason)s") % {"reason": exc}
    if polygon.is_empty:
        return _("geometry is empty")
    if not polygon.is_valid:
        return _("invalid geometry: %(reason)s") % {"reason": explain_validity(polygon)}
    min_x, min_y, max_x, max_y = polygon.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        return _("coordinates are not longitude/latitude in WGS 84")
    return None
