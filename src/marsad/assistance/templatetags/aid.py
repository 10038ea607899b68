"""`{% aid_history household=... %}` / `{% aid_history person=... %}`: the aid a household or
person received, for the registry's detail pages, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from marsad.assistance import selectors
from marsad.registry.models import Household, Person, ServiceLink

register = template.Library()


@register.inclusion_tag("assistance/_history.html", takes_context=True)
def aid_history(
    context: template.Context, household: Household | None = None, person: Person | None = None
) -> dict[str, Any]:
    user = context["request"].user
    record_url = ""
    if person is not None:
        rows = selectors.person_aid_history(user=user, person=person)
        if (
            selectors.may_record_aid(user)
            and person.status != Person.Status.MERGED
            and ServiceLink.objects.filter(member_id=user.member_id, person=person).exists()
        ):
            record_url = f"{reverse('aid:entry_record')}?person={person.pk}"
    elif household is not None:
        rows = selectors.household_aid_history(user=user, household=household)
        if selectors.may_record_aid(user) and household.member_id == user.member_id:
            record_url = f"{reverse('aid:entry_record')}?household={household.pk}"
    else:
        rows = []
    return {"rows": rows, "record_url": record_url, "request": context["request"]}
