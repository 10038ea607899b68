"""Request parsing and response shapes of the API.

Input serializers check types and shapes only (dates, numbers, lengths, choice lists) and
turn a request into the services' input dataclasses; what makes a person or household valid
(names, national IDs, phones, governorates) is decided by `marsad.registry.validation`, so
the API and the web forms report the same codes. Output serializers render what the views
built and document it in the OpenAPI schema.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marsad.engines.arabic import to_western_digits
from marsad.engines.cells import CellError, parse_decimal
from marsad.engines.linkage.decision import Decision
from marsad.registry.batch import HouseholdRow
from marsad.registry.models import Gender, Person
from marsad.registry.services import HouseholdInput
from marsad.registry.validation import PersonInput

#: Most people in one request; more is not a household but a file (`marsad dedupe`).
MAX_PEOPLE = 100
#: Households in one batch call: one transaction, a few seconds of work at most.
MAX_BATCH = 1000


class WesternDigitsCharField(serializers.CharField):
    """Text whose Arabic-Indic digits (٢٤) are read as 0-9, like everywhere in Marsad."""

    def to_internal_value(self, data: Any) -> str:
        return to_western_digits(super().to_internal_value(data))


class LocalisedDateField(serializers.DateField):
    """An ISO date (YYYY-MM-DD) that may be written with Arabic-Indic digits, and with spaces
    around it (which the web forms ignore too)."""

    def to_internal_value(self, value: Any) -> Any:
        return super().to_internal_value(
            to_western_digits(value).strip() if isinstance(value, str) else value
        )


class LocalisedDecimalField(serializers.DecimalField):
    """A decimal that may be written as members write numbers: Arabic-Indic digits, thousands
    separators, a decimal comma.

    With `round_places`, extra decimal places are rounded away instead of rejected (a GPS
    gives more than the six places a coordinate is stored with).
    """

    def __init__(self, *, round_places: bool = False, **kwargs: Any) -> None:
        self.round_places = round_places
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and data.strip():
            # Read as the forms and the import read a number (`1,250.50`, `١٫٥`, `12,5`).
            try:
                data = parse_decimal(data)
            except CellError:
                self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value: Decimal) -> Decimal:
        if self.round_places and self.decimal_places is not None and abs(value) < 1000:
            value = value.quantize(Decimal(1).scaleb(-self.decimal_places), ROUND_HALF_EVEN)
        result: Decimal = super().validate_precision(value)
        return result


# Requests


class PersonInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Full name as on the ID card, Arabic or Latin."
    )
    gender = serializers.CharField(
        max_length=10, allow_blank=True, help_text="`M` (male) or `F` (female)."
    )
    national_id = serializers.CharField(
        max_length=40,
        allow_blank=True,
        default="",
        help_text="The 14-digit national ID; Arabic-Indic digits, spaces and dashes are accepted.",
    )
    birth_date = LocalisedDateField(allow_null=True, default=None, help_text="YYYY-MM-DD.")
    relation = serializers.ChoiceField(
        choices=Person.Relation.choices, default=Person.Relation.HEAD
    )
    phone = serializers.CharField(
        max_length=32, allow_blank=True, default="", help_text="Egyptian mobile, e.g. 01012345678."
    )
    marital_status = serializers.ChoiceField(
        choices=Person.MaritalStatus.choices, allow_blank=True, default=""
    )
    education = serializers.ChoiceField(
        choices=Person.Education.choices, allow_blank=True, default=""
    )
    occupation = serializers.CharField(max_length=120, allow_blank=True, default="")
    disability = serializers.ChoiceField(
        choices=Person.Disability.choices, allow_blank=True, default=""
    )
    monthly_income = LocalisedDecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal(0), allow_null=True, default=None
    )

    @staticmethod
    def person_input(values: dict[str, Any]) -> PersonInput:
        return PersonInput(**{f.name: values[f.name] for f in dataclasses.fields(PersonInput)})


class HouseholdFieldsSerializer(serializers.Serializer):
    """A household and its people, as both the one-household and the batch calls take them."""

    governorate = WesternDigitsCharField(
        max_length=10, allow_blank=True, help_text='Governorate code of the national ID ("24").'
    )
    district = serializers.CharField(max_length=20, allow_blank=True, default="")
    village = serializers.CharField(max_length=120, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    latitude = LocalisedDecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        allow_null=True,
        default=None,
        round_places=True,
    )
    longitude = LocalisedDecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        allow_null=True,
        default=None,
        round_places=True,
    )
    people = PersonInputSerializer(many=True, allow_empty=True, max_length=MAX_PEOPLE)

    @staticmethod
    def household_of(values: dict[str, Any]) -> HouseholdInput:
        return HouseholdInput(
            governorate=values["governorate"],
            district=values["district"],
            village=values["village"],
            address=values["address"],
            latitude=values["latitude"],
            longitude=values["longitude"],
        )

    @staticmethod
    def people_of(values: dict[str, Any]) -> list[PersonInput]:
        return [PersonInputSerializer.person_input(p) for p in values["people"]]


class HouseholdRegistrationSerializer(HouseholdFieldsSerializer):
    confirm_warnings = serializers.BooleanField(
        default=False,
        help_text="Send true after a person has checked the warnings of a 428 response.",
    )
    link_existing = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        default=list,
        help_text="Indexes in `people` of people already registered (409) to link, not copy.",
    )

    def household_input(self) -> HouseholdInput:
        return self.household_of(self.validated_data)

    def people_input(self) -> list[PersonInput]:
        return self.people_of(self.validated_data)


class HouseholdBatchItemSerializer(HouseholdFieldsSerializer):
    key = serializers.CharField(
        max_length=64,
        help_text="Your system's reference for the household; sending it again adds nothing.",
    )


class HouseholdBatchSerializer(serializers.Serializer):
    households = HouseholdBatchItemSerializer(many=True, max_length=MAX_BATCH)

    def rows(self) -> list[HouseholdRow]:
        return [
            HouseholdRow(
                key=item["key"],
                line=index,
                household=HouseholdFieldsSerializer.household_of(item),
                people=HouseholdFieldsSerializer.people_of(item),
            )
            for index, item in enumerate(self.validated_data["households"])
        ]


class PersonCheckSerializer(PersonInputSerializer):
    governorate = WesternDigitsCharField(
        max_length=10, allow_blank=True, help_text='Governorate code of the national ID ("24").'
    )


class PersonSearchSerializer(serializers.Serializer):
    """The search criteria, sent in the JSON body: a national ID never goes in a URL."""

    national_id = serializers.CharField(max_length=40, help_text="The 14-digit national ID.")


# Responses


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="Dotted path in the request, e.g. people.0.national_id."
    )
    code = serializers.CharField()
    message = serializers.CharField()


class ServedBySerializer(serializers.Serializer):
    member = serializers.CharField()
    aid_types = serializers.ListField(child=serializers.CharField())
    since = serializers.DateField()


class CoordinationSummarySerializer(serializers.Serializer):
    """What every member may know about a person: who registered and who serves them."""

    person_id = serializers.IntegerField()
    registered_by = serializers.CharField()
    served_by = ServedBySerializer(many=True)
    governorate = serializers.CharField()


class RegisteredSummarySerializer(serializers.Serializer):
    """The coordination summary in a 409, whose person is the error's own `person_id`."""

    registered_by = serializers.CharField()
    served_by = ServedBySerializer(many=True)
    governorate = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code; see docs/api.md.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(allow_null=True)
    problems = ProblemSerializer(many=True, required=False)
    warnings = ProblemSerializer(many=True, required=False)
    summary = RegisteredSummarySerializer(required=False)
    index = serializers.IntegerField(required=False, help_text="Index in `people` (409).")
    person_id = serializers.IntegerField(required=False, help_text="The existing person (409).")


class RegisteredPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Person.Status.choices)
    full_name = serializers.CharField()


class FlaggedPairSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(help_text="The person just registered.")
    candidate_id = serializers.IntegerField(help_text="The registered person it may duplicate.")
    registered_by = serializers.CharField(help_text="The member that registered the candidate.")
    probability = serializers.FloatField()


class HouseholdRegisteredSerializer(serializers.Serializer):
    household_id = serializers.IntegerField()
    people = RegisteredPersonSerializer(many=True)
    linked = serializers.ListField(child=serializers.IntegerField())
    pending_review = FlaggedPairSerializer(many=True)
    to_review = FlaggedPairSerializer(many=True)


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "array",
            "minItems": 3,
            "maxItems": 3,
            "items": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        },
        "description": "[comparison, level, weight] for each comparison of the linkage model.",
    }
)
class EvidenceField(serializers.ListField):
    def to_representation(self, data: Any) -> list[list[Any]]:
        return [[comparison, level, weight] for comparison, level, weight in data]


class CandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    probability = serializers.FloatField()
    decision = serializers.ChoiceField(choices=[Decision.MATCH.value, Decision.REVIEW.value])
    registered_by = serializers.CharField()
    evidence = EvidenceField()
    full_name = serializers.CharField(
        allow_null=True, help_text="Only when you may see this person in full; otherwise null."
    )


