"""Forms of the aid ledger. They only parse (Arabic-Indic digits included); the services
validate and decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from marsad.assistance.configuration import (
    CATEGORY_FIELDS,
    CODE_MESSAGE,
    CODE_PATTERN,
    RULE_FIELDS,
    RULE_TERMS,
    CategoryInput,
    RuleInput,
    categories_in_tree_order,
)
from marsad.assistance.models import AidCategory, AidConflict, DuplicateAidRule
from marsad.assistance.selectors import (
    REACH_DIMENSION_LABELS,
    ReachDimension,
    categories_for_choice,
)
from marsad.assistance.validation import AidEntryInput
from marsad.core.fields import LocalDecimalField, LocalIntegerField
from marsad.engines.cells import western_digits
from marsad.geo.models import Governorate
from marsad.members.models import Member
from marsad.programs.models import Program


class LocalDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            value = western_digits(value)
        return super().to_python(value)


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101
    field.choices = choices


def _governorate_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("— the household's —")),
        *((g.code, g.name) for g in Governorate.objects.order_by("code").defer("boundary")),
    ]


class AidEntryForm(forms.Form):
    """One delivery to a household, or to one person in it."""

    category = forms.ChoiceField(label=_("Aid category"))
    person = forms.TypedChoiceField(
        label=_("Received by"), coerce=int, empty_value=None, required=False
    )
    quantity = LocalDecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    value = LocalDecimalField(
        label=_("Value (EGP)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to use the category's value per unit."),
    )
    delivered_on = LocalDateField(label=_("Delivered on"))
    period_start = LocalDateField(
        label=_("Period from"),
        required=False,
        help_text=_("The month or season the aid is for; the delivery date if empty."),
    )
    period_end = LocalDateField(label=_("Period until"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    governorate = forms.ChoiceField(label=_("Governorate"), required=False)
    district = forms.CharField(
        label=_("District"),
        max_length=120,
        required=False,
        help_text=_("Its name or code; empty: the household's district."),
    )
    village = forms.CharField(label=_("Village or shiakha"), max_length=120, required=False)
    delivered_by_name = forms.CharField(
        label=_("Delivered by (staff member or volunteer)"), max_length=150, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    evidence = forms.FileField(label=_("Evidence (receipt, photo)"), required=False)

    def __init__(
        self,
        *args: Any,
        member: Member,
        people: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category", [("", "—"), *categories_for_choice()])
        _choices(self, "person", [("", _("The whole household")), *people])
        _choices(
            self,
            "program",
            [
                ("", "—"),
                *(
                    (p.code, p.name)
                    for p in Program.objects.filter(member=member, is_active=True).order_by("code")
                ),
            ],
        )
        _choices(self, "governorate", _governorate_choices())

    def entry_input(self, *, household_id: int) -> AidEntryInput:
        data = self.cleaned_data
        person = data.get("person")
        return AidEntryInput(
            category=data["category"],
            quantity=data["quantity"],
            value=data.get("value"),
            delivered_on=data["delivered_on"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            household_id=None if person else household_id,
            person_id=person,
            program=data.get("program") or "",
            governorate=data.get("governorate") or "",
            district=(data.get("district") or "").strip(),
            village=data.get("village") or "",
            delivered_by_name=data.get("delivered_by_name") or "",
            note=data.get("note") or "",
        )


class DecisionForm(forms.Form):
    """What the user answers to the rules: confirm a warning, override a block."""

    confirm = forms.BooleanField(label=_("I checked: record this delivery anyway"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for overriding the block"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class LedgerFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Aid category"), required=False)
    date_from = LocalDateField(label=_("From"), required=False)
    date_to = LocalDateField(label=_("Until"), required=False)
    household = forms.IntegerField(label=_("Household number"), required=False, min_value=1)
    kind = forms.ChoiceField(
        label=_("Entry"),
        required=False,
        choices=[("", "—"), ("delivery", _("Delivery")), ("reversal", _("Reversal"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category", [("", "—"), *categories_for_choice()])


class ConflictFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", "—"), *DuplicateAidRule.Action.choices],
    )
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        required=False,
        choices=[("", "—"), *AidConflict.Resolution.choices],
    )
    member = forms.ModelChoiceField(
        label=_("Member institution"), queryset=Member.objects.all(), required=False
    )
    date_from = LocalDateField(label=_("Delivered from"), required=False)
    date_to = LocalDateField(label=_("Delivered until"), required=False)

    def __init__(self, *args: Any, coalition_wide: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coalition_wide:
            del self.fields["member"]


class ReachForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[(d.value, REACH_DIMENSION_LABELS[d]) for d in ReachDimension],
    )
    date_from = LocalDateField(label=_("From"), required=False)
    date_to = LocalDateField(label=_("Until"), required=False)
    governorate = forms.ChoiceField(label=_("Governorate"), required=False)
    category = forms.ChoiceField(label=_("Aid category"), required=False)
    member = forms.ModelChoiceField(
        label=_("Member institution"), queryset=Member.objects.all(), required=False
    )

    def __init__(self, *args: Any, all_members: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "governorate",
            [
                ("", "—"),
                *((g.code, g.name) for g in Governorate.objects.order_by("code").defer("boundary")),
            ],
        )
        _choices(self, "category", [("", "—"), *categories_for_choice()])
        if not all_members:
            del self.fields["member"]


# Categories and rules ----------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    """A category of the two-level taxonomy. The code keeps its form once deliveries use it;
    the service checks the tree and the code."""

    code = forms.CharField(
        label=capfirst(_("code")),
        max_length=60,
        validators=[RegexValidator(CODE_PATTERN, message=CODE_MESSAGE)],
        error_messages={"unique": _("Another aid category already uses this code.")},
        help_text=_("Lowercase Latin letters, digits and dashes, e.g. food-box."),
    )
    unit_value = LocalDecimalField(
        label=capfirst(_("value per unit (EGP)")),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Used when a delivery is recorded without its value."),
    )

    class Meta:
        model = AidCategory
        fields = CATEGORY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101
        parents = AidCategory.objects.filter(parent__isnull=True).order_by("kind", "code")
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        parent.queryset = parents
        parent.empty_label = _("— none: a top-level category —")
        parent.help_text = _("Only top-level categories: the taxonomy has two levels.")
        parent.error_messages["invalid_choice"] = _(
            "Choose a top-level category other than this one: the taxonomy has two levels."
        )

    def category_input(self) -> CategoryInput:
        data = self.cleaned_data
        return CategoryInput(
            code=data["code"],
            name_ar=data["name_ar"],
            name_en=data["name_en"],
            kind=data["kind"],
            parent=data["parent"],
            unit_ar=data["unit_ar"],
            unit_en=data["unit_en"],
            unit_value=data["unit_value"],
            is_active=data["is_active"],
        )


class _CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"— {obj.name}" if obj.parent_id else str(obj.name)
        return label if obj.is_active else f"{label} ({_('inactive')})"


class RuleForm(forms.ModelForm):
    """A duplicate-aid rule. With `locked` (a conflict cites the rule) only `is_active`
    can change."""

    category = _CategoryChoiceField(
        label=capfirst(_("aid category")),
        queryset=AidCategory.objects.none(),
        help_text=_("The rule also counts the category's sub-categories."),
    )
    limit = LocalIntegerField(
        label=capfirst(_("at most")),
        min_value=1,
        max_value=32767,
        help_text=_("Deliveries allowed in each window."),
        error_messages={
            "min_value": _("Enter at least 1: a rule allows at least one delivery in each window.")
        },
    )

    class Meta:
        model = DuplicateAidRule
        fields = RULE_FIELDS

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)  # noqa: S101
        category.queryset = categories_in_tree_order()
        if locked:
            for name in RULE_TERMS:
                self.fields[name].disabled = True

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        return RuleInput(
            category=data["category"],
            scope=data["scope"],
            window=data["window"],
            action=data["action"],
            limit=data["limit"],
            across_members=data["across_members"],
            is_active=data["is_active"],
        )
