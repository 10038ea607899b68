"""The aid taxonomy and its duplicate-aid rules, as the secretariat manages them.

Neither a category nor a rule is ever deleted: the ledger cites categories and conflicts cite
rules, so retiring one is `is_active = False` and the history stays true. For the same
reason a rule's terms are fixed once a conflict cites it (deactivate it and create a new
rule instead), and a category's code is fixed once deliveries are recorded under it (import
files, API clients and report links name categories by code).

The taxonomy has two levels: a sub-category's parent is a top-level category. The rules
(`assistance.rules.active_rules`), the filters and the reach report all read it so.

`active_rules` reads the rules from the database for every check, so a rule saved here
applies to the next delivery recorded, checked or imported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from marsad.assistance.errors import AidConfigError
from marsad.assistance.models import AidCategory, AidConflict, AidEntry, DuplicateAidRule
from marsad.core.audit import audit_record, model_changes
from marsad.core.errors import ApplicationError
from marsad.members.models import Role
from marsad.registry.validation import Problem, problems_error

#: Who may change categories and rules (and the superuser).
CONFIGURE_ROLES = frozenset({Role.SECRETARIAT_ANALYST})

CENT = Decimal("0.01")
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_MESSAGE = gettext_lazy(
    "Use only lowercase Latin letters, digits and single dashes between them "
    "(for example food-box)."
)

CATEGORY_FIELDS = (
    "code",
    "name_ar",
    "name_en",
    "kind",
    "parent",
    "unit_ar",
    "unit_en",
    "unit_value",
    "is_active",
)
#: What a rule decides; fixed once a conflict cites the rule.
RULE_TERMS = ("category", "scope", "window", "limit", "across_members", "action")
RULE_FIELDS = (*RULE_TERMS, "is_active")

ACTION_WORDS = {
    DuplicateAidRule.Action.FLAG: gettext_lazy("flag"),
    DuplicateAidRule.Action.WARN: gettext_lazy("warn"),
    DuplicateAidRule.Action.BLOCK: gettext_lazy("block"),
}


def may_configure(user: Any) -> bool:
    return bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") in CONFIGURE_ROLES
    )


def _require_configure(user: Any) -> None:
    if not may_configure(user):
        raise PermissionDenied


def _invalid(problems: list[Problem]) -> ApplicationError:
    return problems_error(problems, generic=AidConfigError.INVALID_INPUT)


def _model_problems(error: ValidationError) -> list[Problem]:
    """What `full_clean` found that the checks above did not (a last line of defence)."""
    return [
        Problem(name if name != "__all__" else "", AidConfigError.INVALID_INPUT, str(message))
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


# Categories --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    code: str
    name_ar: str
    name_en: str
    kind: str
    unit_ar: str
    unit_en: str
    parent: AidCategory | None = None
    unit_value: Decimal | None = None
    is_active: bool = True


def _category_snapshot(category: AidCategory) -> dict[str, Any]:
    snapshot = {name: getattr(category, name) for name in CATEGORY_FIELDS if name != "parent"}
    snapshot["parent"] = category.parent.code if category.parent is not None else None
    return snapshot


def _category_problems(category: AidCategory, data: CategoryInput) -> list[Problem]:
    problems = []
    existing = category.pk is not None
    if not CODE_PATTERN.match(data.code):
        problems.append(
            Problem(
                "code",
                AidConfigError.CODE_INVALID,
                str(CODE_MESSAGE),
            )
        )
    elif AidCategory.objects.filter(code=data.code).exclude(pk=category.pk).exists():
        problems.append(
            Problem(
                "code",
                AidConfigError.CODE_TAKEN,
                _("Another aid category already uses the code %(code)s.") % {"code": data.code},
            )
        )
    elif (
        existing
        and data.code != category.code
        and AidEntry.objects.filter(category=category).exists()
    ):
        problems.append(
            Problem(
                "code",
                AidConfigError.CODE_IN_USE,
                _(
                    "Deliveries are recorded under this code, and import files and reports "
                    "name the category by it: it cannot change."
                ),
            )
        )
    parent = data.parent
    children = (
        list(AidCategory.objects.filter(parent=category).order_by("code")) if existing else []
    )
    if parent is not None:
        if existing and parent.pk == category.pk:
            message = _("A category cannot be its own parent.")
        elif existing and parent.parent_id == category.pk:
            message = _("%(name)s is a sub-category of this category; it cannot be its parent.") % {
                "name": parent.name
            }
        elif parent.parent_id is not None:
            message = _(
                "%(name)s is itself a sub-category. Choose a top-level category: the "
                "taxonomy has two levels."
            ) % {"name": parent.name}
        elif children:
            message = _(
                "This category has sub-categories, so it stays at the top level. Move its "
                "sub-categories first."
            )
        else:
            message = ""
        if message:
            problems.append(Problem("parent", AidConfigError.PARENT_INVALID, message))
        elif data.is_active and not parent.is_active:
            problems.append(
                Problem(
                    "is_active",
                    AidConfigError.PARENT_INACTIVE,
                    _("Its parent category %(name)s is inactive; activate it first.")
                    % {"name": parent.name},
                )
            )
    if not data.is_active:
        active_children = [child.name for child in children if child.is_active]
        if active_children:
            problems.append(
                Problem(
                    "is_active",
                    AidConfigError.CHILDREN_ACTIVE,
                    _("Deactivate its sub-categories first: %(names)s.")
                    % {"names": ", ".join(active_children)},
                )
            )
    if data.unit_value is not None and data.unit_value < 0:
        problems.append(
            Problem(
                "unit_value",
                AidConfigError.UNIT_VALUE_INVALID,
                _("The value per unit cannot be negative."),
            )
        )
    return problems


@transaction.atomic
def category_save(
    *,
    by: Any,
    data: CategoryInput,
    category: AidCategory | None = None,
    request: HttpRequest | None = None,
) -> AidCategory:
    """Create a category (`category` None) or change one; audited with the changed fields.

    Raises ApplicationError with every problem in `extra["problems"]`; nothing is written
    then. PermissionDenied for anyone but the secretariat.
    """
    _require_configure(by)
    if category is None:
        row, before = AidCategory(created_by=_user(by)), {}
    else:
        row = (
            AidCategory.objects.select_for_update(of=("self",))
            .select_related("parent")
            .get(pk=category.pk)
        )
        before = _category_snapshot(row)
    problems = _category_problems(row, data)
    if problems:
        raise _invalid(problems)
    for name in CATEGORY_FIELDS:
        setattr(row, name, getattr(data, name))
    if row.unit_value is not None:
        row.unit_value = row.unit_value.quantize(CENT)
    try:
        row.full_clean()
    except ValidationError as error:
        raise _invalid(_model_problems(error)) from error
    row.save()
    changes = model_changes(before, _category_snapshot(row))
    if category is None or changes:
        audit_record(
            actor=by,
            action="create" if category is None else "update",
            target=row,
            changes=changes,
            request=request,
        )
    return row


# Rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    category: AidCategory
    scope: str
    window: str
    action: str
    limit: int = 1
    across_members: bool = True
    is_active: bool = True


def rule_in_use(rule: DuplicateAidRule) -> bool:
    """Whether a recorded conflict cites the rule (its terms are then fixed)."""
    return rule.pk is not None and AidConflict.objects.filter(rule=rule).exists()


def _rule_snapshot(rule: DuplicateAidRule) -> dict[str, Any]:
    snapshot = {name: getattr(rule, name) for name in RULE_FIELDS if name != "category"}
    snapshot["category"] = rule.category.code if rule.category_id else None
    return snapshot


def _rule_problems(rule: DuplicateAidRule, data: RuleInput) -> list[Problem]:
    problems = []
    if data.limit < 1:
        problems.append(
            Problem(
                "limit",
                AidConfigError.LIMIT_INVALID,
                _("Enter at least 1: a rule allows at least one delivery in each window."),
            )
        )
    if rule_in_use(rule):
        message = _(
            "Recorded conflicts cite this rule, so its terms cannot change. Deactivate it "
            "and create a new rule."
        )
        plain = [name for name in RULE_TERMS if name != "category"]
        current = {**{name: getattr(rule, name) for name in plain}, "category": rule.category_id}
        wanted = {**{name: getattr(data, name) for name in plain}, "category": data.category.pk}
        problems.extend(
            Problem(name, AidConfigError.RULE_IN_USE, message)
            for name in RULE_TERMS
            if current[name] != wanted[name]
        )
    return problems


@transaction.atomic
def rule_save(
    *,
    by: Any,
    data: RuleInput,
    rule: DuplicateAidRule | None = None,
    request: HttpRequest | None = None,
) -> DuplicateAidRule:
    """Create a duplicate-aid rule (`rule` None) or change one; audited with the changed
    fields. The ledger's next check uses it: `active_rules` reads rules on every check.

    Raises ApplicationError with every problem in `extra["problems"]`; nothing is written
    then. PermissionDenied for anyone but the secretariat.
    """
    _require_configure(by)
    if rule is None:
        row, before = DuplicateAidRule(created_by=_user(by)), {}
    else:
        row = (
            DuplicateAidRule.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=rule.pk)
        )
        before = _rule_snapshot(row)
    problems = _rule_problems(row, data)
    if problems:
        raise _invalid(problems)
    for name in RULE_FIELDS:
        setattr(row, name, getattr(data, name))
    try:
        row.full_clean()
    except ValidationError as error:
        raise _invalid(_model_problems(error)) from error
    row.save()
    changes = model_changes(before, _rule_snapshot(row))
    if rule is None or changes:
        audit_record(
            actor=by,
            action="create" if rule is None else "update",
            target=row,
            changes=changes,
            request=request,
        )
    return row


# Reading -----------------------------------------------------------------------------


def rule_description(rule: DuplicateAidRule) -> str:
    """The rule in words: "at most 1 delivery per household per month, across all members:
    block"."""
    limit = ngettext("at most %(count)s delivery", "at most %(count)s deliveries", rule.limit) % {
        "count": rule.limit
    }
    return _("%(limit)s %(scope)s %(window)s, %(members)s: %(action)s") % {
        "limit": limit,
        "scope": rule.get_scope_display(),
        "window": rule.get_window_display(),
        "members": _("across all members") if rule.across_members else _("by the same member"),
        "action": ACTION_WORDS.get(DuplicateAidRule.Action(rule.action), rule.action),
    }


