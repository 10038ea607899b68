"""The registry scan screen: start a scan, follow its progress, see the latest runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marsad.core.errors import ApplicationError
from marsad.core.permissions import role_required
from marsad.matching.models import RegistryScan
from marsad.matching.scan import scan_active, scan_latest
from marsad.matching.tasks import registry_scan_start
from marsad.members.models import Role

SCAN_ROLES = (Role.SECRETARIAT_ANALYST,)
#: Seconds between two progress requests while a scan is queued or running.
POLL_SECONDS = 2


@require_GET
@role_required(*SCAN_ROLES)
def scan_page(request: HttpRequest) -> HttpResponse:
    scans = scan_latest()
    active = scan_active()
    return render(
        request,
        "matching/scan.html",
        {
            "scans": scans,
            "active": active,
            "shown": active or (scans[0] if scans else None),
            "poll_seconds": POLL_SECONDS,
        },
    )


@require_POST
@role_required(*SCAN_ROLES)
def scan_start(request: HttpRequest) -> HttpResponse:
    try:
        registry_scan_start(by=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The registry scan is queued; the page shows its progress as it runs.")
        )
    return redirect("scan:scan")


@require_GET
@role_required(*SCAN_ROLES)
def scan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the scan ends, the whole page reloads."""
    scan = get_object_or_404(RegistryScan, pk=pk)
    response = render(
        request,
        "matching/scan_progress.html",
        {"shown": scan, "poll_seconds": POLL_SECONDS},
    )
    if request.headers.get("HX-Request") and not scan.is_active:
        # The list of scans and the start button change too: refresh the page once.
        response["HX-Refresh"] = "true"
    return response
