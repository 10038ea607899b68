"""The registration and coordination endpoints member systems call.

Each view parses its input with a serializer, calls one service or read, and renders the
result. A person registered by another member is only ever shown by id, registering member
and coordination summary; names and details come back only for people the user may see in
full (`people_visible_in_full`), and everyone else's records are "not found".
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marsad.api.errors import invalid_input_error
from marsad.api.permissions import CanRegisterHouseholds, CanUseRegistry
from marsad.api.serializers import (
    ErrorSerializer,
    HouseholdRegisteredSerializer,
    HouseholdRegistrationSerializer,
    PersonCheckResultSerializer,
    PersonCheckSerializer,
    PersonDetailSerializer,
    PersonInputSerializer,
    PersonSearchQuerySerializer,
    PersonSearchResultSerializer,
)
from marsad.core.audit import audit_record
from marsad.core.crypto import blind_index
from marsad.core.errors import ApplicationError
from marsad.engines.nid import NationalIdError, parse_national_id
from marsad.matching.selectors import (
    Candidate,
    coordination_summary,
    exact_national_id,
    find_duplicates,
    people_visible_in_full,
    visible_in_full,
)
from marsad.registry.errors import RegistryError
from marsad.registry.models import Person
from marsad.registry.services import (
    HouseholdInput,
    RegistrationResult,
    household_register,
    validate_household,
)
from marsad.registry.validation import (
    NID_ERROR_CODES,
    PersonInput,
    Problem,
    nid_error_message,
    validate_person,
)

PERSON_TARGET = Person._meta.label_lower

# Reads behind the endpoints. They belong with the matching and registry selectors and are
# kept here until those modules take them; every rule they apply is the services' own.


def summary_dict(person: Person) -> dict[str, Any]:
    """The coordination summary (no personal data) with the person's id."""
    return {"person_id": person.pk, **coordination_summary(person).as_dict()}


def registration_dict(result: RegistrationResult) -> dict[str, Any]:
    def flagged(pairs: list[tuple[Person, Candidate]]) -> list[dict[str, Any]]:
        return [
            {
                "person_id": person.pk,
                "candidate_id": candidate.person.pk,
                "registered_by": str(candidate.person.member),
                "probability": round(candidate.probability, 4),
            }
            for person, candidate in pairs
        ]

    return {
        "household_id": result.household.pk,
        "people": [
            {"id": p.pk, "status": p.status, "full_name": p.full_name} for p in result.created
        ],
        "linked": [p.pk for p in result.linked],
        "pending_review": flagged(result.pending),
        "to_review": flagged(result.to_review),
    }


def _check_problem(problem: Problem, *, field: str | None = None) -> dict[str, str]:
    """A validation problem named as the flat check request names it (no `people.0.`)."""
    values = problem.as_dict()
    values["field"] = field or values["field"].removeprefix("people.0.")
    return values


def person_check(
    *, user: Any, person: PersonInput, governorate_code: str, request: Any = None
) -> dict[str, Any]:
    """Who this person may already be, before registering them.

    The same validation as registration; candidates scored as registration scores them.
    A candidate's name is given only if `user` may see that person in full.
    """
    governorate, _district, household_problems = validate_household(
        HouseholdInput(governorate=governorate_code)
    )
    clean, person_problems = validate_person(person, index=0)
    problems = [_check_problem(p, field="governorate") for p in household_problems]
    problems += [_check_problem(p) for p in person_problems]
    if problems:
        raise invalid_input_error(problems)
    # Without a problem, both are set.
    assert clean is not None  # noqa: S101
    assert governorate is not None  # noqa: S101
    exact = exact_national_id(clean.national_id_index)
    candidates = find_duplicates(
        clean.linkage_record(record_id="new", governorate=governorate.code)
    )
    visible = visible_in_full(user, [c.person.pk for c in candidates])
    audit_record(
        actor=user,
        action="view",
        target_type=PERSON_TARGET,
        target_id=str(exact.pk) if exact else "",
        changes={
            "lookup": "check",
            "exact": exact.pk if exact else None,
            "candidates": [c.person.pk for c in candidates],
        },
        request=request,
    )
    return {
        "exact": summary_dict(exact) if exact else None,
        "candidates": [
            {
                "person_id": c.person.pk,
                "probability": round(c.probability, 4),
                "decision": c.decision.value,
                "registered_by": str(c.person.member),
                "evidence": c.evidence,
                "full_name": c.person.full_name if c.person.pk in visible else None,
            }
            for c in candidates
        ],
        "warnings": [_check_problem(w) for w in clean.warnings],
    }


def person_detail(*, user: Any, pk: int, request: Any = None) -> Person:
    """One person's full record, if `user` may see it in full; viewing it is audited."""
    visible = Person.objects.filter(people_visible_in_full(user)).values("pk")
    person = (
        Person.objects.select_related("member", "household__governorate")
        .filter(pk=pk, pk__in=visible)
        .first()
    )
    if person is None:
        raise Http404
    audit_record(actor=user, action="view", target=person, pii=True, request=request)
    return person


