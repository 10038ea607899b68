"""Django-side helpers for the linkage engine: reference data and the model file."""

from __future__ import annotations

from marsad.engines.linkage.records import GovernorateIndex
from marsad.geo.services import governorate_reference_rows


def governorate_index() -> GovernorateIndex:
    return GovernorateIndex(
        (row["nid_code"], row["name_ar"], row["name_en"]) for row in governorate_reference_rows()
    )
