"""Writes of the bulk import: upload, column mapping, preview, import, rejected rows.

The life of a batch: `batch_upload` (the file is stored privately, its header read) →
`batch_map` (the mapping is checked and remembered for the member) → `preview_start`
(the worker runs `preview_run`: every row validated, nothing written but the batch's own
rejected rows and counts) → `import_start` (the worker runs `import_run`).

`import_run` hands the rows to the registry's and the ledger's batch services in chunks;
each chunk, its rejected rows and the batch's progress commit together in one
transaction. A failure midway marks the batch failed: the chunks before it stay (each is
complete), the failing chunk leaves nothing. Running the import again continues: what was
imported comes back "existing", because the household reference and the delivery
reference (or the row's hash) are stored with what they created.

`import_file` runs all of it synchronously for a file on disk (the command and the
benchmarks).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marsad.assistance import batch as aid_batch
from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.core.memory import collect_young, collector_paused
from marsad.core.planner import analyze_grown
from marsad.core.spreadsheets import csv_row, xlsx_row
from marsad.geo.models import District
from marsad.imports import selectors
from marsad.imports.errors import ImportsError
from marsad.imports.fields import field_names, missing_fields, problem_place
from marsad.imports.models import ColumnMapping, ImportBatch, ImportKind, ImportRejection
from marsad.imports.parsing import (
    Columns,
    HouseholdParser,
    ParsedHousehold,
    Places,
    Problem,
    SourceHousehold,
    aid_key,
    aid_raw,
    check_text_file,
    count_households,
    data_rows,
    estimate_data_rows,
    household_groups,
    legacy_aid_key,
    read_header,
)
from marsad.matching.files import other_sheets
from marsad.matching.linkage import governorate_index
from marsad.members.models import Member
from marsad.observatory.tasks import gap_recompute_request
from marsad.registry import batch as registry_batch
from marsad.registry.errors import RegistryError
from marsad.registry.models import Person
from marsad.registry.validation import CleanPerson, person_index, validate_person

#: Households per call of the registry's batch service (one transaction each).
HOUSEHOLD_CHUNK = 1_000
#: Aid rows per call of the ledger's batch service (one transaction each).
AID_CHUNK = 20_000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
REASON_COLUMN = "السبب / Reason"

#: (done, total): records handled so far and records in the file (0 while unknown). The
#: preview reports from 0 to the total, then the import again.
Progress = Callable[[int, int], None]
T = TypeVar("T")

_COUNTERS = (
    "records_done",
    "created",
    "existing",
    "rejected",
    "people_created",
    "people_linked",
    "pending_review",
    "to_review",
    "flagged",
)
_PREVIEW_COUNTERS = ("records_valid", "records_rejected", "records_existing", "flagged")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _wrong_status(batch: ImportBatch) -> ApplicationError:
    return ApplicationError(
        code=ImportsError.WRONG_STATUS,
        message=_("This import cannot do that now (it is “%(status)s”).")
        % {"status": batch.get_status_display()},
    )


def _purged(batch: ImportBatch) -> ApplicationError:
    return ApplicationError(
        code=ImportsError.PURGED,
        message=_(
            "This import's file and rejected rows were removed on %(date)s, as uploaded files "
            "are kept only %(days)s days; upload the file again to work on it."
        )
        % {
            "date": date_format(timezone.localtime(batch.purged_at), "SHORT_DATE_FORMAT")
            if batch.purged_at
            else "",
            "days": settings.MARSAD_IMPORT_KEEP_DAYS,
        },
    )


def _claim(batch: ImportBatch, allowed: Sequence[str], status: str) -> ImportBatch:
    """Move the batch to `status` if it is in one of `allowed` (a row lock meanwhile)."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.purged_at is not None:
            raise _purged(locked)
        if locked.status not in allowed:
            raise _wrong_status(locked)
        locked.status = status
        locked.error = ""
        locked.save(update_fields=["status", "error"])
    batch.refresh_from_db()
    return batch


# Upload and mapping ------------------------------------------------------------------


