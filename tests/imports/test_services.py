"""The import pipeline without the web: preview, import, idempotency, failures, downloads."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from marsad.assistance import batch as aid_batch
from marsad.assistance.models import AidCategory, AidEntry
from marsad.core import planner
from marsad.core.crypto import blind_index
from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.imports import services
from marsad.imports.errors import ImportsError
from marsad.imports.models import ColumnMapping, ImportBatch, ImportRejection
from marsad.imports.parsing import legacy_aid_key, unnamed_column
from marsad.imports.services import (
    REASON_COLUMN,
    batch_map,
    batch_upload,
    import_file,
    rejections_export,
)
from marsad.matching.models import DuplicateCase
from marsad.members.models import Role
from marsad.registry import batch as registry_batch
from marsad.registry.errors import RegistryError
from marsad.registry.models import Household, Person
from marsad.registry.services import HouseholdInput, household_register
from marsad.registry.validation import PersonInput
from tests.factories import member_create, user_create
from tests.imports.files import (
    HOUSEHOLD_HEADER,
    HOUSEHOLD_ROWS,
    households_csv,
    households_xlsx,
    many_households,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)
from tests.planner import record_analyses

AID_HEADER = ["رقم الصرف", "رقم الأسرة", "نوع المساعدة", "الكمية", "القيمة", "تاريخ الصرف"]


def registry_state():
    return (
        Household.objects.count(),
        Person.objects.count(),
        DuplicateCase.objects.count(),
        AidEntry.objects.count(),
    )


def lines(batch, stage):
    return sorted(batch.rejections.filter(stage=stage).values_list("line", flat=True))


# Preview ------------------------------------------------------------------------------


def test_the_preview_reports_every_bad_row_and_writes_nothing(tmp_path, nour, nour_admin):
    before = registry_state()
    # when
    batch = import_file(
        path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin, dry_run=True
    )
    # then
    assert registry_state() == before
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.rows_total, batch.records_total) == (9, 6)
    assert (batch.records_valid, batch.records_existing, batch.records_rejected) == (3, 0, 3)
    problems = {
        rejection.line: [(p["field"], p["code"]) for p in rejection.problems]
        for rejection in batch.rejections.filter(stage="preview")
    }
    assert problems == {
        7: [("household", "imports.household_incomplete")],  # its household's other row is bad
        8: [("people.1.birth_date", "imports.invalid_date")],
        9: [
            ("household.governorate", "imports.unknown_governorate"),
            ("people.0.relation", "imports.unknown_relation"),
        ],
        10: [("people.0.national_id", "registry.national_id.wrong_length")],
    }
    # The rows hold personal data: stored encrypted, readable only through the model.
    stored = " ".join(
        " ".join(pair)
        for pair in ImportRejection.objects.filter(batch=batch).values_list(
            "sealed_row", "sealed_problems"
        )
    )
    assert "وليد" not in stored
    assert "طارق" not in stored
    assert "32/13/2005" not in stored  # the problem quoting the unreadable birth date
    assert batch.rejections.get(line=7).row_as_written() == dict(
        zip(
            batch.header,
            [
                "H-4",
                "طارق إبراهيم عبدالرحمن حسن",
                "",
                "ذكر",
                "1972-03-03",
                "رب الأسرة",
                "سوهاج",
                "",
            ],
            strict=True,
        )
    )


def test_the_preview_counts_what_was_imported_before(tmp_path, nour, nour_admin):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    again = import_file(
        path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin, dry_run=True
    )
    assert (again.records_valid, again.records_existing, again.records_rejected) == (0, 3, 3)


def test_the_preview_refuses_a_registered_id_under_another_name_as_the_import_does(
    tmp_path, nour, nour_admin, amal, amal_admin
):
    # Amal registered H-1's head; Nour's file gives his ID once with his name (H-1), once
    # with another (H-7): the check says what the import will do, and neither tells whose
    # the number is.
    import_file(
        path=households_csv(tmp_path, rows=HOUSEHOLD_ROWS[:1]),
        member=amal,
        kind="households",
        by=amal_admin,
    )
    other = [["H-7", "سيد محمود حسن علي", *HOUSEHOLD_ROWS[0][2:]]]
    path = households_csv(tmp_path, rows=[*HOUSEHOLD_ROWS[:2], *other], name="nour.csv")
    checked = import_file(path=path, member=nour, kind="households", by=nour_admin, dry_run=True)
    assert (checked.records_valid, checked.records_rejected) == (1, 1)
    [rejection] = checked.rejections.filter(stage="preview")
    assert rejection.line == 4
    assert [(p["field"], p["code"]) for p in rejection.problems] == [
        ("people.0.national_id", RegistryError.NATIONAL_ID_OTHER_NAME)
    ]
    imported = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (imported.created, imported.rejected) == (1, 1)
    assert [p["code"] for p in imported.rejections.get(stage="import").problems] == [
        RegistryError.NATIONAL_ID_OTHER_NAME
    ]
    # The same wrong name in the check and in the import is one name tried.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NAME_REFUSED).count() == 1


# Import -------------------------------------------------------------------------------


def test_an_import_creates_the_good_households_and_keeps_the_bad_rows(tmp_path, nour, nour_admin):
    batch = import_file(
        path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin
    )
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created, batch.existing, batch.rejected) == (3, 0, 3)
    assert (batch.people_created, batch.people_linked) == (5, 0)
    assert batch.records_done == batch.records_total == 6
    assert sorted(Household.objects.filter(member=nour).values_list("source_key", flat=True)) == [
        "H-1",
        "H-2",
        "H-3",
    ]
    h1 = Household.objects.get(source_key="H-1")
    assert h1.governorate.code == "24"
    assert h1.address == "شارع النيل"
    assert h1.head.full_name == "محمد أحمد علي الشافعي"
    assert sorted(h1.people.values_list("relation", "gender")) == [("head", "M"), ("spouse", "F")]
    assert Household.objects.get(source_key="H-2").governorate.code == "01"
    assert lines(batch, "import") == [7, 8, 9, 10]
    assert (
        AuditEvent.objects.filter(target_type="imports.importbatch", target_id=batch.pk).count()
        == 2
    )


def test_a_cell_longer_than_its_column_is_a_problem_not_cut_short(tmp_path, nour, nour_admin):
    rows = [
        ["A-1", "محمد أحمد علي", "", "ذكر", "", "رب الأسرة", "Cairo", "ش" * 301],
        ["A-2", "سعيد محمود علي", "", "ذكر", "", "رب الأسرة", "Cairo", "ش" * 300],
    ]
    path = write_csv(tmp_path / "long.csv", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (batch.created, batch.rejected) == (1, 1)
    [rejection] = batch.rejections.filter(stage="import")
    assert [(p["field"], p["code"]) for p in rejection.problems] == [
        ("household.address", "imports.too_long")
    ]
    assert Household.objects.get(source_key="A-2").address == "ش" * 300  # whole


def test_a_rejected_row_lists_every_problem_at_once(tmp_path, nour, nour_admin):
    # An unknown governorate and a future date (cells that cannot be read) and registration's
    # own problems (no name, a short ID, not a mobile): all five, so one correction is enough.
    header = ["household_ref", "full_name", "national_id", "gender", "governorate", "phone"]
    header += ["birth_date"]
    rows = [["P1", "", "123", "M", "Narnia", "999", "2031-01-01"]]
    path = write_csv(tmp_path / "p.csv", header, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin, dry_run=True)
    [rejection] = batch.rejections.filter(stage="preview")
    fields = sorted(p["field"] for p in rejection.problems)
    assert fields == [
        "household.governorate",
        "people.0.birth_date",
        "people.0.full_name",
        "people.0.national_id",
        "people.0.phone",
    ]


def test_a_name_too_long_for_the_registry_is_a_rejected_row_not_a_failed_import(
    tmp_path, nour, nour_admin
):
    rows = [
        ["L-1", "محمد أحمد علي", "", "ذكر", "", "رب الأسرة", "Cairo", ""],
        ["L-2", "محمد " + "ا" * 196, "", "ذكر", "", "رب الأسرة", "Cairo", ""],
        ["L-3", "م" * 70 + " أحمد علي حسن", "", "ذكر", "", "رب الأسرة", "Cairo", ""],
    ]
    path = write_csv(tmp_path / "long.csv", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created, batch.rejected) == (1, 2)
    assert lines(batch, "import") == [3, 4]
    codes = {p["code"] for r in batch.rejections.all() for p in r.problems}
    assert codes == {"registry.name_too_long"}


def test_a_file_with_title_rows_above_its_header_imports_with_the_file_s_own_line_numbers(
    tmp_path, nour, nour_admin
):
    # The member's name and the date on the first rows, a blank row, then the header.
    path = write_csv(
        tmp_path / "titled.csv",
        ["جمعية النور - كشف الأسر"],
        [["التاريخ: 2026/11/01"], [], HOUSEHOLD_HEADER, *HOUSEHOLD_ROWS],
    )
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert batch.header_line == 4
    assert batch.header == list(HOUSEHOLD_HEADER)
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created, batch.existing, batch.rejected) == (3, 0, 3)
    # The same rows as in the plain file, three lines further down.
    assert lines(batch, "import") == [10, 11, 12, 13]


def test_national_ids_in_a_spreadsheet_s_exponent_form(tmp_path, nour, nour_admin):
    # Every digit written: the ID itself. Rounded by Excel: rejected, saying why.
    rows = [
        ["H-1", "محمد أحمد علي الشافعي", "2.8208151304597E+13", "ذكر", "1982-08-15", "رب الأسرة",
         "المنيا", ""],
        ["H-2", "وليد مصطفى عبدالرحمن سالم", "2.82082E+13", "ذكر", "1982-08-15", "رب الأسرة",
         "المنيا", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "exponent.csv", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (batch.created, batch.rejected) == (1, 1)
    head = Household.objects.get(source_key="H-1").head
    assert head.national_id_index == blind_index("28208151304597")
    (problem,) = batch.rejections.get(line=3, stage="import").problems
    assert problem["code"] == "registry.national_id.digits_lost"
    assert "2.82082E+13" in problem["message"]


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls", "ods"])
def test_excel_97_2003_and_opendocument_files_import_as_an_xlsx_does(
    tmp_path, nour, nour_admin, writer
):
    rows = [list(row) for row in HOUSEHOLD_ROWS]
    rows[0][2] = 28208151304597  # the national ID and the birth date typed as a number
    rows[0][4] = datetime.date(1982, 8, 15)  # and a date, as the sheet holds them
    path = writer(tmp_path / f"households.{writer.__name__[-3:]}", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created, batch.existing, batch.rejected) == (3, 0, 3)
    head = Household.objects.get(source_key="H-1").head
    assert head.birth_date == datetime.date(1982, 8, 15)
    assert head.national_id_index == blind_index("28208151304597")
    assert lines(batch, "import") == [7, 8, 9, 10]


def test_a_household_number_merged_down_its_people_in_an_xls_is_one_household(
    tmp_path, nour, nour_admin
):
    rows = [list(HOUSEHOLD_ROWS[0]), list(HOUSEHOLD_ROWS[1])]
    rows[1][0] = rows[1][6] = ""
    # Rows 1-2 (the header is row 0): the household number and the governorate.
    path = write_xls(
        tmp_path / "households.xls", HOUSEHOLD_HEADER, rows, merged=[(1, 2, 0, 0), (1, 2, 6, 6)]
    )
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (batch.created, batch.rejected) == (1, 0)
    assert Household.objects.get(member=nour).people.count() == 2


def test_a_household_number_merged_down_its_people_is_one_household(tmp_path, nour, nour_admin):
    path = households_xlsx(tmp_path, rows=[HOUSEHOLD_ROWS[0], HOUSEHOLD_ROWS[1]])
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet["A3"] = None
    sheet["G3"] = None
    sheet.merge_cells("A2:A3")  # the household number, as members often write it
    sheet.merge_cells("G2:G3")  # and the governorate
    workbook.save(path)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (batch.created, batch.rejected) == (1, 0)
    household = Household.objects.get(member=nour)
    assert household.source_key == "H-1"
    assert household.people.count() == 2


def test_a_list_of_one_row_per_household_without_relation_or_gender_columns(
    tmp_path, nour, nour_admin
):
    # Many member lists give only the head: number, name, national ID, governorate.
    path = write_csv(
        tmp_path / "heads.csv",
        ["م", "الاسم", "الرقم القومي", "المحافظة"],
        [
            ["1", "محمد أحمد علي الشافعي", "28208151304597", "المنيا"],
            ["2", "سعيد محمود عبدالرحمن المصري", "", "القاهرة"],  # no ID: no gender either
            ["3", "منى سعيد محمود المصري", "", "القاهرة"],
            ["3", "سعيد منى سعيد المصري", "", "القاهرة"],  # two rows: who is the head?
        ],
    )
    mapping = {"household_ref": "م", "full_name": "الاسم", "national_id": "الرقم القومي",
               "governorate": "المحافظة"}  # fmt: skip
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin, mapping=mapping)
    assert (batch.created, batch.rejected) == (1, 2)
    head = Household.objects.get(source_key="1").head
    assert (head.relation, head.gender) == (Person.Relation.HEAD, "M")  # gender from the ID
    codes = {
        rejection.line: sorted(p["code"] for p in rejection.problems)
        for rejection in batch.rejections.filter(stage="import")
    }
    assert codes[3] == ["imports.gender_required"]
    assert "imports.unknown_relation" in codes[4]


def test_importing_the_same_file_again_adds_nothing(tmp_path, nour, nour_admin):
    import_file(path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin)
    before = registry_state()
    # when
    again = import_file(
        path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin
    )
    # then
    assert registry_state() == before
    assert (again.created, again.existing, again.rejected) == (0, 3, 3)
    assert again.status == ImportBatch.Status.DONE


def test_another_member_importing_the_same_people_links_them(
    tmp_path, nour, nour_admin, amal, amal_admin
):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    batch = import_file(
        path=households_csv(tmp_path), member=amal, kind="households", by=amal_admin
    )
    # The head of H-1 has a national ID: linked, not copied. The others are new records of
    # Amal's that look like Nour's: they go to the review queue.
    assert batch.people_linked == 1
    assert Person.objects.filter(national_id_last4="4597").count() == 1
    assert batch.pending_review + batch.to_review == 4
    assert DuplicateCase.objects.filter(status="open").count() == 4


def test_a_probable_duplicate_goes_to_the_review_queue(tmp_path, nour, nour_admin, amal_admin):
    household_register(
        member=amal_admin.member,
        by=amal_admin,
        household=HouseholdInput(governorate="24"),
        people=[
            PersonInput(
                full_name="سعيد محمود عبدالرحمن المصري",
                gender="M",
                birth_date=datetime.date(1970, 3, 1),
                relation="head",
            )
        ],
    )
    rows = [
        ["X-1", "سعيد محمود عبد الرحمن المصرى", "", "ذكر", "01/03/1970", "رب الأسرة", "المنيا", ""]
    ]
    batch = import_file(
        path=households_csv(tmp_path, rows), member=nour, kind="households", by=nour_admin
    )
    assert batch.created == 1
    assert batch.pending_review + batch.to_review == 1
    assert DuplicateCase.objects.count() == 1


def test_a_failure_midway_keeps_the_chunks_before_and_nothing_of_the_failing_one(
    tmp_path, nour, nour_admin, monkeypatch
):
    monkeypatch.setattr(services, "HOUSEHOLD_CHUNK", 2)
    real = registry_batch.households_register_batch
    calls = []

    def failing_on_the_second_chunk(**kwargs):
        calls.append(len(kwargs["rows"]))
        outcomes = real(**kwargs)  # the chunk is written, then the failure rolls it back
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return outcomes

    monkeypatch.setattr(registry_batch, "households_register_batch", failing_on_the_second_chunk)
    path = households_csv(tmp_path, many_households(6))
    # when
    with pytest.raises(RuntimeError):
        import_file(path=path, member=nour, kind="households", by=nour_admin)
    # then
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == "RuntimeError: the database went away"
    assert sorted(Household.objects.values_list("source_key", flat=True)) == ["M-0", "M-1"]
    assert Person.objects.count() == 2
    assert (batch.created, batch.records_done) == (2, 2)
    assert batch.finished_at is not None

    # Continuing imports the rest; what was imported comes back "existing".
    monkeypatch.setattr(registry_batch, "households_register_batch", real)
    services._claim(batch, (ImportBatch.Status.FAILED,), ImportBatch.Status.IMPORTING)
    services.import_run(batch=batch, by=nour_admin)
    assert (batch.status, batch.created, batch.existing, batch.rejected) == ("done", 4, 2, 0)
    assert Household.objects.count() == 6


def test_an_aid_import_failing_midway_leaves_no_partial_chunk(
    tmp_path, nour, nour_admin, monkeypatch
):
    import_file(
        path=households_csv(tmp_path, many_households(3)),
        member=nour,
        kind="households",
        by=nour_admin,
    )
    monkeypatch.setattr(services, "AID_CHUNK", 2)
    real = aid_batch.aid_entries_import_batch
    calls = []

    def failing_on_the_second_chunk(**kwargs):
        calls.append(1)
        outcomes = real(**kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return outcomes

    monkeypatch.setattr(aid_batch, "aid_entries_import_batch", failing_on_the_second_chunk)
    rows = [[f"E-{n}", f"M-{n % 3}", "food-box", "1", "100", f"2025-0{n + 1}-05"] for n in range(5)]
    path = write_csv(tmp_path / "aid.csv", AID_HEADER, rows)
    with pytest.raises(RuntimeError):
        import_file(path=path, member=nour, kind="aid", by=nour_admin)
    batch = ImportBatch.objects.filter(kind="aid").get()
    assert (batch.status, batch.error) == ("failed", "RuntimeError: disk full")
    assert sorted(AidEntry.objects.values_list("source_key", flat=True)) == ["E-0", "E-1"]
    assert (batch.created, batch.records_done) == (2, 2)


def test_aid_rows_import_once(tmp_path, nour, nour_admin):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    rows = [
        ["E-1", "H-1", "food-box", "1", "500", "2025-03-01"],
        ["E-2", "H-2", "medicines", "١", "٢٥٠", "02/03/2025"],
        ["E-3", "H-9", "food-box", "1", "500", "2025-03-01"],  # not imported by Nour
        ["E-4", "H-3", "food-box", "كثير", "500", "2025-03-01"],
    ]
    path = write_csv(tmp_path / "aid.csv", AID_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="aid", by=nour_admin)
    assert (batch.created, batch.existing, batch.rejected) == (2, 0, 2)
    assert {p["code"] for r in batch.rejections.filter(stage="import") for p in r.problems} == {
        "aid.beneficiary_unknown",
        "aid.quantity_invalid",
    }
    again = import_file(path=path, member=nour, kind="aid", by=nour_admin)
    assert (again.created, again.existing, again.rejected) == (0, 2, 2)
    assert AidEntry.objects.count() == 2


@pytest.mark.parametrize("dry_run", [True, False])
def test_aid_cells_the_ledger_cannot_hold_are_row_problems(tmp_path, nour, nour_admin, dry_run):
    # "NaN" as a pandas-made sheet writes it, and references longer than their columns:
    # each its own row's problem, never a failed import.
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    rows = [
        ["E-1", "H-1", "food-box", "1", "500", "2025-03-01"],
        ["E-2", "H-2", "food-box", "NaN", "500", "2025-03-01"],
        ["E-3", "H-2", "food-box", "1", "sNaN", "2025-03-01"],
        ["R" * 65, "H-2", "food-box", "1", "500", "2025-03-01"],
        ["E-5", "H" * 65, "food-box", "1", "500", "2025-03-01"],
    ]
    path = write_csv(tmp_path / "aid.csv", AID_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="aid", by=nour_admin, dry_run=dry_run)
    if dry_run:  # the preview's counts
        assert (batch.records_valid, batch.records_rejected) == (1, 4)
    else:
        assert (batch.created, batch.rejected) == (1, 4)
    stage = "preview" if dry_run else "import"
    problems = {
        r.line: [(p["field"], p["code"]) for p in r.problems]
        for r in batch.rejections.filter(stage=stage)
    }
    assert problems == {
        3: [("quantity", "aid.quantity_invalid")],
        4: [("value", "aid.value_invalid")],
        5: [("entry_ref", "aid.invalid_input")],
        6: [("household_ref", "aid.beneficiary_unknown")],
    }


def test_aid_amounts_are_read_as_written_or_refused_never_rounded(tmp_path, nour, nour_admin):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    rows = [
        ["E-1", "H-1", "food-box", "2", "1.250,50", "2025-03-01"],  # thousands by points
        ["E-2", "H-1", "food-box", "٢", "١٬٢٥٠٫٥٠", "2025-03-02"],  # Arabic separators
        ["E-3", "H-1", "food-box", "12,5", "100", "2025-03-03"],  # a decimal comma
        ["E-4", "H-2", "food-box", "0.001", "10", "2025-03-01"],  # would be stored as 0.00
        ["E-5", "H-2", "food-box", "1", "10.005", "2025-03-02"],
        ["E-6", "H-2", "food-box", "1", "12,34,5", "2025-03-03"],
    ]
    batch = import_file(
        path=write_csv(tmp_path / "aid.csv", AID_HEADER, rows),
        member=nour,
        kind="aid",
        by=nour_admin,
    )
    assert (batch.created, batch.rejected) == (3, 3)
    amounts = sorted(AidEntry.objects.values_list("source_key", "quantity", "value"))
    assert amounts == [
        ("E-1", Decimal(2), Decimal("1250.50")),
        ("E-2", Decimal(2), Decimal("1250.50")),
        ("E-3", Decimal("12.5"), Decimal(100)),
    ]
    problems = {
        r.line: [(p["field"], p["code"]) for p in r.problems]
        for r in batch.rejections.filter(stage="import")
    }
    assert problems == {
        5: [("quantity", "aid.quantity_invalid")],
        6: [("value", "aid.value_invalid")],
        7: [("value", "aid.value_invalid")],
    }


def test_an_aid_note_longer_than_its_column_is_a_problem_not_cut_short(tmp_path, nour, nour_admin):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    header = ["household_ref", "category", "quantity", "value", "delivered_on", "note"]
    rows = [
        ["H-1", "food-box", "1", "500", "2025-03-01", "ن" * 301],
        ["H-2", "food-box", "1", "500", "2025-03-01", "ن" * 300],
    ]
    batch = import_file(
        path=write_csv(tmp_path / "aid.csv", header, rows), member=nour, kind="aid", by=nour_admin
    )
    assert (batch.created, batch.rejected) == (1, 1)
    [rejection] = batch.rejections.filter(stage="import")
    assert [p["field"] for p in rejection.problems] == ["note"]
    assert AidEntry.objects.get().note == "ن" * 300


def test_aid_reaches_a_household_whose_people_another_member_registered(tmp_path, nour, nour_admin):
    # Amal registered the family; Nour's file lists it under Nour's own reference "N-7".
    amal = member_create(slug="amal")
    amal_admin = user_create(role=Role.MEMBER_ADMIN, member=amal)
    theirs = household_register(
        member=amal,
        by=amal_admin,
        household=HouseholdInput(governorate="24"),
        people=[
            PersonInput(
                full_name="محمد أحمد علي الشافعي",
                gender="M",
                national_id="28208151304597",
                relation="head",
            )
        ],
    ).household
    rows = [
        ["N-7", "محمد أحمد علي الشافعي", "28208151304597", "ذكر", "", "رب الأسرة", "المنيا", ""]
    ]
    path = write_csv(tmp_path / "households.csv", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (batch.created, batch.existing, batch.people_linked) == (0, 1, 1)
    assert not Household.objects.filter(member=nour).exists()
    again = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert (again.created, again.existing, again.people_linked) == (0, 1, 0)
    # Nour's aid row naming "N-7" reaches the family's household.
    aid = write_csv(
        tmp_path / "aid.csv", AID_HEADER, [["E-1", "N-7", "food-box", "1", "500", "2025-03-01"]]
    )
    assert import_file(path=aid, member=nour, kind="aid", by=nour_admin).created == 1
    assert AidEntry.objects.get().household == theirs


def test_aid_rows_without_a_reference_are_keyed_by_their_content(tmp_path, nour, nour_admin):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    header = ["household_ref", "category", "quantity", "value", "delivered_on"]
    rows = [
        ["H-1", "food-box", "1", "500", "2025-03-01"],
        ["H-2", "food-box", "1", "500", "2025-03-01"],
    ]
    path = write_csv(tmp_path / "aid.csv", header, rows)
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).created == 2
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).existing == 2
    assert AidEntry.objects.count() == 2


def test_aid_rows_without_a_reference_written_another_way_are_the_same_deliveries(
    tmp_path, nour, nour_admin
):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    header = ["household_ref", "category", "quantity", "value", "delivered_on"]
    first = write_csv(tmp_path / "aid.csv", header, [["H-1", "food-box", "1", "100", "2024-09-01"]])
    assert import_file(path=first, member=nour, kind="aid", by=nour_admin).created == 1
    again = [
        # An empty column more, mapped.
        write_csv(
            tmp_path / "village.csv",
            [*header, "village"],
            [["H-1", "food-box", "1", "100", "2024-09-01", ""]],
        ),
        # The quantity written with decimals, the category by its English name.
        write_csv(
            tmp_path / "decimals.csv", header, [["H-1", "Food box", "1.00", "100.0", "2024-09-01"]]
        ),
        # The date day first, as Egyptian files write it.
        write_csv(
            tmp_path / "day-first.csv", header, [["H-1", "food-box", "1", "100", "01/09/2024"]]
        ),
        # A workbook: the date as a date cell, the numbers as numbers.
        write_xlsx(
            tmp_path / "aid.xlsx", header, [["H-1", "food-box", 1, 100, datetime.date(2024, 9, 1)]]
        ),
    ]
    for path in again:
        batch = import_file(path=path, member=nour, kind="aid", by=nour_admin)
        assert (path.name, batch.created, batch.existing) == (path.name, 0, 1)
    assert AidEntry.objects.count() == 1
    # Two such rows in one file are one delivery: the second names the first's line.
    twice = write_csv(
        tmp_path / "twice.csv",
        header,
        [
            ["H-2", "food-box", "1", "100", "2024-09-01"],
            ["H-2", "food-box", "1.0", "100", "01/09/2024"],
        ],
    )
    batch = import_file(path=twice, member=nour, kind="aid", by=nour_admin)
    assert (batch.created, batch.rejected) == (1, 1)
    problem = batch.rejections.get(stage="import").problems[0]
    assert problem["code"] == "aid.key_repeated"
    assert " 2 " in problem["message"]  # the first row's line, in the importer's language


def test_a_delivery_without_a_value_is_found_again_after_its_category_s_unit_value_changes(
    tmp_path, nour, nour_admin
):
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    header = ["household_ref", "category", "quantity", "delivered_on"]
    path = write_csv(tmp_path / "aid.csv", header, [["H-1", "food-box", "2", "2024-09-01"]])
    AidCategory.objects.filter(code="food-box").update(unit_value=Decimal("350.00"))
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).created == 1
    assert AidEntry.objects.get().value == Decimal("700.00")
    AidCategory.objects.filter(code="food-box").update(unit_value=Decimal("400.00"))
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).existing == 1
    assert AidEntry.objects.count() == 1


def test_aid_rows_imported_under_the_earlier_row_hash_are_still_found(tmp_path, nour, nour_admin):
    # Deliveries imported before rows were keyed by their content carry a hash of the cells as
    # written; importing the same file again must find them, not add them twice.
    import_file(path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin)
    header = ["household_ref", "category", "quantity", "value", "delivered_on"]
    path = write_csv(tmp_path / "aid.csv", header, [["H-1", "food-box", "1", "100", "2024-09-01"]])
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).created == 1
    entry = AidEntry.objects.get()
    raw = {"household_ref": "H-1", "category": "food-box", "quantity": "1", "value": "100"}
    # As an earlier import stored it (the ledger refuses changes through the model).
    AidEntry.objects.filter(pk=entry.pk).update(
        source_key=legacy_aid_key({**raw, "delivered_on": "2024-09-01"})
    )
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).existing == 1
    assert AidEntry.objects.count() == 1


def _pages(model):
    """(pages now, pages at the table's last ANALYZE) of a model's table (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(oid) / current_setting('block_size')::int, relpages "
            "FROM pg_class WHERE relname = %s",
            [model._meta.db_table],
        )
        return cursor.fetchone()


def test_imports_keep_the_planner_statistics_of_the_tables_they_grow(
    tmp_path, nour, nour_admin, monkeypatch
):
    analysed = record_analyses(monkeypatch, services)
    households = many_households(200)  # enough rows to add pages to any table
    path = households_csv(tmp_path, households)
    assert import_file(path=path, member=nour, kind="households", by=nour_admin).created == 200
    rows = [[f"E-{n}", f"M-{n}", "food-box", "1", "100", "2025-03-05"] for n in range(200)]
    path = write_csv(tmp_path / "aid.csv", AID_HEADER, rows)
    assert import_file(path=path, member=nour, kind="aid", by=nour_admin).created == 200

    if connection.vendor != "postgresql":
        assert analysed == [[], []]  # one call per chunk; no planner statistics to keep
        return
    person, household, entry = (m._meta.db_table for m in (Person, Household, AidEntry))
    assert person in analysed[0]
    assert household in analysed[0]
    assert entry in analysed[1]
    for model in (Person, Household, AidEntry):
        pages, at_analysis = _pages(model)
        assert pages == at_analysis > 0  # analysed after the chunk that last grew it
    assert planner.analyze_grown(Person, Household, AidEntry) == []  # not grown since: not due


# Mapping ------------------------------------------------------------------------------


def upload(path, member, user, kind="households"):
    with path.open("rb") as stream:
        return batch_upload(member=member, by=user, file=stream, name=path.name, kind=kind)


def test_the_mapping_is_remembered_for_the_member(tmp_path, nour, nour_admin, amal, amal_admin):
    header = ["كود", "اسم رب الأسرة", "ن", "علاقة", "محل الإقامة", "ملاحظات"]
    path = write_csv(
        tmp_path / "odd.csv", header, [["1", "محمد", "ذكر", "رب الأسرة", "المنيا", ""]]
    )
    batch = upload(path, nour, nour_admin)
    assert services.selectors.mapping_suggested(batch) == {}
    chosen = {
        "household_ref": "كود",
        "full_name": "اسم رب الأسرة",
        "gender": "ن",
        "relation": "علاقة",
        "governorate": "محل الإقامة",
    }
    batch_map(batch=batch, mapping=chosen, by=nour_admin)
    assert ColumnMapping.objects.get(member=nour, kind="households").mapping == chosen
    # Next time, the same columns are chosen for Nour (only those present), not for Amal.
    path = write_csv(tmp_path / "next.csv", [*header[:4], "المحافظة"], [])
    later = upload(path, nour, nour_admin)
    assert services.selectors.mapping_suggested(later) == {**chosen, "governorate": "المحافظة"}
    assert services.selectors.mapping_suggested(upload(path, amal, amal_admin)) == {
        "governorate": "المحافظة"
    }


def test_a_mapping_without_the_required_fields_is_refused(tmp_path, nour, nour_admin):
    batch = upload(households_csv(tmp_path), nour, nour_admin)
    with pytest.raises(ApplicationError) as error:
        batch_map(batch=batch, mapping={"full_name": "الاسم رباعي"}, by=nour_admin)
    assert error.value.code == ImportsError.MAPPING_INCOMPLETE
    assert len(error.value.extra["missing"]) == 2  # household reference, governorate
    with pytest.raises(ApplicationError) as error:
        batch_map(batch=batch, mapping={"full_name": "no such column"}, by=nour_admin)
    assert error.value.code == ImportsError.UNKNOWN_COLUMN
    assert not ColumnMapping.objects.exists()


def test_an_unreadable_upload_keeps_nothing(tmp_path, nour, nour_admin):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 garbage")
    with pytest.raises(ApplicationError) as error:
        upload(path, nour, nour_admin)
    assert error.value.code == ImportsError.UNREADABLE_FILE
    assert not ImportBatch.objects.exists()
    assert not list((tmp_path / "media" / "private" / "imports").glob("*"))


# Rejected rows ------------------------------------------------------------------------


def test_the_rejected_rows_download_keeps_cells_written_past_the_last_named_column(
    tmp_path, nour, nour_admin
):
    # A note typed two columns right of the header's last column, on two bad rows, and one
    # further right on only the second of them.
    width = len(HOUSEHOLD_HEADER)
    bad = [*HOUSEHOLD_ROWS[7], "", "جار قديم"]
    worse = [*HOUSEHOLD_ROWS[8], "", "رقم خاطئ", "", "اتصل لاحقا"]
    path = write_csv(tmp_path / "notes.csv", HOUSEHOLD_HEADER, [*HOUSEHOLD_ROWS[:5], worse, bad])
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert batch.rejected == 2
    # when
    content = rejections_export(batch=batch, by=nour_admin, file_format="csv").content
    # then
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][width:] == [unnamed_column(width + 2), unnamed_column(width + 4), REASON_COLUMN]
    assert rows[1][:-1] == [*(str(c) for c in HOUSEHOLD_ROWS[8]), "رقم خاطئ", "اتصل لاحقا"]
    assert rows[2][:-1] == [*(str(c) for c in HOUSEHOLD_ROWS[7]), "جار قديم", ""]
    sheet = load_workbook(
        io.BytesIO(rejections_export(batch=batch, by=nour_admin, file_format="xlsx").content)
    ).worksheets[0]
    assert [cell.value for cell in sheet[1]][width:-1] == rows[0][width:-1]
    assert [cell.value for cell in sheet[2]][width:-1] == ["رقم خاطئ", "اتصل لاحقا"]


