"""Duplicate-aid rules: which deliveries collide with which, as pure functions.

A rule says "at most `limit` deliveries of these categories per household (or person) per
window", counted across all members or within one member. A window is a calendar day,
month or year, or a Hijri year, the natural "season" of Ramadan and Eid campaigns, which
move through the Gregorian calendar. A delivery belongs to the window of the first day of
the period it covers (a monthly grant for March paid on 2 April counts for March).

`check_sequence` walks new deliveries in order, the way a batch is recorded: a delivery
that a blocking rule stops is not counted against the ones after it; every other new
delivery is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from hijridate import Gregorian


class Scope(StrEnum):
    HOUSEHOLD = "household"
    PERSON = "person"


class Window(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    HIJRI_YEAR = "hijri_year"


class Action(StrEnum):
    FLAG = "flag"
    WARN = "warn"
    BLOCK = "block"


#: The Umm al-Qura tables used for Hijri years cover 1343-1500 AH (1924-2077).
HIJRI_FIRST = datetime.date(1924, 8, 1)
HIJRI_LAST = datetime.date(2077, 11, 16)


@lru_cache(maxsize=50_000)
def hijri_year(day: datetime.date) -> int:
    """The Hijri (Umm al-Qura) year of a Gregorian date; 0 outside the supported range."""
    if not HIJRI_FIRST <= day <= HIJRI_LAST:
        return 0
    return int(Gregorian(day.year, day.month, day.day).to_hijri().year)


def window_key(window: Window | str, day: datetime.date) -> int:
    """A number naming the window that contains `day` (equal keys, same window)."""
    if window == Window.DAY:
        return day.toordinal()
    if window == Window.MONTH:
        return day.year * 100 + day.month
    if window == Window.YEAR:
        return day.year
    if window == Window.HIJRI_YEAR:
        return hijri_year(day)
    raise ValueError(f"unknown window {window!r}")


@dataclass(frozen=True)
class Rule:
    id: int
    categories: frozenset[int]
    scope: Scope
    window: Window
    action: Action
    limit: int = 1
    across_members: bool = True


@dataclass(frozen=True)
class Delivery:
    """One delivery as the rules see it. `ref` identifies it to the caller (an id or index)."""

    ref: object
    member: int
    category: int
    household: int
    person: int | None
    period_start: datetime.date
    delivered_on: datetime.date | None = None


@dataclass(frozen=True)
class Finding:
    rule: Rule
    others: tuple[Delivery, ...]

    @property
    def action(self) -> Action:
        return self.rule.action


@dataclass
class Outcome:
    delivery: Delivery
    findings: list[Finding] = field(default_factory=list)
    stopped: bool = False

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.action == Action.BLOCK]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.action == Action.WARN]


def _subject(rule: Rule, delivery: Delivery) -> int | None:
    return delivery.household if rule.scope == Scope.HOUSEHOLD else delivery.person


def _bucket(rule: Rule, delivery: Delivery) -> tuple[int, int] | None:
    subject = _subject(rule, delivery)
    if subject is None:
        return None
    return subject, window_key(rule.window, delivery.period_start)


def check_sequence(
    rules: Sequence[Rule],
    new: Sequence[Delivery],
    existing: Iterable[Delivery] = (),
    *,
    allowed: frozenset[object] = frozenset(),
) -> list[Outcome]:
    """The findings of each new delivery against `existing` and the new ones before it.

    A new delivery with a blocking finding is `stopped` unless its `ref` is in `allowed`
    (an override with a reason); stopped deliveries are not counted for later ones.
    Existing deliveries of categories no rule covers may be passed; they are ignored.
    """
    # Per rule: (subject, window) -> deliveries already counted there, in order.
    pools: dict[int, dict[tuple[int, int], list[Delivery]]] = {
        rule.id: defaultdict(list) for rule in rules
    }

    def count(delivery: Delivery) -> None:
        for rule in rules:
            if delivery.category in rule.categories:
                bucket = _bucket(rule, delivery)
                if bucket is not None:
                    pools[rule.id][bucket].append(delivery)

    for delivery in existing:
        count(delivery)
    outcomes = []
    for delivery in new:
        outcome = Outcome(delivery)
        for rule in rules:
            if delivery.category not in rule.categories:
                continue
            bucket = _bucket(rule, delivery)
            if bucket is None:
                continue
            others = tuple(
                other
                for other in pools[rule.id].get(bucket, ())
                if rule.across_members or other.member == delivery.member
            )
            if len(others) >= rule.limit:
                outcome.findings.append(Finding(rule, others))
        outcome.stopped = bool(outcome.blocking) and delivery.ref not in allowed
        if not outcome.stopped:
            count(delivery)
        outcomes.append(outcome)
    return outcomes
