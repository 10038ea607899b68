"""The figures each role's landing page shows, counted from the database."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from marsad.core.models import AuditEvent
from marsad.geo.models import Governorate
from marsad.members.models import CoalitionBody, Member, Partner, Role
from marsad.registry.models import Household, Person


@dataclass(frozen=True)
class CoalitionSummary:
    members: int
    governorates_covered: int
    households: int
    people: int
    partners: int
    bodies: int


@dataclass(frozen=True)
class MemberSummary:
    households: int
    people: int
    branches: int
    users: int
    governorates: int
    recent_pii_views: int


def coalition_summary() -> CoalitionSummary:
    return CoalitionSummary(
        members=Member.objects.count(),
        governorates_covered=Governorate.objects.filter(members__isnull=False).distinct().count(),
        households=Household.objects.count(),
        people=Person.objects.count(),
        partners=Partner.objects.count(),
        bodies=CoalitionBody.objects.count(),
    )


def member_summary(*, member: Member) -> MemberSummary:
    counts = Member.objects.filter(pk=member.pk).aggregate(
        branches=Count("branches", distinct=True),
        users=Count("users", distinct=True),
        governorates=Count("governorates", distinct=True),
    )
    return MemberSummary(
        households=Household.objects.filter(member=member).count(),
        people=Person.objects.filter(member=member).count(),
        recent_pii_views=AuditEvent.objects.filter(member=member, pii=True).count(),
        **counts,
    )


def dashboard_context(*, user: Any) -> dict[str, Any]:
    role = Role.SECRETARIAT_ANALYST if user.is_superuser else user.role
    context: dict[str, Any] = {"role": role}
    if role in {Role.SECRETARIAT_ANALYST, Role.BOARD_MEMBER}:
        context["coalition"] = coalition_summary()
        context["governorates_without_members"] = Governorate.objects.filter(
            members__isnull=True
        ).order_by("code")
    if user.member_id:
        context["member_summary"] = member_summary(member=user.member)
    if role == Role.BOARD_MEMBER:
        context["seats"] = user.seats.select_related("body")
    return context