def person_search(*, user: Any, national_id: str, request: Any = None) -> dict[str, Any]:
    """Whether a national ID is registered anywhere in the coalition, without personal data.

    The look-up is audited; the record label stays empty so that the searching member's
    audit log never shows another member's person by name.
    """
    try:
        parsed = parse_national_id(national_id, today=timezone.localdate())
    except NationalIdError as error:
        raise ApplicationError(
            code=NID_ERROR_CODES.get(error.code, RegistryError.NATIONAL_ID_WRONG_LENGTH),
            message=nid_error_message(error.code),
            field="national_id",
        ) from None
    person = exact_national_id(blind_index(parsed.value))
    audit_record(
        actor=user,
        action="view",
        target_type=PERSON_TARGET,
        target_id=str(person.pk) if person else "",
        changes={
            "lookup": "national_id",
            "national_id": parsed.masked,
            "found": person is not None,
        },
        request=request,
    )
    return {"exists": person is not None, "summary": summary_dict(person) if person else None}


# Endpoints

ERROR_400 = OpenApiResponse(
    ErrorSerializer,
    description="Malformed input: `code` and `field` name the first problem, `problems` "
    "lists them all (registry.* and core.invalid_input codes).",
)
ERROR_401 = OpenApiResponse(
    ErrorSerializer, description="No or unknown token (api.not_authenticated, ...)."
)
ERROR_403 = OpenApiResponse(
    ErrorSerializer, description="The user's role may not do this (core.permission_denied)."
)

PERSON_EXAMPLE = {
    "full_name": "محمد أحمد علي الشافعي",
    "gender": "M",
    "national_id": "28208151304597",
    "birth_date": "1982-08-15",
    "relation": "head",
    "phone": "01012345678",
}


class HouseholdRegisterView(APIView):
    permission_classes = [IsAuthenticated, CanRegisterHouseholds]

    @extend_schema(
        operation_id="household_register",
        summary="Register a household and its people",
        description=(
            "All or nothing: either every person is stored (or linked) or nothing is. "
            "A 428 lists warnings a person must confirm (send `confirm_warnings: true`); a 409 "
            "says a national ID is registered already, with the coordination summary (send "
            "its index in `link_existing` to serve that person instead of copying them)."
        ),
        tags=["registry"],
        request=HouseholdRegistrationSerializer,
        responses={
            201: HouseholdRegisteredSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            409: OpenApiResponse(
                ErrorSerializer,
                description="registry.already_registered: `summary`, `index`, `person_id`.",
            ),
            428: OpenApiResponse(
                ErrorSerializer,
                description="registry.confirmation_required: `warnings` to confirm.",
            ),
        },
        examples=[
            OpenApiExample(
                "A couple in Minya",
                request_only=True,
                value={
                    "governorate": "24",
                    "village": "دير مواس",
                    "address": "شارع النيل",
                    "people": [
                        PERSON_EXAMPLE,
                        {
                            "full_name": "فاطمة حسن محمود السيد",
                            "gender": "F",
                            "birth_date": "1986-02-01",
                            "relation": "spouse",
                        },
                    ],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = HouseholdRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = household_register(
            member=request.user.member,
            by=request.user,
            household=serializer.household_input(),
            people=serializer.people_input(),
            confirm_warnings=serializer.validated_data["confirm_warnings"],
            link_existing=frozenset(serializer.validated_data["link_existing"]),
            request=request,
        )
        body = HouseholdRegisteredSerializer(registration_dict(result)).data
        return Response(body, status=status.HTTP_201_CREATED)


class PersonCheckView(APIView):
    permission_classes = [IsAuthenticated, CanUseRegistry]

    @extend_schema(
        operation_id="person_check",
        summary="Check a person against the registry before registering",
        description=(
            "Validates the person as registration does and returns the person with the same "
            "national ID (coordination summary only) and the probable duplicates. Stores nothing."
        ),
        tags=["registry"],
        request=PersonCheckSerializer,
        responses={
            200: PersonCheckResultSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
        },
        examples=[
            OpenApiExample(
                "Check before registering",
                request_only=True,
                value={**PERSON_EXAMPLE, "governorate": "24"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = PersonCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = person_check(
            user=request.user,
            person=PersonInputSerializer.person_input(serializer.validated_data),
            governorate_code=serializer.validated_data["governorate"],
            request=request,
        )
        return Response(PersonCheckResultSerializer(result).data)


class PersonDetailView(APIView):
    permission_classes = [IsAuthenticated, CanUseRegistry]

    @extend_schema(
        operation_id="person_retrieve",
        summary="A person's record",
        description=(
            "Only people your member registered or serves (all people for the secretariat); "
            "any other id is 404. The national ID is masked. Every view is audited."
        ),
        tags=["registry"],
        responses={
            200: PersonDetailSerializer,
            401: ERROR_401,
            403: ERROR_403,
            404: OpenApiResponse(ErrorSerializer, description="core.not_found"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_detail(user=request.user, pk=pk, request=request)
        return Response(PersonDetailSerializer(person).data)


class PersonSearchView(APIView):
    permission_classes = [IsAuthenticated, CanUseRegistry]

    @extend_schema(
        operation_id="person_search",
        summary="Is this national ID registered anywhere in the coalition?",
        description="Coalition-wide, without personal data. Every look-up is audited.",
        tags=["registry"],
        parameters=[PersonSearchQuerySerializer],
        responses={
            200: PersonSearchResultSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
        },
    )
    def get(self, request: Request) -> Response:
        query = PersonSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = person_search(
            user=request.user, national_id=query.validated_data["national_id"], request=request
        )
        return Response(PersonSearchResultSerializer(result).data)
