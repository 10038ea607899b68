import pytest
from django.urls import reverse

from tests.factories import secretariat_create

pytestmark = pytest.mark.django_db


def test_geojson_has_27_governorates_named_in_the_users_language(client):
    client.force_login(secretariat_create())
    data = client.get(reverse("geo:governorates_geojson")).json()
    assert len(data["features"]) == 27
    names = {f["properties"]["code"]: f["properties"]["name"] for f in data["features"]}
    assert names["24"] == "المنيا"


def test_governorate_table_lists_27(client):
    client.force_login(secretariat_create())
    response = client.get(reverse("geo:governorate_list"))
    assert response.status_code == 200
    assert len(response.context["governorates"]) == 27