def _checksum(stream: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def batch_upload(
    *,
    member: Member,
    by: Any,
    file: Any,
    name: str,
    kind: str,
    language: str = "ar",
    request: HttpRequest | None = None,
) -> ImportBatch:
    """Store an uploaded file (CSV or a workbook) privately and read its columns.

    Raises ApplicationError when the kind is unknown, the file too large, or unreadable
    (nothing is kept then).
    """
    if kind not in ImportKind.values:
        raise ApplicationError(
            code=ImportsError.UNKNOWN_KIND, message=_("Choose what the file holds."), field="kind"
        )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            code=ImportsError.FILE_TOO_LARGE,
            message=_("The file is larger than %(limit)s MB; split it into several files.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="file",
        )
    checksum = _checksum(file)
    batch = ImportBatch(
        member=member,
        kind=kind,
        original_name=Path(name).name[:255],
        checksum=checksum,
        language=language,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    batch.file.save(Path(name).name, File(file), save=False)
    try:
        batch.header_line, batch.header = read_header(Path(batch.file.path), kind)
        batch.other_sheets = other_sheets(Path(batch.file.path))
        check_text_file(Path(batch.file.path))
    except ApplicationError:
        batch.file.delete(save=False)
        raise
    batch.status = ImportBatch.Status.MAPPING
    with transaction.atomic():
        batch.save()
        audit_record(
            actor=by,
            action="create",
            target=batch,
            changes={
                "member": member.slug,
                "kind": kind,
                "file": batch.original_name,
                "sha256": checksum,
            },
            request=request,
        )
    return batch


def batch_map(*, batch: ImportBatch, mapping: Mapping[str, str], by: Any) -> ImportBatch:
    """Check and keep the mapping (field → column), and remember it for the member.

    Empty choices are dropped. Raises `MAPPING_INCOMPLETE` naming the required fields
    left out, `UNKNOWN_FIELD` or `UNKNOWN_COLUMN` for a field or column that does not exist.
    """
    if batch.status not in (
        ImportBatch.Status.MAPPING,
        ImportBatch.Status.PREVIEWED,
        ImportBatch.Status.FAILED,
    ) or (batch.status == ImportBatch.Status.FAILED and batch.imported):
        raise _wrong_status(batch)
    chosen = {name: column for name, column in mapping.items() if column}
    fields = set(field_names(batch.kind))
    for name, column in chosen.items():
        if name not in fields:
            raise ApplicationError(
                code=ImportsError.UNKNOWN_FIELD,
                message=_("“%(field)s” is not a field of this kind of import.") % {"field": name},
                field=name,
            )
        if column not in batch.header:
            raise ApplicationError(
                code=ImportsError.UNKNOWN_COLUMN,
                message=_("The file has no column “%(column)s”.") % {"column": column},
                field=name,
            )
    missing = missing_fields(batch.kind, chosen)
    if missing:
        raise ApplicationError(
            code=ImportsError.MAPPING_INCOMPLETE,
            message=_("Choose the file's column for: %(fields)s.") % {"fields": "، ".join(missing)},
            extra={"missing": missing},
        )
    with transaction.atomic():
        batch.mapping = chosen
        batch.status = ImportBatch.Status.MAPPING
        batch.save(update_fields=["mapping", "status"])
        ColumnMapping.objects.update_or_create(
            member=batch.member, kind=batch.kind, defaults={"mapping": chosen}
        )
    return batch


# Preview -----------------------------------------------------------------------------


def preview_start(*, batch: ImportBatch, by: Any) -> ImportBatch:
    """Queue the preview of a mapped batch for the task worker."""
    from marsad.imports.tasks import import_preview_task

    with transaction.atomic():
        _claim(batch, (ImportBatch.Status.MAPPING,), ImportBatch.Status.VALIDATING)
        result = import_preview_task.enqueue(batch.pk)
        batch.task_id = str(result.id)
        batch.save(update_fields=["task_id"])
    return batch


def _places() -> Places:
    return Places(
        governorate_index(),
        list(District.objects.values("code", "name_ar", "name_en", "governorate__code")),
    )


def _household_check(parsed: ParsedHousehold) -> tuple[list[Problem], list[CleanPerson]]:
    """What the registry would reject, without writing (the checks of registration), and
    the people as registration reads them (those it could read).

    Every problem of the rows at once: the cells that could not be read, then registration's
    checks of the rest (a field whose cell was unreadable is not reported twice).
    """
    problems = list(parsed.problems)
    unread = {problem["field"] for problem in problems}
    indexes: list[str] = []
    cleaned: list[CleanPerson] = []
    for index, person in enumerate(parsed.people):
        clean, found = validate_person(person, index=index)
        problems += [problem.as_dict() for problem in found if problem.field not in unread]
        if clean is not None:
            cleaned.append(clean)
            if clean.national_id_index:
                indexes.append(clean.national_id_index)
    heads = sum(1 for person in parsed.people if person.relation == Person.Relation.HEAD)
    relations_read = not any(field.endswith(".relation") for field in unread)
    if heads != 1 and relations_read:
        problems.append(
            {
                "field": "people",
                "code": str(RegistryError.NO_HEAD),
                "message": _("Exactly one member must be the head of the household."),
            }
        )
    if len(indexes) != len(set(indexes)):
        problems.append(
            {
                "field": "people",
                "code": str(RegistryError.DUPLICATE_IN_REQUEST),
                "message": _("The same national ID is written for two members."),
            }
        )
    return problems, cleaned


def _holders_refused(
    batch: ImportBatch, households: Sequence[tuple[ParsedHousehold, list[CleanPerson]]]
) -> dict[int, list[Problem]]:
    """By place in `households`: the problems the import would find with people given with a
    registered national ID under another name (`registry.batch.holders_refused`)."""
    registered = registry_batch.registered_by_index(
        [
            person.national_id_index
            for _parsed, cleaned in households
            for person in cleaned
            if person.national_id_index
        ]
    )
    given = [
        registry_batch.GivenHolder(
            number,
            position,
            person.linkage_record(
                record_id="new",
                governorate=parsed.household.governorate if parsed.household else "",
            ),
            registered[person.national_id_index],
        )
        for number, (parsed, cleaned) in enumerate(households)
        for position, person in enumerate(cleaned)
        if person.national_id_index in registered
    ]
    refused = registry_batch.holders_refused(
        given, member=batch.member, by=batch.created_by, source=f"import #{batch.pk}"
    )
    return {
        number: [problem.as_dict() for problem in problems] for number, problems in refused.items()
    }


def _household_rejections(
    batch: ImportBatch,
    stage: str,
    source: SourceHousehold,
    problems: list[Problem],
    columns: Columns,
) -> list[ImportRejection]:
    """One rejected row per line of the household: its own problems and the household's."""
    own: dict[int, list[Problem]] = {}
    shared: list[Problem] = []
    for problem in problems:
        index = person_index(problem.get("field", ""))
        if index is not None and index < len(source.rows):
            own.setdefault(index, []).append(problem)
        else:
            shared.append(problem)
    first_line = source.rows[min(own)].line if own and not shared else source.line
    rejections = []
    for index, row in enumerate(source.rows):
        row_problems = shared + own.get(index, [])
        if not row_problems:
            row_problems = [
                {
                    "field": "household",
                    "code": str(ImportsError.HOUSEHOLD_INCOMPLETE),
                    "message": _(
                        "Not imported because another row of the same household (line "
                        "%(line)s) has a problem."
                    )
                    % {"line": first_line},
                }
            ]
        rejections.append(
            ImportRejection.of(
                batch=batch,
                stage=stage,
                line=row.line,
                row=columns.raw(row.cells),
                problems=row_problems,
            )
        )
    return rejections


@dataclass
class _Run:
    batch: ImportBatch
    columns: Columns
    path: Path
    progress: Progress | None

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.batch.records_done, self.batch.records_total)


def _run_for(batch: ImportBatch, progress: Progress | None) -> _Run:
    columns = Columns(batch.header, batch.mapping, batch.header_line)
    return _Run(batch, columns, Path(batch.file.path), progress)


def _fail(batch: ImportBatch, error: BaseException) -> None:
    # A problem told to the user is kept as told; anything else names its type as well.
    message = (
        str(error.message)
        if isinstance(error, ApplicationError)
        else f"{type(error).__name__}: {error}"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        error=message[:2000],
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()


def preview_run(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Validate every row of a batch that is being validated; write only its own rows.

    The batch's earlier preview rejections are replaced; its counts say how many records
    would be created, were imported before, or are rejected (each with its rows kept).
    """
    if batch.status != ImportBatch.Status.VALIDATING:
        raise _wrong_status(batch)
    with translation.override(batch.language):
        run = _run_for(batch, progress)
        try:
            with transaction.atomic():
                batch.rejections.filter(stage=ImportRejection.Stage.PREVIEW).delete()
                for name in (*_PREVIEW_COUNTERS, "records_done", "rows_total", "records_total"):
                    setattr(batch, name, 0)
                batch.save()
            if batch.kind == ImportKind.HOUSEHOLDS:
                _households_preview(run)
            else:
                _aid_preview(run)
        except Exception as error:
            _fail(batch, error)
            raise
        batch.status = ImportBatch.Status.PREVIEWED
        batch.previewed_at = timezone.now()
        batch.save(update_fields=["status", "previewed_at"])
        run.report()
    return batch


def _households_preview(run: _Run) -> None:
    batch, columns = run.batch, run.columns
    count, per_ref = count_households(run.path, columns)
    batch.rows_total, batch.records_total = count.rows, count.households
    batch.save(update_fields=["rows_total", "records_total"])
    run.report()
    parser = HouseholdParser(columns, _places())
    stage = ImportRejection.Stage.PREVIEW
    for chunk in _chunks(household_groups(run.path, columns, per_ref), HOUSEHOLD_CHUNK):
        imported = registry_batch.imported_keys(batch.member, (source.ref for source in chunk))
        rejections: list[ImportRejection] = []
        sound: list[tuple[ParsedHousehold, list[CleanPerson]]] = []
        for source in chunk:
            if source.ref in imported:
                batch.records_existing += 1
                continue
            parsed = parser.parse(source)
            problems, cleaned = _household_check(parsed)
            if problems:
                batch.records_rejected += 1
                rejections += _household_rejections(batch, stage, source, problems, columns)
            else:
                sound.append((parsed, cleaned))
        refused = _holders_refused(batch, sound)
        for number, (parsed, _cleaned) in enumerate(sound):
            if number in refused:
                batch.records_rejected += 1
                rejections += _household_rejections(
                    batch, stage, parsed.source, refused[number], columns
                )
            else:
                batch.records_valid += 1
        batch.records_done += len(chunk)
        with transaction.atomic():
            ImportRejection.objects.bulk_create(rejections, batch_size=1000)
            batch.save(update_fields=[*_PREVIEW_COUNTERS, "records_done"])
        run.report()


def _aid_rows(run: _Run) -> Iterator[list[tuple[aid_batch.AidRow, Sequence[object]]]]:
    columns = run.columns
    for chunk in _chunks(data_rows(run.path, columns.header_line), AID_CHUNK):
        rows = []
        for source in chunk:
            raw = aid_raw(columns, source.cells)
            key = aid_key(columns, source.cells)
            legacy = "" if key else legacy_aid_key(raw)
            rows.append((aid_batch.AidRow(key, source.line, raw, legacy), source.cells))
        yield rows


def _aid_rejection(
    batch: ImportBatch,
    stage: str,
    outcome: aid_batch.AidOutcome,
    cells: Sequence[object],
    columns: Columns,
) -> ImportRejection:
    return ImportRejection.of(
        batch=batch,
        stage=stage,
        line=outcome.line,
        row=columns.raw(cells),
        problems=outcome.problems,
    )


def _aid_preview(run: _Run) -> None:
    batch = run.batch
    stage = ImportRejection.Stage.PREVIEW
    estimate = estimate_data_rows(run.path, run.columns.header_line)
    batch.records_total = estimate
    batch.save(update_fields=["records_total"])
    run.report()
    file = aid_batch.AidFile()
    for chunk in _aid_rows(run):
        outcomes = aid_batch.aid_rows_check(
            member=batch.member, rows=[row for row, _ in chunk], file=file, by=batch.created_by
        )
        rejections = []
        for outcome, (_row, cells) in zip(outcomes, chunk, strict=True):
            if outcome.status == "existing":
                batch.records_existing += 1
            elif outcome.status == "rejected":
                batch.records_rejected += 1
                rejections.append(_aid_rejection(batch, stage, outcome, cells, run.columns))
            else:
                batch.records_valid += 1
            if outcome.findings and outcome.status != "rejected":
                batch.flagged += 1
        batch.records_done += len(chunk)
        batch.rows_total = batch.records_done
        batch.records_total = max(estimate, batch.records_done)
        with transaction.atomic():
            ImportRejection.objects.bulk_create(rejections, batch_size=1000)
            batch.save(
                update_fields=[*_PREVIEW_COUNTERS, "records_done", "rows_total", "records_total"]
            )
        run.report()
    batch.rows_total = batch.records_total = batch.records_done
    batch.save(update_fields=["rows_total", "records_total"])


# Import ------------------------------------------------------------------------------


def _importable(batch: ImportBatch) -> bool:
    return batch.status == ImportBatch.Status.PREVIEWED or (
        batch.status == ImportBatch.Status.FAILED and batch.imported
    )


def import_start(*, batch: ImportBatch, by: Any, request: HttpRequest | None = None) -> ImportBatch:
    """Queue the import of a previewed batch (or the continuation of a failed one)."""
    from marsad.imports.tasks import import_run_task

    if not _importable(batch):
        raise _wrong_status(batch)
    with transaction.atomic():
        _claim(
            batch,
            (ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED),
            ImportBatch.Status.IMPORTING,
        )
        result = import_run_task.enqueue(batch.pk, by.pk if by is not None else None)
        batch.task_id = str(result.id)
        batch.save(update_fields=["task_id"])
        audit_record(
            actor=by,
            action="update",
            target=batch,
            changes={"import": "started", "member": batch.member.slug},
            request=request,
        )
    return batch


def import_run(*, batch: ImportBatch, by: Any, progress: Progress | None = None) -> ImportBatch:
    """Import a batch that is importing, chunk by chunk (see the module's docstring)."""
    if batch.status != ImportBatch.Status.IMPORTING:
        raise _wrong_status(batch)
    with translation.override(batch.language):
        run = _run_for(batch, progress)
        try:
            with transaction.atomic():
                batch.rejections.filter(stage=ImportRejection.Stage.IMPORT).delete()
                for name in _COUNTERS:
                    setattr(batch, name, 0)
                batch.started_at, batch.finished_at = timezone.now(), None
                batch.save()
            run.report()
            if batch.kind == ImportKind.HOUSEHOLDS:
                _households_import(run, by)
            else:
                _aid_import(run, by)
        except Exception as error:
            _fail(batch, error)
            raise
        batch.status = ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
        run.report()
    if batch.created:
        # Bulk writes send no signals: the gap map is told once per import.
        gap_recompute_request()
    return batch


def _households_import(run: _Run, by: Any) -> None:
    batch, columns = run.batch, run.columns
    count, per_ref = count_households(run.path, columns)
    if count.households != batch.records_total:
        batch.rows_total, batch.records_total = count.rows, count.households
        batch.save(update_fields=["rows_total", "records_total"])
    parser = HouseholdParser(columns, _places())
    # Reading and registering keep many objects alive: see `collector_paused`.
    with collector_paused():
        for chunk in _chunks(household_groups(run.path, columns, per_ref), HOUSEHOLD_CHUNK):
            _households_import_chunk(run, by, parser, chunk)
            run.report()
            collect_young()
            analyze_grown(*registry_batch.WRITTEN_MODELS)


def _households_import_chunk(
    run: _Run, by: Any, parser: HouseholdParser, chunk: list[SourceHousehold]
) -> None:
    """Parse a chunk, register what parses, and store its rejected rows and counts."""
    batch, columns = run.batch, run.columns
    stage = ImportRejection.Stage.IMPORT
    imported = registry_batch.imported_keys(batch.member, (source.ref for source in chunk))
    rejections: list[ImportRejection] = []
    rows: list[registry_batch.HouseholdRow] = []
    sources: list[SourceHousehold] = []
    counts = dict.fromkeys(_COUNTERS, 0)
    for source in chunk:
        if source.ref in imported:
            counts["existing"] += 1
            continue
        parsed = parser.parse(source)
        if parsed.problems or parsed.household is None:
            counts["rejected"] += 1
            rejections += _household_rejections(batch, stage, source, parsed.problems, columns)
        else:
            rows.append(
                registry_batch.HouseholdRow(
                    key=source.ref,
                    line=source.line,
                    household=parsed.household,
                    people=parsed.people,
                    lines=source.lines,
                )
            )
            sources.append(source)
    with transaction.atomic():
        outcomes = (
            registry_batch.households_register_batch(
                member=batch.member, by=by, rows=rows, source=f"import #{batch.pk}"
            )
            if rows
            else []
        )
        for outcome, source in zip(outcomes, sources, strict=True):
            if outcome.status == "created":
                counts["created"] += 1
                counts["people_created"] += len(outcome.created)
                counts["people_linked"] += len(outcome.linked)
                counts["pending_review"] += len(outcome.pending)
                counts["to_review"] += len(outcome.to_review)
            elif outcome.status == "existing":
                counts["existing"] += 1
            elif outcome.status == registry_batch.Status.LINKED:
                # Everyone registered already: linked, nothing new to create.
                counts["existing"] += 1
                counts["people_linked"] += len(outcome.linked)
            else:
                counts["rejected"] += 1
                rejections += _household_rejections(batch, stage, source, outcome.problems, columns)
        counts["records_done"] = len(chunk)
        ImportRejection.objects.bulk_create(rejections, batch_size=1000)
        _add(batch, counts)


def _add(batch: ImportBatch, counts: Mapping[str, int]) -> None:
    for name, value in counts.items():
        setattr(batch, name, getattr(batch, name) + value)
    batch.save(update_fields=list(counts))


def _aid_import(run: _Run, by: Any) -> None:
    batch = run.batch
    stage = ImportRejection.Stage.IMPORT
    with collector_paused():
        _aid_import_chunks(run, by, stage)
    if batch.records_total < batch.records_done:
        batch.rows_total = batch.records_total = batch.records_done
        batch.save(update_fields=["rows_total", "records_total"])


def _aid_import_chunks(run: _Run, by: Any, stage: str) -> None:
    batch = run.batch
    file = aid_batch.AidFile()
    for chunk in _aid_rows(run):
        counts = dict.fromkeys(_COUNTERS, 0)
        with transaction.atomic():
            outcomes = aid_batch.aid_entries_import_batch(
                member=batch.member, by=by, rows=[row for row, _ in chunk], file=file
            )
            rejections = []
            for outcome, (_row, cells) in zip(outcomes, chunk, strict=True):
                if outcome.status == "created":
                    counts["created"] += 1
                    counts["flagged"] += bool(outcome.findings)
                elif outcome.status == "existing":
                    counts["existing"] += 1
                else:
                    counts["rejected"] += 1
                    rejections.append(_aid_rejection(batch, stage, outcome, cells, run.columns))
            counts["records_done"] = len(chunk)
            ImportRejection.objects.bulk_create(rejections, batch_size=1000)
            _add(batch, counts)
        run.report()
        collect_young()
        analyze_grown(*aid_batch.WRITTEN_MODELS)


# The whole import of a file, synchronously -------------------------------------------


def import_file(
    *,
    path: Path | str,
    member: Member,
    kind: str,
    by: Any = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    preview: bool = True,
    dry_run: bool = False,
) -> ImportBatch:
    """Upload, map, preview and import a file on disk, without the task worker.

    `mapping` (field → column) defaults to the member's remembered mapping where its
    columns are in the file, completed by the suggestions from the headers. With
    `dry_run` it stops after the preview; with `preview=False` it imports straight away
    (the import checks every row anyway). Raises ApplicationError for an unreadable file
    or an incomplete mapping, and re-raises whatever stopped an import (the batch is
    marked failed, with the chunks before the failure kept).
    """
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(
            code=ImportsError.UNREADABLE_FILE,
            message=_("No such file: %(path)s") % {"path": str(path)},
        )
    with path.open("rb") as stream:
        batch = batch_upload(
            member=member,
            by=by,
            file=stream,
            name=path.name,
            kind=kind,
            language=translation.get_language() or "ar",
        )
    if mapping is None:
        mapping = selectors.mapping_suggested(batch)
    batch_map(batch=batch, mapping=mapping, by=by)
    if preview or dry_run:
        _claim(batch, (ImportBatch.Status.MAPPING,), ImportBatch.Status.VALIDATING)
        preview_run(batch=batch, progress=progress)
        if dry_run:
            return batch
    _claim(
        batch,
        (ImportBatch.Status.MAPPING, ImportBatch.Status.PREVIEWED),
        ImportBatch.Status.IMPORTING,
    )
    audit_record(
        actor=by,
        action="update",
        target=batch,
        changes={"import": "started", "member": member.slug},
    )
    return import_run(batch=batch, by=by, progress=progress)


# Rejected rows -----------------------------------------------------------------------


def _reason(kind: str, problems: Sequence[Mapping[str, str]], mapping: Mapping[str, str]) -> str:
    parts = []
    for problem in problems:
        place = problem_place(kind, mapping, problem.get("field", ""))
        message = problem.get("message", "")
        parts.append(f"{place}: {message}" if place else message)
    return " | ".join(parts)


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def _columns_written(header: Sequence[str], rows: Iterable[Mapping[str, str]]) -> list[str]:
    """The file's columns, then those that only some rows filled past the header's last named
    column, in their order in the rows."""
    columns = list(header)
    for written in rows:
        place = len(header) - 1
        for name in written:
            if name in columns:
                place = max(place, columns.index(name))
            else:
                place += 1
                columns.insert(place, name)
    return columns


def rejections_export(
    *, batch: ImportBatch, by: Any, file_format: str, request: HttpRequest | None = None
) -> Download:
    """The rejected rows of the latest stage in the file's own columns plus the reason.

    Audited as an export of personal data (the rows hold national IDs and names).
    """
    if batch.purged_at is not None:
        raise _purged(batch)
    stage = selectors.rejection_stage(batch)
    rejected = batch.rejections.filter(stage=stage).order_by("line", "pk")
    columns = _columns_written(
        batch.header, (rejection.row_as_written() for rejection in rejected.iterator())
    )
    header = [*columns, REASON_COLUMN]
    stem = Path(batch.original_name).stem or "import"
    rows = (
        [
            *(written.get(column, "") for column in columns),
            _reason(batch.kind, rejection.problems, batch.mapping),
        ]
        for rejection in rejected.iterator()
        for written in (rejection.row_as_written(),)
    )
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Rejected rows")[:31])
        sheet.append(xlsx_row(sheet, header))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        download = Download(
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}-rejected.xlsx",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)
        # With a BOM, Excel opens the Arabic text as UTF-8.
        download = Download(
            text.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}-rejected.csv"
        )
    audit_record(
        actor=by,
        action="export",
        target=batch,
        pii=True,
        changes={"rejected_rows": stage, "format": file_format},
        request=request,
    )
    return download


# Retention ----------------------------------------------------------------------------


def batches_purge(*, keep_days: int, now: datetime.datetime | None = None) -> list[int]:
    """Remove the uploaded file and the rejected rows (personal data) of every import whose
    last work (upload, check or import) is more than `keep_days` days old; the batch itself,
    its counts and its audit trail stay. Imports at work are left alone. The ids purged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    last_work = Greatest(
        "created_at",
        *(Coalesce(name, "created_at") for name in ("previewed_at", "started_at", "finished_at")),
    )
    due = (
        ImportBatch.objects.filter(purged_at__isnull=True)
        .exclude(status__in=ImportBatch.ACTIVE)
        .annotate(last_work=last_work)
        .filter(last_work__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    purged = []
    for pk in list(due):
        with transaction.atomic():
            # Checked again under a lock: an import may have started on it meanwhile.
            batch = (
                ImportBatch.objects.select_for_update()
                .annotate(last_work=last_work)
                .filter(pk=pk, purged_at__isnull=True, last_work__lt=cutoff)
                .exclude(status__in=ImportBatch.ACTIVE)
                .first()
            )
            if batch is None:
                continue
            rows = batch.rejections.count()
            batch.rejections.all().delete()
            if batch.file:
                batch.file.delete(save=False)
            batch.purged_at = now or timezone.now()
            batch.save(update_fields=["file", "purged_at"])
            audit_record(
                actor=None,
                action="delete",
                target=batch,
                pii=True,
                changes={
                    "file": batch.original_name,
                    "rejected_rows": rows,
                    "kept_days": keep_days,
                },
            )
        purged.append(batch.pk)
    return purged
