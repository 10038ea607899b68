"""Pages of the aid ledger: record, check, list, reverse, correct; conflicts; reach; the
categories and duplicate-aid rules."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marsad.assistance import configuration, selectors
from marsad.assistance.errors import AidError
from marsad.assistance.forms import (
    AidEntryForm,
    CategoryForm,
    ConflictFilterForm,
    DecisionForm,
    LedgerFilterForm,
    ReachForm,
    ReasonForm,
    RuleForm,
)
from marsad.assistance.models import AidCategory, AidConflict, AidEntry, DuplicateAidRule
from marsad.assistance.services import (
    aid_entry_check,
    aid_entry_correct,
    aid_entry_record,
    aid_entry_reverse,
    may_override,
)
from marsad.assistance.validation import AidEntryInput
from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.core.spreadsheets import csv_row, xlsx_row
from marsad.members.models import Role
from marsad.registry.models import Household, Person

LEDGER_ROLES = roles_for("aid:entry_list")
RECORD_ROLES = (Role.MEMBER_ADMIN, Role.CASE_WORKER)
CONFLICT_ROLES = roles_for("aid:conflict_list")
REACH_ROLES = roles_for("aid:reach")
RULES_ROLES = roles_for("aid:rules")
CONFIGURE_ROLES = tuple(configuration.CONFIGURE_ROLES)

#: Form fields the services' problem fields map to.
PROBLEM_FIELDS = {"household": "person", "person": "person"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _querystring(request: HttpRequest) -> str:
    """The page's filters, without the page number (for pagination and export links)."""
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request: HttpRequest, items: Any, per_page: int = 50) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# Recording ---------------------------------------------------------------------------


def _beneficiary(request: HttpRequest) -> tuple[Household, Person | None]:
    """From `?household=` (and the form's hidden field), or `?person=` on the first visit."""
    source = request.POST if request.method == "POST" else request.GET
    raw_household, raw_person = source.get("household", ""), request.GET.get("person", "")
    household_id = int(raw_household) if raw_household.isdigit() else None
    person_id = int(raw_person) if raw_person.isdigit() and household_id is None else None
    if household_id is None and person_id is None:
        raise Http404
    return selectors.aid_beneficiary(
        user=request.user, household_id=household_id, person_id=person_id
    )


def _show_error(error: ApplicationError, form: AidEntryForm, context: dict[str, Any]) -> None:
    """Put a service error where the user sees it: on a field, or above the form."""
    if "findings" in error.extra:
        context["findings"] = error.extra["findings"]
    if error.code == AidError.BLOCKED:
        context["blocked"] = True
    elif error.code == AidError.CONFIRMATION_REQUIRED:
        context["needs_confirmation"] = True
    problems = error.extra.get("problems")
    if isinstance(problems, list):
        _problems_on_fields(problems, form, PROBLEM_FIELDS)
    else:
        context["error"] = error


def _problems_on_fields(
    problems: list[Any], form: forms.BaseForm, names: Mapping[str, str] | None = None
) -> None:
    """Each of a service's problems on its form field (`names` renames the service's
    fields), or above the form when the form has no such field."""
    for problem in problems:
        field = str(problem["field"])
        field = (names or {}).get(field, field)
        form.add_error(field if field in form.fields else None, str(problem["message"]))


