"""The registration and coordination endpoints member systems call.

Each view parses its input with a serializer, calls one service or read, and renders the
result. A person registered by another member is only ever shown by id, registering member
and coordination summary; names and details come back only for people the user may see in
full (`people_visible_in_full`), and everyone else's records are "not found".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marsad.api.errors import (
    AID_REQUEST_FIELDS,
    ApiError,
    application_error_body,
    in_request_terms,
    invalid_input_error,
    request_problems,
)
from marsad.api.permissions import (
    CanRecordAid,
    CanRegisterHouseholds,
    CanSeeGaps,
    CanSeeReach,
    CanUseRegistry,
)
from marsad.api.serializers import (
    AidEntryInputSerializer,
    AidEntryListQuerySerializer,
    AidEntryPageSerializer,
    AidEntrySerializer,
    AidErrorSerializer,
    AidFindingSerializer,
    AidReverseSerializer,
    ErrorSerializer,
    GapFeatureCollectionSerializer,
    GapQuerySerializer,
    GapTableSerializer,
    HouseholdBatchResultSerializer,
    HouseholdBatchSerializer,
    HouseholdRegisteredSerializer,
    HouseholdRegistrationSerializer,
    PersonCheckResultSerializer,
    PersonCheckSerializer,
    PersonDetailSerializer,
    PersonInputSerializer,
    PersonSearchResultSerializer,
    PersonSearchSerializer,
    ReachQuerySerializer,
    ReachReportSerializer,
)
from marsad.assistance import selectors as aid_selectors
from marsad.assistance.errors import AidError
from marsad.assistance.models import AidEntry
from marsad.assistance.services import aid_entry_record, aid_entry_reverse
from marsad.core.audit import audit_record
from marsad.core.crypto import blind_index
from marsad.core.errors import ApplicationError
from marsad.core.planner import analyze_grown
from marsad.engines.nid import NationalIdError, parse_national_id
from marsad.matching.selectors import (
    Candidate,
    coordination_summary,
    exact_national_id,
    find_duplicates,
    people_visible_in_full,
    visible_in_full,
)
from marsad.observatory import selectors as gap_selectors
from marsad.registry.batch import WRITTEN_MODELS, households_register_batch
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
        try:
            result = household_register(
                member=request.user.member,
                by=request.user,
                household=serializer.household_input(),
                people=serializer.people_input(),
                confirm_warnings=serializer.validated_data["confirm_warnings"],
                link_existing=frozenset(serializer.validated_data["link_existing"]),
                request=request,
            )
        except ApplicationError as error:
            raise in_request_terms(error) from None
        body = HouseholdRegisteredSerializer(registration_dict(result)).data
        return Response(body, status=status.HTTP_201_CREATED)


class HouseholdBatchView(APIView):
    """Many households in one call, for member systems that hold their own registers."""

    permission_classes = [IsAuthenticated, CanRegisterHouseholds]

    @extend_schema(
        operation_id="household_register_batch",
        summary="Register many households at once (up to 1,000)",
        description=(
            "One transaction for the whole call, with the same checks as registering one "
            "household, and an outcome per household in the order sent: `created`, "
            "`existing` (this `key` was sent before: nothing is added, so a call can be "
            "repeated safely) or `rejected` with its `problems`. Soft warnings are accepted "
            "and listed. A person whose national ID is registered already is linked to your "
            "institution, not copied; probable duplicates are held for review."
        ),
        tags=["registry"],
        request=HouseholdBatchSerializer,
        responses={
            200: HouseholdBatchResultSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = HouseholdBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = households_register_batch(
            member=request.user.member, by=request.user, rows=serializer.rows(), source="api"
        )
        # Member systems send whole registries call by call, as an import does.
        analyze_grown(*WRITTEN_MODELS)
        for outcome in outcomes:
            outcome.problems = request_problems(outcome.problems)
            outcome.warnings = request_problems(outcome.warnings)
        body = HouseholdBatchResultSerializer({"households": outcomes}).data
        return Response(body, status=status.HTTP_200_OK)


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
        description=(
            "Coalition-wide, without personal data. Every look-up is audited. The national ID "
            "goes in the JSON body, never in the URL (which server logs and browser history "
            "keep): a GET with `national_id` in its query string is refused with 400 "
            "`api.national_id_in_url`."
        ),
        tags=["registry"],
        request=PersonSearchSerializer,
        responses={
            200: PersonSearchResultSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
        },
        examples=[
            OpenApiExample(
                "Search by national ID",
                request_only=True,
                value={"national_id": PERSON_EXAMPLE["national_id"]},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        criteria = PersonSearchSerializer(data=request.data)
        criteria.is_valid(raise_exception=True)
        result = person_search(
            user=request.user,
            national_id=criteria.validated_data["national_id"],
            request=request,
        )
        return Response(PersonSearchResultSerializer(result).data)

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A GET with a national ID in the URL says where the ID goes instead; the ID is
        not looked up (nor audited), so that no client comes to rely on it."""
        if request.method == "GET" and "national_id" in request.query_params:
            raise ApplicationError(
                code=ApiError.NATIONAL_ID_IN_URL,
                message=_(
                    "National IDs are not accepted in the URL, where server logs and browser "
                    "history keep them: send the search by POST with the national ID in the "
                    "JSON body."
                ),
                field="national_id",
            )
        return super().http_method_not_allowed(request, *args, **kwargs)


