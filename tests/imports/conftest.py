import pytest

from marsad.members.models import Role
from tests.factories import member_create, user_create


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def nour(db):
    return member_create(slug="nour", name_ar="مؤسسة النور", name_en="Nour Foundation")


@pytest.fixture
def amal(db):
    return member_create(slug="amal", name_ar="جمعية الأمل", name_en="Amal Association")


@pytest.fixture
def nour_admin(nour):
    return user_create(role=Role.MEMBER_ADMIN, member=nour, username="nour-admin")


@pytest.fixture
def amal_admin(amal):
    return user_create(role=Role.MEMBER_ADMIN, member=amal, username="amal-admin")
