"""The aid and service ledger and its duplicate-aid rules.

Every delivery is an `AidEntry`. Entries are never edited or deleted: a mistake is
corrected by a reversal entry (negative quantity and value, pointing at the entry it
cancels) and, where needed, a new entry. "Effective" deliveries are those not reversed;
reach is counted over them through the registry, never by adding up member reports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel
from marsad.engines import aid_rules


class AidCategory(BaseModel):
    """A kind of aid or service; categories form a two-level taxonomy."""

    class Kind(models.TextChoices):
        FOOD = "food", _("Food")
        SEASONAL = "seasonal", _("Seasonal campaign")
        CASH = "cash", _("Cash")
        MEDICAL = "medical", _("Medical care")
        EDUCATION = "education", _("Education")
        HOUSING = "housing", _("Housing repair")
        IN_KIND = "in_kind", _("In-kind goods")
        EMPLOYMENT = "employment", _("Employment and economic empowerment")
        SERVICE = "service", _("Other services")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    unit_ar = models.CharField(_("unit in Arabic"), max_length=40)
    unit_en = models.CharField(_("unit in English"), max_length=40)
    unit_value = models.DecimalField(
        _("value per unit (EGP)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Used when a delivery is recorded without its value."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("aid category")
        verbose_name_plural = _("aid categories")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ar

    @property
    def unit(self) -> str:
        return self.unit_en if get_language() == "en" else self.unit_ar


class DuplicateAidRule(BaseModel):
    """At most `limit` deliveries of a category (and its sub-categories) per subject and window."""

    class Scope(models.TextChoices):
        HOUSEHOLD = aid_rules.Scope.HOUSEHOLD.value, _("per household")
        PERSON = aid_rules.Scope.PERSON.value, _("per person")

    class Window(models.TextChoices):
        DAY = aid_rules.Window.DAY.value, _("per day")
        MONTH = aid_rules.Window.MONTH.value, _("per month")
        YEAR = aid_rules.Window.YEAR.value, _("per year")
        HIJRI_YEAR = aid_rules.Window.HIJRI_YEAR.value, _("per season (Hijri year)")

    class Action(models.TextChoices):
        FLAG = aid_rules.Action.FLAG.value, _("Flag for the secretariat")
        WARN = aid_rules.Action.WARN.value, _("Warn and ask for confirmation")
        BLOCK = aid_rules.Action.BLOCK.value, _("Block unless overridden with a reason")

    category = models.ForeignKey(
        AidCategory,
        verbose_name=_("aid category"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    scope = models.CharField(_("counted"), max_length=10, choices=Scope.choices)
    window = models.CharField(_("window"), max_length=12, choices=Window.choices)
    limit = models.PositiveSmallIntegerField(_("at most"), default=1)
    across_members = models.BooleanField(
        _("across all members"),
        default=True,
        help_text=_("Count deliveries by every member, not only by the same member."),
    )
    action = models.CharField(_("action"), max_length=5, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("duplicate-aid rule")
        verbose_name_plural = _("duplicate-aid rules")
        ordering = ["category__code", "id"]
        constraints = [
            models.CheckConstraint(name="aid_rule_limit_positive", condition=Q(limit__gte=1))
        ]

    def __str__(self) -> str:
        return (
            f"{self.category}: {self.limit} {self.get_scope_display()} {self.get_window_display()}"
        )


class AidEntryQuerySet(models.QuerySet["AidEntry"]):
    def effective(self) -> AidEntryQuerySet:
        """Deliveries that stand: not reversals, and not reversed."""
        reversed_ = AidEntry.objects.filter(reverses=OuterRef("pk"))
        return self.filter(kind=AidEntry.Kind.DELIVERY).exclude(Exists(reversed_))


class AidEntry(models.Model):
    """One delivery of aid or a service, or the reversal of one. Never changed once written."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        REVERSAL = "reversal", _("Reversal")

    kind = models.CharField(_("entry"), max_length=8, choices=Kind.choices, default=Kind.DELIVERY)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        db_index=False,
    )
    category = models.ForeignKey(
        AidCategory,
        verbose_name=_("aid category"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        db_index=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        null=True,
        blank=True,
        help_text=_("Empty when the aid went to the household as a whole."),
        db_index=False,
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    value = models.DecimalField(_("value (EGP)"), max_digits=14, decimal_places=2)
    delivered_on = models.DateField(_("delivered on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        null=True,
        blank=True,
        db_index=False,
    )
    governorate = models.ForeignKey(
        "geo.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        db_index=False,
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="aid_entries",
        null=True,
        blank=True,
        db_index=False,
    )
    village = models.CharField(_("village or shiakha"), max_length=120, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by (user)"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    delivered_by_name = models.CharField(
        _("delivered by"),
        max_length=150,
        blank=True,
        help_text=_("Name of the staff member or volunteer who handed it over."),
    )
    evidence = models.FileField(_("evidence"), upload_to="aid-evidence/%Y/%m/", blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        related_name="reversal",
        null=True,
        blank=True,
    )
    note = models.CharField(_("note or reason"), max_length=300, blank=True)
    source_key = models.CharField(
        _("source key"),
        max_length=64,
        blank=True,
        help_text=_("The member's reference for this delivery; importing it again adds nothing."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = AidEntryQuerySet.as_manager()

    # Every foreign key but `reverses` is left without its own index: the composite indexes
    # below lead with household, person, governorate and member, and the others (category,
    # program, district, users) are only looked up when one of those rows is deleted,
    # which the ledger protects against or which is rare. Each index costs every insert.
    class Meta:
        verbose_name = _("aid entry")
        verbose_name_plural = _("aid entries")
        ordering = ["-delivered_on", "-id"]
        indexes = [
            models.Index(fields=["household", "category", "period_start"]),
            models.Index(fields=["person", "category", "period_start"]),
            models.Index(fields=["governorate", "category", "delivered_on"]),
            models.Index(fields=["member", "delivered_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_key"],
                condition=~Q(source_key=""),
                name="aid_source_key_per_member",
            ),
            models.CheckConstraint(
                name="aid_period_ordered", condition=Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(
                name="aid_reversal_points_back",
                condition=(Q(kind="delivery") & Q(reverses__isnull=True))
                | (Q(kind="reversal") & Q(reverses__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.category} {self.quantity}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Aid entries are never changed; record a reversal instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AidConflict(models.Model):
    """A delivery that a duplicate-aid rule caught, and what was decided about it."""

    class Resolution(models.TextChoices):
        FLAGGED = "flagged", _("Flagged")
        CONFIRMED = "confirmed", _("Warned and confirmed")
        OVERRIDDEN = "overridden", _("Block overridden")

    #: What recording a delivery despite a finding means, by the rule's action.
    RESOLUTION_BY_ACTION = {
        aid_rules.Action.FLAG: Resolution.FLAGGED,
        aid_rules.Action.WARN: Resolution.CONFIRMED,
        aid_rules.Action.BLOCK: Resolution.OVERRIDDEN,
    }

    entry = models.ForeignKey(
        AidEntry, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="conflicts"
    )
    other = models.ForeignKey(
        AidEntry, verbose_name=_("earlier delivery"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        DuplicateAidRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=5, choices=DuplicateAidRule.Action.choices)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("found at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("duplicate-aid conflict")
        verbose_name_plural = _("duplicate-aid conflicts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "other", "rule"], name="one_conflict_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: #{self.entry_id} / #{self.other_id}"
