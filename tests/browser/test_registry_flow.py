"""In Chromium: registration, the duplicate warning, the stop on an existing ID, review."""

import pytest

from marsad.matching.models import DuplicateCase
from marsad.members.models import Role
from marsad.registry.models import Person
from tests.browser.conftest import log_in
from tests.factories import member_create, user_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_transactional_db")]

NID = "28208151304597"


def fill_person(page, *, name, gender="M", national_id="", birth_date="", relation="head"):
    page.select_option("#id_relation", relation)
    page.select_option("#id_gender", gender)
    page.fill("#id_national_id", national_id)
    if birth_date:
        page.fill("#id_birth_date", birth_date)
    page.fill("#id_full_name", name)


def start_household(page, live_server):
    page.goto(f"{live_server.url}/registry/register/")
    page.select_option("#id_governorate", "24")
    page.fill("#id_village", "دير مواس")
    page.get_by_test_id("next").click()
    page.wait_for_url(f"{live_server.url}/registry/register/members/")


def test_register_warn_stop_merge_and_undo(browser, live_server):
    user_create(
        role=Role.CASE_WORKER,
        member=member_create(slug="nour", name_ar="مؤسسة النور"),
        username="nour-case",
    )
    user_create(
        role=Role.CASE_WORKER,
        member=member_create(slug="amal", name_ar="جمعية الأمل"),
        username="amal-case",
    )
    user_create(role=Role.SECRETARIAT_ANALYST, username="secretariat")
    page = browser.new_page()

    # A case worker of one member registers a household.
    log_in(page, live_server, "nour-case")
    start_household(page, live_server)
    fill_person(page, name="محمد أحمد علي الشافعي", national_id=NID, birth_date="1982-08-15")
    page.get_by_test_id("add-person").click()
    page.wait_for_selector("[data-testid=draft-people]")
    page.get_by_test_id("to-confirm").click()
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{live_server.url}/registry/households/*/")
    assert Person.objects.filter(member__slug="nour").count() == 1
    page.context.clear_cookies()

    # Another member's case worker searches the coalition: the ID never reaches the URL.
    log_in(page, live_server, "amal-case")
    page.goto(f"{live_server.url}/registry/search/")
    page.fill("#national_id", NID)
    page.locator("form.card button[type=submit]").click()
    page.get_by_test_id("already-registered").wait_for()
    assert NID not in page.url
    assert "مؤسسة النور" in page.get_by_test_id("already-registered").inner_text()

    # A spelling variant with no ID: warned while typing.
    start_household(page, live_server)
    fill_person(page, name="محمد احمد على الشافعى", birth_date="1982-08-15")
    warning = page.get_by_test_id("possible-duplicates")
    warning.wait_for()
    assert "مؤسسة النور" in warning.inner_text()
    assert "محمد أحمد علي الشافعي" not in page.content()  # no other member's personal data

    # With the same ID: stopped and shown the coordination summary.
    fill_person(page, name="محمد احمد على الشافعى", national_id=NID)
    stop = page.get_by_test_id("already-registered")
    stop.wait_for()
    assert "مؤسسة النور" in stop.inner_text()

    # Registered without the ID, the variant goes to the review queue.
    fill_person(page, name="محمد احمد على الشافعى", birth_date="1982-08-15")
    page.get_by_test_id("add-person").click()
    page.wait_for_selector("[data-testid=draft-people]")
    page.get_by_test_id("to-confirm").click()
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{live_server.url}/registry/households/*/")
    case = DuplicateCase.objects.get()
    page.context.clear_cookies()

    # The secretariat merges the pair in the review queue, then undoes the merge.
    log_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/review/")
    page.get_by_test_id("case-list").get_by_role("link").first.click()
    page.get_by_test_id("merge").click()
    page.get_by_test_id("undo").wait_for()
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.MERGED
    assert Person.objects.filter(status=Person.Status.MERGED).count() == 1
    page.get_by_test_id("undo").click()
    page.get_by_test_id("merge").wait_for()
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.UNDONE
    assert not Person.objects.filter(status=Person.Status.MERGED).exists()
    page.close()