class PersonCheckResultSerializer(serializers.Serializer):
    exact = CoordinationSummarySerializer(
        allow_null=True, help_text="The person with this national ID, if registered already."
    )
    candidates = CandidateSerializer(many=True)
    warnings = ProblemSerializer(many=True, help_text="What registration would ask to confirm.")


class PersonSearchResultSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    summary = CoordinationSummarySerializer(allow_null=True)


class PersonDetailSerializer(serializers.ModelSerializer):
    household_id = serializers.IntegerField()
    governorate = serializers.CharField(source="household.governorate.code")
    registered_by = serializers.CharField(source="member")
    merged_into_id = serializers.IntegerField(allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices)
    national_id_masked = serializers.CharField(help_text="Only the last four digits are shown.")
    # Empty when not known, as the registration request allows.
    marital_status = serializers.ChoiceField(choices=Person.MaritalStatus.choices, allow_blank=True)
    education = serializers.ChoiceField(choices=Person.Education.choices, allow_blank=True)
    disability = serializers.ChoiceField(choices=Person.Disability.choices, allow_blank=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "household_id",
            "governorate",
            "registered_by",
            "status",
            "merged_into_id",
            "relation",
            "full_name",
            "first_name",
            "father_name",
            "grandfather_name",
            "family_name",
            "gender",
            "birth_date",
            "national_id_masked",
            "national_id_checked",
            "phone",
            "marital_status",
            "education",
            "occupation",
            "disability",
            "monthly_income",
        ]
        read_only_fields = fields


# The aid ledger


class AidEntryInputSerializer(serializers.Serializer):
    """One delivery; checked further by `marsad.assistance.validation` (the web form's rules)."""

    category = serializers.CharField(max_length=60, help_text='Aid category code, e.g. "food-box".')
    quantity = LocalisedDecimalField(max_digits=12, decimal_places=2)
    value = LocalisedDecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        default=None,
        help_text="In EGP. Null: quantity × the category's value per unit (if it has one).",
    )
    delivered_on = LocalisedDateField(help_text="YYYY-MM-DD, not in the future.")
    period_start = LocalisedDateField(
        allow_null=True,
        default=None,
        help_text="Start of the period the aid is for; default delivered_on.",
    )
    period_end = LocalisedDateField(
        allow_null=True, default=None, help_text="Default period_start."
    )
    household_id = serializers.IntegerField(
        allow_null=True, default=None, help_text="The household (or give person_id)."
    )
    person_id = serializers.IntegerField(
        allow_null=True,
        default=None,
        help_text="A person your member serves; their household is used.",
    )
    program = serializers.CharField(
        max_length=60, allow_blank=True, default="", help_text="Program code."
    )
    governorate = WesternDigitsCharField(
        max_length=10,
        allow_blank=True,
        default="",
        help_text="Default: the household's governorate.",
    )
    district = serializers.CharField(max_length=20, allow_blank=True, default="")
    village = serializers.CharField(max_length=120, allow_blank=True, default="")
    delivered_by_name = serializers.CharField(max_length=150, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, allow_blank=True, default="")
    source_key = serializers.CharField(
        max_length=64,
        allow_blank=True,
        default="",
        help_text="Your reference for this delivery; unique within your member.",
    )
    confirm = serializers.BooleanField(
        default=False, help_text="Send true after a person has checked the warnings of a 428."
    )
    override_reason = serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="Overrides a blocking rule (409); member admins and the secretariat only.",
    )

    def entry_input(self) -> Any:
        from marsad.assistance.validation import AidEntryInput

        values = self.validated_data
        return AidEntryInput(
            **{
                f.name: values[f.name]
                for f in dataclasses.fields(AidEntryInput)
                if f.name in values
            }
        )


class AidReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the delivery is reversed.")


class AidEntryListQuerySerializer(serializers.Serializer):
    household = serializers.IntegerField(required=False, help_text="Only this household.")
    person = serializers.IntegerField(required=False, help_text="Only this person.")
    category = serializers.CharField(
        required=False, help_text="A category code; includes its sub-categories."
    )
    date_from = LocalisedDateField(required=False)
    date_to = LocalisedDateField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


class AidOtherDeliverySerializer(serializers.Serializer):
    """Another delivery a rule counted: who, what, when; never who received it."""

    member = serializers.CharField()
    category = serializers.CharField()
    delivered_on = serializers.DateField()


class AidFindingSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["flag", "warn", "block"])
    rule = serializers.CharField()
    others = AidOtherDeliverySerializer(many=True)


class AidErrorSerializer(ErrorSerializer):
    findings = AidFindingSerializer(
        many=True, required=False, help_text="The duplicate-aid rules' findings (409, 428, 403)."
    )


class AidConflictBriefSerializer(serializers.Serializer):
    rule = serializers.CharField()
    action = serializers.CharField()
    resolution = serializers.CharField()
    other = AidOtherDeliverySerializer()


class AidEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["delivery", "reversal"])
    reverses_id = serializers.IntegerField(allow_null=True)
    is_reversed = serializers.BooleanField()
    member = serializers.CharField()
    category = serializers.CharField(help_text="Category code.")
    household_id = serializers.IntegerField()
    person_id = serializers.IntegerField(allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    delivered_on = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    program = serializers.CharField(allow_null=True, help_text="Program code.")
    governorate = serializers.CharField(help_text="National-ID governorate code.")
    district = serializers.CharField(allow_null=True)
    village = serializers.CharField()
    delivered_by_name = serializers.CharField()
    note = serializers.CharField()
    source_key = serializers.CharField()
    created_at = serializers.DateTimeField()
    conflicts = AidConflictBriefSerializer(
        many=True, required=False, help_text="Rules that caught this delivery (on recording)."
    )


class AidEntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = AidEntrySerializer(many=True)


class ReachQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(
        choices=["member", "governorate", "category", "subcategory", "month", "quarter", "year"],
        default="governorate",
        help_text="Group by member, governorate, top-level category, sub-category or period.",
    )
    date_from = LocalisedDateField(required=False, allow_null=True, default=None)
    date_to = LocalisedDateField(required=False, allow_null=True, default=None)
    governorate = WesternDigitsCharField(required=False, default="", allow_blank=True)
    category = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Includes its sub-categories."
    )
    member = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Member id (coalition-wide users)."
    )


class ReachRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(
        allow_null=True, help_text="Member, governorate or category id; YYYYMM, YYYYQ or YYYY."
    )
    label = serializers.CharField()
    people = serializers.IntegerField(
        allow_null=True, help_text="Distinct people reached, through the registry."
    )
    households = serializers.IntegerField(allow_null=True, help_text="Distinct households reached.")
    people_reported = serializers.IntegerField(
        allow_null=True, help_text="Sum of each member's distinct count."
    )
    households_reported = serializers.IntegerField(allow_null=True)
    people_overlap = serializers.IntegerField(
        allow_null=True, help_text="people_reported − people."
    )
    households_overlap = serializers.IntegerField(allow_null=True)
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text="EGP, net of reversals."
    )
    suppressed = serializers.BooleanField(
        help_text="People or households below the small-count threshold (and the figures "
        "derived from them) are null. Only in coalition-wide reports outside the secretariat."
    )


