"""Builders for ledger tests: households served by two members, entries written directly."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from marsad.assistance.models import AidCategory, AidEntry
from marsad.members.models import Member
from marsad.registry.models import Household, Person, ServiceLink
from tests.factories import household_create, person_create

_names = itertools.cycle(
    ["محمد أحمد علي حسن", "فاطمة محمود السيد", "أحمد محمد علي", "منى حسن إبراهيم", "علي حسين محمد"]
)


def family_create(
    *, member: Member, size: int = 2, served_by: tuple[Member, ...] = (), **fields: Any
) -> Household:
    """A household of `size` people registered by `member` and also served by `served_by`."""
    household = household_create(member=member, **fields)
    people = []
    for index in range(size):
        person = person_create(
            household=household,
            full_name=next(_names),
            relation=Person.Relation.HEAD if index == 0 else Person.Relation.SON,
        )
        people.append(person)
        for serving in (member, *served_by):
            ServiceLink.objects.create(
                member=serving, person=person, since=datetime.date(2024, 1, 1)
            )
    household.head = people[0] if people else None
    household.save(update_fields=["head"])
    return household


def entry_create(
    *,
    member: Member,
    household: Household,
    category: str = "food-box",
    person: Person | None = None,
    quantity: str = "1",
    value: str = "500",
    delivered_on: datetime.date = datetime.date(2025, 3, 10),
    **fields: Any,
) -> AidEntry:
    """An effective delivery written straight to the ledger (no rules, for read tests)."""
    return AidEntry.objects.create(
        member=member,
        household=household,
        person=person,
        category=AidCategory.objects.get(code=category),
        quantity=Decimal(quantity),
        value=Decimal(value),
        delivered_on=delivered_on,
        period_start=fields.pop("period_start", delivered_on),
        period_end=fields.pop("period_end", delivered_on),
        governorate=fields.pop("governorate", household.governorate),
        **fields,
    )


def reversal_create(entry: AidEntry, *, on: datetime.date | None = None) -> AidEntry:
    return AidEntry.objects.create(
        kind=AidEntry.Kind.REVERSAL,
        reverses=entry,
        member=entry.member,
        household=entry.household,
        person=entry.person,
        category=entry.category,
        quantity=-entry.quantity,
        value=-entry.value,
        delivered_on=on or entry.delivered_on,
        period_start=entry.period_start,
        period_end=entry.period_end,
        governorate=entry.governorate,
        note="خطأ في التسجيل",
    )
