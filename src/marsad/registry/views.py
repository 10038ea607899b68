from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marsad.core.audit import audit_record
from marsad.core.crypto import blind_index, decrypt_pii
from marsad.core.errors import ApplicationError
from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.engines.linkage.records import clean_record
from marsad.engines.nid import NationalIdError, mask_national_id, parse_national_id
from marsad.engines.vulnerability import AssessmentError
from marsad.matching.linkage import governorate_index
from marsad.matching.naming import NameCheck, holders_named_check
from marsad.matching.selectors import (
    Candidate,
    coordination_summary,
    exact_national_id,
    find_duplicates,
    people_visible_in_full,
    visible_in_full,
)
from marsad.members.models import Role
from marsad.registry import selectors, wizard
from marsad.registry.assessment import AssessmentForm, assessment_record
from marsad.registry.errors import RegistryError
from marsad.registry.forms import HouseholdForm, PersonForm
from marsad.registry.models import Consent, Person
from marsad.registry.services import household_register, person_update, validate_household
from marsad.registry.validation import (
    national_id_other_name,
    national_id_tries_exhausted,
    nid_error_message,
    person_index,
    validate_person,
)

REGISTRY_ROLES = roles_for("registry:household_list")
REGISTER_ROLES = (Role.MEMBER_ADMIN, Role.CASE_WORKER)


@role_required(*REGISTRY_ROLES)
def household_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.household_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/household_list.html", {"page": page})


@role_required(*REGISTRY_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_detail(user=request.user, pk=pk, request=request)
    return render(request, "registry/household_detail.html", {"household": household})


def _visible_person(request: HttpRequest, pk: int) -> Person:
    queryset = Person.objects.filter(people_visible_in_full(request.user)).distinct()
    return get_object_or_404(queryset.select_related("household__governorate", "member"), pk=pk)


def can_reveal_national_id(user: Any, person: Person) -> bool:
    """The full ID: the secretariat, and the registering member's admins and case workers."""
    return bool(
        user.is_coalition_wide
        or (user.member_id == person.member_id and user.role in REGISTER_ROLES)
    )


@role_required(*REGISTRY_ROLES)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    audit_record(actor=request.user, action="view", target=person, pii=True, request=request)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "summary": coordination_summary(person).as_dict(),
            "can_reveal": can_reveal_national_id(request.user, person),
            "consents": person.consents.filter(withdrawn_on__isnull=True).order_by("scope"),
        },
    )


@require_POST
@role_required(*REGISTRY_ROLES)
def person_reveal_national_id(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    if not can_reveal_national_id(request.user, person) or not person.national_id_encrypted:
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action="view",
        target=person,
        pii=True,
        request=request,
        changes={"national_id": "shown in full"},
    )
    return render(
        request,
        "registry/_national_id.html",
        {"national_id": decrypt_pii(person.national_id_encrypted)},
    )


@role_required(*REGISTRY_ROLES)
def coalition_search(request: HttpRequest) -> HttpResponse:
    """Is this national ID registered anywhere in the coalition? Existence and coordination.

    The ID is sent by POST and answered on that response, never in the URL (which server
    logs and browser history keep); a GET shows the empty form, whatever its query string.
    """
    raw = request.POST.get("national_id", "").strip() if request.method == "POST" else ""
    context: dict[str, Any] = {"query": raw}
    if raw:
        try:
            parsed = parse_national_id(raw, today=timezone.localdate())
        except NationalIdError as error:
            context["error"] = nid_error_message(error.code)
        else:
            person = exact_national_id(blind_index(parsed.value))
            context["found"] = person is not None
            if person is not None:
                context["summary"] = coordination_summary(person).as_dict()
                if visible_in_full(request.user, [person.pk]):
                    context["served_here"] = person.pk  # the record is open to this user
            audit_record(
                actor=request.user,
                action="view",
                target_type="registry.search",
                target_label=f"national ID ending {parsed.value[-4:]}",
                request=request,
            )
    return render(request, "registry/search.html", context)


# The registration wizard ------------------------------------------------------------


@role_required(*REGISTER_ROLES)
def register_household(request: HttpRequest) -> HttpResponse:
    draft = wizard.draft(request)
    form = HouseholdForm(request.POST or None, initial=draft.get("household") or None)
    if request.method == "POST" and form.is_valid():
        data = wizard.as_strings(form.cleaned_data)
        _, _district, problems = validate_household(wizard.household_input(data))
        for problem in problems:
            form.add_error(problem.field.removeprefix("household."), problem.message)
        if not problems:
            draft["household"] = data
            wizard.save(request, draft)
            return redirect("registry:register_people")
    return render(request, "registry/register_household.html", {"form": form, "step": 1})


