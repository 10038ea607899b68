"""Build src/marsad/geo/data/governorates.geojson from the egygeo package's open data.

Run once when the source data changes (egygeo is a dev dependency):

    .venv/bin/python scripts/build_governorate_boundaries.py

The source polygons come from geoBoundaries / OpenStreetMap (ODbL 1.0). This script matches
each polygon to our governorate table by name, adds the national-ID code, ISO 3166-2 code and
names, repairs invalid rings, lightly simplifies (about 100 m) to keep the file small, and
rounds coordinates to 5 decimals (about 1 m).
"""

import csv
import json
from importlib import resources
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "marsad" / "geo" / "data"
# egygeo spells a few names differently from our table.
ALIASES = {"Asyut": "Assiut"}
SIMPLIFY_DEGREES = 0.001


def _round(coords: object) -> object:
    if isinstance(coords, list | tuple):
        if coords and isinstance(coords[0], float | int):
            return [round(float(c), 5) for c in coords]
        return [_round(c) for c in coords]
    return coords


def main() -> None:
    with open(DATA / "governorates.csv", encoding="utf-8") as handle:
        by_name = {row["name_en"]: row for row in csv.DictReader(handle)}
    source = resources.files("egygeo") / "data" / "Governorate_boundaries.json"
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    out = []
    for feature in features:
        name_en = ALIASES.get(
            feature["properties"]["Subdivision_en"], feature["properties"]["Subdivision_en"]
        )
        row = by_name.pop(name_en)
        geometry = make_valid(shape(feature["geometry"]))
        geometry = geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        if not geometry.is_valid:
            geometry = make_valid(geometry)
        if geometry.geom_type == "GeometryCollection":
            geometry = unary_union(
                [g for g in geometry.geoms if g.geom_type in {"Polygon", "MultiPolygon"}]
            )
        geojson = mapping(geometry)
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "code": row["nid_code"],
                    "iso_3166_2": row["iso_3166_2"],
                    "name_ar": row["name_ar"],
                    "name_en": row["name_en"],
                },
                "geometry": {
                    "type": geojson["type"],
                    "coordinates": _round(geojson["coordinates"]),
                },
            }
        )
    if by_name:
        raise SystemExit(f"No boundary for: {sorted(by_name)}")
    out.sort(key=lambda f: f["properties"]["code"])
    collection = {
        "type": "FeatureCollection",
        "attribution": "© OpenStreetMap contributors (ODbL 1.0), via geoBoundaries and egygeo",
        "features": out,
    }
    target = DATA / "governorates.geojson"
    target.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(f"wrote {len(out)} governorates to {target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
