"""Ledger pages: who reaches what, recording with the rules, reversal, correction, exports."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marsad.assistance.models import AidCategory, AidConflict, AidEntry
from marsad.core.models import AuditEvent
from marsad.members.models import Role
from tests.assistance.factories import entry_create, family_create
from tests.factories import member_create, secretariat_create, user_create

pytestmark = pytest.mark.django_db

MARCH = "2025-03-05"


def grant_form(household, **fields):
    return {
        "household": household.pk,
        "category": "monthly-cash",
        "quantity": "500",
        "delivered_on": MARCH,
        **fields,
    }


def post_record(client, user, household, **fields):
    client.force_login(user)
    return client.post(reverse("aid:entry_record"), grant_form(household, **fields))


# Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "ledger", "conflicts", "reach", "record"),
    [
        (Role.CASE_WORKER, 200, 200, 403, 200),
        (Role.MEMBER_ADMIN, 200, 200, 200, 200),
        (Role.SECRETARIAT_ANALYST, 200, 200, 200, 403),
        (Role.BOARD_MEMBER, 403, 403, 200, 403),
        (Role.VOLUNTEER_COORDINATOR, 403, 403, 403, 403),
    ],
)
def test_pages_by_role(client, nour, shared_household, role, ledger, conflicts, reach, record):
    member = (
        nour if role in (Role.CASE_WORKER, Role.MEMBER_ADMIN, Role.VOLUNTEER_COORDINATOR) else None
    )
    client.force_login(user_create(role=role, member=member))
    assert client.get(reverse("aid:entry_list")).status_code == ledger
    assert client.get(reverse("aid:conflict_list")).status_code == conflicts
    assert client.get(reverse("aid:reach")).status_code == reach
    url = f"{reverse('aid:entry_record')}?household={shared_household.pk}"
    assert client.get(url).status_code == record


def test_another_members_entry_is_not_found(client, shared_household, nour, amal_admin):
    entry = entry_create(member=nour, household=shared_household)
    client.force_login(amal_admin)
    for response in (
        client.get(reverse("aid:entry_detail", args=[entry.pk])),
        client.get(reverse("aid:entry_correct", args=[entry.pk])),
        client.post(reverse("aid:entry_reverse", args=[entry.pk]), {"reason": "x"}),
    ):
        assert response.status_code == 404
    assert AidEntry.objects.count() == 1


def test_a_household_the_member_neither_registered_nor_serves_is_not_found(client, nour):
    from tests.assistance.factories import family_create

    stranger = user_create(role=Role.CASE_WORKER, member=member_create())
    household = family_create(member=nour, size=1)
    client.force_login(stranger)
    url = f"{reverse('aid:entry_record')}?household={household.pk}"
    assert client.get(url).status_code == 404
    response = client.post(reverse("aid:entry_record"), grant_form(household))
    assert response.status_code == 404
    assert not AidEntry.objects.exists()


# Recording ---------------------------------------------------------------------------


def test_recording_a_delivery_redirects_to_it(client, shared_household, nour_worker):
    response = post_record(client, nour_worker, shared_household)
    entry = AidEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("aid:entry_detail", args=[entry.pk])
    assert (entry.member, entry.value, entry.created_by) == (
        nour_worker.member,
        Decimal("500.00"),
        nour_worker,
    )


def test_arabic_indic_digits_are_accepted(client, shared_household, nour_worker):
    post_record(client, nour_worker, shared_household, quantity="٥٠٠", delivered_on="٢٠٢٥-٠٣-٠٥")
    entry = AidEntry.objects.get()
    assert (entry.quantity, entry.delivered_on) == (Decimal("500"), datetime.date(2025, 3, 5))


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("12,5", Decimal("12.5")), ("1,250", Decimal(1250)), ("١٫٥", Decimal("1.5"))],
)
def test_numbers_are_read_as_the_import_reads_them(
    client, shared_household, nour_worker, quantity, expected
):
    # A decimal comma is a decimal comma, not a thousands separator to drop (12,5 is not 125).
    post_record(client, nour_worker, shared_household, quantity=quantity)
    assert AidEntry.objects.get().quantity == expected


def test_problems_are_shown_on_their_fields(client, shared_household, nour_worker):
    response = post_record(client, nour_worker, shared_household, quantity="0")
    assert response.status_code == 200
    assert "quantity" in response.context["form"].errors
    assert not AidEntry.objects.exists()


def test_block_shows_the_other_member_and_the_override_field_to_an_admin(
    client, shared_household, nour_worker, amal_worker, amal_admin
):
    post_record(client, nour_worker, shared_household)
    worker_page = post_record(client, amal_worker, shared_household)
    html = worker_page.content.decode()
    assert 'data-testid="finding-block"' in html
    assert "مؤسسة نور" in html
    assert "override_reason" not in html
    refused = post_record(client, amal_worker, shared_household, override_reason="طارئ")
    assert "override_reason" not in refused.content.decode()
    admin_page = post_record(client, amal_admin, shared_household)
    assert 'name="override_reason"' in admin_page.content.decode()
    assert AidEntry.objects.count() == 1
    done = post_record(client, amal_admin, shared_household, override_reason="حريق في المنزل")
    assert done.status_code == 302
    assert AidConflict.objects.get().resolution == AidConflict.Resolution.OVERRIDDEN


def test_warn_asks_for_confirmation(client, shared_household, nour_worker, amal_worker):
    box = {"category": "ramadan-box", "quantity": "1", "value": "600"}
    post_record(client, nour_worker, shared_household, **box)
    page = post_record(client, amal_worker, shared_household, **box)
    assert 'data-testid="finding-warn"' in page.content.decode()
    assert 'name="confirm"' in page.content.decode()
    assert AidEntry.objects.count() == 1
    done = post_record(client, amal_worker, shared_household, confirm="on", **box)
    assert done.status_code == 302
    assert AidConflict.objects.get().resolution == AidConflict.Resolution.CONFIRMED


def test_live_check_tells_what_the_household_already_received(
    client, shared_household, nour_worker, amal_worker
):
    post_record(client, nour_worker, shared_household)
    client.force_login(amal_worker)
    response = client.post(
        reverse("aid:entry_check"),
        {"household": shared_household.pk, "category": "monthly-cash", "delivered_on": MARCH},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="finding-block"' in html
    assert "مؤسسة نور" in html
    assert shared_household.people.first().full_name not in html
    assert AidEntry.objects.count() == 1
    quiet = client.post(
        reverse("aid:entry_check"),
        {"household": shared_household.pk, "category": "food-box", "delivered_on": MARCH},
    )
    assert "finding-" not in quiet.content.decode()


def test_live_check_speaks_before_any_amount_is_typed(
    client, shared_household, nour_worker, amal_worker
):
    # A category without a value per unit needs a value to be saved, not to be checked.
    AidCategory.objects.filter(code="monthly-cash").update(unit_value=None)
    post_record(client, nour_worker, shared_household, value="500")
    assert AidEntry.objects.count() == 1
    client.force_login(amal_worker)
    response = client.post(
        reverse("aid:entry_check"),
        {"household": shared_household.pk, "category": "monthly-cash", "delivered_on": MARCH},
    )
    assert 'data-testid="finding-block"' in response.content.decode()


def _check(client, household, **fields):
    response = client.post(
        reverse("aid:entry_check"),
        {"household": household.pk, "category": "monthly-cash", "delivered_on": MARCH, **fields},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_live_check_of_a_correction_leaves_out_the_entry_corrected(
    client, shared_household, nour_worker
):
    post_record(client, nour_worker, shared_household)
    entry = AidEntry.objects.get()
    page = client.get(reverse("aid:entry_correct", args=[entry.pk])).content.decode()
    assert f'name="corrects" value="{entry.pk}"' in page
    assert "finding-" in _check(client, shared_household)  # a new delivery would conflict
    assert "finding-" not in _check(client, shared_household, corrects=entry.pk)
    # Another delivery of the same month still counts.
    other = entry_create(
        member=nour_worker.member,
        household=shared_household,
        category="monthly-cash",
        delivered_on=datetime.date(2025, 3, 20),
    )
    assert "finding-" in _check(client, shared_household, corrects=entry.pk)
    assert "finding-" in _check(client, shared_household, corrects=other.pk)


def test_live_check_ignores_an_entry_the_user_may_not_correct(
    client, shared_household, nour, nour_worker, amal_worker
):
    theirs = entry_create(
        member=amal_worker.member, household=shared_household, category="monthly-cash"
    )
    elsewhere = entry_create(
        member=nour,
        household=family_create(member=nour, size=1),
        category="monthly-cash",
    )
    client.force_login(nour_worker)
    plain = _check(client, shared_household)
    assert 'data-testid="finding-block"' in plain
    # Another member's delivery, one to another household, an id that does not exist, or a
    # malformed one: the answer is the same as for a new delivery.
    for corrects in (theirs.pk, elsewhere.pk, theirs.pk + 1000, "x", "9" * 40):
        assert _check(client, shared_household, corrects=corrects) == plain
    assert AidEntry.objects.count() == 2
    assert not AuditEvent.objects.filter(actor=nour_worker).exists()


# Reversal and correction -------------------------------------------------------------


def test_reversing_needs_a_reason_then_ends_the_delivery(client, shared_household, nour_worker):
    post_record(client, nour_worker, shared_household)
    entry = AidEntry.objects.get()
    url = reverse("aid:entry_reverse", args=[entry.pk])
    client.post(url, {"reason": "  "})
    assert AidEntry.objects.count() == 1
    client.post(url, {"reason": "لم تُسلَّم"})
    assert not AidEntry.objects.effective().exists()
    page = client.get(reverse("aid:entry_detail", args=[entry.pk])).content.decode()
    assert 'data-testid="reversed"' in page
    assert 'data-testid="reverse"' not in page


def test_correcting_records_a_reversal_and_a_new_delivery(client, shared_household, nour_worker):
    post_record(client, nour_worker, shared_household)
    entry = AidEntry.objects.get()
    url = reverse("aid:entry_correct", args=[entry.pk])
    assert client.get(url).status_code == 200
    missing_reason = client.post(url, grant_form(shared_household, quantity="650"))
    assert missing_reason.status_code == 200
    assert AidEntry.objects.count() == 1
    response = client.post(url, grant_form(shared_household, quantity="650", reason="المبلغ ٦٥٠"))
    corrected = AidEntry.objects.effective().get()
    assert response["Location"] == reverse("aid:entry_detail", args=[corrected.pk])
    assert corrected.value == Decimal("650.00")
    assert AidEntry.objects.count() == 3


def test_evidence_is_downloaded_by_whoever_may_see_the_entry_and_the_access_is_audited(
    client, settings, tmp_path, shared_household, nour_worker, amal_admin
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 signed receipt", "application/pdf")
    post_record(client, nour_worker, shared_household, evidence=receipt)
    entry = AidEntry.objects.get()
    url = reverse("aid:entry_evidence", args=[entry.pk])
    assert url in client.get(reverse("aid:entry_detail", args=[entry.pk])).content.decode()
    views_before = AuditEvent.objects.filter(action="view").count()

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed receipt"
    assert "attachment" in response["Content-Disposition"]
    assert "receipt" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="view").count() == views_before + 1

    client.force_login(amal_admin)  # another member: the entry does not exist for it
    assert client.get(url).status_code == 404


def test_an_entry_without_evidence_has_no_download(client, shared_household, nour_worker):
    entry = entry_create(member=nour_worker.member, household=shared_household)
    client.force_login(nour_worker)
    response = client.get(reverse("aid:entry_evidence", args=[entry.pk]))
    assert response.status_code == 404


def test_a_secretariat_analyst_sees_but_cannot_reverse(client, shared_household, nour):
    entry = entry_create(member=nour, household=shared_household)
    client.force_login(secretariat_create())
    assert client.get(reverse("aid:entry_detail", args=[entry.pk])).status_code == 200
    response = client.post(reverse("aid:entry_reverse", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403


# Lists, history and conflicts --------------------------------------------------------


def test_ledger_lists_the_members_entries_only(client, shared_household, nour, amal, nour_worker):
    mine = entry_create(member=nour, household=shared_household, value="111")
    theirs = entry_create(member=amal, household=shared_household, value="222")
    client.force_login(nour_worker)
    page = client.get(reverse("aid:entry_list")).context["page"]
    assert list(page.object_list) == [mine]
    assert theirs not in page.object_list


def test_each_ledger_page_shown_is_one_audited_view_of_personal_data(
    client, shared_household, nour, nour_worker
):
    person = shared_household.people.order_by("pk").first()
    named = entry_create(member=nour, household=shared_household, person=person)
    household_only = entry_create(member=nour, household=shared_household)
    client.force_login(nour_worker)
    html = client.get(reverse("aid:entry_list")).content.decode()
    assert person.full_name in html
    event = AuditEvent.objects.get(action="view", actor=nour_worker)
    assert (event.target_type, event.target_id, event.pii) == ("assistance.aidentry", "", True)
    assert event.changes == {
        "list": "aid_ledger",
        "page": 1,
        "entries": [household_only.pk, named.pk],
        "people": [person.pk],
    }
    client.get(reverse("aid:entry_list"), {"page": "1"})
    assert AuditEvent.objects.filter(action="view", actor=nour_worker).count() == 2
    # A filter that shows no one is no view of personal data.
    client.get(reverse("aid:entry_list"), {"category": "surgery"})
    assert AuditEvent.objects.filter(action="view", actor=nour_worker).count() == 2


@pytest.mark.parametrize(
    ("page_name", "query"),
    [
        ("aid:entry_list", {"date_from": "2025-02-30"}),  # no such day
        ("aid:conflict_list", {"date_to": "2025-13-01"}),  # no such month
    ],
)
def test_a_list_with_a_filter_it_cannot_read_lists_nothing(
    client, shared_household, nour_worker, amal_admin, page_name, query
):
    # given: two monthly grants to one household, the second overriding the rule: a conflict
    post_record(client, nour_worker, shared_household, person=shared_household.head_id)
    post_record(client, amal_admin, shared_household, override_reason="حريق")
    client.force_login(amal_admin)
    assert client.get(reverse(page_name)).context["page"].object_list
    ledger_views = AuditEvent.objects.filter(changes__list="aid_ledger").count()
    # when
    response = client.get(reverse(page_name), query)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == list(query)
    assert not response.context["page"].object_list
    assert AuditEvent.objects.filter(changes__list="aid_ledger").count() == ledger_views


def test_household_page_shows_aid_history_masked(client, shared_household, nour, amal, nour_worker):
    entry_create(member=nour, household=shared_household, value="123")
    entry_create(member=amal, household=shared_household, value="987", category="surgery")
    client.force_login(nour_worker)
    html = client.get(
        reverse("registry:household_detail", args=[shared_household.pk])
    ).content.decode()
    assert 'data-testid="aid-history"' in html
    assert 'data-testid="record-aid"' in html
    assert "123.00" in html  # a decimal point, as Egyptian forms write it
    assert "جمعية أمل" in html
    assert "987" not in html


def test_person_page_offers_recording_to_a_serving_member(client, shared_household, amal_worker):
    person = shared_household.people.order_by("pk").first()
    client.force_login(amal_worker)
    html = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert f"?person={person.pk}" in html
    form = client.get(f"{reverse('aid:entry_record')}?person={person.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["person"] == person.pk


def test_conflicts_page_masks_the_other_side(client, shared_household, nour_worker, amal_admin):
    post_record(client, nour_worker, shared_household, person=shared_household.head_id)
    post_record(client, amal_admin, shared_household, override_reason="حريق")
    client.force_login(nour_worker)
    html = client.get(reverse("aid:conflict_list")).content.decode()
    assert "جمعية أمل" in html
    assert "حريق" not in html
    assert shared_household.head.full_name in html  # Nour's own side
    client.force_login(amal_admin)
    html = client.get(reverse("aid:conflict_list")).content.decode()
    assert "حريق" in html
    assert shared_household.head.full_name not in html


# Reach -------------------------------------------------------------------------------


def test_reach_page_and_exports(client, shared_household, nour, amal):
    entry_create(member=nour, household=shared_household, value="100")
    entry_create(member=amal, household=shared_household, value="50", category="hot-meals")
    analyst = secretariat_create()
    client.force_login(analyst)
    page = client.get(reverse("aid:reach"), {"by": "member"})
    assert [(r.label, r.people) for r in page.context["report"].rows] == [
        ("جمعية أمل", 3),
        ("مؤسسة نور", 3),
    ]
    total = page.context["report"].total
    assert (total.people, total.people_reported, total.people_overlap) == (3, 6, 3)

    csv_response = client.get(reverse("aid:reach_export", args=["csv"]), {"by": "member"})
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["جمعية أمل", "3", "3", "0", "1", "1", "0", "1.00", "50.00"],
        ["مؤسسة نور", "3", "3", "0", "1", "1", "0", "1.00", "100.00"],
        [rows[3][0], "3", "6", "3", "1", "2", "1", "2.00", "150.00"],
    ]

    xlsx = client.get(reverse("aid:reach_export", args=["xlsx"]), {"by": "category"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        ["مساعدات غذائية", 3, 6, 3, 1, 2, 1, 2, 150],
        [values[1][0], 3, 6, 3, 1, 2, 1, 2, 150],
    ]
    events = AuditEvent.objects.filter(action="export", target_type="assistance.reach")
    assert sorted(e.changes["format"] for e in events) == ["csv", "xlsx"]
    assert all(e.actor == analyst for e in events)
    assert client.get(reverse("aid:reach_export", args=["pdf"])).status_code == 404


def test_a_member_admins_reach_is_its_own(client, shared_household, nour, amal, amal_admin):
    entry_create(member=nour, household=shared_household)
    entry_create(member=amal, household=shared_household)
    client.force_login(amal_admin)
    response = client.get(reverse("aid:reach"), {"by": "member"})
    assert [r.label for r in response.context["report"].rows] == ["جمعية أمل"]
    assert "member" not in response.context["form"].fields


@pytest.mark.parametrize(
    "query",
    [
        {"by": "member", "governorate": "01", "date_from": "2025-02-30"},  # no such day
        {"by": "member", "governorate": "99"},  # no such governorate
    ],
)
def test_reach_with_a_filter_it_cannot_read_shows_and_exports_no_figures(
    client, shared_household, nour, query
):
    # given: Nour's delivery in Minya; the query names Cairo or a governorate that is not one
    entry_create(member=nour, household=shared_household)
    client.force_login(secretariat_create())
    # when
    page = client.get(reverse("aid:reach"), query)
    export = client.get(reverse("aid:reach_export", args=["csv"]), query)
    # then: the page says what is wrong and shows no figures, rather than every delivery
    assert page.status_code == 200
    assert page.context["form"].errors
    assert page.context["report"] is None
    assert 'data-testid="reach-table"' not in page.content.decode()
    # and the download writes no file of figures the filters did not choose
    assert export.status_code == 302
    assert export["Location"].startswith(reverse("aid:reach"))
    assert not AuditEvent.objects.filter(action="export", target_type="assistance.reach").exists()


def test_the_boards_reach_page_and_export_hide_small_counts(client, shared_household, nour):
    entry_create(member=nour, household=shared_household, value="700")
    client.force_login(user_create(role=Role.BOARD_MEMBER))
    html = client.get(reverse("aid:reach"), {"by": "member"}).content.decode()
    assert 'data-suppressed="true"' in html
    assert "700" not in html
    response = client.get(reverse("aid:reach_export", args=["csv"]), {"by": "member"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1:] == ["<10", "<10", "", "<10", "<10", "", "", ""]
