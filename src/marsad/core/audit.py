"""Writing the audit log.

Services call `audit_record` inside their own transaction so the event and the change
commit together or not at all.
"""

from typing import Any

from django.db import models
from django.http import HttpRequest

from marsad.core.models import AuditEvent


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    pii: bool = False,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    member_id: int | None = None,
) -> AuditEvent:
    """Record an event. The member is the actor's institution, unless `member_id` names the
    institution on whose behalf the actor acted (the secretariat importing a member's file)."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = target_label or str(target)[:255]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "",
        member_id=member_id
        if member_id is not None
        else (getattr(actor, "member_id", None) if authenticated else None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        pii=pii,
        changes=changes or {},
        ip_address=_client_ip(request),
    )


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [old, new]} with JSON-safe values."""
    return {
        field: [_json_safe(before.get(field)), _json_safe(value)]
        for field, value in after.items()
        if before.get(field) != value
    }


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_json_safe(item) for item in value]
    return str(value)
