"""Recording aid under the duplicate-aid rules across two members; reversals; corrections."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from marsad.assistance.errors import AidError
from marsad.assistance.models import AidConflict, AidEntry
from marsad.assistance.services import (
    aid_entry_check,
    aid_entry_correct,
    aid_entry_record,
    aid_entry_reverse,
)
from marsad.assistance.validation import AidEntryInput
from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 5)


def delivery(household, category="monthly-cash", on=MARCH, **fields):
    return AidEntryInput(
        category=category,
        quantity=Decimal(fields.pop("quantity", "500")),
        value=fields.pop("value", None),
        delivered_on=on,
        household_id=household.pk,
        **fields,
    )


def record(user, data, **options):
    return aid_entry_record(member=user.member, by=user, data=data, **options)


def test_block_stops_a_second_monthly_grant_from_another_member(
    shared_household, nour_worker, amal_worker
):
    # given: Nour paid March's grant
    first = record(nour_worker, delivery(shared_household))
    # when: Amal's case worker records March's grant too
    with pytest.raises(ApplicationError) as caught:
        record(amal_worker, delivery(shared_household, on=datetime.date(2025, 3, 20)))
    # then: blocked, naming Nour and nothing else about the household; nothing written
    assert caught.value.code == AidError.BLOCKED
    [finding] = caught.value.extra["findings"]
    assert finding["action"] == "block"
    assert [(o["member"], o["delivered_on"]) for o in finding["others"]] == [
        ("مؤسسة نور", "2025-03-05")
    ]
    assert list(AidEntry.objects.values_list("pk", flat=True)) == [first.pk]
    assert AidConflict.objects.count() == 0


def test_a_case_worker_cannot_override_a_block(shared_household, nour_worker, amal_worker):
    record(nour_worker, delivery(shared_household))
    with pytest.raises(ApplicationError) as caught:
        record(amal_worker, delivery(shared_household), override_reason="حالة طارئة")
    assert caught.value.code == AidError.OVERRIDE_NOT_ALLOWED
    assert AidEntry.objects.count() == 1
    assert AidConflict.objects.count() == 0


def test_a_member_admin_overrides_a_block_with_a_reason_and_it_is_audited(
    shared_household, nour_worker, amal_admin
):
    first = record(nour_worker, delivery(shared_household))
    with pytest.raises(ApplicationError) as caught:
        record(amal_admin, delivery(shared_household), override_reason="   ")
    assert caught.value.code == AidError.BLOCKED
    second = record(amal_admin, delivery(shared_household), override_reason="حريق في المنزل")
    conflict = AidConflict.objects.get()
    assert (conflict.entry, conflict.other, conflict.action, conflict.resolution) == (
        second,
        first,
        "block",
        AidConflict.Resolution.OVERRIDDEN,
    )
    assert (conflict.reason, conflict.decided_by) == ("حريق في المنزل", amal_admin)
    event = AuditEvent.objects.get(target_id=str(second.pk), action="create")
    assert event.changes["override_reason"] == "حريق في المنزل"


def test_a_grant_for_another_month_passes(shared_household, nour_worker, amal_worker):
    record(nour_worker, delivery(shared_household))
    record(amal_worker, delivery(shared_household, on=datetime.date(2025, 4, 1)))
    assert AidEntry.objects.count() == 2
    assert AidConflict.objects.count() == 0


def test_warn_needs_confirmation_across_members(shared_household, nour_worker, amal_worker):
    box = delivery(shared_household, category="ramadan-box", quantity="1", value=Decimal("650"))
    first = record(nour_worker, box)
    with pytest.raises(ApplicationError) as caught:
        record(amal_worker, box)
    assert caught.value.code == AidError.CONFIRMATION_REQUIRED
    assert caught.value.extra["findings"][0]["action"] == "warn"
    assert AidEntry.objects.count() == 1
    second = record(amal_worker, box, confirm=True)
    conflict = AidConflict.objects.get()
    assert (conflict.entry, conflict.other, conflict.resolution, conflict.decided_by) == (
        second,
        first,
        AidConflict.Resolution.CONFIRMED,
        amal_worker,
    )


def test_flag_records_without_asking(shared_household, nour_worker, amal_worker):
    meat = delivery(shared_household, category="eid-meat", quantity="2", value=Decimal("900"))
    first = record(nour_worker, meat)
    second = record(amal_worker, meat)
    conflict = AidConflict.objects.get()
    assert (conflict.entry, conflict.other, conflict.action, conflict.resolution) == (
        second,
        first,
        "flag",
        AidConflict.Resolution.FLAGGED,
    )
    assert conflict.decided_by is None


def test_check_reports_findings_without_writing(shared_household, nour_worker, amal_worker):
    record(nour_worker, delivery(shared_household))
    findings = aid_entry_check(member=amal_worker.member, data=delivery(shared_household))
    assert [f["action"] for f in findings] == ["block"]
    assert findings[0]["others"][0]["member"] == "مؤسسة نور"
    assert AidEntry.objects.count() == 1


def test_a_reversal_nets_to_zero_and_ends_the_delivery(shared_household, nour_worker):
    entry = record(nour_worker, delivery(shared_household))
    reversal = aid_entry_reverse(entry=entry, by=nour_worker, reason="سُجلت مرتين")
    assert (reversal.kind, reversal.reverses, reversal.quantity, reversal.value) == (
        AidEntry.Kind.REVERSAL,
        entry,
        Decimal("-500.00"),
        Decimal("-500.00"),
    )
    assert AidEntry.objects.aggregate(q=Sum("quantity"), v=Sum("value")) == {
        "q": Decimal("0"),
        "v": Decimal("0"),
    }
    assert not AidEntry.objects.effective().exists()


def test_a_delivery_cannot_be_reversed_twice_nor_without_a_reason(shared_household, nour_worker):
    entry = record(nour_worker, delivery(shared_household))
    with pytest.raises(ApplicationError) as no_reason:
        aid_entry_reverse(entry=entry, by=nour_worker, reason=" ")
    assert no_reason.value.code == AidError.REASON_REQUIRED
    reversal = aid_entry_reverse(entry=entry, by=nour_worker, reason="خطأ")
    with pytest.raises(ApplicationError) as twice:
        aid_entry_reverse(entry=entry, by=nour_worker, reason="خطأ")
    assert twice.value.code == AidError.ALREADY_REVERSED
    with pytest.raises(ApplicationError) as of_reversal:
        aid_entry_reverse(entry=reversal, by=nour_worker, reason="خطأ")
    assert of_reversal.value.code == AidError.NOT_REVERSIBLE
    assert AidEntry.objects.count() == 2


def test_another_member_cannot_reverse(shared_household, nour_worker, amal_admin):
    entry = record(nour_worker, delivery(shared_household))
    with pytest.raises(ApplicationError) as caught:
        aid_entry_reverse(entry=entry, by=amal_admin, reason="خطأ")
    assert caught.value.code == AidError.NOT_REVERSIBLE
    assert AidEntry.objects.count() == 1


def test_an_entry_is_never_edited_in_place(shared_household, nour_worker):
    entry = record(nour_worker, delivery(shared_household))
    entry.value = Decimal("1")
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    assert AidEntry.objects.get().value == Decimal("500.00")


def test_a_reversed_grant_frees_the_month(shared_household, nour_worker, amal_worker):
    entry = record(nour_worker, delivery(shared_household))
    aid_entry_reverse(entry=entry, by=nour_worker, reason="لم تُسلَّم")
    record(amal_worker, delivery(shared_household))
    assert AidEntry.objects.effective().get().member == amal_worker.member


def test_correction_reverses_and_records_in_one_step(shared_household, nour_worker):
    entry = record(nour_worker, delivery(shared_household))
    corrected = aid_entry_correct(
        entry=entry,
        by=nour_worker,
        data=delivery(shared_household, quantity="650"),
        reason="المبلغ الصحيح ٦٥٠",
    )
    assert list(AidEntry.objects.effective()) == [corrected]
    assert corrected.value == Decimal("650.00")
    assert entry.reversal.note == "المبلغ الصحيح ٦٥٠"
    assert AidConflict.objects.count() == 0


def test_a_failed_correction_writes_nothing(shared_household, nour_worker):
    entry = record(nour_worker, delivery(shared_household))
    with pytest.raises(ApplicationError) as caught:
        aid_entry_correct(
            entry=entry,
            by=nour_worker,
            data=delivery(shared_household, quantity="0"),
            reason="تصحيح",
        )
    assert caught.value.code == AidError.QUANTITY_INVALID
    assert list(AidEntry.objects.all()) == [entry]


@pytest.mark.parametrize("typed", ["EG2401", "مركز المنيا", "مَركز  المنيا", "Minya Markaz"])
def test_the_district_is_read_by_its_name_or_its_code(shared_household, nour_worker, typed):
    from marsad.geo.models import District, Governorate

    minya = Governorate.objects.get(code="24")
    markaz = District.objects.create(
        governorate=minya, code="EG2401", name_ar="مركز المنيا", name_en="Minya markaz"
    )
    shared_household.governorate = minya
    shared_household.save(update_fields=["governorate"])
    entry = record(nour_worker, delivery(shared_household, district=typed))
    assert entry.district == markaz


def test_a_district_of_another_governorate_is_refused(shared_household, nour_worker):
    from marsad.geo.models import District, Governorate

    District.objects.create(
        governorate=Governorate.objects.get(code="26"), code="EG2601", name_ar="مركز سوهاج"
    )
    with pytest.raises(ApplicationError) as caught:
        record(nour_worker, delivery(shared_household, district="مركز سوهاج"))
    assert caught.value.extra["problems"][0]["code"] == AidError.DISTRICT_UNKNOWN


def test_a_grant_to_a_family_record_merged_twice_meets_the_survivors_grant(nour, amal, nour_worker):
    # given: a third member's copy of Nour's family was merged into Amal's copy, whose
    # head was then merged into the head of Nour's record; the third member paid March
    from marsad.members.models import Role
    from tests.assistance.factories import family_create
    from tests.factories import member_create, user_create

    third = member_create()
    original = family_create(member=nour, size=1)
    copy = family_create(member=amal, size=1)
    copy_of_copy = family_create(member=third, size=1)
    for record_, survivor in ((copy_of_copy.head, copy.head), (copy.head, original.head)):
        record_.merged_into, record_.status = survivor, "merged"
        record_.save(update_fields=["merged_into", "status"])
    record(user_create(role=Role.CASE_WORKER, member=third), delivery(copy_of_copy))
    # when: Nour records March's grant to its own record, the surviving one
    with pytest.raises(ApplicationError) as caught:
        record(nour_worker, delivery(original))
    # then: the rules count the three records as one family, as reach does
    assert caught.value.code == AidError.BLOCKED
