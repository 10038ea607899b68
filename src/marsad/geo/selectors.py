"""Reads for geography."""

from typing import Any

from django.db.models import Count, QuerySet

from marsad.geo.models import Governorate


def governorate_list() -> QuerySet[Governorate]:
    return Governorate.objects.annotate(
        member_count=Count("members", distinct=True),
        district_count=Count("districts", distinct=True),
    ).order_by("code")


def governorates_geojson(*, language: str) -> dict[str, Any]:
    """The governorates as a FeatureCollection for the map, names in the given language."""
    rows = (
        Governorate.objects.filter(boundary__isnull=False)
        .annotate(
            member_count=Count("members", distinct=True),
            district_count=Count("districts", distinct=True),
        )
        .order_by("code")
        .values(
            "code",
            "iso_code",
            "name_ar",
            "name_en",
            "population",
            "member_count",
            "district_count",
            "boundary",
        )
    )
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": row["code"],
                "iso_3166_2": row["iso_code"],
                "name": row["name_en"] if language == "en" else row["name_ar"],
                "population": row["population"],
                "members": row["member_count"],
                "districts": row["district_count"],
            },
            "geometry": row["boundary"],
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}
