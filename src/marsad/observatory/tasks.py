"""Background recomputation of the gap index, coalesced.

Data changes (a delivery recorded or reversed, an indicator value imported, an import of a
members' file) call `gap_recompute_request()`. It queues `gap_recompute_task` unless one is
queued and not started yet, so a burst of changes costs one recomputation. The task clears
the flag when it starts: a change made while it runs queues the next one. The nightly
`marsad observatory recompute` runs the same recomputation from cron.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from marsad.observatory.models import RecomputeRequest
from marsad.observatory.services import gap_recompute_all

logger = logging.getLogger(__name__)


@task()
def gap_recompute_task() -> dict[str, Any]:
    """Recompute the default snapshots; see the module docstring for the coalescing."""
    RecomputeRequest.objects.update_or_create(
        pk=1, defaults={"pending": False, "started_at": timezone.now()}
    )
    snapshots = gap_recompute_all()
    RecomputeRequest.objects.filter(pk=1).update(finished_at=timezone.now())
    return {"snapshots": len(snapshots)}


def _still_queued(task_id: str) -> bool:
    if not task_id:
        return False
    try:
        result = gap_recompute_task.get_result(task_id)
    except (TaskResultDoesNotExist, ValueError):
        return False
    return result.status == TaskResultStatus.READY


def gap_recompute_request() -> bool:
    """Ask for a recomputation; True if a task was queued, False if one is waiting already.

    A flag left by a task that was lost (deleted, failed before it started) does not block
    new requests: the task's own status is checked.
    """
    now = timezone.now()
    waiting = RecomputeRequest.objects.filter(pk=1, pending=True).values_list("task_id", flat=True)
    task_id = next(iter(waiting), None)
    if task_id is not None and _still_queued(task_id):
        RecomputeRequest.objects.filter(pk=1).update(requested_at=now)
        return False
    with transaction.atomic():
        RecomputeRequest.objects.get_or_create(pk=1)
        row = RecomputeRequest.objects.select_for_update().get(pk=1)
        row.requested_at = now
        if row.pending and row.task_id != (task_id or "") and _still_queued(row.task_id):
            row.save(update_fields=["requested_at"])  # another process queued one meanwhile
            return False
        result = gap_recompute_task.enqueue()
        row.pending = True
        row.task_id = str(result.id)
        row.save(update_fields=["requested_at", "pending", "task_id"])
    logger.info("Gap recompute queued as task %s", row.task_id)
    return True
