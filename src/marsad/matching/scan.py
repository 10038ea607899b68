"""The registry-wide duplicate scan: every stored person against every other.

The online check at registration only compares a new record with indexed candidates; the
scan runs the batch engine (Splink on DuckDB) over the whole registry, so pairs the online
check could not see (imports, older records, a retrained model, changed thresholds) reach
the review queue too. It applies the same hard rules and thresholds as registration and only
opens review cases: it never merges, and a pair already decided is never raised again
(`case_open`).

Progress is written to the `RegistryScan` row as the scan goes, so the screen (or the
terminal) can follow a run that takes hours on the full registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.core.models import CoalitionSettings
from marsad.engines.linkage.clustering import Edge
from marsad.engines.linkage.decision import Decision, decide, hard_conflict
from marsad.engines.linkage.features import FeatureRow
from marsad.matching.errors import MatchingError
from marsad.matching.models import RegistryScan
from marsad.matching.selectors import CANDIDATE_FIELDS, linkage_model, stored_row
from marsad.matching.services import case_open
from marsad.registry.models import Person

#: People read per query while loading, and pairs handled per step while recording.
BATCH_SIZE = 2_000
#: Candidate pairs recorded between two progress writes.
RECORDING_STEP = 500

Progress = Callable[[str, int, int], None]  # (stage, done, total), as the file pipeline's


# Reads -------------------------------------------------------------------------------


def scan_active() -> RegistryScan | None:
    """The scan queued or running now, if any."""
    return RegistryScan.objects.filter(status__in=RegistryScan.ACTIVE).first()


def scan_latest(*, limit: int = 10) -> list[RegistryScan]:
    return list(RegistryScan.objects.select_related("started_by")[:limit])


def _people_rows(progress: Callable[[int], None]) -> Iterator[FeatureRow]:
    """Feature rows of every person not merged away, read in primary-key batches."""
    people = Person.objects.exclude(status=Person.Status.MERGED).order_by("pk")
    last_pk, done = 0, 0
    while True:
        batch = list(people.filter(pk__gt=last_pk).values(*CANDIDATE_FIELDS)[:BATCH_SIZE])
        if not batch:
            return
        for row in batch:
            yield stored_row(row)
        done += len(batch)
        last_pk = batch[-1]["pk"]
        progress(done)


# Writes ------------------------------------------------------------------------------


def _stale_scans_close() -> None:
    """Mark failed the scans whose worker task ended without finishing them.

    The task marks its scan done or failed itself; a scan can only stay "queued" or
    "running" after its task has ended when the task never reached the service (the scan
    row was locked, the code failed to import...). Such a scan would block every later one.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    for scan in RegistryScan.objects.filter(status__in=RegistryScan.ACTIVE).exclude(task_id=""):
        task_status = (
            DBTaskResult.objects.filter(pk=scan.task_id).values_list("status", flat=True).first()
        )
        if task_status is None or task_status in {
            TaskResultStatus.SUCCESSFUL,
            TaskResultStatus.FAILED,
        }:
            scan.status = RegistryScan.Status.FAILED
            scan.error = scan.error or "The worker task ended without finishing the scan."
            scan.finished_at = timezone.now()
            scan.save(update_fields=["status", "error", "finished_at"])


@transaction.atomic
def registry_scan_create(*, by: Any) -> RegistryScan:
    """A new queued scan, unless one is queued or running already (`matching.scan_running`)."""
    # One row every start goes through: serialises concurrent starts on PostgreSQL (on
    # SQLite every write transaction is serialised already).
    CoalitionSettings.current()
    CoalitionSettings.objects.select_for_update().get(pk=1)
    _stale_scans_close()
    if scan_active() is not None:
        raise ApplicationError(
            code=MatchingError.SCAN_RUNNING,
            message=_("A registry scan is already queued or running; wait for it to finish."),
        )
    scan = RegistryScan.objects.create(started_by=by)
    audit_record(actor=by, action="create", target=scan)
    return scan


def _claim(scan: RegistryScan) -> None:
    """Move the scan from queued to running, or refuse if someone else did already."""
    now = timezone.now()
    claimed = RegistryScan.objects.filter(pk=scan.pk, status=RegistryScan.Status.QUEUED).update(
        status=RegistryScan.Status.RUNNING,
        stage=RegistryScan.Stage.LOADING,
        started_at=now,
        records_total=Person.objects.exclude(status=Person.Status.MERGED).count(),
        records_done=0,
        pairs_scored=0,
        cases_opened=0,
        error="",
    )
    if not claimed:
        raise ApplicationError(
            code=MatchingError.SCAN_NOT_QUEUED,
            message=_("This registry scan has already run."),
        )
    scan.refresh_from_db()