def _entry_form_page(
    request: HttpRequest,
    *,
    household: Household,
    person: Person | None,
    entry: AidEntry | None = None,
) -> HttpResponse:
    """The record form, and the correct form when `entry` is given (with a reason)."""
    user: Any = request.user
    recipients = selectors.aid_recipients(user=user, household=household)
    initial: dict[str, Any] = {"delivered_on": timezone.localdate()}
    if person is not None:
        initial["person"] = person.pk
    if entry is not None:
        initial = selectors.entry_as_initial(entry)
    form = AidEntryForm(
        request.POST or None,
        request.FILES or None,
        member=user.member,
        people=recipients,
        initial=initial,
    )
    decision = DecisionForm(request.POST or None)
    reason = ReasonForm(request.POST or None) if entry is not None else None
    context: dict[str, Any] = {
        "form": form,
        "decision": decision,
        "reason_form": reason,
        "household": household,
        "person": person,
        "entry": entry,
        "may_override": may_override(user),
    }
    valid = form.is_valid() if request.method == "POST" else False
    if request.method == "POST" and reason is not None:
        valid = reason.is_valid() and valid
    if valid and decision.is_valid():
        options = {
            "confirm": decision.cleaned_data["confirm"],
            "override_reason": decision.cleaned_data["override_reason"]
            if may_override(user)
            else "",
            "request": request,
        }
        data = form.entry_input(household_id=household.pk)
        try:
            if entry is None:
                saved = aid_entry_record(
                    member=user.member,
                    by=user,
                    data=data,
                    evidence=form.cleaned_data.get("evidence"),
                    **options,
                )
            else:
                assert reason is not None  # noqa: S101
                saved = aid_entry_correct(
                    entry=entry, by=user, data=data, reason=reason.cleaned_data["reason"], **options
                )
        except ApplicationError as error:
            _show_error(error, form, context)
        else:
            messages.success(
                request,
                _("The delivery was recorded.")
                if entry is None
                else _("The delivery was corrected."),
            )
            return redirect("aid:entry_detail", pk=saved.pk)
    return render(request, "assistance/entry_form.html", context)


@role_required(*RECORD_ROLES)
def entry_record(request: HttpRequest) -> HttpResponse:
    household, person = _beneficiary(request)
    return _entry_form_page(request, household=household, person=person)


@require_POST
@role_required(*RECORD_ROLES)
def entry_check(request: HttpRequest) -> HttpResponse:
    """While filling the form: what the duplicate-aid rules say (htmx fragment).

    Only the beneficiary, category and dates matter to the rules, so a missing amount is
    not a reason to stay silent. The correction form names the delivery it corrects
    (`corrects`): the rules leave that one out, as saving the correction does.
    """
    user: Any = request.user
    household, _person = _beneficiary(request)
    corrects = request.POST.get("corrects", "")
    replaces = (
        selectors.correctable_entry(user=user, pk=int(corrects), household=household)
        if corrects.isascii() and corrects.isdigit() and len(corrects) <= 18
        else None
    )
    post = request.POST.copy()
    # Amounts not typed yet stand in as 1 and 0: the rules do not read them, and a category
    # without a unit value would otherwise need a value before anything is said.
    for name, stand_in in (("quantity", "1"), ("value", "0")):
        if not post.get(name):
            post[name] = stand_in
    form = AidEntryForm(
        post,
        member=user.member,
        people=selectors.aid_recipients(user=user, household=household),
    )
    findings: list[dict[str, Any]] = []
    if form.is_valid():
        data: AidEntryInput = form.entry_input(household_id=household.pk)
        findings = aid_entry_check(member=user.member, data=data, replaces=replaces)
    return render(
        request,
        "assistance/_findings.html",
        {"findings": findings, "may_override": may_override(user), "live": True},
    )


# The ledger --------------------------------------------------------------------------


@role_required(*LEDGER_ROLES)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None)
    filters = selectors.LedgerFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.LedgerFilters(
            category=data["category"] or "",
            date_from=data["date_from"],
            date_to=data["date_to"],
            household=data["household"],
            kind=data["kind"] or "",
        )
    entries = selectors.entry_list(user=request.user, filters=filters)
    if form.is_bound and not form.is_valid():
        # The form says which filter it cannot read; the whole ledger would pass for the
        # filtered one (and show people the user did not ask for).
        entries = entries.none()
    page = _page(request, entries)
    selectors.ledger_page_viewed(
        user=request.user,
        entries=page.object_list,
        position={"page": page.number},
        label=f"aid ledger, page {page.number}",
        request=request,
    )
    return render(
        request,
        "assistance/entry_list.html",
        {"form": form, "page": page, "query": _querystring(request)},
    )


