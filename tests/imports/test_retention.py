"""Uploaded files and rejected rows hold families' personal data: kept for a while, then
removed, the import's counts and audit trail staying."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.imports.errors import ImportsError
from marsad.imports.models import ImportBatch, ImportRejection
from marsad.imports.services import batches_purge, import_file, import_start, rejections_export
from tests.imports.files import households_xlsx

pytestmark = pytest.mark.django_db


def _aged(batch, days):
    """The batch as if all its work (upload, check, import) was `days` days ago."""
    then = timezone.now() - datetime.timedelta(days=days)
    times = {
        name: then
        for name in ("created_at", "previewed_at", "started_at", "finished_at")
        if name == "created_at" or getattr(batch, name) is not None
    }
    ImportBatch.objects.filter(pk=batch.pk).update(**times)
    batch.refresh_from_db()
    return batch


def test_old_imports_lose_their_file_and_rejected_rows_and_keep_their_counts(
    tmp_path, nour, nour_admin
):
    old = _aged(
        import_file(path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin),
        days=91,
    )
    recent = _aged(
        import_file(
            path=households_xlsx(tmp_path, name="again.xlsx"),
            member=nour,
            kind="households",
            by=nour_admin,
        ),
        days=89,
    )
    stored = Path(old.file.path)
    assert stored.exists()
    rows = ImportRejection.objects.filter(batch=old).count()
    assert rows
    assert batches_purge(keep_days=90) == [old.pk]
    old.refresh_from_db()
    assert old.purged_at is not None
    assert not stored.exists()
    assert not old.file
    assert not ImportRejection.objects.filter(batch=old).exists()
    assert (old.created, old.rejected) == (3, 3)  # the counts stay
    assert ImportRejection.objects.filter(batch=recent).exists()
    assert Path(recent.file.path).exists()
    event = AuditEvent.objects.get(target_type="imports.importbatch", action="delete")
    assert (event.target_id, event.pii) == (str(old.pk), True)
    assert event.changes["rejected_rows"] == rows  # of the preview and of the import
    # Nothing more to do the next time; the rows of a removed file cannot be downloaded.
    assert batches_purge(keep_days=90) == []
    with pytest.raises(ApplicationError) as error:
        rejections_export(batch=old, by=nour_admin, file_format="csv")
    assert error.value.code == ImportsError.PURGED


def test_an_import_at_work_is_never_purged_and_a_purged_one_cannot_start(
    tmp_path, nour, nour_admin
):
    batch = _aged(
        import_file(
            path=households_xlsx(tmp_path),
            member=nour,
            kind="households",
            by=nour_admin,
            dry_run=True,
        ),
        days=200,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING)
    assert batches_purge(keep_days=90) == []
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEWED)
    assert batches_purge(keep_days=90) == [batch.pk]
    batch.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        import_start(batch=batch, by=nour_admin)
    assert error.value.code == ImportsError.PURGED


def test_the_latest_work_on_an_import_counts_not_the_first_that_ended(tmp_path, nour, nour_admin):
    # A check that failed long ago, then a new check of the same upload a week ago.
    batch = import_file(
        path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin, dry_run=True
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200),
        finished_at=timezone.now() - datetime.timedelta(days=200),
        previewed_at=timezone.now() - datetime.timedelta(days=7),
    )
    assert batches_purge(keep_days=90) == []
    assert batches_purge(keep_days=5) == [batch.pk]


def test_the_command_and_the_page(tmp_path, client, nour, nour_admin):
    batch = _aged(
        import_file(path=households_xlsx(tmp_path), member=nour, kind="households", by=nour_admin),
        days=30,
    )
    out = StringIO()
    call_command("purge_imports", "--days", "60", stdout=out)
    assert out.getvalue().strip() == "purged=0 kept_days=60"
    call_command("purge_imports", "--days", "7", stdout=out)
    assert f"purged=1 kept_days=7 imports={batch.pk}" in out.getvalue()
    client.force_login(nour_admin)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'data-testid="purged"' in page
    assert 'data-testid="rejections-purged"' in page
    assert 'data-testid="download-csv"' not in page
    response = client.get(reverse("imports:rejections", args=[batch.pk, "csv"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