class ReachReportSerializer(serializers.Serializer):
    by = serializers.CharField()
    scoped_to_member = serializers.IntegerField(
        allow_null=True, help_text="Your member's id when the report covers only its deliveries."
    )
    threshold = serializers.IntegerField(
        allow_null=True, help_text="The small-count threshold when small counts are hidden."
    )
    rows = ReachRowSerializer(many=True)
    total = ReachRowSerializer(help_text="Each person and household counted once over all rows.")


# The development gap observatory


class GapQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["governorate", "district"], default="governorate")
    measure = serializers.CharField(
        default="gap",
        help_text="gap, need, coverage, gap_rank, indicator:<code> or coverage:<code> "
        "(the table's `measures` lists them).",
    )
    sector = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Aid category code, its sub-categories included; empty for all aid.",
    )
    period = WesternDigitsCharField(
        default="all", help_text="all, a year (2026) or a quarter (2026-Q3)."
    )


class GapDriverSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    contribution = serializers.FloatField(
        allow_null=True, help_text="Share of the need score this indicator explains, 0–1."
    )


class GapRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Governorate (national-ID) or district code.")
    name = serializers.CharField(help_text="In the request's language.")
    name_ar = serializers.CharField()
    name_en = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="The chosen measure.")
    need = serializers.FloatField(
        allow_null=True, help_text="0–1, 1 = most need; null: not enough data."
    )
    coverage = serializers.FloatField(allow_null=True, help_text="0–1, 1 = most coverage.")
    gap = serializers.FloatField(allow_null=True, help_text="need × (1 − coverage).")
    gap_rank = serializers.FloatField(
        allow_null=True, help_text="Percentile of need × (1 − percentile of coverage)."
    )
    rank = serializers.IntegerField(allow_null=True, help_text="1 = largest gap.")
    population = serializers.IntegerField(allow_null=True)
    households_reached = serializers.IntegerField(
        allow_null=True, help_text="Distinct households; null when suppressed (small count)."
    )
    people_reached = serializers.IntegerField(allow_null=True)
    value_per_capita = serializers.FloatField(allow_null=True, help_text="EGP per person.")
    members_active = serializers.IntegerField()
    programs_active = serializers.IntegerField()
    suppressed = serializers.BooleanField(
        help_text="A count below the coalition's small-count threshold was hidden."
    )
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Indicators and measures without a value."
    )
    drivers = GapDriverSerializer(many=True)


class GapMeasureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class GapTableSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True, help_text="When the snapshot was computed.")
    level = serializers.CharField()
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    sector = serializers.CharField()
    period = serializers.CharField()
    threshold = serializers.IntegerField(
        help_text="Smallest count shown to members and the public."
    )
    measures = GapMeasureSerializer(many=True)
    rows = GapRowSerializer(many=True, help_text="By priority rank; areas without a gap last.")


class GapFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(default="Feature")
    id = serializers.CharField()
    properties = GapRowSerializer()
    geometry = serializers.JSONField(
        help_text="GeoJSON Polygon or MultiPolygon, WGS 84, simplified."
    )


class GapFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(default="FeatureCollection")
    as_of = serializers.DateTimeField(allow_null=True)
    level = serializers.CharField()
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    sector = serializers.CharField()
    period = serializers.CharField()
    threshold = serializers.IntegerField()
    features = GapFeatureSerializer(many=True)


class HouseholdOutcomeSerializer(serializers.Serializer):
    key = serializers.CharField()
    index = serializers.IntegerField(source="line", help_text="Position in `households`.")
    status = serializers.CharField(help_text="`created`, `existing`, `linked` or `rejected`.")
    household_id = serializers.IntegerField(allow_null=True)
    problems = ProblemSerializer(many=True)
    warnings = ProblemSerializer(many=True, help_text="Soft warnings, accepted.")
    created = serializers.ListField(child=serializers.IntegerField(), help_text="New people.")
    linked = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="People registered already (same national ID), now served by you.",
    )
    pending = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="New people held as probable duplicates until a reviewer decides.",
    )
    to_review = serializers.ListField(
        child=serializers.IntegerField(), help_text="New people with a possible duplicate."
    )


class HouseholdBatchResultSerializer(serializers.Serializer):
    households = HouseholdOutcomeSerializer(many=True)
