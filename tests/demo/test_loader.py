"""`marsad demo load` on the real database."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from marsad.assistance.models import AidEntry
from marsad.core.crypto import blind_index, decrypt_pii
from marsad.engines.nid import parse_national_id
from marsad.members.models import Member, Role, User
from marsad.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_demo_load_creates_marked_institutions_users_and_people():
    call_command("demo", "load", "--people", "400", stdout=StringIO())
    assert Person.objects.count() == 400
    assert Member.objects.filter(is_demo=True).count() == Member.objects.count() == 6
    assert all("(demo)" in m.name_en and "(تجريبية)" in m.name_ar for m in Member.objects.all())
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # Every household has its head, and everyone a current membership and a service link.
    assert not Household.objects.filter(head__isnull=True).exists()
    assert all(
        h.head.relation == "head" and h.head.household_id == h.pk
        for h in Household.objects.select_related("head")
    )
    assert Person.objects.filter(memberships__ended_on__isnull=True).count() == 400
    assert Person.objects.filter(service_links__member_id=F("member_id")).count() == 400
    # Every household belongs to a member active in its governorate.
    for household in Household.objects.select_related("member", "governorate"):
        assert household.member.governorates.filter(pk=household.governorate_id).exists()
    # National IDs are stored encrypted, with a working blind index and the last 4 digits.
    person = Person.objects.exclude(national_id_encrypted="").first()
    national_id = decrypt_pii(person.national_id_encrypted)
    assert person.national_id_encrypted != national_id
    assert person.national_id_index == blind_index(national_id)
    assert person.national_id_last4 == national_id[-4:]
    parsed = parse_national_id(national_id, today=timezone.localdate())
    assert parsed.birth_date == person.birth_date
    assert parsed.gender == person.gender


def test_demo_load_twice_is_refused_unless_if_empty():
    call_command("demo", "load", "--people", "50", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo", "load", "--people", "50", stdout=StringIO())
    out = StringIO()
    call_command("demo", "load", "--people", "50", "--if-empty", stdout=out)
    assert "already" in out.getvalue()
    assert Person.objects.count() == 50


def test_demo_is_deterministic_for_a_seed():
    call_command("demo", "load", "--people", "120", "--seed", "7", stdout=StringIO())
    first = list(Person.objects.order_by("pk").values_list("full_name", "birth_date", "phone"))
    AidEntry.objects.all().delete()  # deliveries protect the people they went to
    Person.objects.all().delete()
    Household.objects.all().delete()
    User.objects.all().delete()
    Member.objects.all().delete()
    call_command("demo", "load", "--people", "120", "--seed", "7", stdout=StringIO())
    second = list(Person.objects.order_by("pk").values_list("full_name", "birth_date", "phone"))
    assert first == second


def test_the_demo_ledger_has_deliveries_and_an_overlap_between_members():
    call_command("demo", "load", "--people", "400", "--seed", "7", stdout=StringIO())
    entries = AidEntry.objects.effective()
    assert entries.filter(category__code="food-box").exists()
    # Some households are served by two members: the reach report has an overlap to show.
    by_household = {}
    for household, member in entries.values_list("household_id", "member_id"):
        by_household.setdefault(household, set()).add(member)
    assert any(len(members) > 1 for members in by_household.values())
    # Every delivery is made in the household's own governorate, in the past.
    assert not entries.exclude(governorate=F("household__governorate")).exists()
    assert not entries.filter(delivered_on__gt=timezone.localdate()).exists()
