"""Writes for geography: seeding the governorates and importing boundaries."""

import csv
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.engines.linkage.records import GovernorateIndex
from marsad.geo import boundaries
from marsad.geo.errors import GeoError
from marsad.geo.models import District, Governorate, Region

REGIONS = {
    "Urban": Region.URBAN,
    "Lower Egypt": Region.LOWER_EGYPT,
    "Upper Egypt": Region.UPPER_EGYPT,
    "Frontier": Region.FRONTIER,
}


def governorate_reference_rows() -> list[dict[str, str]]:
    """The shipped table of the 27 governorates (see geo/data/README.md for sources)."""
    text = (resources.files("marsad.geo") / "data" / "governorates.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def governorate_spellings() -> list[tuple[str, str]]:
    """(national-ID code, spelling): other names of the governorates met in members' files."""
    text = (resources.files("marsad.geo") / "data" / "governorate_spellings.csv").read_text("utf-8")
    return [(row["nid_code"], row["spelling"]) for row in csv.DictReader(text.splitlines())]


def governorate_reference_boundaries() -> dict[str, dict[str, Any]]:
    """Shipped boundary geometries keyed by national-ID code."""
    text = (resources.files("marsad.geo") / "data" / "governorates.geojson").read_text("utf-8")
    return {
        feature["properties"]["code"]: feature["geometry"]
        for feature in json.loads(text)["features"]
    }


def governorates_seed(governorate_model: Any = Governorate) -> int:
    """Create or refresh the 27 governorates; safe to run again.

    Takes the model class so that data migrations can pass their historical model.
    """
    geometries = governorate_reference_boundaries()
    for row in governorate_reference_rows():
        governorate_model.objects.update_or_create(
            code=row["nid_code"],
            defaults={
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "iso_code": row["iso_3166_2"],
                "region": REGIONS[row["region"]],
                "population": int(row["population"]) if row["population"] else None,
                "population_year": row["population_year"],
                "population_source": row["population_source"],
                "boundary": geometries.get(row["nid_code"]),
            },
        )
    return governorate_model.objects.count()


@dataclass(frozen=True)
class BoundaryImportResult:
    level: str
    created: int
    updated: int


@transaction.atomic
def boundaries_import(
    *,
    path: Path,
    level: str,
    by: Any = None,
    code_field: str | None = None,
    parent_field: str | None = None,
) -> BoundaryImportResult:
    """Load a level's boundaries from a GeoJSON file: all features or none.

    Raises ApplicationError(GeoError.INVALID_FEATURES) with every problem in
    `extra["problems"]` when any feature is bad; nothing is written then.
    """
    features = boundaries.load_feature_collection(path)
    resolver = GovernorateIndex(
        Governorate.objects.values_list("code", "iso_code", "name_ar", "name_en")
    )
    good, problems = boundaries.check_features(
        features,
        level=level,
        resolver=resolver,
        code_field=code_field,
        parent_field=parent_field,
    )
    if problems:
        raise ApplicationError(
            code=GeoError.INVALID_FEATURES,
            message=ngettext(
                "%(count)s of %(total)s features has a problem; nothing was imported.",
                "%(count)s of %(total)s features have problems; nothing was imported.",
                len(problems),
            )
            % {"count": len(problems), "total": len(features)},
            field="file",
            extra={"problems": problems},
        )
    created = updated = 0
    governorates = {g.code: g for g in Governorate.objects.all()}
    for feature in good:
        if level == "governorate":
            governorate = governorates[feature.code]
            governorate.boundary = feature.geometry
            governorate.save(update_fields=["boundary", "updated_at"])
            updated += 1
            continue
        defaults: dict[str, Any] = {
            "governorate": governorates[feature.parent_code],
            "boundary": feature.geometry,
        }
        if feature.name_ar:
            defaults["name_ar"] = feature.name_ar
        if feature.name_en:
            defaults["name_en"] = feature.name_en
        _, was_created = District.objects.update_or_create(
            code=feature.code,
            defaults=defaults,
            create_defaults={
                **defaults,
                "name_ar": feature.name_ar or feature.name_en or feature.code,
                "name_en": feature.name_en or feature.code,
                "created_by": by,
            },
        )
        created += was_created
        updated += not was_created
    audit_record(
        actor=by,
        action="update",
        target_type="geo.boundaries",
        target_id=level,
        target_label=str(path)[:255],
        changes={"level": level, "created": created, "updated": updated},
    )
    return BoundaryImportResult(level=level, created=created, updated=updated)
