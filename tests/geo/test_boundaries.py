"""The shipped governorate boundaries and the boundary import command."""

import csv
import json
from importlib import resources
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from marsad.core.errors import ApplicationError
from marsad.geo.errors import GeoError
from marsad.geo.models import District, Governorate
from marsad.geo.services import boundaries_import

SHIPPED = resources.files("marsad.geo") / "data"
NID_CODES = {
    "01",
    "02",
    "03",
    "04",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "22",
    "23",
    "24",
    "25",
    "26",
    "27",
    "28",
    "29",
    "31",
    "32",
    "33",
    "34",
    "35",
}


def test_shipped_boundaries_hold_27_valid_governorates_with_codes():
    collection = json.loads((SHIPPED / "governorates.geojson").read_text("utf-8"))
    table = {
        row["nid_code"]: row
        for row in csv.DictReader((SHIPPED / "governorates.csv").read_text("utf-8").splitlines())
    }
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert sorted(codes) == sorted(NID_CODES)
    for feature in collection["features"]:
        props = feature["properties"]
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in {"Polygon", "MultiPolygon"}, props["code"]
        assert geometry.is_valid, props["code"]
        assert not geometry.is_empty
        assert props["iso_3166_2"] == table[props["code"]]["iso_3166_2"]
        assert props["name_ar"] == table[props["code"]]["name_ar"]
        # Every governorate lies inside Egypt's bounding box.
        min_x, min_y, max_x, max_y = geometry.bounds
        assert 24.5 < min_x < max_x < 37.5, props["code"]
        assert 21.5 < min_y < max_y < 32, props["code"]
    assert "OpenStreetMap" in collection["attribution"]


def test_abolished_iso_codes_are_absent():
    rows = csv.DictReader((SHIPPED / "governorates.csv").read_text("utf-8").splitlines())
    iso_codes = {row["iso_3166_2"] for row in rows}
    assert len(iso_codes) == 27
    assert not iso_codes & {"EG-HU", "EG-SU"}


@pytest.mark.django_db
def test_migration_seeds_governorates_with_population_and_boundary():
    governorates = list(Governorate.objects.order_by("code"))
    assert len(governorates) == 27
    assert {g.code for g in governorates} == NID_CODES
    cairo = Governorate.objects.get(code="01")
    assert (cairo.name_ar, cairo.name_en, cairo.iso_code, cairo.region) == (
        "القاهرة",
        "Cairo",
        "EG-C",
        "urban",
    )
    assert cairo.population == 10_500_000
    assert cairo.population_year == "2025"
    assert "CAPMAS" in cairo.population_source
    assert Governorate.objects.get(code="35").population_year == "2023"
    assert all(g.boundary and g.population for g in governorates)


def _feature(props, coordinates):
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }


SQUARE = [[[30.7, 28.0], [30.8, 28.0], [30.8, 28.1], [30.7, 28.1], [30.7, 28.0]]]
BOWTIE = [[[30.7, 28.0], [30.8, 28.1], [30.8, 28.0], [30.7, 28.1], [30.7, 28.0]]]


def _write(tmp_path, features, name="districts.geojson"):
    path = tmp_path / name
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


@pytest.mark.django_db
def test_import_districts_in_cod_ab_style(tmp_path):
    path = _write(
        tmp_path,
        [
            _feature(
                {
                    "ADM2_PCODE": "EG2401",
                    "ADM1_PCODE": "EG24",
                    "ADM2_AR": "مركز ملوي",
                    "ADM2_EN": "Mallawi",
                },
                SQUARE,
            ),
            _feature({"ADM2_PCODE": "EG2402", "ADM1_EN": "Minya", "ADM2_EN": "Samalut"}, SQUARE),
            _feature(
                {"ADM2_PCODE": "EG0101", "ADM1_PCODE": "القاهره", "ADM2_EN": "Helwan"}, SQUARE
            ),
        ],
    )
    out = StringIO()
    call_command("geo", "import-boundaries", str(path), "--level", "district", stdout=out)
    assert "3" in out.getvalue()
    mallawi = District.objects.get(code="EG2401")
    assert (mallawi.governorate.code, mallawi.name_ar, mallawi.name_en) == (
        "24",
        "مركز ملوي",
        "Mallawi",
    )
    assert District.objects.get(code="EG0101").governorate.code == "01"
    assert mallawi.boundary == {"type": "Polygon", "coordinates": SQUARE}
    # Importing again updates in place.
    result = boundaries_import(path=path, level="district")
    assert (result.created, result.updated) == (0, 3)
    assert District.objects.count() == 3


@pytest.mark.django_db
def test_bad_features_are_each_reported_and_nothing_is_written(tmp_path):
    path = _write(
        tmp_path,
        [
            _feature({"ADM2_PCODE": "EG2401", "ADM1_PCODE": "EG24"}, SQUARE),
            _feature({"ADM2_PCODE": "EG2402", "ADM1_PCODE": "EG24"}, BOWTIE),
            _feature({"ADM2_PCODE": "EG9901", "ADM1_PCODE": "EG99"}, SQUARE),
            _feature({"ADM1_PCODE": "EG24"}, SQUARE),
            {
                "type": "Feature",
                "properties": {"ADM2_PCODE": "EG2403", "ADM1_PCODE": "EG24"},
                "geometry": {"type": "Point", "coordinates": [30.7, 28.0]},
            },
        ],
    )
    with pytest.raises(ApplicationError) as error:
        boundaries_import(path=path, level="district")
    assert error.value.code == GeoError.INVALID_FEATURES
    problems = {(p.index, p.code): p.message for p in error.value.extra["problems"]}
    assert set(problems) == {(2, "EG2402"), (3, "EG9901"), (4, ""), (5, "EG2403")}
    assert "Self-intersection" in problems[(2, "EG2402")]
    assert District.objects.count() == 0


@pytest.mark.django_db
def test_command_exits_2_with_clear_message(tmp_path):
    path = _write(tmp_path, [_feature({"ADM2_PCODE": "EG9901", "ADM1_PCODE": "EG99"}, SQUARE)])
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("geo", "import-boundaries", str(path), "--level", "district", stderr=err)
    assert error.value.returncode == 2
    assert "EG9901" in err.getvalue()
    assert "EG99" in err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("{not json", GeoError.FILE_UNREADABLE),
        ('{"type": "Point"}', GeoError.NOT_FEATURE_COLLECTION),
    ],
)
def test_unreadable_files_have_their_own_codes(tmp_path, content, code):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ApplicationError) as error:
        boundaries_import(path=path, level="district")
    assert error.value.code == code


@pytest.mark.django_db
def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(ApplicationError) as error:
        boundaries_import(path=tmp_path / "nowhere.geojson", level="district")
    assert error.value.code == GeoError.FILE_UNREADABLE


@pytest.mark.django_db
def test_governorate_level_replaces_the_boundary(tmp_path):
    path = _write(tmp_path, [_feature({"shapeISO": "EG-MN"}, SQUARE)])
    result = boundaries_import(path=path, level="governorate")
    assert result.updated == 1
    assert Governorate.objects.get(code="24").boundary["coordinates"] == SQUARE
