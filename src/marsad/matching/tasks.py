"""Background work of the matching app, run by the task worker (`marsad db_worker`)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from marsad.core.errors import ApplicationError
from marsad.matching.errors import MatchingError
from marsad.matching.models import RegistryScan
from marsad.matching.scan import registry_scan_create, registry_scan_run

logger = logging.getLogger(__name__)


@task()
def registry_scan_task(scan_id: int) -> dict[str, int]:
    """Run one queued registry scan; its progress and outcome are on the scan row."""
    scan = RegistryScan.objects.select_related("started_by").get(pk=scan_id)
    try:
        registry_scan_run(scan=scan)
    except ApplicationError as error:
        if error.code != MatchingError.SCAN_NOT_QUEUED:
            raise
        # Delivered twice, or already run from the command line: nothing left to do.
        logger.warning("Registry scan %s was not queued any more; skipped.", scan_id)
    return {
        "records": scan.records_done,
        "pairs_scored": scan.pairs_scored,
        "cases_opened": scan.cases_opened,
    }


def registry_scan_start(*, by: Any) -> RegistryScan:
    """Queue a registry scan for the worker (`matching.scan_running` if one is under way).

    The scan row and its task are written in one transaction: the worker never sees a task
    without its scan, nor a queued scan without a task.
    """
    with transaction.atomic():
        scan = registry_scan_create(by=by)
        result = registry_scan_task.enqueue(scan.pk)
        scan.task_id = str(result.id)
        scan.save(update_fields=["task_id"])
    return scan
