"""Django-side helpers for the linkage engine: reference data and the model file."""

from __future__ import annotations

from marsad.engines.linkage.records import GovernorateIndex
from marsad.geo.services import governorate_reference_rows, governorate_spellings


def governorate_index() -> GovernorateIndex:
    """The governorates by code, Arabic and English name, ISO code and other spellings."""
    spellings: dict[str, list[str]] = {}
    for code, spelling in governorate_spellings():
        spellings.setdefault(code, []).append(spelling)
    return GovernorateIndex(
        (
            row["nid_code"],
            row["name_ar"],
            row["name_en"],
            row["iso_3166_2"],
            *spellings.get(row["nid_code"], []),
        )
        for row in governorate_reference_rows()
    )
