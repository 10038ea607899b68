"""Needs assessments: recording a household's facts and its vulnerability score.

The score comes from `engines/vulnerability.py` with the weights the secretariat sets in
`CoalitionSettings.vulnerability_weights`; the weights used are stored with each score so
an old score can still be explained after the weights change.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marsad.core.audit import audit_record
from marsad.core.fields import LocalDecimalField, LocalIntegerField
from marsad.core.models import CoalitionSettings
from marsad.engines.vulnerability import Assessment, Housing, score, weights_from_mapping
from marsad.registry.models import Household, NeedsAssessment

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
HOUSING_LABELS = {
    Housing.OWNED: _("Owned"),
    Housing.RENTED: _("Rented"),
    Housing.SHARED: _("Shared"),
    Housing.INFORMAL: _("Informal"),
    Housing.HOMELESS: _("Homeless"),
}
INDICATOR_LABELS = {
    "income": _("Income per person"),
    "debt": _("Debt"),
    "head_unemployed": _("Head of household unemployed"),
    "dependency": _("Dependents"),
    "female_headed": _("Headed by a woman"),
    "disability": _("Disability"),
    "chronic_illness": _("Chronic illness"),
    "education": _("Children out of school"),
    "housing": _("Housing"),
    "basic_services": _("Water, sanitation, electricity"),
}
BOOLEAN_FIELDS = (
    "has_water_connection",
    "has_sanitation",
    "has_electricity",
    "female_headed",
    "head_unemployed",
)


class AssessmentForm(forms.Form):
    monthly_income_egp = LocalDecimalField(
        label=_("Household income per month (EGP)"), required=False, min_value=0, decimal_places=2
    )
    household_size = LocalIntegerField(label=_("Household size"), required=False, min_value=1)
    dependents = LocalIntegerField(
        label=_("Dependents (under 18, over 65, disabled)"), required=False, min_value=0
    )
    members_with_disability = LocalIntegerField(
        label=_("Members with a disability"), required=False, min_value=0
    )
    chronic_illness_members = LocalIntegerField(
        label=_("Members with a chronic illness"), required=False, min_value=0
    )
    school_age_children = LocalIntegerField(
        label=_("Children of school age"), required=False, min_value=0
    )
    children_out_of_school = LocalIntegerField(
        label=_("Of them, out of school"), required=False, min_value=0
    )
    housing = forms.ChoiceField(
        label=_("Housing"), required=False, choices=[("", "—"), *HOUSING_LABELS.items()]
    )
    has_water_connection = forms.ChoiceField(
        label=_("Water connection"), choices=YES_NO, required=False
    )
    has_sanitation = forms.ChoiceField(label=_("Sanitation"), choices=YES_NO, required=False)
    has_electricity = forms.ChoiceField(label=_("Electricity"), choices=YES_NO, required=False)
    female_headed = forms.ChoiceField(label=_("Headed by a woman"), choices=YES_NO, required=False)
    head_unemployed = forms.ChoiceField(
        label=_("Head of household unemployed"), choices=YES_NO, required=False
    )
    debt_egp = LocalDecimalField(
        label=_("Debt (EGP)"), required=False, min_value=0, decimal_places=2
    )

    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            facts[name] = value == "yes" if name in BOOLEAN_FIELDS else value
        return facts


def _json_facts(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in facts.items()}


@transaction.atomic
def assessment_record(*, household: Household, by: Any, facts: dict[str, Any]) -> NeedsAssessment:
    if not (by.is_coalition_wide or by.member_id == household.member_id):
        raise PermissionDenied
    weights = weights_from_mapping(CoalitionSettings.current().vulnerability_weights or {})
    result = score(Assessment(**facts), weights)
    assessment = NeedsAssessment.objects.create(
        household=household,
        assessed_on=timezone.localdate(),
        created_by=by,
        facts=_json_facts(facts),
        score=result.value,
        band=str(result.band),
        breakdown={
            "components": [
                {**dataclasses.asdict(c), "indicator": str(c.indicator)} for c in result.components
            ],
            "missing": [str(m) for m in result.missing],
            "coverage": result.coverage,
            "weights": weights.as_mapping(),
        },
    )
    audit_record(
        actor=by,
        action="create",
        target=assessment,
        pii=True,
        changes={"score": result.value, "band": str(result.band)},
    )
    return assessment
