from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marsad.core.models import AuditEvent
from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required, scope_to_member


@role_required(*roles_for("core:audit_list"))
def audit_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    events = scope_to_member(AuditEvent.objects.select_related("member"), user)
    if request.GET.get("pii") == "1":
        events = events.filter(pii=True)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/audit_list.html", {"page": page, "pii_only": request.GET.get("pii") == "1"}
    )
