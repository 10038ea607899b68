"""Governorates and districts (markaz / qism), with boundaries stored as GeoJSON.

Boundaries are plain GeoJSON geometry objects (WGS 84) in a JSON column so that SQLite and
PostgreSQL behave the same; geometry checks use shapely at import time.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Region(models.TextChoices):
    URBAN = "urban", _("Urban governorates")
    LOWER_EGYPT = "lower", _("Lower Egypt")
    UPPER_EGYPT = "upper", _("Upper Egypt")
    FRONTIER = "frontier", _("Frontier governorates")


class NamedArea(BaseModel):
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.CharField(_("population year"), max_length=9, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    boundary = models.JSONField(
        _("boundary"), null=True, blank=True, help_text=_("GeoJSON geometry, WGS 84.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ar


class Governorate(NamedArea):
    code = models.CharField(
        _("national-ID code"),
        max_length=2,
        unique=True,
        help_text=_("The 2-digit governorate code used in the 14-digit national ID."),
    )
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)

    class Meta:
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")
        ordering = ["code"]


class District(NamedArea):
    class Kind(models.TextChoices):
        MARKAZ = "markaz", _("Markaz (rural district)")
        QISM = "qism", _("Qism (urban district)")
        CITY = "city", _("City")
        OTHER = "other", _("Other")

    governorate = models.ForeignKey(
        Governorate,
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stable code, for example the P-code of OCHA's administrative boundaries."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["governorate__code", "name_ar"]
