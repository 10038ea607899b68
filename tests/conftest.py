import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts in the project's default language, Arabic, whatever ran before."""
    with translation.override("ar"):
        yield
