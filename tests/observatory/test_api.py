"""GET /api/gap/ and /api/gap/geojson/: every role but the volunteer's, small counts suppressed."""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marsad.observatory.services import gap_recompute_all
from tests.assistance.factories import entry_create, family_create
from tests.factories import secretariat_create

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def served(nour):
    for _ in range(3):
        household = family_create(member=nour, size=2, governorate_code="26")
        entry_create(member=nour, household=household)
    gap_recompute_all()


def test_the_table_returns_the_stored_snapshot_with_small_counts_hidden(served, nour_worker):
    response = api(nour_worker).get("/api/gap/", {"measure": "need"})
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "governorate"
    assert body["measure"] == "need"
    assert body["threshold"] == 10
    assert len(body["rows"]) == 27
    sohag = next(r for r in body["rows"] if r["code"] == "26")
    assert sohag["households_reached"] is None
    assert sohag["suppressed"] is True
    assert sohag["value"] == sohag["need"]
    assert body["measures"][0]["key"] == "gap"


def test_the_secretariat_gets_exact_counts(served):
    body = api(secretariat_create()).get("/api/gap/").json()
    sohag = next(r for r in body["rows"] if r["code"] == "26")
    assert (sohag["households_reached"], sohag["people_reached"]) == (3, 6)


def test_geojson(served, nour_worker):
    response = api(nour_worker).get(
        "/api/gap/geojson/", {"measure": "indicator:poverty_rate", "period": "all"}
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 27
    assiut = next(f for f in body["features"] if f["id"] == "25")
    assert assiut["properties"]["value"] == 66.7


def test_a_bad_parameter_is_400_with_its_code(nour_worker):
    response = api(nour_worker).get("/api/gap/", {"period": "yesterday"})
    assert response.status_code == 400
    assert response.json()["code"] == "observatory.unknown_period"
    response = api(nour_worker).get("/api/gap/", {"level": "village"})
    assert response.status_code == 400


def test_anonymous_is_401():
    assert APIClient().get("/api/gap/").status_code == 401
    assert APIClient().get("/api/gap/geojson/").status_code == 401


def test_the_schema_documents_the_gap_endpoints():
    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    table = schema["paths"]["/api/gap/"]["get"]
    assert table["operationId"] == "gap_table"
    assert {p["name"] for p in table["parameters"]} == {"level", "measure", "sector", "period"}
    assert "/api/gap/geojson/" in schema["paths"]
    assert "GapRow" in schema["components"]["schemas"]
