"""The development gap observatory: official indicators, gap-index snapshots, recompute requests.

Indicator values are facts with a source and a year; a value that is not known has no row
(never a zero). Snapshots are what the map reads: each is one complete computation of the
gap index for a level, sector and period, kept so that the map can say "as of" and draw a
trend. Nothing on the map is aggregated from the ledger while a page waits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Level(models.TextChoices):
    GOVERNORATE = "governorate", _("Governorate")
    DISTRICT = "district", _("District")


class Indicator(BaseModel):
    """The definition of an official indicator and how it enters the need index."""

    class Direction(models.TextChoices):
        MORE_IS_WORSE = "more_is_worse", _("Higher means more need")
        MORE_IS_BETTER = "more_is_better", _("Higher means less need")

    class Transform(models.TextChoices):
        NONE = "none", _("As published")
        PER_CAPITA = "per_capita", _("Per 1,000 population")
        LOG = "log", _("Logarithm")
        PER_CAPITA_LOG = "per_capita_log", _("Logarithm of the rate per 1,000 population")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    unit_ar = models.CharField(_("unit in Arabic"), max_length=80, blank=True)
    unit_en = models.CharField(_("unit in English"), max_length=80, blank=True)
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.MORE_IS_WORSE
    )
    transform = models.CharField(
        _("transformation"), max_length=16, choices=Transform.choices, default=Transform.NONE
    )
    goal_low = models.FloatField(
        _("lower goalpost"),
        null=True,
        blank=True,
        help_text=_("Values at or below it score as the lowest; empty: the lowest observed."),
    )
    goal_high = models.FloatField(
        _("upper goalpost"),
        null=True,
        blank=True,
        help_text=_("Values at or above it score as the highest; empty: the highest observed."),
    )
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        help_text=_("Weight in the need index; 0 shows the indicator without counting it."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    level = models.CharField(
        _("administrative level"), max_length=12, choices=Level.choices, default=Level.GOVERNORATE
    )
    is_need = models.BooleanField(
        _("need indicator"),
        default=True,
        help_text=_("Unticked: context only (population, counts), never part of the need index."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="indicator_weight_not_negative", condition=Q(weight__gte=0))
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ar

    @property
    def unit(self) -> str:
        return self.unit_en if get_language() == "en" else self.unit_ar

    @property
    def in_need_index(self) -> bool:
        return self.is_need and self.weight > 0


class IndicatorValue(models.Model):
    """One published figure: an indicator's value for one area and one year, with its source."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    governorate = models.ForeignKey(
        "geo.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    year = models.CharField(_("year"), max_length=9, help_text=_("As published: 2017 or 2017/18."))
    year_sort = models.PositiveSmallIntegerField(
        _("year for sorting"), help_text=_("The first calendar year of `year`.")
    )
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=500)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__code", "year_sort"]
        constraints = [
            models.CheckConstraint(
                name="indicator_value_one_area",
                condition=(Q(governorate__isnull=False) & Q(district__isnull=True))
                | (Q(governorate__isnull=True) & Q(district__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["indicator", "governorate", "year"],
                condition=Q(governorate__isnull=False),
                name="indicator_value_per_governorate_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "year"],
                condition=Q(district__isnull=False),
                name="indicator_value_per_district_year",
            ),
        ]

    def __str__(self) -> str:
        area = self.governorate or self.district
        return f"{self.indicator.code} {area} {self.year}: {self.value}"


class GapSnapshot(models.Model):
    """One computation of the gap index for a level, a sector and a period."""

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    as_of = models.DateTimeField(_("as of"), db_index=True)
    level = models.CharField(_("administrative level"), max_length=12, choices=Level.choices)
    sector = models.SlugField(
        _("sector"), max_length=60, blank=True, help_text=_("Aid category code; empty: all aid.")
    )
    period = models.CharField(
        _("period"), max_length=10, help_text=_("all, a year (2026) or a quarter (2026-Q3).")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.READY
    )
    settings = models.JSONField(
        _("settings used"), default=dict, help_text=_("Indicator weights and options.")
    )
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("gap snapshot")
        verbose_name_plural = _("gap snapshots")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(
                fields=["level", "sector", "period", "status", "-as_of"],
                name="gap_snapshot_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.sector or '*'} {self.period} @ {self.as_of:%Y-%m-%d %H:%M}"


class GapScore(models.Model):
    """One area's need, coverage and gap in a snapshot, with the parts that explain them.

    Counts are stored exactly; the selectors suppress small ones for whoever may not see
    them.
    """

    snapshot = models.ForeignKey(
        GapSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="scores"
    )
    governorate = models.ForeignKey(
        "geo.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    area_code = models.CharField(_("area code"), max_length=20)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    need = models.FloatField(_("need"), null=True, blank=True)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    gap_rank = models.FloatField(
        _("gap rank score"),
        null=True,
        blank=True,
        help_text=_("Percentile of need × (1 − percentile of coverage), in [0, 1]."),
    )
    rank = models.PositiveIntegerField(_("priority rank"), null=True, blank=True)
    households_reached = models.PositiveIntegerField(_("households reached"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    aid_value = models.FloatField(_("aid value (EGP)"), default=0)
    value_per_capita = models.FloatField(_("aid value per person (EGP)"), null=True, blank=True)
    members_active = models.PositiveIntegerField(_("members active"), default=0)
    programs_active = models.PositiveIntegerField(_("programs active"), default=0)
    indicators = models.JSONField(
        _("indicator values"), default=dict, help_text=_("{code: {value, year}} used.")
    )
    coverage_values = models.JSONField(_("coverage measures"), default=dict)
    parts = models.JSONField(_("explanation"), default=dict)
    missing = models.JSONField(_("missing indicators"), default=list)
    actors = models.JSONField(
        _("who does what"), default=dict, help_text=_("Members and programs active in the area.")
    )

    class Meta:
        verbose_name = _("gap score")
        verbose_name_plural = _("gap scores")
        ordering = ["snapshot", "rank", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "area_code"], name="gap_score_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area_code}: {self.gap}"


class RecomputeRequest(models.Model):
    """The single row that coalesces "data changed, recompute the gap index" requests.

    `pending` is set when a task is queued and cleared when the task starts: while it is
    set, further requests add nothing.
    """

    requested_at = models.DateTimeField(_("last requested at"), null=True, blank=True)
    pending = models.BooleanField(_("task queued"), default=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("gap recompute request")
        verbose_name_plural = _("gap recompute requests")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
