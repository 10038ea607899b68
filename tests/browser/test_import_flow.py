"""In Chromium: a member admin imports an Excel file with Arabic headers and bad rows."""

import csv
import signal
from io import StringIO

import pytest
from django.core.management import call_command

from marsad.imports.models import ImportBatch
from marsad.members.models import Role
from marsad.registry.models import Household, Person
from tests.browser.conftest import log_in
from tests.factories import member_create, user_create
from tests.imports.files import HOUSEHOLD_HEADER, households_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_transactional_db")]


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
    """The task worker takes the queued preview or import, as `marsad db_worker` does."""
    call_command(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0",
        verbosity=0,
        stdout=StringIO(),
    )


def upload_and_check(page, live_server, path):
    page.goto(f"{live_server.url}/imports/new/")
    page.check("input[name=kind][value=households]")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()
    page.wait_for_url(f"{live_server.url}/imports/*/mapping/")
    # The Arabic headers are recognised: the suggested mapping is accepted as it is.
    assert page.input_value("#id_household_ref") == "رقم الأسرة"
    assert page.input_value("#id_national_id") == "الرقم القومى"
    assert page.input_value("#id_birth_date") == "تاريخ الميلاد"
    page.get_by_test_id("check-rows").click()
    page.wait_for_selector("[data-testid=import-progress][data-status=validating]")
    run_worker()
    page.wait_for_selector("[data-testid=preview-counts]", timeout=15_000)


def import_and_watch(page):
    page.get_by_test_id("start-import").click()
    page.wait_for_selector("[data-testid=import-progress][data-status=importing]")
    run_worker()
    page.wait_for_selector("[data-testid=result-counts]", timeout=15_000)
    bar = page.get_by_test_id("progress-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "6"
    assert "100" in page.get_by_test_id("progress-text").inner_text()


def test_import_an_xlsx_with_arabic_headers_and_bad_rows(
    browser, live_server, settings, tmp_path, signals_restored
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user_create(
        role=Role.MEMBER_ADMIN,
        member=member_create(slug="nour", name_ar="مؤسسة النور"),
        username="nour-admin",
    )
    path = households_xlsx(tmp_path, name="أسر-يناير.xlsx")
    page = browser.new_page(accept_downloads=True)
    log_in(page, live_server, "nour-admin")

    # Upload, map, preview: the bad rows are shown with their line and reason.
    upload_and_check(page, live_server, path)
    assert page.get_by_test_id("count-valid").inner_text() == "3"
    assert page.get_by_test_id("count-rejected").inner_text() == "3"
    errors = page.get_by_test_id("row-errors")
    assert "32/13/2005" in errors.inner_text()
    assert "أتلانتس" in errors.inner_text()
    assert page.locator("[data-testid=row-errors] tr[data-line='8']").count() == 1
    assert not Household.objects.exists()

    # Import, watched to the end.
    import_and_watch(page)
    assert page.get_by_test_id("count-created").inner_text() == "3"
    assert Household.objects.count() == 3
    assert Person.objects.count() == 5

    # The rejected rows, downloaded, with their reasons.
    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename == "أسر-يناير-rejected.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HOUSEHOLD_HEADER, "السبب / Reason"]
    assert [row[0] for row in rows[1:]] == ["H-4", "H-4", "H-5", "H-6"]
    assert all(row[-1] for row in rows[1:])
    assert "32/13/2005" in rows[2][-1]

    # The same file again: the preview and the import add nothing.
    upload_and_check(page, live_server, path)
    assert page.get_by_test_id("same-file").is_visible()
    assert page.get_by_test_id("count-valid").inner_text() == "0"
    assert page.get_by_test_id("count-existing").inner_text() == "3"
    import_and_watch(page)
    assert page.get_by_test_id("count-created").inner_text() == "0"
    assert page.get_by_test_id("count-existing").inner_text() == "3"
    assert Household.objects.count() == 3
    assert Person.objects.count() == 5
    assert ImportBatch.objects.filter(status="done").count() == 2
