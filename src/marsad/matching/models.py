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