@dataclass(frozen=True)
class RuleRow:
    id: int
    description: str
    action: str
    is_active: bool


@dataclass(frozen=True)
class CategoryRow:
    """A category on the rules page; `inherited` are its parent's active rules, which
    count it too."""

    category: AidCategory
    depth: int
    rules: list[RuleRow] = field(default_factory=list)
    inherited: list[RuleRow] = field(default_factory=list)


def categories_in_tree_order() -> Any:
    """Every category, each parent followed by its sub-categories (one query)."""
    return AidCategory.objects.select_related("parent").order_by(
        Coalesce("parent__kind", "kind"),
        Coalesce("parent__code", "code"),
        F("parent_id").asc(nulls_first=True),
        "code",
    )


def category_tree() -> list[CategoryRow]:
    """Every category in tree order with its rules in words, active ones first (2 queries)."""
    rules: dict[int, list[RuleRow]] = defaultdict(list)
    for rule in DuplicateAidRule.objects.order_by("-is_active", "id"):
        rules[rule.category_id].append(
            RuleRow(
                id=rule.pk,
                description=rule_description(rule),
                action=rule.action,
                is_active=rule.is_active,
            )
        )
    return [
        CategoryRow(
            category=category,
            depth=0 if category.parent_id is None else 1,
            rules=rules[category.pk],
            inherited=[row for row in rules[category.parent_id] if row.is_active]
            if category.parent_id is not None
            else [],
        )
        for category in categories_in_tree_order()
    ]
