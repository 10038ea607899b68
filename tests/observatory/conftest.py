import pytest
from django.core.cache import cache

from marsad.members.models import Role
from tests.factories import member_create, user_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nour():
    return member_create(slug="nour", name_ar="مؤسسة نور", name_en="Nour Foundation")


@pytest.fixture
def amal():
    return member_create(slug="amal", name_ar="جمعية أمل", name_en="Amal Association")


@pytest.fixture
def nour_worker(nour):
    return user_create(role=Role.CASE_WORKER, member=nour)