@role_required(*REGISTER_ROLES)
def register_people(request: HttpRequest) -> HttpResponse:
    draft = wizard.draft(request)
    if not draft.get("household"):
        return redirect("registry:register_household")
    form = PersonForm(
        request.POST or None,
        initial={"relation": "head"} if not draft["people"] else {"relation": "son"},
    )
    context: dict[str, Any] = {"step": 2, "draft": draft, "shown": wizard.shown(draft)}
    if request.method == "POST" and request.POST.get("remove"):
        index = int(request.POST["remove"])
        if 0 <= index < len(draft["people"]):
            draft["people"].pop(index)
            wizard.save(request, draft)
        return redirect("registry:register_people")
    if request.method == "POST" and form.is_valid():
        data = wizard.as_strings(form.cleaned_data)
        clean, problems = validate_person(wizard.person_input(data), index=0)
        for problem in problems:
            form.add_error(problem.field.removeprefix("people.0."), problem.message)
        if clean is not None:
            existing = exact_national_id(clean.national_id_index)
            data["link_existing"] = "1" if existing and request.POST.get("link") else ""
            governorate = draft["household"].get("governorate", "")
            check = NameCheck()
            if existing is not None and data["link_existing"]:
                # Told when linking, as saving the household would tell it.
                user: Any = request.user
                check = holders_named_check(
                    [(clean.linkage_record(record_id="new", governorate=governorate), existing.pk)],
                    member_id=user.member_id,
                    actor=user,
                    source="wizard",
                    request=request,
                )
            if check.refused:
                refusal = national_id_tries_exhausted if check.exhausted else national_id_other_name
                form.add_error("national_id", refusal(0).message)
            elif existing is not None and not data["link_existing"]:
                context["existing"] = coordination_summary(existing).as_dict()
            else:
                draft["people"].append(data)
                wizard.save(request, draft)
                return redirect("registry:register_people")
    context["form"] = form
    return render(request, "registry/register_people.html", context)


@role_required(*REGISTER_ROLES)
def register_check(request: HttpRequest) -> HttpResponse:
    """While typing: the person's exact-ID match or likely duplicates (htmx fragment)."""
    draft = wizard.draft(request)
    governorate = (draft.get("household") or {}).get("governorate", "")
    raw = {
        key: request.POST.get(key, "")
        for key in ("full_name", "national_id", "birth_date", "gender", "phone")
    }
    raw["record_id"], raw["governorate"] = "new", governorate
    context: dict[str, Any] = {}
    record = clean_record(raw, today=timezone.localdate(), governorates=governorate_index())
    existing: Person | None = None
    shown: list[Candidate] = []
    if record.national_id:
        existing = exact_national_id(blind_index(record.national_id))
        if existing is not None:
            context["existing"] = coordination_summary(existing).as_dict()
    if existing is None and record.first:
        shown = find_duplicates(record)[:5]
        visible = visible_in_full(request.user, [c.person.pk for c in shown])
        context["candidates"] = [
            {
                "probability": c.probability,
                "decision": c.decision,
                "registered_by": str(c.person.member),
                "name": c.person.full_name if c.person.pk in visible else None,
            }
            for c in shown
        ]
    if record.national_id or record.first:
        # A coalition-wide look-up, audited as the API's check is: one event per request,
        # the national ID reduced to its last four digits, no one named.
        changes: dict[str, Any] = {"lookup": "check"}
        if record.national_id:
            changes["national_id"] = mask_national_id(record.national_id)
        changes["exact"] = existing.pk if existing else None
        changes["candidates"] = [c.person.pk for c in shown]
        audit_record(
            actor=request.user,
            action="view",
            target_type=Person._meta.label_lower,
            target_id=str(existing.pk) if existing else "",
            changes=changes,
            request=request,
        )
    return render(request, "registry/_duplicates.html", context)


def _about_whom(items: Any, people: list[str]) -> list[dict[str, str]]:
    """Problems or warnings of a household, each with the name of the member it is about."""
    shown = []
    for item in items:
        index = person_index(item.get("field", ""))
        who = people[index] if index is not None and index < len(people) else ""
        shown.append({**item, "who": who})
    return shown