def _save(scan: RegistryScan, *fields: str) -> None:
    scan.save(update_fields=list(fields))


def registry_scan_run(*, scan: RegistryScan, progress: Progress | None = None) -> None:
    """Run a queued scan to the end: open a review case for every likely duplicate pair.

    Marks the scan done, or failed with the error text (and raises the error again), and
    writes its progress as it goes: stage `loading` (records_done of records_total),
    `scoring` (Splink), `recording` (cases_opened).
    """
    _claim(scan)
    audit_record(actor=scan.started_by, action="update", target=scan, changes={"run": "started"})
    try:
        _run(scan, progress or (lambda stage, done, total: None))
    except BaseException as exc:
        scan.status = RegistryScan.Status.FAILED
        scan.error = f"{type(exc).__name__}: {exc}"[:10_000]
        scan.finished_at = timezone.now()
        _save(scan, "status", "error", "finished_at")
        audit_record(
            actor=scan.started_by,
            action="update",
            target=scan,
            changes={"run": "failed", "error": scan.error[:500]},
        )
        raise
    scan.status = RegistryScan.Status.DONE
    scan.stage = ""
    scan.finished_at = timezone.now()
    _save(scan, "status", "stage", "finished_at")
    audit_record(
        actor=scan.started_by,
        action="update",
        target=scan,
        changes={
            "run": "done",
            "records": scan.records_done,
            "pairs_scored": scan.pairs_scored,
            "cases_opened": scan.cases_opened,
        },
    )


def _run(scan: RegistryScan, progress: Progress) -> None:
    settings_row = CoalitionSettings.current()
    model = linkage_model()

    def loaded(done: int) -> None:
        scan.records_done = done
        # People registered while the scan reads are read too: the total follows.
        scan.records_total = max(scan.records_total, done)
        _save(scan, "records_done", "records_total")
        progress(RegistryScan.Stage.LOADING, done, scan.records_total)

    progress(RegistryScan.Stage.LOADING, 0, scan.records_total)
    rows = list(_people_rows(loaded))
    scan.records_done = scan.records_total = len(rows)
    scan.stage = RegistryScan.Stage.SCORING
    _save(scan, "records_done", "records_total", "stage")
    progress(RegistryScan.Stage.SCORING, 0, 0)
    edges = _edges(rows, model, threshold=settings_row.review_threshold)

    scan.pairs_scored = len(edges)
    scan.stage = RegistryScan.Stage.RECORDING
    _save(scan, "pairs_scored", "stage")
    progress(RegistryScan.Stage.RECORDING, 0, len(edges))
    by_id = {str(row["unique_id"]): row for row in rows}
    done = 0
    for start in range(0, len(edges), RECORDING_STEP):
        step = edges[start : start + RECORDING_STEP]
        pairs = []
        for edge in step:
            left, right = by_id[edge.left], by_id[edge.right]
            decision = decide(
                edge.probability,
                hard_conflict(left, right),
                match=settings_row.match_threshold,
                review=settings_row.review_threshold,
            )
            if decision != Decision.DISTINCT:
                pairs.append((edge, model.score(left, right).contributions))
        scan.cases_opened += _cases_open(pairs)
        done += len(step)
        _save(scan, "cases_opened")
        progress(RegistryScan.Stage.RECORDING, done, len(edges))


def _edges(rows: list[FeatureRow], model: Any, *, threshold: float) -> list[Edge]:
    if len(rows) < 2:
        return []
    from marsad.engines.linkage.splink_runner import predict_edges

    return list(predict_edges(rows, model, threshold=threshold, engine="duckdb"))


def _cases_open(pairs: list[tuple[Edge, Any]]) -> int:
    """Open the cases of one step; people merged since they were read are skipped."""
    ids = {int(pk) for edge, _ in pairs for pk in (edge.left, edge.right)}
    people = Person.objects.exclude(status=Person.Status.MERGED).in_bulk(ids)
    opened = 0
    for edge, evidence in pairs:
        first, second = people.get(int(edge.left)), people.get(int(edge.right))
        if first is None or second is None:
            continue
        case = case_open(
            first=first,
            second=second,
            probability=edge.probability,
            evidence=evidence,
            source="scan",
        )
        opened += case is not None
    return opened
