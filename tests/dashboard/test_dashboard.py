"""Each role lands on its own dashboard, in Arabic (RTL) first, English on request."""

import re

import pytest
from django.urls import reverse

from marsad.core.navigation import items_for
from marsad.members.models import Role
from tests.factories import household_create, member_create, user_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_an_arabic_rtl_dashboard(client, role):
    member = (
        member_create()
        if role in {Role.MEMBER_ADMIN, Role.CASE_WORKER, Role.VOLUNTEER_COORDINATOR}
        else None
    )
    client.force_login(user_create(role=role, member=member))
    response = client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "لوحة المتابعة" in html
    links = re.findall(r'<li><a href="([^"]+)"', html)
    assert links == [reverse(item.url_name) for item in items_for(role)]


def test_volunteer_navigation_has_no_registry():
    assert [i.url_name for i in items_for(Role.VOLUNTEER)] == ["dashboard:home"]


def test_empty_states_are_honest(client):
    member = member_create()
    client.force_login(user_create(role=Role.CASE_WORKER, member=member))
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "لم تسجل مؤسستك أي أسرة بعد" in html


def test_member_dashboard_counts_only_its_own_households(client):
    ours, theirs = member_create(), member_create()
    household_create(member=ours)
    household_create(member=theirs)
    household_create(member=theirs)
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=ours))
    response = client.get(reverse("dashboard:home"))
    assert response.context["member_summary"].households == 1


def test_switching_to_english_gives_ltr(client):
    client.force_login(user_create(role=Role.SECRETARIAT_ANALYST))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert ">Dashboard<" in html
