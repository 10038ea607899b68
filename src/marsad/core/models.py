"""Base model and the audit log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps and author for every domain record."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One fact about who did what to which record, kept forever.

    Viewing personal data (PII) is an event too: `action = view` with `pii = True`.
    Rows are only ever inserted; nothing updates or deletes them.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logged out")
        EXPORT = "export", _("exported")
        NAME_REFUSED = "name_refused", _("name refused for a national ID")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text=_("The actor's member institution at the time of the event."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=255, blank=True)
    pii = models.BooleanField(_("personal data"), default=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class CoalitionSettings(models.Model):
    """Coalition-wide settings kept in the database (one row)."""

    match_threshold = models.FloatField(
        _("automatic duplicate threshold"),
        default=0.99,
        help_text=_(
            "Match probability above which a registration is blocked as a probable "
            "duplicate pending review."
        ),
    )
    review_threshold = models.FloatField(
        _("review threshold"),
        default=0.5,
        help_text=_("Match probability above which a pair goes to the review queue."),
    )
    vulnerability_weights = models.JSONField(_("vulnerability weights"), default=dict, blank=True)
    small_count_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=10,
        help_text=_(
            "Counts of households or people below this number are hidden from members and "
            "the public (the secretariat sees them)."
        ),
    )

    class Meta:
        verbose_name = _("coalition settings")
        verbose_name_plural = _("coalition settings")
        constraints = [
            models.CheckConstraint(
                name="thresholds_ordered",
                condition=Q(review_threshold__lt=F("match_threshold"))
                & Q(review_threshold__gt=0)
                & Q(match_threshold__lt=1),
            )
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "CoalitionSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
