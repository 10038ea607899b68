"""Writes for member institutions and their branches."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict

from marsad.core.audit import audit_record, model_changes
from marsad.members.models import Branch, CoalitionBody, Member, Role

EDITABLE_MEMBER_FIELDS = ("name_ar", "name_en", "kind", "registration_number", "website")


def can_manage_member(user: Any, member: Member) -> bool:
    return bool(
        user.is_coalition_wide or (user.role == Role.MEMBER_ADMIN and user.member_id == member.pk)
    )


@transaction.atomic
def member_update(
    *, member: Member, by: Any, governorate_ids: list[int] | None = None, **fields: Any
) -> Member:
    if not can_manage_member(by, member):
        raise PermissionDenied
    before = model_to_dict(member, fields=EDITABLE_MEMBER_FIELDS)
    before_govs = sorted(member.governorates.values_list("pk", flat=True))
    for name, value in fields.items():
        if name not in EDITABLE_MEMBER_FIELDS:
            raise TypeError(f"member_update() got an unexpected field {name!r}")
        setattr(member, name, value)
    member.full_clean()
    member.save()
    changes = model_changes(before, model_to_dict(member, fields=EDITABLE_MEMBER_FIELDS))
    if governorate_ids is not None and sorted(governorate_ids) != before_govs:
        member.governorates.set(governorate_ids)
        changes["governorates"] = [before_govs, sorted(governorate_ids)]
    if changes:
        audit_record(actor=by, action="update", target=member, changes=changes)
    return member


@transaction.atomic
def branch_create(*, member: Member, by: Any, **fields: Any) -> Branch:
    if not can_manage_member(by, member):
        raise PermissionDenied
    branch = Branch(member=member, created_by=by, **fields)
    branch.full_clean()
    branch.save()
    audit_record(actor=by, action="create", target=branch)
    return branch


#: The coalition's bodies as its statutes define them: (slug, kind, area, Arabic, English).
COALITION_BODIES = [
    ("general-assembly", "general_assembly", "", "الجمعية العمومية", "General Assembly"),
    ("board-of-trustees", "board_of_trustees", "", "مجلس الأمناء", "Board of Trustees"),
    (
        "technical-secretariat",
        "technical_secretariat",
        "",
        "الأمانة الفنية",
        "Technical Secretariat",
    ),
    (
        "committee-marketing-media",
        "standing_committee",
        "marketing_media",
        "لجنة التسويق والإعلام",
        "Marketing and Media Committee",
    ),
    (
        "committee-strategic-planning",
        "standing_committee",
        "strategic_planning",
        "لجنة التخطيط الاستراتيجي",
        "Strategic Planning Committee",
    ),
    (
        "committee-activities-initiatives",
        "standing_committee",
        "activities_initiatives",
        "لجنة الأنشطة والمبادرات",
        "Activities and Initiatives Committee",
    ),
    (
        "committee-investment-sustainability",
        "standing_committee",
        "investment_sustainability",
        "لجنة الاستثمار والاستدامة",
        "Investment and Sustainability Committee",
    ),
]


def coalition_bodies_seed(body_model: Any = CoalitionBody) -> None:
    """Create or refresh the bodies; takes the model so migrations can pass theirs."""
    for slug, kind, area, name_ar, name_en in COALITION_BODIES:
        body_model.objects.update_or_create(
            slug=slug, defaults={"kind": kind, "area": area, "name_ar": name_ar, "name_en": name_en}
        )
