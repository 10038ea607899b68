"""Writes to the aid ledger: recording, reversing and correcting deliveries.

Duplicate-aid rules are checked inside the transaction that writes, with the household's
row locked (PostgreSQL), so two members recording the same month's grant at the same moment
cannot both pass a blocking rule.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.assistance.errors import AidError
from marsad.assistance.models import AidConflict, AidEntry
from marsad.assistance.rules import (
    active_rules,
    describe_findings,
    existing_deliveries,
    merged_heads,
)
from marsad.assistance.validation import AidEntryInput, CleanEntry, validate_entry
from marsad.core.audit import audit_record
from marsad.core.errors import ApplicationError
from marsad.engines import aid_rules
from marsad.members.models import Member, Role
from marsad.registry.models import Household, ServiceLink
from marsad.registry.validation import Problem, problems_error

#: Roles that may override a blocking duplicate-aid rule (with a reason).
OVERRIDE_ROLES = frozenset({Role.MEMBER_ADMIN, Role.SECRETARIAT_ANALYST})

NEW = -1


def may_override(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in OVERRIDE_ROLES)


def _invalid(problems: list[Problem]) -> ApplicationError:
    return problems_error(problems, generic=AidError.INVALID_INPUT)


def _delivery(member: Member, clean: CleanEntry, household: int) -> aid_rules.Delivery:
    return aid_rules.Delivery(
        ref=NEW,
        member=member.pk,
        category=clean.category.pk,
        household=household,
        person=clean.person.pk if clean.person else None,
        period_start=clean.period_start,
        delivered_on=clean.delivered_on,
    )


def _check(
    member: Member, clean: CleanEntry, *, exclude: int | None = None
) -> tuple[aid_rules.Outcome, dict[int, Any]]:
    rules = active_rules()
    engine_rules = [rule for _, rule in rules.values()]
    heads = merged_heads()
    household = heads.get(clean.household.pk, clean.household.pk)
    existing = existing_deliveries(
        rules=engine_rules,
        household_ids=[household],
        person_ids=[clean.person.pk] if clean.person else [],
        first_day=clean.period_start,
        last_day=clean.period_start,
        heads=heads,
    )
    existing = [d for d in existing if d.ref != exclude]
    delivery = _delivery(member, clean, household)
    [outcome] = aid_rules.check_sequence(engine_rules, [delivery], existing)
    return outcome, rules


def aid_entry_check(
    *, member: Member, data: AidEntryInput, replaces: AidEntry | None = None
) -> list[dict[str, Any]]:
    """What the rules would say about this delivery, without recording it.

    Input problems are not reported here (the form shows them on submit): an incomplete
    form simply has no findings yet. When the delivery corrects `replaces`, the rules see
    it without the entry it replaces, as `aid_entry_correct` does.
    """
    clean, _problems = validate_entry(member, data)
    if clean is None:
        return []
    outcome, rules = _check(member, clean, exclude=replaces.pk if replaces else None)
    return describe_findings(outcome.findings, rules)


def aid_entry_record(
    *,
    member: Member,
    by: Any,
    data: AidEntryInput,
    confirm: bool = False,
    override_reason: str = "",
    evidence: File | None = None,
    request: HttpRequest | None = None,
    replaces: AidEntry | None = None,
) -> AidEntry:
    """Record one delivery after the duplicate-aid rules.

    Raises ApplicationError: an input code (every problem in `extra["problems"]`);
    `aid.blocked` unless overridden with a reason by a member admin or the secretariat
    (`aid.override_not_allowed` for others); `aid.confirmation_required` for warnings
    unless `confirm`. Findings are in `extra["findings"]`. `aid.source_key_exists` when the
    member recorded a delivery with this `source_key` before: nothing is added.
    """
    clean, problems = validate_entry(member, data)
    if clean is None:
        raise _invalid(problems)
    override_reason = override_reason.strip()
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=clean.household.pk).exists()
        # A call sent again is told so before the rules, which would count the first
        # delivery against it.
        if _source_key_recorded(member, data.source_key):
            raise _source_key_exists()
        outcome, rules = _check(member, clean, exclude=replaces.pk if replaces else None)
        findings = describe_findings(outcome.findings, rules)
        if outcome.blocking:
            if not override_reason:
                raise ApplicationError(
                    code=AidError.BLOCKED,
                    message=_(
                        "A duplicate-aid rule blocks this delivery. Only a member admin or "
                        "the secretariat can override it, with a reason."
                    ),
                    extra={"findings": findings},
                )
            if not may_override(by):
                raise ApplicationError(
                    code=AidError.OVERRIDE_NOT_ALLOWED,
                    message=_("Only a member admin or the secretariat can override a block."),
                    extra={"findings": findings},
                )
        if outcome.warnings and not confirm and not override_reason:
            raise ApplicationError(
                code=AidError.CONFIRMATION_REQUIRED,
                message=_("This household or person already received this aid; confirm to go on."),
                extra={"findings": findings},
            )
        try:
            with transaction.atomic():
                entry = _write(member=member, by=by, clean=clean, evidence=evidence)
        except IntegrityError:
            # Another call recorded a delivery with the same reference meanwhile.
            if _source_key_recorded(member, data.source_key):
                raise _source_key_exists() from None
            raise
        _record_conflicts(entry, outcome, by=by, reason=override_reason)
        audit_record(
            actor=by,
            action="create",
            target=entry,
            request=request,
            changes={
                "household": clean.household.pk,
                "category": clean.category.code,
                "findings": [f["action"] for f in findings],
                **({"override_reason": override_reason} if outcome.blocking else {}),
            },
        )
    return entry


def _source_key_recorded(member: Member, source_key: str) -> bool:
    """Whether the member recorded a delivery with this reference (`source_key`) already."""
    return (
        bool(source_key) and AidEntry.objects.filter(member=member, source_key=source_key).exists()
    )


def _source_key_exists() -> ApplicationError:
    return ApplicationError(
        code=AidError.SOURCE_KEY_EXISTS,
        message=_(
            "Your institution already recorded a delivery with this reference; nothing was added."
        ),
        field="source_key",
    )


def _write(*, member: Member, by: Any, clean: CleanEntry, evidence: File | None) -> AidEntry:
    data = clean.source
    entry = AidEntry(
        member=member,
        category=clean.category,
        household=clean.household,
        person=clean.person,
        quantity=clean.quantity,
        value=clean.value,
        delivered_on=clean.delivered_on,
        period_start=clean.period_start,
        period_end=clean.period_end,
        program=clean.program,
        governorate=clean.governorate,
        district=clean.district,
        village=data.village or (clean.household.village if not data.governorate else ""),
        delivered_by_name=data.delivered_by_name,
        note=data.note,
        source_key=data.source_key,
        created_by=by if getattr(by, "pk", None) else None,
    )
    if evidence is not None:
        entry.evidence.save(evidence.name or "evidence", evidence, save=False)
    entry.save()
    if clean.person is not None:
        ServiceLink.objects.get_or_create(
            member=member,
            person=clean.person,
            defaults={"since": clean.delivered_on, "created_by": entry.created_by},
        )
    return entry


def _record_conflicts(entry: AidEntry, outcome: aid_rules.Outcome, *, by: Any, reason: str) -> None:
    resolution = AidConflict.RESOLUTION_BY_ACTION
    user = by if getattr(by, "pk", None) else None
    AidConflict.objects.bulk_create(
        AidConflict(
            entry=entry,
            other_id=int(str(other.ref)),
            rule_id=finding.rule.id,
            action=finding.action.value,
            resolution=resolution[finding.action],
            reason=reason if finding.action != aid_rules.Action.FLAG else "",
            decided_by=user if finding.action != aid_rules.Action.FLAG else None,
        )
        for finding in outcome.findings
        for other in finding.others
        if int(str(other.ref)) > 0
    )


def _may_change(entry: AidEntry, by: Any) -> bool:
    return bool(getattr(by, "is_coalition_wide", False) or by.member_id == entry.member_id)


def aid_entry_reverse(
    *, entry: AidEntry, by: Any, reason: str, request: HttpRequest | None = None
) -> AidEntry:
    """Cancel a delivery with a reversal entry (negative quantity and value)."""
    reason = reason.strip()
    if not _may_change(entry, by):
        raise ApplicationError(
            code=AidError.NOT_REVERSIBLE,
            message=_("Only the institution that recorded a delivery can reverse it."),
        )
    if entry.kind != AidEntry.Kind.DELIVERY:
        raise ApplicationError(
            code=AidError.NOT_REVERSIBLE, message=_("A reversal cannot itself be reversed.")
        )
    if not reason:
        raise ApplicationError(
            code=AidError.REASON_REQUIRED,
            message=_("Say why this delivery is reversed."),
            field="reason",
        )
    with transaction.atomic():
        if AidEntry.objects.select_for_update().filter(reverses=entry).exists():
            raise ApplicationError(
                code=AidError.ALREADY_REVERSED, message=_("This delivery was already reversed.")
            )
        reversal = AidEntry(
            kind=AidEntry.Kind.REVERSAL,
            reverses=entry,
            member=entry.member,
            category=entry.category,
            household=entry.household,
            person=entry.person,
            quantity=-entry.quantity,
            value=-entry.value,
            delivered_on=timezone.localdate(),
            period_start=entry.period_start,
            period_end=entry.period_end,
            program=entry.program,
            governorate=entry.governorate,
            district=entry.district,
            village=entry.village,
            note=reason,
            created_by=by if getattr(by, "pk", None) else None,
        )
        reversal.save()
        audit_record(
            actor=by,
            action="create",
            target=reversal,
            request=request,
            changes={"reverses": entry.pk, "reason": reason},
        )
    return reversal


def aid_entry_correct(
    *,
    entry: AidEntry,
    by: Any,
    data: AidEntryInput,
    reason: str,
    confirm: bool = False,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> AidEntry:
    """Replace a delivery: its reversal and the corrected entry, both or neither.

    The rules see the corrected entry without the one it replaces.
    """
    with transaction.atomic():
        aid_entry_reverse(entry=entry, by=by, reason=reason, request=request)
        return aid_entry_record(
            member=entry.member,
            by=by,
            data=data,
            confirm=confirm,
            override_reason=override_reason,
            request=request,
            replaces=entry,
        )
