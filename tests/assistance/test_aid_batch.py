"""The set-based aid import path: per-row problems, rules, idempotency, all or nothing."""

import datetime
from decimal import Decimal

import pytest

from marsad.assistance import batch
from marsad.assistance.batch import AidFile, AidRow, aid_entries_import_batch, aid_rows_check
from marsad.assistance.errors import AidError
from marsad.assistance.models import AidConflict, AidEntry
from marsad.core.models import AuditEvent
from marsad.registry.models import ServiceLink
from tests.factories import household_create, member_create, person_create, user_create

pytestmark = pytest.mark.django_db

NID = "28503151234567"
OTHER_NID = "29001011234568"
#: The head's name as another member's file writes it: with the ID, it says whom they serve.
HEAD = "محمد احمد على حسن"


@pytest.fixture
def world():
    first, second = member_create(), member_create()
    home = household_create(member=first, source_key="H-1")
    head = person_create(household=home, national_id=NID)
    other_home = household_create(member=first, governorate_code="01", source_key="H-2")
    person_create(household=other_home, national_id=OTHER_NID, full_name="سعاد محمد حسن")
    return {
        "first": first,
        "second": second,
        "home": home,
        "head": head,
        "other_home": other_home,
        "user": user_create(role="member_admin", member=second),
    }


def row(line, **raw):
    defaults = {
        "category": "food-box",
        "quantity": "1",
        "value": "350",
        "delivered_on": "2026-03-01",
    }
    values = {**defaults, **raw}
    return AidRow(key=values.pop("key", f"k{line}"), line=line, raw=values)


def test_rows_resolve_by_national_id_or_household_reference(world):
    rows = [
        row(2, national_id=NID, full_name=HEAD),
        row(3, household_ref="H-2", category="Food box", delivered_on="05/03/2026"),
        row(4, national_id="٢٨٥٠٣١٥١٢٣٤٥٦٧", category="كرتونة مواد غذائية", quantity="٢"),
    ]
    outcomes = aid_entries_import_batch(member=world["second"], by=world["user"], rows=rows[:1])
    assert [o.status for o in outcomes] == ["created"]
    # The second member has no household "H-2" of its own: references are per member.
    outcomes = aid_entries_import_batch(member=world["first"], by=None, rows=rows[1:])
    assert [o.status for o in outcomes] == ["created", "created"]
    entries = AidEntry.objects.order_by("pk")
    assert [e.household_id for e in entries] == [
        world["home"].pk,
        world["other_home"].pk,
        world["home"].pk,
    ]
    assert entries[0].person_id == world["head"].pk
    assert entries[1].person_id is None
    assert entries[1].delivered_on == datetime.date(2026, 3, 5)
    assert entries[2].quantity == Decimal(2)
    assert entries[1].governorate.code == "01"  # the household's governorate by default
    # Delivering to a person links them to the member, as registering them would.
    assert ServiceLink.objects.filter(member=world["second"], person=world["head"]).exists()


def test_each_bad_row_has_its_own_problem_and_good_rows_still_go_in(world):
    rows = [
        row(2, national_id=NID),
        row(3, national_id=NID, category="caviar"),
        row(4, national_id=NID, quantity="many"),
        row(5, national_id=NID, delivered_on="31/02/2026"),
        row(6, national_id="12345"),
        row(7, national_id="29912319999999"),
        row(8),
        row(9, national_id=NID, delivered_on="2099-01-01"),
        row(10, national_id=NID, category="food-box", value=""),
        row(11, national_id=NID, key="k2"),
        row(12, household_ref="H-1", governorate="Atlantis"),
        row(13, national_id=NID, quantity=""),
    ]
    outcomes = aid_entries_import_batch(member=world["first"], by=None, rows=rows)
    codes = [[p["code"] for p in o.problems] for o in outcomes]
    assert codes == [
        [],
        [AidError.CATEGORY_UNKNOWN],
        [AidError.QUANTITY_INVALID],
        [AidError.DATE_INVALID],
        [AidError.NATIONAL_ID_INVALID],
        [AidError.BENEFICIARY_UNKNOWN],
        [AidError.BENEFICIARY_REQUIRED],
        [AidError.DATE_IN_FUTURE],
        [AidError.VALUE_REQUIRED],
        [AidError.KEY_REPEATED],
        [AidError.GOVERNORATE_UNKNOWN],
        [AidError.INVALID_INPUT],
    ]
    assert all(p["message"] and p["field"] for o in outcomes for p in o.problems)
    assert [o.status for o in outcomes].count("created") == 1
    assert AidEntry.objects.count() == 1


