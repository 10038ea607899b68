"""Reads for the registry. Every read is scoped to the user's member institution."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from marsad.core.audit import audit_record
from marsad.core.permissions import get_scoped_or_404, scope_to_member
from marsad.registry.models import Household, NeedsAssessment, Person


def household_list(*, user: Any) -> QuerySet[Household]:
    return (
        scope_to_member(Household.objects.all(), user)
        .select_related("governorate", "district", "member")
        .annotate(size=Count("people"))
        .order_by("-pk")
    )


def household_detail(*, user: Any, pk: int, request: Any = None) -> Household:
    """One household with its people; showing it is a PII view and is audited."""
    people = Person.objects.order_by("pk")
    assessments = NeedsAssessment.objects.order_by("-assessed_on", "-pk")
    household = get_scoped_or_404(
        Household.objects.select_related("governorate", "district", "member").prefetch_related(
            Prefetch("people", queryset=people), Prefetch("assessments", queryset=assessments)
        ),
        user,
        pk=pk,
    )
    audit_record(actor=user, action="view", target=household, pii=True, request=request)
    return household