# The aid ledger

AID_STATUS_BY_CODE: dict[str, int] = {
    AidError.BLOCKED: status.HTTP_409_CONFLICT,
    AidError.CONFIRMATION_REQUIRED: status.HTTP_428_PRECONDITION_REQUIRED,
    AidError.OVERRIDE_NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    AidError.ALREADY_REVERSED: status.HTTP_409_CONFLICT,
    AidError.NOT_REVERSIBLE: status.HTTP_409_CONFLICT,
    AidError.SOURCE_KEY_EXISTS: status.HTTP_409_CONFLICT,
}


def aid_error_response(error: ApplicationError) -> Response:
    """The common error body, plus the rules' findings without the other deliveries' ids."""
    body = application_error_body(error)
    findings = error.extra.get("findings")
    if isinstance(findings, list):
        body["findings"] = AidFindingSerializer(findings, many=True).data
    return Response(body, status=AID_STATUS_BY_CODE.get(error.code, status.HTTP_400_BAD_REQUEST))


def aid_entry_dict(entry: AidEntry, *, with_conflicts: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": entry.pk,
        "kind": entry.kind,
        "reverses_id": entry.reverses_id,
        "is_reversed": bool(getattr(entry, "is_reversed", False)),
        "member": str(entry.member),
        "category": entry.category.code,
        "household_id": entry.household_id,
        "person_id": entry.person_id,
        "quantity": entry.quantity,
        "value": entry.value,
        "delivered_on": entry.delivered_on,
        "period_start": entry.period_start,
        "period_end": entry.period_end,
        "program": entry.program.code if entry.program else None,
        "governorate": entry.governorate.code,
        "district": entry.district.code if entry.district else None,
        "village": entry.village,
        "delivered_by_name": entry.delivered_by_name,
        "note": entry.note,
        "source_key": entry.source_key,
        "created_at": entry.created_at,
    }
    if with_conflicts:
        body["conflicts"] = [
            {
                "rule": str(conflict.rule),
                "action": conflict.action,
                "resolution": conflict.resolution,
                "other": {
                    "member": str(conflict.other.member),
                    "category": conflict.other.category.name,
                    "delivered_on": conflict.other.delivered_on,
                },
            }
            for conflict in entry.conflicts.select_related(
                "rule__category", "other__member", "other__category"
            )
        ]
    return body


AID_ERRORS = {
    400: ERROR_400,
    401: ERROR_401,
    403: OpenApiResponse(
        AidErrorSerializer,
        description="The role may not record aid (core.permission_denied), or may not "
        "override a block (aid.override_not_allowed, with `findings`).",
    ),
}


