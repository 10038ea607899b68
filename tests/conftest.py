import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts in the project's default language, Arabic, whatever ran before."""
    with translation.override("ar"):
        yield


@pytest.fixture
def reference_transactional_db(transactional_db):
    """A transactional database with the reference data migrations normally provide.

    Transactional tests empty every table after they run, so the governorates and the
    coalition's bodies are seeded again for each of them.
    """
    from marsad.geo.services import governorates_seed
    from marsad.members.services import coalition_bodies_seed

    governorates_seed()
    coalition_bodies_seed()
