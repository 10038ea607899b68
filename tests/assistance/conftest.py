import pytest

from marsad.members.models import Role
from tests.assistance.factories import family_create
from tests.factories import member_create, user_create


@pytest.fixture
def nour():
    return member_create(slug="nour", name_ar="مؤسسة نور", name_en="Nour Foundation")


@pytest.fixture
def amal():
    return member_create(slug="amal", name_ar="جمعية أمل", name_en="Amal Association")


@pytest.fixture
def nour_worker(nour):
    return user_create(role=Role.CASE_WORKER, member=nour)


@pytest.fixture
def nour_admin(nour):
    return user_create(role=Role.MEMBER_ADMIN, member=nour)


@pytest.fixture
def amal_worker(amal):
    return user_create(role=Role.CASE_WORKER, member=amal)


@pytest.fixture
def amal_admin(amal):
    return user_create(role=Role.MEMBER_ADMIN, member=amal)


@pytest.fixture
def shared_household(nour, amal):
    """Registered by Nour, three people, all of whom Amal serves too."""
    return family_create(member=nour, size=3, served_by=(amal,))
