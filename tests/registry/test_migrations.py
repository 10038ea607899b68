"""Data migrations of the registry, run on rows stored the way earlier code stored them."""

import importlib

import pytest
from django.apps import apps

from marsad.members.models import Role
from marsad.registry.models import Person
from tests.factories import member_create, user_create
from tests.registry.test_registration import head, register

titles = importlib.import_module("marsad.registry.migrations.0005_names_without_titles")
latin = importlib.import_module("marsad.registry.migrations.0006_latin_name_parts")


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


def test_people_stored_with_a_latin_compound_name_get_the_parts_of_today(case_worker):
    compound = register(
        case_worker, [head(full_name="Abdel Rahman Mohamed Ali Hassan", national_id="")]
    ).created[0]
    right = register(case_worker, [head(full_name="Mohamed Ali Hassan Salem")]).created[0]
    arabic = register(
        case_worker, [head(full_name="سعيد محمود عبدالرحمن المصري", national_id="")]
    ).created[0]
    # As registration displayed it before the parts followed the transliteration.
    Person.objects.filter(pk=compound.pk).update(
        first_name="Abdel", father_name="Rahman", grandfather_name="Mohamed", family_name="Hassan"
    )
    before = {pk: Person.objects.values().get(pk=pk) for pk in (right.pk, arabic.pk)}

    latin.recompute(apps, None)

    compound.refresh_from_db()
    parts = ("first_name", "father_name", "grandfather_name", "family_name")
    assert tuple(getattr(compound, name) for name in parts) == (
        "Abdel Rahman",
        "Mohamed",
        "Ali",
        "Hassan",
    )
    assert compound.full_name == "Abdel Rahman Mohamed Ali Hassan"
    assert {pk: Person.objects.values().get(pk=pk) for pk in before} == before