@role_required(*LEDGER_ROLES)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    entry = selectors.entry_detail(user=user, pk=pk, request=request)
    conflicts = selectors.conflict_rows(user=user, conflicts=selectors.entry_conflicts(entry=entry))
    return render(
        request,
        "assistance/entry_detail.html",
        {
            "entry": entry,
            "reversal": selectors.entry_reversal(entry),
            "conflicts": conflicts,
            "may_change": selectors.may_change_entry(user, entry)
            and entry.kind == AidEntry.Kind.DELIVERY
            and not entry.is_reversed,  # type: ignore[attr-defined]
            "reason_form": ReasonForm(),
        },
    )


@role_required(*LEDGER_ROLES)
def entry_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The delivery's evidence file, to those who may see the entry; the access is audited."""
    user: Any = request.user
    entry = selectors.entry_detail(user=user, pk=pk, request=request)
    if not entry.evidence:
        raise Http404(_("This delivery has no evidence attached."))
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The evidence file is missing from storage.")) from error
    return FileResponse(handle, as_attachment=True, filename=Path(entry.evidence.name).name)


@require_POST
@role_required(*RECORD_ROLES)
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    entry = selectors.entry_detail(user=user, pk=pk)
    if not selectors.may_change_entry(user, entry):
        raise PermissionDenied
    try:
        aid_entry_reverse(
            entry=entry, by=user, reason=request.POST.get("reason", ""), request=request
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The delivery was reversed."))
    return redirect("aid:entry_detail", pk=entry.pk)


@role_required(*RECORD_ROLES)
def entry_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    entry = selectors.entry_detail(user=user, pk=pk)
    if not selectors.may_change_entry(user, entry):
        raise PermissionDenied
    return _entry_form_page(request, household=entry.household, person=entry.person, entry=entry)


# Conflicts ---------------------------------------------------------------------------


@role_required(*CONFLICT_ROLES)
def conflict_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ConflictFilterForm(request.GET or None, coalition_wide=user.is_coalition_wide)
    filters = selectors.ConflictFilters()
    if form.is_valid():
        data = form.cleaned_data
        member = data.get("member")
        filters = selectors.ConflictFilters(
            action=data["action"] or "",
            resolution=data["resolution"] or "",
            member=member.pk if member else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    conflicts = selectors.conflict_list(user=user, filters=filters)
    if form.is_bound and not form.is_valid():
        conflicts = conflicts.none()  # as for the ledger: no list that passes for the filtered one
    page = _page(request, conflicts)
    rows = selectors.conflict_rows(user=user, conflicts=page.object_list)
    return render(
        request,
        "assistance/conflict_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": _querystring(request),
            "resolutions": AidConflict.Resolution,
        },
    )


# Categories and rules ----------------------------------------------------------------


def _show_problems(error: ApplicationError, form: forms.BaseForm) -> None:
    """Put each of a service's problems on its field (above the form if it has none)."""
    problems: Any = error.extra.get("problems")
    if not isinstance(problems, list):
        problems = [{"field": error.field or "", "message": error.message}]
    _problems_on_fields(problems, form)


@role_required(*RULES_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/rules.html",
        {
            "rows": configuration.category_tree(),
            "may_configure": configuration.may_configure(request.user),
        },
    )


def _category_form_page(request: HttpRequest, category: AidCategory | None) -> HttpResponse:
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = configuration.category_save(
                by=request.user, data=form.category_input(), category=category, request=request
            )
        except ApplicationError as error:
            _show_problems(error, form)
        else:
            messages.success(request, _("The aid category was saved."))
            return redirect(f"{reverse('aid:rules')}#category-{saved.pk}")
    return render(request, "assistance/category_form.html", {"form": form, "category": category})


@role_required(*CONFIGURE_ROLES)
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form_page(request, None)


@role_required(*CONFIGURE_ROLES)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _category_form_page(request, get_object_or_404(AidCategory, pk=pk))


def _rule_form_page(request: HttpRequest, rule: DuplicateAidRule | None) -> HttpResponse:
    locked = rule is not None and configuration.rule_in_use(rule)
    category = request.GET.get("category", "")
    form = RuleForm(
        request.POST or None,
        instance=rule,
        locked=locked,
        initial={"category": category} if rule is None and category.isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = configuration.rule_save(
                by=request.user, data=form.rule_input(), rule=rule, request=request
            )
        except ApplicationError as error:
            _show_problems(error, form)
        else:
            messages.success(request, _("The duplicate-aid rule was saved."))
            return redirect(f"{reverse('aid:rules')}#category-{saved.category_id}")
    return render(
        request, "assistance/rule_form.html", {"form": form, "rule": rule, "locked": locked}
    )


@role_required(*CONFIGURE_ROLES)
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request, None)


@role_required(*CONFIGURE_ROLES)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form_page(
        request, get_object_or_404(DuplicateAidRule.objects.select_related("category"), pk=pk)
    )


# Reach -------------------------------------------------------------------------------


def _reach(request: HttpRequest) -> tuple[ReachForm, selectors.ReachReport | None]:
    """The form and its report; no report when a filter cannot be read (the form says
    which), since figures without that filter would pass for figures with it."""
    user: Any = request.user
    all_members = selectors.reach_scope_member(user) is None
    form = ReachForm(request.GET or None, all_members=all_members)
    dimension = selectors.ReachDimension.GOVERNORATE
    filters = selectors.ReachFilters()
    if form.is_bound and not form.is_valid():
        return form, None
    if form.is_valid():
        data = form.cleaned_data
        dimension = selectors.ReachDimension(data["by"] or dimension)
        member = data.get("member")
        filters = selectors.ReachFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            governorate=data["governorate"] or "",
            category=data["category"] or "",
            member=member.pk if member else None,
        )
    return form, selectors.reach_report(user=user, dimension=dimension, filters=filters)


