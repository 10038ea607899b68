"""The import screens: upload, match columns, preview, import with progress, rejected rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marsad.core.errors import ApplicationError
from marsad.core.permissions import role_required
from marsad.imports import selectors, services
from marsad.imports.fields import problem_place
from marsad.imports.forms import MappingForm, UploadForm
from marsad.imports.models import ImportBatch
from marsad.members.models import Role

IMPORT_ROLES = (Role.MEMBER_ADMIN, Role.SECRETARIAT_ANALYST)
#: Seconds between two progress requests while a batch is checked or imported.
POLL_SECONDS = 2


@require_GET
@role_required(*IMPORT_ROLES)
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "imports/batch_list.html", {"batches": selectors.batch_list(user=request.user)}
    )


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def batch_upload(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"] if user.is_coalition_wide else user.member
        upload = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                member=member,
                by=user,
                file=upload,
                name=upload.name,
                kind=form.cleaned_data["kind"],
                language=get_language() or "ar",
                request=request,
            )
        except ApplicationError as error:
            form.add_error(
                "file" if error.field in (None, "file") else error.field, str(error.message)
            )
        else:
            return redirect("imports:mapping", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def batch_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    finished = batch.status == ImportBatch.Status.DONE or batch.imported
    if batch.is_active or finished or batch.purged_at:
        return redirect("imports:detail", pk=batch.pk)
    form = MappingForm(
        request.POST or None,
        kind=batch.kind,
        header=batch.header,
        initial_mapping=batch.mapping or selectors.mapping_suggested(batch),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_map(batch=batch, mapping=form.mapping(), by=request.user)
            services.preview_start(batch=batch, by=request.user)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("imports:detail", pk=batch.pk)
    return render(
        request,
        "imports/mapping.html",
        {"batch": batch, "form": form, "same_file": selectors.same_file_before(batch)},
    )


def _detail_context(batch: ImportBatch) -> dict[str, Any]:
    return {
        "batch": batch,
        "poll_seconds": POLL_SECONDS,
        "rejections": [
            (
                rejection.line,
                [
                    (problem_place(batch.kind, batch.mapping, p.get("field", "")), p["message"])
                    for p in rejection.problems
                ],
            )
            for rejection in selectors.rejections_shown(batch)
        ],
        "rejections_total": batch.rejected if batch.imported else batch.records_rejected,
        "same_file": selectors.same_file_before(batch),
    }


@require_GET
@role_required(*IMPORT_ROLES)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    if batch.status == ImportBatch.Status.MAPPING and not batch.purged_at:
        return redirect("imports:mapping", pk=batch.pk)
    return render(request, "imports/batch_detail.html", _detail_context(batch))


@require_GET
@role_required(*IMPORT_ROLES)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the work ends, the whole page reloads."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    response = render(
        request, "imports/_progress.html", {"batch": batch, "poll_seconds": POLL_SECONDS}
    )
    if request.headers.get("HX-Request") and not batch.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(*IMPORT_ROLES)
def batch_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the import of a previewed batch, or continue a failed one."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.import_start(batch=batch, by=request.user, request=request)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The import is queued; this page shows its progress."))
    return redirect("imports:detail", pk=batch.pk)


@require_GET
@role_required(*IMPORT_ROLES)
def rejections_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    try:
        download = services.rejections_export(
            batch=batch, by=request.user, file_format=file_format, request=request
        )
    except ApplicationError as error:  # removed with the file
        messages.error(request, str(error.message))
        return redirect("imports:detail", pk=batch.pk)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=download.filename) or ""
    )
    response["Cache-Control"] = "no-store"
    return response
