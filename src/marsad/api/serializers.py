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
from marsad.engines.linkage.decision import Decision
from marsad.registry.models import Gender, Person
from marsad.registry.services import HouseholdInput
from marsad.registry.validation import PersonInput

#: Most people in one request; more is not a household but a file (`marsad dedupe`).
MAX_PEOPLE = 100


class WesternDigitsCharField(serializers.CharField):
    """Text whose Arabic-Indic digits (٢٤) are read as 0-9, like everywhere in Marsad."""

    def to_internal_value(self, data: Any) -> str:
        return to_western_digits(super().to_internal_value(data))


class LocalisedDateField(serializers.DateField):
    """An ISO date (YYYY-MM-DD) that may be written with Arabic-Indic digits."""

    def to_internal_value(self, value: Any) -> Any:
        return super().to_internal_value(
            to_western_digits(value) if isinstance(value, str) else value
        )


class LocalisedDecimalField(serializers.DecimalField):
    """A decimal that may be written with Arabic-Indic digits.

    With `round_places`, extra decimal places are rounded away instead of rejected (a GPS
    gives more than the six places a coordinate is stored with).
    """

    def __init__(self, *, round_places: bool = False, **kwargs: Any) -> None:
        self.round_places = round_places
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(to_western_digits(data) if isinstance(data, str) else data)

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


class HouseholdRegistrationSerializer(serializers.Serializer):
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
        values = self.validated_data
        return HouseholdInput(
            governorate=values["governorate"],
            district=values["district"],
            village=values["village"],
            address=values["address"],
            latitude=values["latitude"],
            longitude=values["longitude"],
        )

    def people_input(self) -> list[PersonInput]:
        return [PersonInputSerializer.person_input(p) for p in self.validated_data["people"]]


class PersonCheckSerializer(PersonInputSerializer):
    governorate = WesternDigitsCharField(
        max_length=10, allow_blank=True, help_text='Governorate code of the national ID ("24").'
    )


class PersonSearchQuerySerializer(serializers.Serializer):
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


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code; see docs/api.md.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(allow_null=True)
    problems = ProblemSerializer(many=True, required=False)
    warnings = ProblemSerializer(many=True, required=False)
    summary = CoordinationSummarySerializer(required=False)
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