def test_the_rejected_rows_download_shows_a_formula_typed_in_a_cell_and_never_runs_it(
    tmp_path, nour, nour_admin
):
    formula = '=HYPERLINK("http://example.org","x")'
    rows = [["F-1", formula, "", "ذكر", "", "رب الأسرة", "Atlantis", ""]]
    path = write_csv(tmp_path / "f.csv", HOUSEHOLD_HEADER, rows)
    batch = import_file(path=path, member=nour, kind="households", by=nour_admin)
    assert batch.rejected == 1
    content = rejections_export(batch=batch, by=nour_admin, file_format="csv").content
    row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert row[1] == "'" + formula
    workbook = load_workbook(
        io.BytesIO(rejections_export(batch=batch, by=nour_admin, file_format="xlsx").content)
    )
    cell = workbook.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == (formula, "s")


def test_the_rejected_rows_download_has_the_original_columns_and_the_reasons(
    tmp_path, nour, nour_admin
):
    batch = import_file(
        path=households_csv(tmp_path), member=nour, kind="households", by=nour_admin
    )
    # when
    download = rejections_export(batch=batch, by=nour_admin, file_format="csv")
    # then
    assert download.filename == "households-rejected.csv"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [*batch.header, "السبب / Reason"]
    assert [row[:-1] for row in rows[1:]] == [[str(c) for c in r] for r in HOUSEHOLD_ROWS[5:]]
    reasons = [row[-1] for row in rows[1:]]
    assert "8" in reasons[0]  # the household's bad row
    assert reasons[1].startswith("تاريخ الميلاد: ")
    assert "32/13/2005" in reasons[1]
    assert "المحافظة: " in reasons[2]
    assert "صلة القرابة: " in reasons[2]
    assert reasons[3].startswith("الرقم القومى: ")
    event = AuditEvent.objects.get(action="export")
    assert (event.pii, event.target_id) == (True, str(batch.pk))

    workbook = load_workbook(
        io.BytesIO(rejections_export(batch=batch, by=nour_admin, file_format="xlsx").content)
    )
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == rows[0]
    assert [list(r) for r in sheet_rows[1:]] == [[c or None for c in r] for r in rows[1:]]
