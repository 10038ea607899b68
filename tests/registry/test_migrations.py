"""Data migrations of the registry, run on rows stored the way earlier code stored them."""

import importlib

import pytest
from django.apps import apps

from marsad.members.models import Role
from marsad.registry.models import Person
from tests.factories import member_create, user_create
from tests.registry.test_registration import head, register

titles = importlib.import_module("marsad.registry.migrations.0005_names_without_titles")


@pytest.fixture
def case_worker(db):
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="nour"))


def test_people_stored_with_a_title_as_first_name_get_the_name_columns_of_today(case_worker):
    titled = register(case_worker, [head(full_name="الحاج محمد أحمد علي الشافعي")]).created[0]
    plain = register(
        case_worker, [head(full_name="سعيد محمود عبدالرحمن المصري", national_id="")]
    ).created[0]
    # As registration stored them before titles were recognised.
    Person.objects.filter(pk=titled.pk).update(
        first_name="الحاج",
        father_name="محمد",
        grandfather_name="أحمد",
        name_normalized="الحاج محمد احمد علي الشافعي",
        name_parts_normalized=["الحاج", "محمد", "احمد", "الشافعي"],
        first_key="الحاج",
        father_key="محمد",
        grandfather_key="احمد",
    )
    untouched = Person.objects.values().get(pk=plain.pk)

    titles.recompute(apps, None)

    titled.refresh_from_db()
    assert (titled.first_name, titled.father_name, titled.grandfather_name) == (
        "محمد",
        "أحمد",
        "علي",
    )
    assert titled.name_normalized == "محمد احمد علي الشافعي"
    assert (titled.first_key, titled.father_key, titled.family_key) == ("محمد", "احمد", "شفعي")
    assert titled.full_name == "الحاج محمد أحمد علي الشافعي"
    assert Person.objects.values().get(pk=plain.pk) == untouched
