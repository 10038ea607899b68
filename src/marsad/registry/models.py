"""Households and the people in them.

The national ID is never stored in clear: `national_id_encrypted` holds it for authorised
display and `national_id_index` (a keyed hash) serves exact look-ups and uniqueness.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Household(BaseModel):
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    governorate = models.ForeignKey(
        "geo.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="households",
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    source_key = models.CharField(
        _("source key"),
        max_length=64,
        blank=True,
        help_text=_("Identifier in the system the household came from."),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["member", "governorate"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class Person(BaseModel):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        OTHER = "other", _("Other relative")

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    relation = models.CharField(_("relation to head"), max_length=10, choices=Relation.choices)
    full_name = models.CharField(_("full name"), max_length=200, help_text=_("As written."))
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    father_name = models.CharField(_("father's name"), max_length=60, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=60, blank=True)
    family_name = models.CharField(_("family name"), max_length=60, blank=True)
    name_normalized = models.CharField(
        _("normalised name"), max_length=200, db_index=True, editable=False
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    national_id_encrypted = models.TextField(_("national ID (encrypted)"), blank=True)
    national_id_index = models.CharField(
        _("national ID look-up key"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
    national_id_last4 = models.CharField(_("national ID, last 4 digits"), max_length=4, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["member", "household"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def national_id_masked(self) -> str:
        return f"**********{self.national_id_last4}" if self.national_id_last4 else ""