#: What the consent boxes offer ticked: coordination is what prevents duplicated aid.
DEFAULT_CONSENT = (Consent.Scope.COORDINATION, Consent.Scope.STATISTICS)


@role_required(*REGISTER_ROLES)
def register_confirm(request: HttpRequest) -> HttpResponse:
    draft = wizard.draft(request)
    if not draft.get("household"):
        return redirect("registry:register_household")
    given: tuple[str, ...] = DEFAULT_CONSENT
    if request.method == "POST":
        given = tuple(s for s in Consent.Scope.values if s in request.POST.getlist("consent"))
    context: dict[str, Any] = {
        "step": 3,
        "draft": draft,
        "shown": wizard.shown(draft),
        "consent_choices": [
            (scope, label, scope in given) for scope, label in Consent.Scope.choices
        ],
    }
    if request.method == "POST":
        user: Any = request.user
        link = frozenset(i for i, p in enumerate(draft["people"]) if p.get("link_existing"))
        try:
            result = household_register(
                member=user.member,
                by=user,
                household=wizard.household_input(draft["household"]),
                people=[wizard.person_input(p) for p in draft["people"]],
                confirm_warnings=bool(request.POST.get("confirm")),
                link_existing=link,
                consent_scopes=given,
                request=request,
            )
        except ApplicationError as error:
            context["error"] = error
            people = [p.get("full_name", "") for p in draft["people"]]
            context["problems"] = _about_whom(error.extra.get("problems", []), people)
            context["warnings"] = _about_whom(error.extra.get("warnings", []), people)
            if error.code == RegistryError.ALREADY_REGISTERED:
                context["existing"] = error.extra["summary"]
        else:
            wizard.clear(request)
            if not result.created:
                messages.success(
                    request,
                    _(
                        "Everyone in this household is registered already: they are now "
                        "served by your institution, and no new household was created."
                    ),
                )
                return redirect("registry:person_detail", pk=result.linked[0].pk)
            if result.pending:
                messages.warning(
                    request,
                    _(
                        "Saved. Some members look like people already "
                        "registered; they wait for review."
                    ),
                )
            elif result.to_review:
                messages.info(request, _("Saved. Possible duplicates were sent for review."))
            else:
                messages.success(request, _("The household was registered."))
            return redirect("registry:household_detail", pk=result.household.pk)
    return render(request, "registry/register_confirm.html", context)


@role_required(*REGISTER_ROLES, Role.SECRETARIAT_ANALYST)
def household_assess(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_detail(user=request.user, pk=pk, request=request)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_record(household=household, by=request.user, facts=form.facts())
        except AssessmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The needs assessment was saved."))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/assessment_form.html", {"household": household, "form": form})


@role_required(*REGISTER_ROLES, Role.SECRETARIAT_ANALYST)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    user: Any = request.user
    if not (user.is_coalition_wide or user.member_id == person.member_id):
        raise PermissionDenied
    initial = {
        "full_name": person.full_name,
        "relation": person.relation,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "marital_status": person.marital_status,
        "education": person.education,
        "occupation": person.occupation,
        "disability": person.disability,
        "monthly_income": person.monthly_income,
    }
    form = PersonForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"person": person, "form": form}
    if request.method == "POST" and form.is_valid():
        data = wizard.as_strings(form.cleaned_data)
        if not data.get("national_id") and person.national_id_encrypted:
            data["national_id"] = decrypt_pii(person.national_id_encrypted)
        try:
            _person, candidates = person_update(
                person=person,
                by=user,
                data=wizard.person_input(data),
                confirm_warnings=bool(request.POST.get("confirm")),
                request=request,
            )
        except ApplicationError as error:
            context["error"] = error
            if error.code == RegistryError.ALREADY_REGISTERED:
                context["existing"] = error.extra["summary"]
            for problem in error.extra.get("problems", []):  # type: ignore[attr-defined]
                form.add_error(problem["field"].removeprefix("people.0."), problem["message"])
        else:
            if candidates:
                messages.info(request, _("Saved. Possible duplicates were sent for review."))
            else:
                messages.success(request, _("The changes were saved."))
            return redirect("registry:person_detail", pk=person.pk)
    # The form shows the person's details, as the person page does: a view of personal data.
    audit_record(actor=user, action="view", target=person, pii=True, request=request)
    return render(request, "registry/person_form.html", context)
