from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.core.permissions import role_required
from marsad.matching import selectors_queue, services
from marsad.matching.evidence import evidence_rows
from marsad.matching.models import DuplicateCase
from marsad.members.models import Role

REVIEW_ROLES = (Role.SECRETARIAT_ANALYST, Role.MEMBER_ADMIN, Role.CASE_WORKER)


@role_required(*REVIEW_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", DuplicateCase.Status.OPEN)
    if status not in DuplicateCase.Status.values:
        status = DuplicateCase.Status.OPEN
    cases = selectors_queue.case_list(user=request.user, status=status)
    return render(
        request,
        "matching/case_list.html",
        {
            "cases": cases[:200],
            "status": status,
            "statuses": DuplicateCase.Status.choices,
        },
    )


@role_required(*REVIEW_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    case = selectors_queue.case_detail(user=user, pk=pk)
    left, right = selectors_queue.person_views(user=user, case=case)
    for side in (left, right):
        if side.full:
            audit_record(actor=user, action="view", target=side.person, pii=True, request=request)
    return render(
        request,
        "matching/case_detail.html",
        {
            "case": case,
            # Field by field, the evidence would tell a record the user is not shown.
            "evidence": evidence_rows(case.evidence or []) if left.full and right.full else None,
            "left": left,
            "right": right,
            "can_decide": services.can_decide(user, case),
            "can_merge": services.can_merge(user, case),
        },
    )


@require_POST
@role_required(*REVIEW_ROLES)
def case_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    case = selectors_queue.case_detail(user=request.user, pk=pk)
    actions = {
        "merge": (services.case_merge, _("The two records were merged into one.")),
        "distinct": (
            services.case_mark_distinct,
            _("Recorded as different people; this pair will not be raised again."),
        ),
        "undo": (services.case_undo, _("The merge was undone.")),
    }
    if decision not in actions:
        raise PermissionDenied
    action, done = actions[decision]
    try:
        action(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("matching:case_detail", pk=case.pk)
