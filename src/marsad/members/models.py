"""Member institutions, their branches and users, the coalition's bodies and partners."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Role(models.TextChoices):
    SECRETARIAT_ANALYST = "secretariat_analyst", _("Secretariat analyst")
    MEMBER_ADMIN = "member_admin", _("Member admin")
    CASE_WORKER = "case_worker", _("Case worker")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("Volunteer coordinator")
    VOLUNTEER = "volunteer", _("Volunteer")
    BOARD_MEMBER = "board_member", _("Board of trustees member")


#: Roles whose users work for one member institution and must belong to it.
MEMBER_ROLES = frozenset({Role.MEMBER_ADMIN, Role.CASE_WORKER, Role.VOLUNTEER_COORDINATOR})


class Member(BaseModel):
    """A foundation or NGO in the coalition."""

    class Kind(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        ASSOCIATION = "association", _("Association (NGO)")
        FEDERATION = "federation", _("Federation")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    registration_number = models.CharField(
        _("registration number"),
        max_length=50,
        help_text=_("Number in the Ministry of Social Solidarity register."),
    )
    governorates = models.ManyToManyField(
        "geo.Governorate",
        verbose_name=_("governorates where active"),
        related_name="members",
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(
        _("demo institution"),
        default=False,
        help_text=_("Fictional institution created by the demo data."),
    )

    class Meta:
        verbose_name = _("member institution")
        verbose_name_plural = _("member institutions")
        ordering = ["name_ar"]

    def __str__(self) -> str:
        return self.display_name(get_language() or "")

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_ar


class Branch(BaseModel):
    member = models.ForeignKey(
        Member,
        verbose_name=_("member institution"),
        on_delete=models.CASCADE,
        related_name="branches",
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    governorate = models.ForeignKey(
        "geo.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="branches",
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="branches",
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["member", "name_ar"]

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ar


class User(AbstractUser):
    """A person who signs in: coalition staff, a member's staff, a volunteer or a trustee."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member institution"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="member_roles_have_member",
                condition=~Q(role__in=sorted(r.value for r in MEMBER_ROLES))
                | Q(member__isnull=False),
                violation_error_message=_("This role requires a member institution."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_coalition_wide(self) -> bool:
        """Secretariat staff see every member's records; nobody else does."""
        return self.is_superuser or self.role == Role.SECRETARIAT_ANALYST


class CoalitionBody(BaseModel):
    """The General Assembly, the Board of Trustees, the Technical Secretariat and committees."""

    class Kind(models.TextChoices):
        GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
        BOARD_OF_TRUSTEES = "board_of_trustees", _("Board of Trustees")
        TECHNICAL_SECRETARIAT = "technical_secretariat", _("Technical Secretariat")
        STANDING_COMMITTEE = "standing_committee", _("Standing committee")

    class Area(models.TextChoices):
        NONE = "", _("None")
        MARKETING_MEDIA = "marketing_media", _("Marketing and media")
        STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")
        ACTIVITIES_INITIATIVES = "activities_initiatives", _("Activities and initiatives")
        INVESTMENT_SUSTAINABILITY = "investment_sustainability", _("Investment and sustainability")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    area = models.CharField(_("area"), max_length=40, choices=Area.choices, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)

    class Meta:
        verbose_name = _("coalition body")
        verbose_name_plural = _("coalition bodies")
        ordering = ["kind", "name_ar"]

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ar


class BodySeat(BaseModel):
    """A seat on a coalition body, held by a member institution and/or a person."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        MEMBER = "member", _("Member")

    body = models.ForeignKey(
        CoalitionBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="seats"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member institution"),
        on_delete=models.CASCADE,
        related_name="seats",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="seats",
        null=True,
        blank=True,
    )
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    started_on = models.DateField(_("start date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.CheckConstraint(
                name="seat_has_holder",
                condition=Q(member__isnull=False) | Q(user__isnull=False),
                violation_error_message=_("A seat needs a member institution or a person."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.user or self.member}"


class Partner(BaseModel):
    """State bodies, private-sector companies and donor foundations the coalition works with."""

    class Kind(models.TextChoices):
        STATE_BODY = "state_body", _("State body")
        PRIVATE_COMPANY = "private_company", _("Private-sector company")
        DONOR_FOUNDATION = "donor_foundation", _("Donor foundation")
        INTERNATIONAL = "international", _("International organisation")

    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name_ar"]

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ar
