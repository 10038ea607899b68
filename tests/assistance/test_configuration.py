"""Aid categories and duplicate-aid rules, managed by the secretariat; read by all staff."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from marsad.assistance.configuration import (
    CategoryInput,
    RuleInput,
    category_save,
    category_tree,
    rule_description,
    rule_save,
)
from marsad.assistance.errors import AidConfigError, AidError
from marsad.assistance.models import AidCategory, AidConflict, AidEntry, DuplicateAidRule
from marsad.assistance.services import aid_entry_record
from marsad.assistance.validation import AidEntryInput
from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.core.navigation import items_for
from marsad.members.models import Role
from tests.factories import secretariat_create, user_create

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 5)


@pytest.fixture
def analyst():
    return secretariat_create()


def food_box(household, on=MARCH):
    return AidEntryInput(
        category="food-box",
        quantity=Decimal("1"),
        value=Decimal("350"),
        delivered_on=on,
        household_id=household.pk,
    )


def rule_form(category="food-box", **fields):
    return {
        "category": AidCategory.objects.get(code=category).pk,
        "scope": "household",
        "window": "month",
        "limit": "1",
        "across_members": "on",
        "action": "block",
        "is_active": "on",
        **fields,
    }


def category_form(**fields):
    return {
        "code": "baby-milk",
        "name_ar": "ألبان أطفال",
        "name_en": "Baby milk",
        "kind": "food",
        "parent": AidCategory.objects.get(code="food").pk,
        "unit_ar": "علبة",
        "unit_en": "tin",
        "unit_value": "",
        "is_active": "on",
        **fields,
    }


def category_input(category, **fields):
    values = {
        "code": category.code,
        "name_ar": category.name_ar,
        "name_en": category.name_en,
        "kind": category.kind,
        "parent": category.parent,
        "unit_ar": category.unit_ar,
        "unit_en": category.unit_en,
        "unit_value": category.unit_value,
        "is_active": category.is_active,
    }
    return CategoryInput(**{**values, **fields})


def rule_input(rule, **fields):
    values = {
        "category": rule.category,
        "scope": rule.scope,
        "window": rule.window,
        "action": rule.action,
        "limit": rule.limit,
        "across_members": rule.across_members,
        "is_active": rule.is_active,
    }
    return RuleInput(**{**values, **fields})


def problem_fields(error):
    return [(p["field"], p["code"]) for p in error.extra["problems"]]


# Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "with_member", "read", "write"),
    [
        (Role.CASE_WORKER, True, 200, 403),
        (Role.MEMBER_ADMIN, True, 200, 403),
        (Role.SECRETARIAT_ANALYST, False, 200, 200),
        (Role.BOARD_MEMBER, False, 403, 403),
        (Role.VOLUNTEER_COORDINATOR, True, 403, 403),
        (Role.VOLUNTEER, True, 403, 403),
    ],
)
def test_pages_by_role(client, nour, role, with_member, read, write):
    client.force_login(user_create(role=role, member=nour if with_member else None))
    rule = DuplicateAidRule.objects.get(category__code="monthly-cash")
    category = AidCategory.objects.get(code="food")
    assert client.get(reverse("aid:rules")).status_code == read
    for name, args in (
        ("aid:category_create", []),
        ("aid:category_edit", [category.pk]),
        ("aid:rule_create", []),
        ("aid:rule_edit", [rule.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == write
    response = client.post(reverse("aid:rule_create"), rule_form())
    assert response.status_code == (302 if write == 200 else 403)
    assert DuplicateAidRule.objects.filter(category__code="food-box").exists() == (write == 200)


def test_the_superuser_reads_and_writes(client, nour):
    client.force_login(user_create(role=Role.CASE_WORKER, member=nour, is_superuser=True))
    assert client.get(reverse("aid:rules")).status_code == 200
    assert client.get(reverse("aid:rule_create")).status_code == 200


def test_services_refuse_anyone_but_the_secretariat(nour_admin):
    category = AidCategory.objects.get(code="food-box")
    rule = DuplicateAidRule.objects.get(category__code="monthly-cash")
    with pytest.raises(PermissionDenied):
        category_save(by=nour_admin, data=category_input(category, name_en="X"), category=category)
    with pytest.raises(PermissionDenied):
        rule_save(by=nour_admin, data=rule_input(rule, is_active=False), rule=rule)
    assert AidCategory.objects.get(code="food-box").name_en == "Food box"
    assert DuplicateAidRule.objects.get(pk=rule.pk).is_active is True
    assert not AuditEvent.objects.filter(target_type__startswith="assistance.").exists()


def test_the_page_is_in_every_staff_menu_only():
    for role in (Role.SECRETARIAT_ANALYST, Role.MEMBER_ADMIN, Role.CASE_WORKER):
        assert "aid:rules" in [item.url_name for item in items_for(role)]
    for role in (Role.BOARD_MEMBER, Role.VOLUNTEER, Role.VOLUNTEER_COORDINATOR):
        assert "aid:rules" not in [item.url_name for item in items_for(role)]


# Reading -----------------------------------------------------------------------------


def test_tree_order_and_rules_in_words(django_assert_num_queries):
    DuplicateAidRule.objects.create(
        category=AidCategory.objects.get(code="food"),
        scope="person",
        window="day",
        limit=2,
        across_members=False,
        action="flag",
        is_active=False,
    )
    DuplicateAidRule.objects.create(
        category=AidCategory.objects.get(code="food"),
        scope="household",
        window="year",
        limit=4,
        action="warn",
    )
    with django_assert_num_queries(2):
        rows = category_tree()
    codes = [row.category.code for row in rows]
    assert codes[:3] == ["cash", "emergency-cash", "monthly-cash"]
    assert codes.index("food") + 1 == codes.index("food-box")
    assert len(codes) == AidCategory.objects.count()
    by_code = {row.category.code: row for row in rows}
    assert [row.depth for row in rows[:3]] == [0, 1, 1]
    [monthly] = by_code["monthly-cash"].rules
    assert monthly.is_active
    # The descriptions use the model's own (translated) labels.
    assert "لكل أسرة" in monthly.description
    assert "في الشهر" in monthly.description
    assert "عبر كل الأعضاء" in monthly.description
    active, inactive = by_code["food"].rules
    assert (active.is_active, inactive.is_active) == (True, False)
    assert by_code["food-box"].inherited == [active]
    assert by_code["food-box"].rules == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"limit": 1, "scope": "household", "window": "month", "action": "block"},
            "at most 1 delivery per household per month, across all members: block",
        ),
        (
            {
                "limit": 4,
                "scope": "person",
                "window": "hijri_year",
                "action": "warn",
                "across_members": False,
            },
            "at most 4 deliveries per person per season (Hijri year), by the same member: warn",
        ),
    ],
)
def test_rules_in_english_words(fields, words):
    rule = DuplicateAidRule(category=AidCategory.objects.get(code="food"), **fields)
    with translation.override("en"):
        assert rule_description(rule) == words


def test_english_page_describes_rules_in_words(client, nour_worker):
    client.cookies["django_language"] = "en"
    client.force_login(nour_worker)
    response = client.get(reverse("aid:rules"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "at most 1 delivery per household per month, across all members: block" in body
    assert "كرتونة مواد غذائية" in body
    assert "Food box" in body
    # Case workers read; they get no links to change anything.
    assert reverse("aid:rule_create") not in body
    assert reverse("aid:category_create") not in body


def test_arabic_page_renders_arabic_labels(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("aid:rules"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in body
    for label in ("الرمز", "الحالة", "مساعدات نقدية", "مساعدة نقدية شهرية", "لكل أسرة", "في الشهر"):
        assert label in body
    assert reverse("aid:rule_edit", args=[DuplicateAidRule.objects.first().pk]) in body
    form = client.get(reverse("aid:rule_create")).content.decode()
    for label in ("فئة المساعدة", "العدّ", "المدة", "بحد أقصى", "عبر كل الأعضاء", "الإجراء"):
        assert label in form


def test_inactive_rules_and_categories_are_marked(client, nour_worker):
    rule = DuplicateAidRule.objects.get(category__code="monthly-cash")
    DuplicateAidRule.objects.filter(pk=rule.pk).update(is_active=False)
    AidCategory.objects.filter(code="literacy").update(is_active=False)
    client.cookies["django_language"] = "en"
    client.force_login(nour_worker)
    body = client.get(reverse("aid:rules")).content.decode()
    assert f'data-testid="rule-{rule.pk}"><del>' in body
    assert 'data-testid="category-literacy" class="inactive"' in body


# Rules through the real ledger --------------------------------------------------------


def test_a_new_rule_blocks_the_next_delivery_and_deactivating_it_lets_it_through(
    client, analyst, shared_household, nour_worker, amal_worker
):
    # given: no rule on food boxes; Nour delivered March's box
    aid_entry_record(member=nour_worker.member, by=nour_worker, data=food_box(shared_household))
    # when: the secretariat adds a blocking rule on the page
    client.force_login(analyst)
    response = client.post(reverse("aid:rule_create"), rule_form())
    rule = DuplicateAidRule.objects.get(category__code="food-box")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('aid:rules')}#category-{rule.category_id}"
    # then: Amal's box in the same month is blocked at once
    with pytest.raises(ApplicationError) as caught:
        aid_entry_record(
            member=amal_worker.member,
            by=amal_worker,
            data=food_box(shared_household, on=datetime.date(2025, 3, 20)),
        )
    assert caught.value.code == AidError.BLOCKED
    assert caught.value.extra["findings"][0]["rule_id"] == rule.pk
    assert AidEntry.objects.count() == 1
    # when: the secretariat deactivates the rule
    response = client.post(reverse("aid:rule_edit", args=[rule.pk]), rule_form(is_active=""))
    assert response.status_code == 302
    # then: the delivery goes through, with no conflict
    aid_entry_record(
        member=amal_worker.member,
        by=amal_worker,
        data=food_box(shared_household, on=datetime.date(2025, 3, 20)),
    )
    assert AidEntry.objects.count() == 2
    assert AidConflict.objects.count() == 0
    rule.refresh_from_db()
    assert rule.is_active is False


def test_a_rule_on_a_parent_category_counts_its_sub_categories(
    analyst, shared_household, nour_worker, amal_worker
):
    food = AidCategory.objects.get(code="food")
    rule_save(
        by=analyst,
        data=RuleInput(category=food, scope="household", window="month", action="warn"),
    )
    aid_entry_record(member=nour_worker.member, by=nour_worker, data=food_box(shared_household))
    with pytest.raises(ApplicationError) as caught:
        aid_entry_record(member=amal_worker.member, by=amal_worker, data=food_box(shared_household))
    assert caught.value.code == AidError.CONFIRMATION_REQUIRED


def test_a_rule_cited_by_conflicts_keeps_its_terms_but_can_be_deactivated(
    client, analyst, shared_household, nour_worker, amal_worker
):
    # given: the Ramadan rule (warn) caught a pair, confirmed
    box = AidEntryInput(
        category="ramadan-box",
        quantity=Decimal("1"),
        value=Decimal("650"),
        delivered_on=MARCH,
        household_id=shared_household.pk,
    )
    aid_entry_record(member=nour_worker.member, by=nour_worker, data=box)
    aid_entry_record(member=amal_worker.member, by=amal_worker, data=box, confirm=True)
    rule = DuplicateAidRule.objects.get(category__code="ramadan-box")
    assert AidConflict.objects.filter(rule=rule).count() == 1
    # when: the service is asked to change its limit
    with pytest.raises(ApplicationError) as caught:
        rule_save(by=analyst, data=rule_input(rule, limit=3, action="block"), rule=rule)
    # then: refused on each changed term, nothing changed
    assert problem_fields(caught.value) == [
        ("limit", AidConfigError.RULE_IN_USE),
        ("action", AidConfigError.RULE_IN_USE),
    ]
    rule.refresh_from_db()
    assert (rule.limit, rule.action, rule.is_active) == (1, "warn", True)
    # when: the page posts a new limit and unticks "active"
    client.force_login(analyst)
    page = client.get(reverse("aid:rule_edit", args=[rule.pk])).content.decode()
    assert 'data-testid="rule-locked"' in page
    response = client.post(
        reverse("aid:rule_edit", args=[rule.pk]),
        rule_form("ramadan-box", window="hijri_year", action="warn", limit="5", is_active=""),
    )
    # then: only the deactivation is taken (the terms are disabled fields)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.limit, rule.action, rule.is_active) == (1, "warn", False)
    event = AuditEvent.objects.get(target_type="assistance.duplicateaidrule", action="update")
    assert event.changes == {"is_active": [True, False]}


# Invalid input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "-3"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"scope": "village"}, "scope"),
        ({"window": ""}, "window"),
    ],
)
def test_an_invalid_rule_shows_the_field_error_and_writes_nothing(client, analyst, fields, field):
    client.force_login(analyst)
    before = list(DuplicateAidRule.objects.order_by("pk").values())
    response = client.post(reverse("aid:rule_create"), rule_form(**fields))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert list(DuplicateAidRule.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.exists()


def test_the_limit_message_names_the_reason(client, analyst):
    client.cookies["django_language"] = "en"
    client.force_login(analyst)
    response = client.post(reverse("aid:rule_create"), rule_form(limit="0"))
    assert response.context["form"].errors["limit"] == [
        "Enter at least 1: a rule allows at least one delivery in each window."
    ]


def test_the_limit_accepts_arabic_indic_digits(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("aid:rule_create"), rule_form(limit="٢"))
    assert response.status_code == 302
    assert DuplicateAidRule.objects.get(category__code="food-box").limit == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "Baby Milk"}, "code"),
        ({"code": "baby_milk"}, "code"),
        ({"code": "-baby"}, "code"),
        ({"code": "food-box"}, "code"),
        ({"code": ""}, "code"),
        ({"name_ar": ""}, "name_ar"),
        ({"unit_value": "-1"}, "unit_value"),
        ({"parent": "food-box"}, "parent"),
    ],
)
def test_an_invalid_category_shows_the_field_error_and_writes_nothing(
    client, analyst, fields, field
):
    if fields.get("parent"):
        fields["parent"] = AidCategory.objects.get(code=fields["parent"]).pk
    client.force_login(analyst)
    count = AidCategory.objects.count()
    response = client.post(reverse("aid:category_create"), category_form(**fields))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert AidCategory.objects.count() == count
    assert not AuditEvent.objects.exists()


def test_category_code_messages(client, analyst):
    client.cookies["django_language"] = "en"
    client.force_login(analyst)
    bad = client.post(reverse("aid:category_create"), category_form(code="Baby Milk"))
    taken = client.post(reverse("aid:category_create"), category_form(code="food-box"))
    assert bad.context["form"].errors["code"] == [
        "Use only lowercase Latin letters, digits and single dashes between them "
        "(for example food-box)."
    ]
    assert taken.context["form"].errors["code"] == ["Another aid category already uses this code."]


def test_the_tree_stays_two_levels(analyst):
    food = AidCategory.objects.get(code="food")
    food_box_category = AidCategory.objects.get(code="food-box")
    cash = AidCategory.objects.get(code="cash")
    cases = [
        (food, {"parent": food}, "parent", AidConfigError.PARENT_INVALID),
        (food, {"parent": food_box_category}, "parent", AidConfigError.PARENT_INVALID),
        (food, {"parent": cash}, "parent", AidConfigError.PARENT_INVALID),
        (food, {"is_active": False}, "is_active", AidConfigError.CHILDREN_ACTIVE),
        (food_box_category, {"code": "Food"}, "code", AidConfigError.CODE_INVALID),
        (food_box_category, {"code": "hot-meals"}, "code", AidConfigError.CODE_TAKEN),
    ]
    for category, fields, field, code in cases:
        with pytest.raises(ApplicationError) as caught:
            category_save(by=analyst, data=category_input(category, **fields), category=category)
        assert problem_fields(caught.value) == [(field, code)], fields
    assert AidCategory.objects.get(code="food").parent is None
    assert AidCategory.objects.get(code="food").is_active is True
    assert not AuditEvent.objects.exists()


def test_a_parent_shows_its_tree_error_on_the_field(client, analyst):
    client.cookies["django_language"] = "en"
    client.force_login(analyst)
    food = AidCategory.objects.get(code="food")
    response = client.post(
        reverse("aid:category_edit", args=[food.pk]),
        category_form(code="food", parent="", is_active=""),
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["is_active"]
    assert message.startswith("Deactivate its sub-categories first: ")
    assert AidCategory.objects.get(code="food").is_active is True


def test_a_code_in_use_does_not_change(analyst, shared_household, nour_worker):
    aid_entry_record(member=nour_worker.member, by=nour_worker, data=food_box(shared_household))
    category = AidCategory.objects.get(code="food-box")
    with pytest.raises(ApplicationError) as caught:
        category_save(
            by=analyst, data=category_input(category, code="food-parcel"), category=category
        )
    assert caught.value.code == AidConfigError.CODE_IN_USE
    assert AidCategory.objects.filter(code="food-box").exists()


# Audit -------------------------------------------------------------------------------


def test_creating_and_changing_a_category_is_audited_with_the_changed_fields(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("aid:category_create"), category_form(unit_value="٤٥٫٥"))
    assert response.status_code == 302
    category = AidCategory.objects.get(code="baby-milk")
    assert (category.parent.code, category.unit_value, category.created_by) == (
        "food",
        Decimal("45.50"),
        analyst,
    )
    created = AuditEvent.objects.get(action="create")
    assert (created.actor, created.target_type, created.target_id) == (
        analyst,
        "assistance.aidcategory",
        str(category.pk),
    )
    assert created.changes["code"] == [None, "baby-milk"]
    assert created.changes["parent"] == [None, "food"]
    assert created.changes["unit_value"] == [None, "45.50"]
    # when: renamed, then saved again unchanged
    for _ in range(2):
        client.post(
            reverse("aid:category_edit", args=[category.pk]),
            category_form(name_en="Infant formula", unit_value="45.50"),
        )
    # then: one update event with only the changed field
    updated = AuditEvent.objects.get(action="update")
    assert updated.changes == {"name_en": ["Baby milk", "Infant formula"]}
    assert AidCategory.objects.get(pk=category.pk).name_en == "Infant formula"


def test_creating_a_rule_is_audited(analyst):
    rule = rule_save(
        by=analyst,
        data=RuleInput(
            category=AidCategory.objects.get(code="school-supplies"),
            scope="person",
            window="year",
            action="flag",
            limit=2,
            across_members=False,
        ),
    )
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.target_type, event.target_id) == (
        analyst,
        "create",
        "assistance.duplicateaidrule",
        str(rule.pk),
    )
    assert event.changes == {
        "category": [None, "school-supplies"],
        "scope": [None, "person"],
        "window": [None, "year"],
        "limit": [None, 2],
        "across_members": [None, False],
        "action": [None, "flag"],
        "is_active": [None, True],
    }
