"""In Chromium: the live duplicate-aid check, a block overridden by an admin, a reversal."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marsad.assistance.models import AidCategory, AidConflict, AidEntry, DuplicateAidRule
from marsad.assistance.taxonomy import CATEGORIES, RULES
from marsad.members.models import Role
from tests.assistance.factories import entry_create, family_create
from tests.browser.conftest import log_in
from tests.factories import member_create, user_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_transactional_db")]


def seed_taxonomy():
    """Transactional tests flush the categories and rules migration 0003 seeds (after the
    first of them has run, so they may still be there)."""
    by_code: dict[str, AidCategory] = {}
    for row in CATEGORIES:
        by_code[row.code], _ = AidCategory.objects.get_or_create(
            code=row.code,
            defaults={
                "kind": row.kind,
                "name_ar": row.name_ar,
                "name_en": row.name_en,
                "unit_ar": row.unit_ar,
                "unit_en": row.unit_en,
                "parent": by_code.get(row.parent),
                "unit_value": Decimal(row.unit_value) if row.unit_value else None,
            },
        )
    for rule in RULES:
        DuplicateAidRule.objects.get_or_create(
            category=by_code[rule.category],
            scope=rule.scope,
            window=rule.window,
            defaults={
                "action": rule.action,
                "limit": rule.limit,
                "across_members": rule.across_members,
            },
        )


def test_live_check_block_override_and_reverse(browser, live_server):
    seed_taxonomy()
    nour = member_create(slug="nour", name_ar="مؤسسة النور")
    amal = member_create(slug="amal", name_ar="جمعية الأمل")
    user_create(role=Role.CASE_WORKER, member=amal, username="amal-case")
    user_create(role=Role.MEMBER_ADMIN, member=amal, username="amal-admin")
    household = family_create(member=nour, size=2, served_by=(amal,))
    today = timezone.localdate()
    entry_create(member=nour, household=household, category="monthly-cash", delivered_on=today)
    page = browser.new_page()

    # Amal's case worker starts recording this month's grant: warned at once, by member name.
    log_in(page, live_server, "amal-case")
    page.goto(f"{live_server.url}/aid/record/?person={household.head_id}")
    page.fill("#id_quantity", "500")
    page.select_option("#id_category", "monthly-cash")
    page.wait_for_selector("[data-testid=finding-block]")
    assert "مؤسسة النور" in page.get_by_test_id("findings").inner_text()
    page.get_by_test_id("save-entry").click()
    page.wait_for_selector("[data-testid=finding-block]")
    assert page.locator("#id_override_reason").count() == 0
    assert AidEntry.objects.count() == 1
    page.context.clear_cookies()

    # Amal's admin overrides the block with a reason, then reverses the delivery.
    log_in(page, live_server, "amal-admin")
    page.goto(f"{live_server.url}/aid/record/?person={household.head_id}")
    # Typed key by key in Arabic-Indic digits, as on an Arabic keyboard.
    page.locator("#id_quantity").press_sequentially("٥٠٠٫٥")
    page.select_option("#id_category", "monthly-cash")
    # The live check's answer moves the button: saving waits for it, as a person would.
    page.wait_for_selector("[data-testid=finding-block]")
    page.get_by_test_id("save-entry").click()
    page.fill("#id_override_reason", "حريق في المنزل")
    page.get_by_test_id("save-entry").click()
    page.wait_for_url(f"{live_server.url}/aid/*/")
    conflict = AidConflict.objects.get()
    assert (conflict.resolution, conflict.reason) == ("overridden", "حريق في المنزل")
    assert conflict.entry.quantity == Decimal("500.5")
    page.fill("#id_reason", "سُجلت بالخطأ")
    page.get_by_test_id("reverse").click()
    page.wait_for_selector("[data-testid=reversed]")
    assert not AidEntry.objects.effective().filter(member=amal).exists()