@role_required(*REACH_ROLES)
def reach(request: HttpRequest) -> HttpResponse:
    form, report = _reach(request)
    query = _querystring(request)
    return render(
        request,
        "assistance/reach.html",
        {
            "form": form,
            "report": report,
            "dimension_label": selectors.REACH_DIMENSION_LABELS[report.dimension] if report else "",
            "csv_url": f"{reverse('aid:reach_export', args=['csv'])}?{query}",
            "xlsx_url": f"{reverse('aid:reach_export', args=['xlsx'])}?{query}",
        },
    )


@role_required(*REACH_ROLES)
def reach_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The reach table as CSV (UTF-8 with BOM, for Excel) or XLSX; every export is audited."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, report = _reach(request)
    if report is None:  # the page says which filter it cannot read
        return redirect(f"{reverse('aid:reach')}?{_querystring(request)}")
    header, rows = selectors.reach_table(report)
    stamp = timezone.localdate().isoformat()
    filename = f"marsad-reach-{report.dimension.value}-{stamp}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(header, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    filters = report.filters
    audit_record(
        actor=request.user,
        action="export",
        target_type="assistance.reach",
        target_label=filename,
        changes={
            "format": fmt,
            "by": report.dimension.value,
            "rows": len(report.rows),
            "filters": {
                "date_from": filters.date_from.isoformat() if filters.date_from else None,
                "date_to": filters.date_to.isoformat() if filters.date_to else None,
                "governorate": filters.governorate,
                "category": filters.category,
                "member": filters.member,
                "scoped_to_member": report.scoped_to_member,
            },
        },
        request=request,
    )
    return response


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("Reach")[:31]
    sheet.sheet_view.rightToLeft = get_language() != "en"
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
