"""The review queue: pairs of registry records that may be one person."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel
from marsad.registry.models import Person


class DuplicateCase(BaseModel):
    """A pair of records that may be one person, waiting for (or holding) a human decision.

    `person_a` has the smaller primary key, so a pair has exactly one case; a pair decided
    "different people" is never raised again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        MERGED = "merged", _("Same person: merged")
        DISTINCT = "distinct", _("Different people")
        UNDONE = "undone", _("Merge undone")

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        SCAN = "scan", _("Registry scan")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    evidence = models.JSONField(_("evidence"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(_("found by"), max_length=12, choices=Source.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merge_record = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_case_per_pair"),
            models.CheckConstraint(name="pair_ordered", condition=Q(person_a__lt=F("person_b"))),
        ]
        indexes = [models.Index(fields=["status", "-probability"])]


class RegistryScan(models.Model):
    """One run of the registry-wide duplicate scan, with its progress for the screen.

    The scan only opens review cases; people are merged by reviewers, never by the scan.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        LOADING = "loading", _("Reading the registry")
        SCORING = "scoring", _("Scoring pairs")
        RECORDING = "recording", _("Opening review cases")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, blank=True)
    records_total = models.PositiveIntegerField(_("records to read"), default=0)
    records_done = models.PositiveIntegerField(_("records read"), default=0)
    pairs_scored = models.PositiveBigIntegerField(
        _("pairs scored"),
        default=0,
        help_text=_("Candidate pairs whose match probability reached the review threshold."),
    )
    cases_opened = models.PositiveBigIntegerField(_("cases opened"), default=0)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("registry scan")
        verbose_name_plural = _("registry scans")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