class AidEntryListCreateView(APIView):
    """GET: your member's ledger entries; POST: record a delivery under the rules."""

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsAuthenticated(), CanRecordAid()]
        return [IsAuthenticated(), CanUseRegistry()]

    @extend_schema(
        operation_id="aid_entry_list",
        summary="Your member's aid ledger entries",
        description=(
            "Deliveries and reversals your member recorded (every member's for the secretariat), "
            "newest first. `is_reversed` marks deliveries a reversal cancelled. Each page of "
            "entries is written to the audit log as a view of personal data."
        ),
        tags=["aid"],
        parameters=[AidEntryListQuerySerializer],
        responses={200: AidEntryPageSerializer, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403},
    )
    def get(self, request: Request) -> Response:
        query = AidEntryListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        entries = aid_selectors.entry_list(
            user=request.user,
            filters=aid_selectors.LedgerFilters(
                category=values.get("category", ""),
                date_from=values.get("date_from"),
                date_to=values.get("date_to"),
                household=values.get("household"),
            ),
        ).select_related("district")
        if "person" in values:
            entries = entries.filter(person_id=values["person"])
        offset, limit = values["offset"], values["limit"]
        shown = list(entries[offset : offset + limit])
        aid_selectors.ledger_page_viewed(
            user=request.user,
            entries=shown,
            position={"offset": offset},
            label=f"aid ledger, from entry {offset + 1}",
            request=request,
        )
        page = {"count": entries.count(), "results": [aid_entry_dict(e) for e in shown]}
        return Response(AidEntryPageSerializer(page).data)

    @extend_schema(
        operation_id="aid_entry_record",
        summary="Record a delivery",
        description=(
            "Checks the duplicate-aid rules across all members. A blocking rule answers 409 "
            "(`aid.blocked`) with `findings`: the other member, category and date, never who "
            "received it; a member admin may send `override_reason` to record it anyway. A "
            "warning answers 428 (`aid.confirmation_required`): send `confirm: true`. A flag "
            "records the delivery and shows it to the secretariat. Either `household_id` or "
            "`person_id` (a person your member serves)."
        ),
        tags=["aid"],
        request=AidEntryInputSerializer,
        responses={
            201: AidEntrySerializer,
            **AID_ERRORS,
            409: OpenApiResponse(
                AidErrorSerializer,
                description="aid.blocked, with `findings`; aid.source_key_exists: your member "
                "recorded a delivery with this `source_key` already, and nothing was added.",
            ),
            428: OpenApiResponse(
                AidErrorSerializer, description="aid.confirmation_required, with `findings`."
            ),
        },
        examples=[
            OpenApiExample(
                "March's cash grant to a household",
                request_only=True,
                value={
                    "category": "monthly-cash",
                    "quantity": "500",
                    "value": None,
                    "delivered_on": "2025-03-05",
                    "household_id": 1234,
                    "program": "kafala",
                    "delivered_by_name": "منى عبد الله",
                    "source_key": "CASH-2025-03-0001",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = AidEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = aid_entry_record(
                member=request.user.member,
                by=request.user,
                data=serializer.entry_input(),
                confirm=serializer.validated_data["confirm"],
                override_reason=serializer.validated_data["override_reason"],
                request=request,
            )
        except ApplicationError as error:
            return aid_error_response(in_request_terms(error, AID_REQUEST_FIELDS))
        body = AidEntrySerializer(aid_entry_dict(entry, with_conflicts=True)).data
        return Response(body, status=status.HTTP_201_CREATED)


class AidEntryReverseView(APIView):
    permission_classes = [IsAuthenticated, CanRecordAid]

    @extend_schema(
        operation_id="aid_entry_reverse",
        summary="Reverse a delivery",
        description=(
            "Records a reversal entry (negative quantity and value); the delivery stops "
            "counting. Entries are never edited. Another member's entry is 404."
        ),
        tags=["aid"],
        request=AidReverseSerializer,
        responses={
            201: AidEntrySerializer,
            **AID_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="core.not_found"),
            409: OpenApiResponse(
                AidErrorSerializer, description="aid.already_reversed, aid.not_reversible."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = AidReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = aid_selectors.entry_detail(user=request.user, pk=pk)
        try:
            reversal = aid_entry_reverse(
                entry=entry,
                by=request.user,
                reason=serializer.validated_data["reason"],
                request=request,
            )
        except ApplicationError as error:
            return aid_error_response(error)
        return Response(
            AidEntrySerializer(aid_entry_dict(reversal)).data, status=status.HTTP_201_CREATED
        )


class ReachView(APIView):
    permission_classes = [IsAuthenticated, CanSeeReach]

    @extend_schema(
        operation_id="reach_report",
        summary="Distinct people and households reached",
        description=(
            "Effective deliveries counted through the registry (a household served by two "
            "members counts once; merged records count as the surviving one), beside the sum "
            "of each member's own count; the difference is the overlap. Member admins get "
            "their own member's deliveries only. For the board, people or households below "
            "the small-count threshold, and what is derived from them, are null."
        ),
        tags=["aid"],
        parameters=[ReachQuerySerializer],
        responses={200: ReachReportSerializer, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403},
    )
    def get(self, request: Request) -> Response:
        query = ReachQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        report = aid_selectors.reach_report(
            user=request.user,
            dimension=values["by"],
            filters=aid_selectors.ReachFilters(
                date_from=values["date_from"],
                date_to=values["date_to"],
                governorate=values["governorate"],
                category=values["category"],
                member=values["member"],
            ),
        )

        def row(item: aid_selectors.ReachRow) -> dict[str, Any]:
            return {
                **dataclasses.asdict(item),
                "people_overlap": item.people_overlap,
                "households_overlap": item.households_overlap,
            }

        body = {
            "by": report.dimension.value,
            "scoped_to_member": report.scoped_to_member,
            "threshold": report.threshold,
            "rows": [row(r) for r in report.rows],
            "total": row(report.total),
        }
        return Response(ReachReportSerializer(body).data)


# The development gap observatory

GAP_DESCRIPTION = (
    "Read from the latest stored snapshot of the gap index (recomputed in the background when "
    "data changes, and nightly); a sector and period never computed before is computed once. "
    "Any signed-in user; counts of households and people below the coalition's small-count "
    "threshold, and figures derived from them, are null with `suppressed: true` for everyone "
    "but the secretariat. A bad parameter is 400 with observatory.unknown_level, "
    "observatory.unknown_measure, observatory.unknown_sector or observatory.unknown_period."
)


def _gap_query(request: Request) -> dict[str, Any]:
    query = GapQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class GapTableView(APIView):
    permission_classes = [IsAuthenticated, CanSeeGaps]

    @extend_schema(
        operation_id="gap_table",
        summary="The gap table: need, coverage and gap per area",
        description=GAP_DESCRIPTION,
        tags=["observatory"],
        parameters=[GapQuerySerializer],
        responses={200: GapTableSerializer, 400: ERROR_400, 401: ERROR_401},
    )
    def get(self, request: Request) -> Response:
        table = gap_selectors.gap_table(**_gap_query(request), user=request.user)
        body = dataclasses.asdict(table)
        body["measures"] = [{"key": key, "label": label} for key, label in table.measures]
        return Response(GapTableSerializer(body).data)


class GapGeoJsonView(APIView):
    permission_classes = [IsAuthenticated, CanSeeGaps]

    @extend_schema(
        operation_id="gap_geojson",
        summary="The gap map as GeoJSON",
        description=GAP_DESCRIPTION
        + " Each feature's properties are a row of the gap table; geometries are simplified.",
        tags=["observatory"],
        parameters=[GapQuerySerializer],
        responses={200: GapFeatureCollectionSerializer, 400: ERROR_400, 401: ERROR_401},
    )
    def get(self, request: Request) -> Response:
        return Response(gap_selectors.gap_geojson(**_gap_query(request), user=request.user))