def test_importing_the_same_rows_again_adds_nothing(world):
    rows = [row(2, national_id=NID), row(3, household_ref="H-2")]
    aid_entries_import_batch(member=world["first"], by=None, rows=rows)
    again = aid_entries_import_batch(member=world["first"], by=None, rows=rows)
    assert [o.status for o in again] == ["existing", "existing"]
    assert AidEntry.objects.count() == 2
    # Keys are per member: another member's identical references are its own deliveries.
    other = aid_entries_import_batch(
        member=world["second"], by=None, rows=[row(2, national_id=NID, full_name=HEAD)]
    )
    assert [o.status for o in other] == ["created"]


def test_a_row_repeated_in_a_later_batch_of_the_file_is_the_same_problem_as_in_one_batch(world):
    # A reference and a delivery without one, each written again in the file's next batch.
    first = [row(2, national_id=NID, key="R-1"), row(3, household_ref="H-2", key="")]
    second = [
        row(4, national_id=NID, key="R-1", category="medicines"),
        row(5, household_ref="H-2", key="", quantity="1.00", delivered_on="01/03/2026"),
        row(6, household_ref="H-2", key="R-2"),
    ]
    expected = [[], [], [AidError.KEY_REPEATED], [AidError.KEY_REPEATED], []]
    file = AidFile()
    checked = [
        o
        for rows in (first, second)
        for o in aid_rows_check(member=world["first"], rows=rows, file=file)
    ]
    assert [[p["code"] for p in o.problems] for o in checked] == expected
    assert [o.status for o in checked] == ["valid", "valid", "rejected", "rejected", "valid"]
    assert "2" in checked[2].problems[0]["message"]  # the line of the first row
    assert "3" in checked[3].problems[0]["message"]
    assert (checked[2].problems[0]["field"], checked[3].problems[0]["field"]) == ("entry_ref", "")
    file = AidFile()
    imported = [
        o
        for rows in (first, second)
        for o in aid_entries_import_batch(member=world["first"], by=None, rows=rows, file=file)
    ]
    assert [[p["code"] for p in o.problems] for o in imported] == expected
    assert [o.status for o in imported] == ["created", "created", "rejected", "rejected", "created"]
    assert AidEntry.objects.count() == 3
    # A new file holding the same rows finds them in the ledger: already there, not repeated.
    again = aid_entries_import_batch(member=world["first"], by=None, rows=first, file=AidFile())
    assert [o.status for o in again] == ["existing", "existing"]


def test_rules_block_warn_and_flag_across_members(world):
    # monthly-cash blocks, ramadan-box warns, eid-meat flags (the seeded rules).
    first_rows = [
        row(2, national_id=NID, category="monthly-cash", quantity="500", value=""),
        row(3, national_id=NID, category="ramadan-box", delivered_on="2026-02-20", key="r"),
        row(4, national_id=NID, category="eid-meat", delivered_on="2026-05-27", key="e"),
    ]
    aid_entries_import_batch(member=world["first"], by=None, rows=first_rows)
    second_rows = [
        row(2, national_id=NID, category="monthly-cash", quantity="300", delivered_on="2026-03-20"),
        row(3, national_id=NID, category="monthly-cash", quantity="300", delivered_on="2026-04-02"),
        row(4, national_id=NID, category="ramadan-box", delivered_on="2026-03-10"),
        row(5, national_id=NID, category="eid-meat", delivered_on="2026-05-28"),
    ]
    second_rows = [
        AidRow(key=r.key, line=r.line, raw={**r.raw, "full_name": HEAD}) for r in second_rows
    ]
    preview = aid_rows_check(member=world["second"], rows=second_rows)
    assert [o.status for o in preview] == ["rejected", "valid", "valid", "valid"]
    assert AidEntry.objects.count() == 3
    outcomes = aid_entries_import_batch(member=world["second"], by=world["user"], rows=second_rows)
    assert [o.status for o in outcomes] == ["rejected", "created", "created", "created"]
    assert outcomes[0].problems[0]["code"] == AidError.BLOCKED
    assert [f["action"] for f in outcomes[0].findings] == ["block"]
    other = outcomes[0].findings[0]["others"][0]
    assert other["member"] == world["first"].name_ar
    assert "national_id" not in other
    assert [[f["action"] for f in o.findings] for o in outcomes[1:]] == [[], ["warn"], ["flag"]]
    conflicts = AidConflict.objects.order_by("action")
    assert [(c.action, c.resolution) for c in conflicts] == [
        ("flag", "flagged"),
        ("warn", "confirmed"),
    ]
    assert all(c.entry.member == world["second"] for c in conflicts)


