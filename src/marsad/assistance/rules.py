"""The duplicate-aid rules as the engine sees them, and the ledger rows they count.

`marsad.engines.aid_rules` decides; this module loads active rules and the effective
deliveries that may collide with new ones, and turns findings into what screens, the API
and import reports show: the rule, the action, and for the other deliveries only the
member, category and date (never who the person is).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from marsad.assistance.models import AidCategory, AidEntry, DuplicateAidRule
from marsad.engines import aid_rules
from marsad.members.models import Member
from marsad.registry.models import Household, Person

#: Every window is at most a year long (a Hijri year is 354 or 355 days).
WINDOW_REACH = datetime.timedelta(days=370)


def active_rules() -> dict[int, tuple[DuplicateAidRule, aid_rules.Rule]]:
    """Active rules by id: the model row and the engine's view of it.

    A rule on a category also counts the category's sub-categories.
    """
    children: dict[int, set[int]] = {}
    for pk, parent_id in AidCategory.objects.values_list("pk", "parent_id"):
        if parent_id is not None:
            children.setdefault(parent_id, set()).add(pk)
    rules = {}
    for row in DuplicateAidRule.objects.filter(is_active=True).select_related("category"):
        categories = frozenset({row.category_id, *children.get(row.category_id, ())})
        rules[row.pk] = (
            row,
            aid_rules.Rule(
                id=row.pk,
                categories=categories,
                scope=aid_rules.Scope(row.scope),
                window=aid_rules.Window(row.window),
                action=aid_rules.Action(row.action),
                limit=row.limit,
                across_members=row.across_members,
            ),
        )
    return rules


def covered_categories(rules: Iterable[aid_rules.Rule]) -> set[int]:
    return {category for rule in rules for category in rule.categories}


def merged_heads() -> dict[int, int]:
    """Household → the household it counts as, for every household whose head was merged
    into a person of another household (the same family registered twice; two levels of
    merges), as reach counts it. Read from the merged records (a partial index): merges are
    few, and a join from a batch's households would scan the person table instead."""
    return _aliases(
        Household.objects.filter(head__merged_into__isnull=False)
        .annotate(
            into=Coalesce(
                "head__merged_into__merged_into__household_id", "head__merged_into__household_id"
            )
        )
        .values_list("pk", "into")
    )


def _merged_records(
    households: list[int], people: list[int], heads: Mapping[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """(household → counted household, person → surviving person) for the records merged
    into these households and people: their earlier deliveries count for them."""
    wanted_households, wanted_people = set(households), set(people)
    household_alias = {pk: into for pk, into in heads.items() if into in wanted_households}
    # Two levels of merges, as reach follows them; read from the merged records only.
    person_alias: dict[int, int] = {}
    for pk, into, further in Person.objects.filter(merged_into__isnull=False).values_list(
        "pk", "merged_into_id", "merged_into__merged_into_id"
    ):
        survivor = further or into
        if survivor in wanted_people:
            person_alias[pk] = survivor
    return household_alias, person_alias


def _aliases(rows: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    return {pk: target for pk, target in rows if target is not None}


def existing_deliveries(
    *,
    rules: Sequence[aid_rules.Rule],
    household_ids: Iterable[int],
    person_ids: Iterable[int],
    first_day: datetime.date,
    last_day: datetime.date,
    heads: Mapping[int, int],
    chunk: int = 5000,
) -> list[aid_rules.Delivery]:
    """Effective deliveries of rule-covered categories to these households or people,
    whose period starts within a window's reach of [first_day, last_day].

    `heads` is `merged_heads()`, and `household_ids` are households as it counts them.
    Deliveries made to a record since merged into one of these households or people are
    theirs too: they are returned as deliveries to the household or person they count as.
    """
    categories = covered_categories(rules)
    if not categories:
        return []
    households = sorted(set(household_ids))
    people = sorted(set(person_ids))
    household_alias, person_alias = _merged_records(households, people, heads)
    households = sorted({*households, *household_alias})
    people = sorted({*people, *person_alias})
    base = AidEntry.objects.effective().filter(
        category_id__in=categories,
        period_start__gte=first_day - WINDOW_REACH,
        period_start__lte=last_day + WINDOW_REACH,
    )
    rows: dict[int, aid_rules.Delivery] = {}
    for field, ids in (("household_id__in", households), ("person_id__in", people)):
        for start in range(0, len(ids), chunk):
            query = base.filter(**{field: ids[start : start + chunk]}).values_list(
                "pk",
                "member_id",
                "category_id",
                "household_id",
                "person_id",
                "period_start",
                "delivered_on",
            )
            for pk, member, category, household, person, period_start, delivered_on in query:
                rows[pk] = aid_rules.Delivery(
                    ref=pk,
                    member=member,
                    category=category,
                    household=household_alias.get(household, household),
                    person=person_alias.get(person, person) if person is not None else None,
                    period_start=period_start,
                    delivered_on=delivered_on,
                )
    return sorted(rows.values(), key=lambda d: (d.period_start, int(str(d.ref))))


class FindingsText:
    """Findings as plain data for screens, the API and import reports.

    The other deliveries are shown by member, category and period only, never by who the
    person is. Names are read once per instance, so a batch describes many rows cheaply.
    """

    def __init__(self, rules: dict[int, tuple[DuplicateAidRule, aid_rules.Rule]]) -> None:
        self.rules = rules
        english = get_language() == "en"
        self.members = {
            pk: (en if english else ar)
            for pk, ar, en in Member.objects.values_list("pk", "name_ar", "name_en")
        }
        self.categories = {
            pk: (en if english else ar)
            for pk, ar, en in AidCategory.objects.values_list("pk", "name_ar", "name_en")
        }
        self.labels = {pk: str(row) for pk, (row, _) in rules.items()}

    def __call__(self, findings: Sequence[aid_rules.Finding]) -> list[dict[str, Any]]:
        return [
            {
                "action": finding.action.value,
                "rule_id": finding.rule.id,
                "rule": self.labels[finding.rule.id],
                "others": [
                    {
                        "entry_id": other.ref
                        if isinstance(other.ref, int) and other.ref > 0
                        else None,
                        "member": self.members.get(other.member, ""),
                        "category": self.categories.get(other.category, ""),
                        "delivered_on": (other.delivered_on or other.period_start).isoformat(),
                    }
                    for other in finding.others
                ],
            }
            for finding in findings
        ]


def describe_findings(
    findings: Sequence[aid_rules.Finding],
    rules: dict[int, tuple[DuplicateAidRule, aid_rules.Rule]],
) -> list[dict[str, Any]]:
    return FindingsText(rules)(findings) if findings else []
