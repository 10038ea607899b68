"""The family registry: households, the people in them, consent, needs, duplicates.

The national ID is never stored in clear: `national_id_encrypted` holds it for authorised
display and `national_id_index` (a keyed hash, unique) serves exact look-ups, so the same
person can never be registered twice, even by two members at the same moment. The name
keys and skeletons beside each name are the linkage engine's normal forms, stored so that
candidate duplicates are found with indexed queries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class BulkWrittenModel(BaseModel):
    """`BaseModel` whose stamps have no index of their own, for the tables imports write.

    Nothing looks these rows up by creation time or author (a user's rows are only read
    when the user is deleted, which is rare), and every index costs every insert of a bulk
    import: thousands of rows at a time.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class Household(BulkWrittenModel):
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,  # the index on (member, governorate) serves it
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
    village = models.CharField(_("village or shiakha"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("head of household"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
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
        # A member's household reference is imported once, even by two imports at a time.
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_key"],
                condition=~Q(source_key=""),
                name="one_household_per_member_source_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class Person(BulkWrittenModel):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        OTHER = "other", _("Other relative")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        PENDING_REVIEW = "pending_review", _("Probable duplicate, pending review")
        MERGED = "merged", _("Merged into another record")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        LITERATE = "literate", _("Reads and writes")
        PRIMARY = "primary", _("Primary")
        PREPARATORY = "preparatory", _("Preparatory")
        SECONDARY = "secondary", _("Secondary")
        UNIVERSITY = "university", _("University")

    class Disability(models.TextChoices):
        NONE = "none", _("None")
        PHYSICAL = "physical", _("Physical")
        VISUAL = "visual", _("Visual")
        HEARING = "hearing", _("Hearing")
        INTELLECTUAL = "intellectual", _("Intellectual")
        MULTIPLE = "multiple", _("Multiple")

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
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        db_index=False,  # the partial index below
    )
    relation = models.CharField(_("relation to head"), max_length=10, choices=Relation.choices)
    full_name = models.CharField(_("full name"), max_length=200, help_text=_("As written."))
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    father_name = models.CharField(_("father's name"), max_length=60, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=60, blank=True)
    family_name = models.CharField(_("family name"), max_length=60, blank=True)
    name_normalized = models.CharField(_("normalised name"), max_length=200, editable=False)
    first_key = models.CharField(max_length=60, blank=True, editable=False)
    father_key = models.CharField(max_length=60, blank=True, editable=False)
    grandfather_key = models.CharField(max_length=60, blank=True, editable=False)
    family_key = models.CharField(max_length=60, blank=True, editable=False)
    first_skeleton = models.CharField(max_length=60, blank=True, editable=False)
    father_skeleton = models.CharField(max_length=60, blank=True, editable=False)
    grandfather_skeleton = models.CharField(max_length=60, blank=True, editable=False)
    name_is_latin = models.BooleanField(default=False, editable=False)
    name_parts_normalized = models.JSONField(default=list, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, editable=False
    )
    national_id_encrypted = models.TextField(_("national ID (encrypted)"), blank=True)
    # NULL, not "", for people without an ID: the uniqueness constraint ignores NULLs.
    national_id_index = models.CharField(  # noqa: DJ001
        _("national ID look-up key"), max_length=64, null=True, blank=True, editable=False
    )
    national_id_last4 = models.CharField(_("national ID, last 4 digits"), max_length=4, blank=True)
    national_id_checked = models.BooleanField(default=False, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    phone_alt = models.CharField(_("second phone"), max_length=16, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    disability = models.CharField(
        _("disability"), max_length=12, choices=Disability.choices, blank=True
    )
    monthly_income = models.DecimalField(
        _("monthly income (EGP)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    # Every index costs every insert (bulk imports write thousands of people at a time), so
    # the table keeps only the indexes some query reads: the primary key, the national ID's
    # uniqueness, the household, the member's people (which also serves the member foreign
    # key), merged_into for the few merged records (a partial index: new people never enter
    # it) and one index per candidate rule. Nothing queries by name_normalized and nothing
    # searches the blind index by prefix.
    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # The same person can never be registered twice, even by two members at once.
            models.UniqueConstraint(fields=["national_id_index"], name="one_person_per_national_id")
        ]
        # One index per candidate rule of `marsad.matching.selectors.CANDIDATE_RULES`.
        indexes = [
            models.Index(fields=["member", "household"]),
            models.Index(fields=["first_key", "birth_date"]),
            models.Index(fields=["first_key", "father_key", "birth_year"]),
            models.Index(fields=["father_key", "grandfather_key", "birth_date"]),
            models.Index(fields=["phone", "first_key"]),
            models.Index(fields=["first_skeleton", "father_skeleton", "birth_year"]),
            models.Index(fields=["first_key", "father_key", "grandfather_key"]),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="registry_person_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def national_id_masked(self) -> str:
        return f"**********{self.national_id_last4}" if self.national_id_last4 else ""


class HouseholdReference(BulkWrittenModel):
    """A member's own reference for a household another member registered.

    When a member imports a household whose people are all registered already, no second
    household is created: its reference is kept here, so that importing the file again adds
    nothing and the member's aid rows naming that reference reach the real household.
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.CASCADE,
        related_name="household_references",
        db_index=False,  # the unique (member, source_key) index serves it
    )
    source_key = models.CharField(_("source key"), max_length=64)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="references",
    )

    class Meta:
        verbose_name = _("household reference")
        verbose_name_plural = _("household references")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_key"], name="one_reference_per_member_source_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_key} → {self.household_id}"


class HouseholdMembership(BulkWrittenModel):
    """A person's time in a household: moves are new rows, never overwritten."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    relation = models.CharField(
        _("relation to head"), max_length=10, choices=Person.Relation.choices
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="one_current_household_per_person",
            )
        ]


class Consent(BaseModel):
    class Scope(models.TextChoices):
        COORDINATION = "coordination", _("Coordination between coalition members")
        STATISTICS = "statistics", _("Anonymous statistics")
        CONTACT = "contact", _("Contact about programs")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    given_on = models.DateField(_("date given"))
    withdrawn_on = models.DateField(_("date withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class ServiceLink(BulkWrittenModel):
    """A member institution serves a person: what coordination shows to other members."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.CASCADE,
        related_name="service_links",
        db_index=False,  # the unique (member, person) index serves it
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="service_links",
    )
    since = models.DateField(_("served since"))
    aid_types = models.JSONField(_("aid types"), default=list, blank=True)

    class Meta:
        verbose_name = _("service link")
        verbose_name_plural = _("service links")
        constraints = [
            models.UniqueConstraint(fields=["member", "person"], name="one_link_per_member")
        ]


class NeedsAssessment(BaseModel):
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    facts = models.JSONField(_("facts"), default=dict)
    score = models.FloatField(_("vulnerability score"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=10, blank=True)
    breakdown = models.JSONField(_("breakdown"), default=list)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["-assessed_on", "-pk"]