def test_rules_apply_between_rows_of_one_batch(world):
    rows = [
        row(2, national_id=NID, category="monthly-cash", quantity="500"),
        row(3, household_ref="H-1", category="monthly-cash", quantity="500"),
    ]
    outcomes = aid_entries_import_batch(member=world["first"], by=None, rows=rows)
    assert [o.status for o in outcomes] == ["created", "rejected"]


def test_a_failure_midway_leaves_nothing_of_the_batch(world, monkeypatch):
    aid_entries_import_batch(member=world["first"], by=None, rows=[row(2, national_id=NID)])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "_record_conflicts", broken)
    rows = [row(3, national_id=NID), row(4, household_ref="H-2", category="medicines")]
    with pytest.raises(RuntimeError):
        aid_entries_import_batch(member=world["second"], by=None, rows=rows)
    assert AidEntry.objects.count() == 1
    assert not ServiceLink.objects.filter(member=world["second"]).exists()


def test_the_coordination_summary_names_the_aid_each_member_delivered(world):
    from marsad.matching.selectors import coordination_summary

    aid_entries_import_batch(
        member=world["second"],
        by=None,
        rows=[
            row(2, national_id=NID, full_name=HEAD),
            row(3, household_ref="H-1", category="medicines"),
        ],
    )
    aid_entries_import_batch(member=world["first"], by=None, rows=[row(2, household_ref="H-1")])
    served = {member: aid for member, aid, _since in coordination_summary(world["head"]).served_by}
    # The first member registered the household but serves the head only through the
    # household-level delivery, so it has no service link of its own yet.
    assert served == {str(world["second"]): ("كرتونة مواد غذائية",)}


def _merge(record, survivor):
    """The same person registered twice, merged by the review queue."""
    record.merged_into, record.status = survivor, "merged"
    record.save(update_fields=["merged_into", "status"])


def _copy_of_home(world):
    """The second member registered the first member's family as its own household B-1."""
    copy_home = household_create(member=world["second"], source_key="B-1")
    copy_head = person_create(household=copy_home, full_name="محمد أحمد علي حسن")
    copy_home.head = copy_head
    copy_home.save(update_fields=["head"])
    return copy_head


def grant(line, ref, key):
    return row(line, household_ref=ref, category="monthly-cash", quantity="300", key=key)


def test_a_grant_to_the_survivor_stops_one_to_the_merged_copy_of_its_family(world):
    copy_head = _copy_of_home(world)
    aid_entries_import_batch(member=world["first"], by=None, rows=[grant(2, "H-1", "a")])
    # Two households: two grants in one month are allowed...
    [before] = aid_rows_check(member=world["second"], rows=[grant(2, "B-1", "b")])
    assert before.status == "valid"
    # ...until the review queue finds them one family.
    _merge(copy_head, world["head"])
    [after] = aid_rows_check(member=world["second"], rows=[grant(2, "B-1", "b")])
    assert after.status == "rejected"
    assert after.problems[0]["code"] == AidError.BLOCKED


def test_a_grant_to_the_copy_before_the_merge_stops_a_later_one_to_the_survivor(world):
    copy_head = _copy_of_home(world)
    aid_entries_import_batch(member=world["second"], by=world["user"], rows=[grant(2, "B-1", "b")])
    _merge(copy_head, world["head"])
    [outcome] = aid_rows_check(member=world["first"], rows=[grant(2, "H-1", "a")])
    assert outcome.status == "rejected"
    assert outcome.problems[0]["code"] == AidError.BLOCKED
    # The same through the form's path.
    from marsad.assistance.services import aid_entry_check
    from marsad.assistance.validation import AidEntryInput

    findings = aid_entry_check(
        member=world["first"],
        data=AidEntryInput(
            category="monthly-cash",
            quantity=Decimal(300),
            value=None,
            delivered_on=datetime.date(2026, 3, 1),
            household_id=world["home"].pk,
        ),
    )
    assert [f["action"] for f in findings] == ["block"]


def test_aid_to_a_record_merged_twice_goes_to_the_last_survivor(world):
    # X was merged into Y, then Y into the head: aid naming X's national ID goes to the
    # head's household, where the month's grant already blocks a second one.
    middle_home = household_create(member=world["second"], source_key="B-2")
    middle = person_create(household=middle_home, full_name="محمد أحمد علي حسن")
    first_copy = person_create(
        household=household_create(member=world["second"], source_key="B-3"),
        national_id="28503151234575",
        full_name="محمد احمد على حسن",
    )
    _merge(first_copy, middle)
    _merge(middle, world["head"])
    aid_entries_import_batch(member=world["first"], by=None, rows=[grant(2, "H-1", "a")])
    cash = row(
        2,
        national_id="28503151234575",
        full_name=HEAD,
        category="monthly-cash",
        quantity="300",
        key="x",
    )
    [blocked] = aid_rows_check(member=world["second"], rows=[cash])
    assert blocked.status == "rejected"
    assert blocked.problems[0]["code"] == AidError.BLOCKED
    [food] = aid_entries_import_batch(
        member=world["second"],
        by=world["user"],
        rows=[row(3, national_id="28503151234575", full_name=HEAD)],
    )
    entry = AidEntry.objects.get(pk=food.entry_id)
    assert (entry.person_id, entry.household_id) == (world["head"].pk, world["home"].pk)


