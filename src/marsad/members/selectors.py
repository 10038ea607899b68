"""Reads for member institutions, bodies and partners."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from marsad.core.permissions import get_scoped_or_404
from marsad.members.models import BodySeat, CoalitionBody, Member, Partner


def member_directory() -> QuerySet[Member]:
    """Every member with public facts only (names, type, governorates): no people's data."""
    return Member.objects.prefetch_related("governorates").annotate(
        branch_count=Count("branches", distinct=True)
    )


def member_detail(*, user: Any, slug: str) -> Member:
    """A member's full record (staff, branches): its own users and the secretariat only."""
    queryset = Member.objects.prefetch_related("governorates", "branches__governorate", "users")
    return get_scoped_or_404(queryset, user, field="pk", slug=slug)


def body_list() -> QuerySet[CoalitionBody]:
    seats = BodySeat.objects.select_related("member", "user").order_by("position", "pk")
    return CoalitionBody.objects.prefetch_related(Prefetch("seats", queryset=seats))


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.all()
