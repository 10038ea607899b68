"""The import screens: the whole flow through the task worker, permissions, scoping."""

import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from marsad.core.models import AuditEvent
from marsad.imports.models import ImportBatch
from marsad.members.models import Role
from marsad.registry.models import Household, Person
from tests.factories import member_create, secretariat_create, user_create
from tests.imports.files import (
    HOUSEHOLD_HEADER,
    PDF_START,
    households_xlsx,
    write_ods,
    write_xls,
    write_xlsx,
)


@pytest.fixture
def signals_restored():
    """db_worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    names = [signal.SIGINT, signal.SIGTERM] + (
        [signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []
    )
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


def run_worker():
    call_command(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0",
        "--worker-id=test-import-worker",
        verbosity=0,
        stdout=StringIO(),
    )


def upload(client, path, **extra):
    with path.open("rb") as stream:
        return client.post(
            reverse("imports:upload"), {"kind": "households", "file": stream, **extra}
        )


def test_the_whole_flow_through_the_task_worker(
    reference_transactional_db, signals_restored, tmp_path, settings, client
):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = user_create(role=Role.MEMBER_ADMIN, member=member_create(slug="nour"))
    client.force_login(admin)
    path = households_xlsx(tmp_path)

    # Upload: the columns are read and recognised.
    response = upload(client, path)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:mapping", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert '<option value="رقم الأسرة" selected>' in page

    # Mapping → the preview is queued, then run by the worker.
    mapping = {
        "household_ref": "رقم الأسرة",
        "full_name": "الاسم رباعي",
        "national_id": "الرقم القومى",
        "gender": "النوع",
        "birth_date": "تاريخ الميلاد",
        "relation": "صلة القرابة",
        "governorate": "المحافظة",
        "address": "العنوان",
    }
    response = client.post(reverse("imports:mapping", args=[batch.pk]), mapping)
    assert response.url == reverse("imports:detail", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATING
    page = client.get(response.url).content.decode()
    assert f'hx-get="{reverse("imports:progress", args=[batch.pk])}"' in page
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert not Household.objects.exists()
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'data-testid="row-errors"' in page
    assert "32/13/2005" in page
    # Problems are placed by the file's own column names, not by internal field paths.
    assert "<td>تاريخ الميلاد</td>" in page
    assert "people.1.birth_date" not in page
    assert 'data-testid="start-import"' in page

    # Import → queued, then run by the worker.
    response = client.post(reverse("imports:import", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING
    progress = client.get(
        reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert "hx-trigger" in progress.content.decode()
    assert "HX-Refresh" not in progress
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.rejected) == ("done", 3, 3)
    assert Person.objects.count() == 5
    task = DBTaskResult.objects.get(pk=batch.task_id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["test-import-worker"]
    done = client.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert 'value="6"' in done.content.decode()

    # Rejected rows download.
    download = client.get(reverse("imports:rejections", args=[batch.pk, "csv"]))
    assert download.status_code == 200
    assert "32/13/2005" in download.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export", pii=True, target_id=str(batch.pk)).exists()


@pytest.fixture
def nour_batch(tmp_path, nour, nour_admin):
    from marsad.imports.services import import_file

    return import_file(
        path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin
    )


URLS = [
    ("imports:detail", ()),
    ("imports:mapping", ()),
    ("imports:progress", ()),
    ("imports:rejections", ("csv",)),
]


@pytest.mark.parametrize(("name", "extra"), URLS)
def test_another_members_admin_gets_not_found(client, nour_batch, amal_admin, name, extra):
    client.force_login(amal_admin)
    assert client.get(reverse(name, args=[nour_batch.pk, *extra])).status_code == 404
    assert client.post(reverse("imports:import", args=[nour_batch.pk])).status_code == 404
    assert nour_batch not in client.get(reverse("imports:batch_list")).context["batches"]


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.VOLUNTEER_COORDINATOR, Role.BOARD_MEMBER])
def test_other_roles_are_refused(client, nour, nour_batch, role, tmp_path):
    member = nour if role != Role.BOARD_MEMBER else None
    client.force_login(user_create(role=role, member=member))
    assert client.get(reverse("imports:batch_list")).status_code == 403
    assert client.get(reverse("imports:detail", args=[nour_batch.pk])).status_code == 403
    assert client.get(reverse("imports:rejections", args=[nour_batch.pk, "csv"])).status_code == 403
    assert upload(client, households_xlsx(tmp_path, name="x.xlsx")).status_code == 403
    assert ImportBatch.objects.count() == 1


def test_the_secretariat_imports_for_a_chosen_member(client, nour, nour_batch, tmp_path):
    client.force_login(secretariat_create())
    assert client.get(reverse("imports:detail", args=[nour_batch.pk])).status_code == 200
    # The member must be chosen.
    response = upload(client, households_xlsx(tmp_path, name="y.xlsx"))
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    response = upload(client, households_xlsx(tmp_path, name="y.xlsx"), member="nour")
    assert response.status_code == 302
    assert ImportBatch.objects.order_by("-pk").first().member == nour


def test_a_member_admin_imports_for_its_own_member_only(client, nour_admin, amal, tmp_path):
    client.force_login(nour_admin)
    upload(client, households_xlsx(tmp_path), member="amal")
    assert ImportBatch.objects.get().member == nour_admin.member


def test_the_mapping_step_refuses_to_go_on_without_the_required_fields(
    client, nour_admin, tmp_path
):
    client.force_login(nour_admin)
    upload(client, households_xlsx(tmp_path))
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("imports:mapping", args=[batch.pk]), {"full_name": "الاسم رباعي"}
    )
    assert response.status_code == 200
    assert 'data-testid="mapping-error"' in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING
    assert not DBTaskResult.objects.exists()


def test_the_mapping_page_says_where_the_column_names_were_found(client, nour_admin, tmp_path):
    client.force_login(nour_admin)
    path = write_xlsx(tmp_path / "titled.xlsx", ["جمعية النور - كشف الأسر"], [[], HOUSEHOLD_HEADER])
    response = upload(client, path)
    page = client.get(response.url).content.decode()
    assert 'data-testid="header-line"' in page
    assert '<option value="رقم الأسرة" selected>' in page
    plain = upload(client, households_xlsx(tmp_path))
    assert 'data-testid="header-line"' not in client.get(plain.url).content.decode()


def test_the_mapping_page_warns_of_other_sheets_that_hold_data(client, nour_admin, tmp_path):
    client.force_login(nour_admin)
    path = households_xlsx(tmp_path)
    workbook = load_workbook(path)
    workbook.create_sheet("الجيزة").append(HOUSEHOLD_HEADER)
    workbook.create_sheet("فارغة")
    workbook.save(path)
    response = upload(client, path)
    batch = ImportBatch.objects.get()
    assert batch.other_sheets == ["الجيزة"]
    page = client.get(response.url).content.decode()
    assert 'data-testid="other-sheets"' in page
    assert "الجيزة" in page
    assert "فارغة" not in page


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, nour_admin, tmp_path):
    client.force_login(nour_admin)
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG")
    response = upload(client, path)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # a compound document's start


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls", "ods"])
def test_excel_97_2003_and_opendocument_files_are_read(client, nour_admin, tmp_path, writer):
    client.force_login(nour_admin)
    path = writer(tmp_path / f"beneficiaries.{writer.__name__[-3:]}", HOUSEHOLD_HEADER, [])
    response = upload(client, path)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:mapping", args=[batch.pk])
    assert batch.header == HOUSEHOLD_HEADER


@pytest.mark.parametrize("name", ["beneficiaries.xls", "beneficiaries.csv"])
def test_a_damaged_excel_97_2003_workbook_is_refused_saying_what_it_is(
    client, nour_admin, tmp_path, name
):
    # Known by its content (whatever its name) when it is read.
    client.force_login(nour_admin)
    path = tmp_path / name
    path.write_bytes(OLD_EXCEL)
    response = upload(client, path)
    assert response.status_code == 200
    assert "(.xls)" in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_a_csv_file_with_a_quote_mark_left_open_is_refused_at_upload(client, nour_admin, tmp_path):
    # Past the rows the header is looked for in: the whole file is read once at upload.
    client.force_login(nour_admin)
    rows = [[f"H-{n}", f"اسم {n}", "ذكر"] for n in range(40)]
    rows[30][1] = '"نادية سعيد علي حسن'
    path = tmp_path / "households.csv"
    path.write_text(
        "رقم الأسرة,الاسم,النوع\n" + "\n".join(",".join(row) for row in rows) + "\n",
        encoding="utf-8",
    )
    response = upload(client, path)
    assert response.status_code == 200
    error = str(response.context["form"].errors["file"])
    assert " 32 " in error  # the line where the cell opens, in the page's language
    assert "ApplicationError" not in error
    assert not ImportBatch.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(client, nour_admin, tmp_path):
    # A PDF saved under a spreadsheet's name is not read as text of garbled columns.
    client.force_login(nour_admin)
    path = tmp_path / "beneficiaries.csv"
    path.write_bytes(PDF_START)
    response = upload(client, path)
    assert response.status_code == 200
    error = str(response.context["form"].errors["file"])
    assert "PDF" in error  # what the file may be, in either language
    assert ".xlsx" in error  # and what to upload instead
    assert not ImportBatch.objects.exists()


def test_upload_is_audited(client, nour_admin, tmp_path):
    client.force_login(nour_admin)
    upload(client, households_xlsx(tmp_path))
    batch = ImportBatch.objects.get()
    event = AuditEvent.objects.get(target_type="imports.importbatch", action="create")
    assert event.target_id == str(batch.pk)
    assert event.changes["sha256"] == batch.checksum