def test_a_national_id_alone_does_not_reach_someone_the_member_does_not_serve(world):
    # The second member neither registered nor serves the head: the ID must come with the
    # head's name, or the delivery would link the member to whoever holds the number.
    rows = [
        row(2, national_id=NID),
        row(3, national_id=NID, full_name="سعاد محمود حسن", key="k3"),
        row(4, national_id=NID, full_name=HEAD, key="k4"),
    ]
    outcomes = [
        aid_entries_import_batch(member=world["second"], by=world["user"], rows=[one])[0]
        for one in rows
    ]
    assert [o.status for o in outcomes] == ["rejected", "rejected", "created"]
    assert outcomes[0].problems[0]["code"] == AidError.BENEFICIARY_NOT_SERVED
    assert outcomes[1].problems[0]["code"] == AidError.NATIONAL_ID_OTHER_NAME
    assert "محمد" not in outcomes[1].problems[0]["message"]  # the holder's name is not told
    assert ServiceLink.objects.filter(member=world["second"], person=world["head"]).exists()
    # Now that the member serves the head, the ID alone is enough.
    [again] = aid_entries_import_batch(
        member=world["second"], by=None, rows=[row(5, national_id=NID, category="medicines")]
    )
    assert again.status == "created"
    # The member that registered the person never needs the name.
    [first] = aid_entries_import_batch(
        member=world["first"], by=None, rows=[row(6, national_id=NID)]
    )
    assert first.status == "created"


def test_an_aid_file_cannot_try_name_after_name_against_one_id(world, settings):
    settings.MARSAD_NAME_TRIES_PER_DAY = 2
    names = ["سيد محمود حسن", "كريم حسين عبدالرحمن", "طارق إبراهيم يوسف", HEAD]
    rows = [row(n + 2, national_id=NID, full_name=name) for n, name in enumerate(names)]
    expected = [
        [AidError.NATIONAL_ID_OTHER_NAME],
        [AidError.NATIONAL_ID_OTHER_NAME],
        [AidError.NATIONAL_ID_TRIES_EXHAUSTED],
        [AidError.NATIONAL_ID_TRIES_EXHAUSTED],
    ]
    checked = aid_rows_check(member=world["second"], rows=rows, by=world["user"])
    assert [[p["code"] for p in o.problems] for o in checked] == expected
    # The import after the check: the same answers, and the same names are not counted again.
    imported = aid_entries_import_batch(member=world["second"], by=world["user"], rows=rows)
    assert [[p["code"] for p in o.problems] for o in imported] == expected
    assert not AidEntry.objects.exists()
    events = AuditEvent.objects.filter(action=AuditEvent.Action.NAME_REFUSED)
    assert [(e.member_id, e.target_id, e.changes["source"]) for e in events] == 2 * [
        (world["second"].pk, str(world["head"].pk), "aid_import")
    ]


def test_a_name_given_once_in_a_file_confirms_the_person_for_its_other_rows(world):
    # The same file, in two batches: the check and the import say the same of every row.
    first = [
        row(2, national_id=NID, full_name=HEAD),
        row(3, national_id=NID, key="k3", category="medicines"),
    ]
    second = [row(4, national_id=NID, key="k4", category="eid-meat", delivered_on="2026-05-27")]
    file = AidFile()
    preview = [
        o.status
        for rows in (first, second)
        for o in aid_rows_check(member=world["second"], rows=rows, file=file)
    ]
    assert preview == ["valid", "valid", "valid"]
    assert file.confirmed == {world["head"].pk}
    file = AidFile()
    imported = [
        o.status
        for rows in (first, second)
        for o in aid_entries_import_batch(
            member=world["second"], by=world["user"], rows=rows, file=file
        )
    ]
    assert imported == ["created", "created", "created"]
    # Without the named row, the others are not enough.
    [alone] = aid_rows_check(
        member=member_create(), rows=[row(5, national_id=NID, key="k5")], file=AidFile()
    )
    assert alone.problems[0]["code"] == AidError.BENEFICIARY_NOT_SERVED
