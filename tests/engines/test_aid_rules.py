"""The duplicate-aid rule engine, with hand-worked cases."""

import datetime

import pytest

from marsad.engines.aid_rules import (
    Action,
    Delivery,
    Rule,
    Scope,
    Window,
    check_sequence,
    hijri_year,
    window_key,
)

D = datetime.date
MONTHLY_CASH = Rule(1, frozenset({10}), Scope.HOUSEHOLD, Window.MONTH, Action.BLOCK)
RAMADAN = Rule(2, frozenset({20, 21}), Scope.HOUSEHOLD, Window.HIJRI_YEAR, Action.WARN)


MARCH_5 = D(2026, 3, 5)


def delivery(ref, *, member=1, category=10, household=100, person=None, day=MARCH_5):
    return Delivery(ref, member, category, household, person, day)


def test_window_keys():
    assert window_key(Window.MONTH, D(2026, 3, 31)) == window_key(Window.MONTH, D(2026, 3, 1))
    assert window_key(Window.MONTH, D(2026, 3, 31)) != window_key(Window.MONTH, D(2026, 4, 1))
    assert window_key(Window.YEAR, D(2026, 1, 1)) == 2026
    assert window_key(Window.DAY, D(2026, 1, 2)) - window_key(Window.DAY, D(2026, 1, 1)) == 1
    # Ramadan 1447 began on 18 February 2026 and Ramadan 1448 on 8 February 2027 (Umm al-Qura).
    assert hijri_year(D(2026, 2, 18)) == 1447
    assert hijri_year(D(2027, 2, 8)) == 1448
    assert window_key(Window.HIJRI_YEAR, D(2026, 3, 1)) == 1447
    assert hijri_year(D(1900, 1, 1)) == 0
    with pytest.raises(ValueError, match="unknown window"):
        window_key("fortnight", D(2026, 1, 1))


def test_second_grant_of_a_month_by_another_member_is_blocked():
    existing = [delivery(1, member=1)]
    [outcome] = check_sequence([MONTHLY_CASH], [delivery("new", member=2)], existing)
    assert outcome.stopped
    assert [f.action for f in outcome.findings] == [Action.BLOCK]
    assert outcome.findings[0].others == (existing[0],)


def test_other_month_other_household_or_category_pass():
    existing = [delivery(1)]
    new = [
        delivery("next-month", day=D(2026, 4, 1)),
        delivery("other-household", household=101),
        delivery("other-category", category=11),
    ]
    outcomes = check_sequence([MONTHLY_CASH], new, existing)
    assert [o.findings for o in outcomes] == [[], [], []]


def test_an_override_lets_the_delivery_through_and_it_counts_afterwards():
    existing = [delivery(1)]
    new = [delivery("a", member=2), delivery("b", member=3)]
    first, second = check_sequence([MONTHLY_CASH], new, existing, allowed=frozenset({"a"}))
    assert not first.stopped
    assert first.blocking
    assert second.stopped
    assert {o.ref for o in second.findings[0].others} == {1, "a"}


def test_a_stopped_delivery_does_not_count_against_later_ones():
    rule = Rule(3, frozenset({10}), Scope.HOUSEHOLD, Window.MONTH, Action.BLOCK, limit=2)
    existing = [delivery(1), delivery(2)]
    new = [delivery("x"), delivery("y", household=101), delivery("z", household=101)]
    outcomes = check_sequence([rule], new, existing)
    assert [o.stopped for o in outcomes] == [True, False, False]
    assert outcomes[2].findings == []  # only one earlier delivery to household 101


def test_within_one_member_rules_ignore_other_members():
    rule = Rule(
        4, frozenset({10}), Scope.HOUSEHOLD, Window.MONTH, Action.FLAG, across_members=False
    )
    [other_member, same_member] = check_sequence(
        [rule], [delivery("a", member=2), delivery("b", member=1)], [delivery(1, member=1)]
    )
    assert other_member.findings == []
    assert [f.action for f in same_member.findings] == [Action.FLAG]
    assert not same_member.stopped


def test_person_scope_and_sub_categories():
    rule = Rule(5, frozenset({20, 21}), Scope.PERSON, Window.HIJRI_YEAR, Action.WARN)
    existing = [delivery(1, category=21, person=7, day=D(2026, 2, 20))]
    same_person = delivery("a", category=20, person=7, day=D(2026, 3, 10))
    no_person = delivery("b", category=20, person=None, day=D(2026, 3, 10))
    next_season = delivery("c", category=20, person=7, day=D(2027, 2, 10))
    outcomes = check_sequence([rule], [same_person, no_person, next_season], existing)
    assert [len(o.warnings) for o in outcomes] == [1, 0, 0]
    assert not outcomes[0].stopped


def test_seasons_follow_the_hijri_calendar_not_the_gregorian_year():
    # Both in Gregorian 2026, but Ramadan 1447 (March) and Ramadan 1448 falls in 2027;
    # Eid al-Adha 1447 (May 2026) is the same Hijri year as Ramadan 1447.
    ramadan = delivery(1, category=20, day=D(2026, 3, 1))
    adha = delivery("adha", category=21, day=D(2026, 5, 27))
    [outcome] = check_sequence([RAMADAN], [adha], [ramadan])
    assert len(outcome.warnings) == 1
    december = delivery("dec", category=20, day=D(2026, 12, 20))
    [outcome] = check_sequence([RAMADAN], [december], [ramadan])
    assert outcome.warnings == []  # 20 December 2026 is in 1448
