"""A member's users see and change only their own member's records; the secretariat sees all."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from marsad.core.models import AuditEvent
from marsad.members.models import Member, Role
from marsad.members.services import member_update
from tests.factories import (
    household_create,
    member_create,
    person_create,
    secretariat_create,
    user_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_members():
    return member_create(slug="alpha"), member_create(slug="beta")


@pytest.mark.parametrize(
    "url_name", ["members:member_detail", "members:member_edit", "members:branch_create"]
)
def test_member_admin_gets_404_on_another_members_pages(client, two_members, url_name):
    # given
    alpha, beta = two_members
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=alpha))
    # when
    response = client.get(reverse(url_name, args=[beta.slug]))
    # then
    assert response.status_code == 404


def test_member_admin_sees_and_edits_own_member(client, two_members):
    alpha, _ = two_members
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=alpha))
    assert client.get(reverse("members:member_detail", args=["alpha"])).status_code == 200
    assert client.get(reverse("members:member_edit", args=["alpha"])).status_code == 200


def test_case_worker_cannot_edit_own_member(client, two_members):
    alpha, _ = two_members
    client.force_login(user_create(role=Role.CASE_WORKER, member=alpha))
    assert client.get(reverse("members:member_detail", args=["alpha"])).status_code == 200
    assert client.get(reverse("members:member_edit", args=["alpha"])).status_code == 403


def test_secretariat_sees_every_member(client, two_members):
    client.force_login(secretariat_create())
    for member in two_members:
        response = client.get(reverse("members:member_detail", args=[member.slug]))
        assert response.status_code == 200


def test_posting_an_edit_to_another_member_changes_nothing(client, two_members):
    alpha, beta = two_members
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=alpha))
    response = client.post(
        reverse("members:member_edit", args=[beta.slug]),
        {
            "name_ar": "اسم مختطف",
            "name_en": "Hijacked",
            "kind": "foundation",
            "registration_number": "X",
        },
    )
    assert response.status_code == 404
    before = (beta.name_ar, beta.name_en, beta.registration_number)
    beta.refresh_from_db()
    assert (beta.name_ar, beta.name_en, beta.registration_number) == before
    assert not AuditEvent.objects.filter(target_id=str(beta.pk)).exists()


def test_household_of_another_member_is_not_found(client, two_members):
    alpha, beta = two_members
    theirs = household_create(member=beta)
    person_create(household=theirs, national_id="28208151304597")
    client.force_login(user_create(role=Role.CASE_WORKER, member=alpha))
    response = client.get(reverse("registry:household_detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(pii=True).exists()


def test_household_list_shows_only_own_member(client, two_members):
    alpha, beta = two_members
    ours = household_create(member=alpha)
    household_create(member=beta)
    client.force_login(user_create(role=Role.CASE_WORKER, member=alpha))
    response = client.get(reverse("registry:household_list"))
    assert [h.pk for h in response.context["page"].object_list] == [ours.pk]


def test_viewing_a_household_is_audited_and_the_id_masked(client, two_members):
    alpha, _ = two_members
    household = household_create(member=alpha)
    person_create(household=household, national_id="28208151304597")
    worker = user_create(role=Role.CASE_WORKER, member=alpha)
    client.force_login(worker)
    response = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "28208151304597" not in html
    assert "**********4597" in html
    event = AuditEvent.objects.get(pii=True)
    assert (event.actor, event.action, event.member, event.target_id) == (
        worker,
        "view",
        alpha,
        str(household.pk),
    )


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.BOARD_MEMBER])
def test_roles_without_registry_access_get_403(client, role):
    client.force_login(user_create(role=role))
    assert client.get(reverse("registry:household_list")).status_code == 403


def test_member_update_is_audited(two_members):
    alpha, _ = two_members
    old_name = alpha.name_en
    admin = user_create(role=Role.MEMBER_ADMIN, member=alpha)
    member_update(member=alpha, by=admin, name_en="Alpha Foundation")
    event = AuditEvent.objects.get(action="update", target_id=str(alpha.pk))
    assert event.changes == {"name_en": [old_name, "Alpha Foundation"]}
    assert (event.actor, event.member) == (admin, alpha)


def test_member_update_with_bad_value_saves_nothing(two_members):
    alpha, _ = two_members
    before = Member.objects.get(pk=alpha.pk).name_ar
    admin = user_create(role=Role.MEMBER_ADMIN, member=alpha)
    with pytest.raises(ValidationError) as error:
        member_update(member=alpha, by=admin, name_ar="")
    assert "name_ar" in error.value.message_dict
    assert Member.objects.get(pk=alpha.pk).name_ar == before
    assert not AuditEvent.objects.exists()


def test_member_update_by_another_members_admin_is_refused(two_members):
    alpha, beta = two_members
    with pytest.raises(PermissionDenied):
        member_update(
            member=beta, by=user_create(role=Role.MEMBER_ADMIN, member=alpha), name_en="X"
        )


def test_member_roles_require_a_member():
    with pytest.raises(IntegrityError):
        user_create(role=Role.CASE_WORKER, member=None)


def test_a_member_cannot_take_another_members_registration_number(client, two_members):
    alpha, beta = two_members
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=alpha))
    form = {"name_ar": alpha.name_ar, "name_en": alpha.name_en, "kind": "foundation"}
    taken = f" {beta.registration_number.lower()} "  # the same number, spaced and in lower case
    response = client.post(
        reverse("members:member_edit", args=["alpha"]), {**form, "registration_number": taken}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registration_number"]
    alpha.refresh_from_db()
    assert alpha.registration_number != beta.registration_number
    # Its own number may be saved again.
    response = client.post(
        reverse("members:member_edit", args=["alpha"]),
        {**form, "registration_number": alpha.registration_number},
    )
    assert response.status_code == 302
