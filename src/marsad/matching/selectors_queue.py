"""Reads for the review queue, with each person shown only as far as the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from marsad.matching.models import DuplicateCase
from marsad.matching.selectors import coordination_summary, visible_in_full
from marsad.registry.models import Person


def case_list(*, user: Any, status: str = DuplicateCase.Status.OPEN) -> QuerySet[DuplicateCase]:
    cases = DuplicateCase.objects.filter(status=status).select_related(
        "person_a__member",
        "person_b__member",
        "person_a__household__governorate",
        "person_b__household__governorate",
    )
    if not user.is_coalition_wide:
        if user.member_id is None:
            return cases.none()
        cases = cases.filter(
            Q(person_a__member_id=user.member_id) | Q(person_b__member_id=user.member_id)
        )
    return cases.order_by("-probability", "pk")


def case_detail(*, user: Any, pk: int) -> DuplicateCase:
    from django.shortcuts import get_object_or_404

    queryset = DuplicateCase.objects.all()
    if not user.is_coalition_wide:
        queryset = queryset.filter(
            Q(person_a__member_id=user.member_id) | Q(person_b__member_id=user.member_id)
        )
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class PersonView:
    """One side of a pair: full details if the viewer may see them, else coordination only."""

    person: Person
    full: bool
    summary: dict[str, Any]


def person_views(*, user: Any, case: DuplicateCase) -> tuple[PersonView, PersonView]:
    visible = visible_in_full(user, [case.person_a_id, case.person_b_id])
    views = tuple(
        PersonView(person, person.pk in visible, coordination_summary(person).as_dict())
        for person in (case.person_a, case.person_b)
    )
    return views  # type: ignore[return-value]
