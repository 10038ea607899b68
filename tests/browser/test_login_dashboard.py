"""A real Chromium: log in, see the Arabic RTL dashboard, switch to English."""

import pytest

from marsad.members.models import Role
from tests.factories import member_create, user_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_transactional_db")]


def test_login_see_arabic_dashboard_and_switch_to_english(browser, live_server):
    # given
    member = member_create(name_ar="مؤسسة الاختبار", name_en="Test Foundation")
    user_create(role=Role.MEMBER_ADMIN, member=member, username="admin1")
    page = browser.new_page()
    # when
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_username", "admin1")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit].primary")
    # then
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_test_id("dashboard-title").inner_text() == "لوحة المتابعة"
    assert page.locator(".mainnav").get_by_text("الأسر").is_visible()
    # when
    page.get_by_test_id("switch-language").click()
    page.wait_for_load_state()
    # then
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_test_id("dashboard-title").inner_text() == "Dashboard"
    assert page.locator(".mainnav").get_by_text("Households").is_visible()
    page.close()
