"""Reads of the bulk import: a user's batches, the mapping to offer, rejected rows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from marsad.core.permissions import get_scoped_or_404, scope_to_member
from marsad.imports.fields import suggest_mapping
from marsad.imports.models import ColumnMapping, ImportBatch, ImportRejection
from marsad.members.models import Member

#: Rejected rows shown on the preview and result pages; all are in the download.
REJECTIONS_SHOWN = 50


def batch_list(*, user: Any, limit: int = 50) -> list[ImportBatch]:
    queryset = ImportBatch.objects.select_related("member", "created_by").order_by("-pk")
    return list(scope_to_member(queryset, user)[:limit])


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    """The batch if the user's member made it (or the user is coalition-wide), else 404."""
    return get_scoped_or_404(
        ImportBatch.objects.select_related("member", "created_by"), user, pk=pk
    )


def mapping_remembered(*, member: Member, kind: str) -> dict[str, str]:
    saved = ColumnMapping.objects.filter(member=member, kind=kind).first()
    return dict(saved.mapping) if saved else {}


def mapping_suggested(batch: ImportBatch) -> dict[str, str]:
    """The mapping to offer: the member's last choices whose columns this file has, then
    the columns recognised by name."""
    return suggest_mapping(
        batch.kind, batch.header, mapping_remembered(member=batch.member, kind=batch.kind)
    )


def rejection_stage(batch: ImportBatch) -> str:
    """Once an import has run, its rejections are the ones that count; before, the preview's."""
    return ImportRejection.Stage.IMPORT if batch.imported else ImportRejection.Stage.PREVIEW


def rejections(batch: ImportBatch) -> QuerySet[ImportRejection]:
    return batch.rejections.filter(stage=rejection_stage(batch)).order_by("line", "pk")


def rejections_shown(batch: ImportBatch, *, limit: int = REJECTIONS_SHOWN) -> list[ImportRejection]:
    return list(rejections(batch)[:limit])


def same_file_before(batch: ImportBatch) -> ImportBatch | None:
    """An earlier import of the very same file for the same member, if any."""
    return (
        ImportBatch.objects.filter(
            member=batch.member, kind=batch.kind, checksum=batch.checksum, pk__lt=batch.pk
        )
        .exclude(started_at=None)
        .order_by("-pk")
        .first()
    )
