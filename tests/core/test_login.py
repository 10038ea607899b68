"""Signing in, and throttling against password guessing."""

import pytest
from django.urls import reverse

from marsad.members.models import Role
from tests.factories import member_create, user_create

pytestmark = pytest.mark.django_db


def test_login_with_right_password_reaches_dashboard(client):
    user_create(role=Role.CASE_WORKER, member=member_create(), username="worker")
    response = client.post(
        reverse("login"), {"username": "worker", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_wrong_password_shows_the_error_in_arabic(client):
    user_create(role=Role.CASE_WORKER, member=member_create(), username="worker")
    response = client.post(reverse("login"), {"username": "worker", "password": "wrong"})
    assert response.status_code == 200
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, settings):
    # given
    user_create(role=Role.CASE_WORKER, member=member_create(), username="worker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "worker", "password": "guess"})
    # when
    response = client.post(
        reverse("login"), {"username": "worker", "password": "a-long-test-password"}
    )
    # then
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "محاولات كثيرة" in response.content.decode()


def test_pages_need_login(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
