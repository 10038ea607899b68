"""Background work of the bulk import, run by the task worker (`marsad db_worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

from marsad.core.errors import ApplicationError
from marsad.imports.errors import ImportsError
from marsad.imports.models import ImportBatch
from marsad.imports.services import import_run, preview_run
from marsad.members.models import User

logger = logging.getLogger(__name__)


def _summary(batch: ImportBatch) -> dict[str, int]:
    return {
        "records": batch.records_total,
        "valid": batch.records_valid,
        "rejected": batch.rejected if batch.imported else batch.records_rejected,
        "created": batch.created,
        "existing": batch.existing if batch.imported else batch.records_existing,
    }


@task()
def import_preview_task(batch_id: int) -> dict[str, int]:
    """Check every row of a batch; the outcome is on the batch."""
    batch = ImportBatch.objects.select_related("member").get(pk=batch_id)
    try:
        preview_run(batch=batch)
    except ApplicationError as error:
        if error.code != ImportsError.WRONG_STATUS:
            raise
        logger.warning("Import %s was not waiting for its preview; skipped.", batch_id)
    return _summary(batch)


@task()
def import_run_task(batch_id: int, user_id: int | None = None) -> dict[str, int]:
    """Import a previewed batch; its progress and outcome are on the batch."""
    batch = ImportBatch.objects.select_related("member").get(pk=batch_id)
    by = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        import_run(batch=batch, by=by)
    except ApplicationError as error:
        if error.code != ImportsError.WRONG_STATUS:
            raise
        logger.warning("Import %s was not waiting to be imported; skipped.", batch_id)
    return _summary(batch)
