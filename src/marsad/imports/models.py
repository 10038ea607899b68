"""Bulk imports of members' spreadsheets: the uploaded file, its preview and its outcome.

An `ImportBatch` is one uploaded file for one member. It is previewed (every row validated,
nothing written but the batch's own rows) and then imported chunk by chunk through the
registry's and the ledger's batch services. Rejected rows are kept as `ImportRejection`
rows, in the file's own columns, so that none is lost and all can be downloaded.
"""

from __future__ import annotations

import json
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marsad.core.crypto import decrypt_pii, encrypt_pii


def upload_path(_instance: Any, filename: str) -> str:
    """A random name in a private folder: never served, and the original name not leaked."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"private/imports/{uuid.uuid4().hex}{suffix}"


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households and their members")
    AID = "aid", _("Aid deliveries")


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPING = "mapping", _("Columns to match")
        VALIDATING = "validating", _("Checking the rows")
        PREVIEWED = "previewed", _("Checked, ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.VALIDATING, Status.IMPORTING)

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    kind = models.CharField(_("what the file holds"), max_length=12, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    header = models.JSONField(_("columns of the file"), default=list)
    other_sheets = models.JSONField(
        _("other sheets of the workbook"),
        default=list,
        blank=True,
        help_text=_("Sheets after the first that hold data; only the first sheet is read."),
    )
    header_line = models.PositiveIntegerField(
        _("line of the column names"),
        default=1,
        help_text=_("Title rows above it are not data."),
    )
    mapping = models.JSONField(
        _("column mapping"), default=dict, help_text=_("Field → column of the file.")
    )
    language = models.CharField(_("language of messages"), max_length=8, default="ar")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    records_total = models.PositiveIntegerField(
        _("records in the file"),
        default=0,
        help_text=_("Households (a household spans several rows) or aid deliveries."),
    )
    records_valid = models.PositiveIntegerField(_("records ready to import"), default=0)
    records_rejected = models.PositiveIntegerField(_("records rejected"), default=0)
    records_existing = models.PositiveIntegerField(_("records imported before"), default=0)
    records_done = models.PositiveIntegerField(_("records processed"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    existing = models.PositiveIntegerField(_("records already there"), default=0)
    rejected = models.PositiveIntegerField(_("records rejected at import"), default=0)
    people_created = models.PositiveIntegerField(_("people created"), default=0)
    people_linked = models.PositiveIntegerField(_("people already registered, linked"), default=0)
    pending_review = models.PositiveIntegerField(
        _("probable duplicates held for review"), default=0
    )
    to_review = models.PositiveIntegerField(_("possible duplicates sent for review"), default=0)
    flagged = models.PositiveIntegerField(_("deliveries flagged by duplicate-aid rules"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    previewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("import finished at"), null=True, blank=True)
    purged_at = models.DateTimeField(
        _("file and rejected rows removed at"),
        null=True,
        blank=True,
        help_text=_("Removed when kept longer than the retention period allows."),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["member", "kind", "checksum"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}: {self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def imported(self) -> bool:
        """The import ran (to the end or not): downloads show its rejections, not the preview's."""
        return self.started_at is not None

    @property
    def progress_total(self) -> int:
        return self.records_total

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.records_total:
            return 0
        return min(100, 100 * self.records_done // self.records_total)


class ImportRejection(models.Model):
    """One rejected row of a file, as it was written, with every reason.

    The row holds personal data (national IDs, names, phones), and its problems quote the
    cells they are about (a birth date, an income): both are stored encrypted as the registry
    stores national IDs (`core.crypto`). Build one with `ImportRejection.of(...)`; read the
    row with `row_as_written` and the problems with `problems`.
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        IMPORT = "import", _("Import")

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rejections"
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    line = models.PositiveIntegerField(_("line of the file"))
    sealed_row = models.TextField(_("the row as written (encrypted)"), default="", editable=False)
    sealed_problems = models.TextField(_("problems (encrypted)"), default="", editable=False)

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["line", "pk"]
        indexes = [models.Index(fields=["batch", "stage", "line"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"

    @classmethod
    def of(
        cls,
        *,
        batch: ImportBatch,
        stage: str,
        line: int,
        row: dict[str, str],
        problems: list[dict[str, str]],
    ) -> ImportRejection:
        """A rejected row, its cells (column name → text as written) sealed."""
        return cls(
            batch=batch,
            stage=stage,
            line=line,
            sealed_row=encrypt_pii(json.dumps(row, ensure_ascii=False)),
            sealed_problems=encrypt_pii(json.dumps(problems, ensure_ascii=False)),
        )

    def row_as_written(self) -> dict[str, str]:
        """Column name → the cell as the file wrote it."""
        return json.loads(decrypt_pii(self.sealed_row)) if self.sealed_row else {}

    @property
    def problems(self) -> list[dict[str, str]]:
        """Every problem of the row: field, code and message."""
        return json.loads(decrypt_pii(self.sealed_problems)) if self.sealed_problems else []


class ColumnMapping(models.Model):
    """The mapping a member used last for a kind of file: offered again next time."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("what the file holds"), max_length=12, choices=ImportKind.choices)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="one_mapping_per_member_kind")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.kind}"
