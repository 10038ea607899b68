"""Forms of the registration wizard: they only parse; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marsad.core.fields import LocalDecimalField
from marsad.geo.models import District, Governorate
from marsad.registry.models import Gender, Person


class DistrictChoiceField(forms.ModelChoiceField):
    """Each district with its governorate: names repeat across governorates (دار السلام)."""

    def label_from_instance(self, obj: District) -> str:
        return f"{obj} ({obj.governorate})"


class HouseholdForm(forms.Form):
    governorate = forms.ModelChoiceField(
        label=_("Governorate"),
        queryset=Governorate.objects.order_by("code"),
        to_field_name="code",
    )
    district = DistrictChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("governorate").order_by(
            "governorate__code", "name_ar"
        ),
        required=False,
        to_field_name="code",
    )
    village = forms.CharField(label=_("Village or shiakha"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = LocalDecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=-90,
        max_value=90,
    )
    longitude = LocalDecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=-180,
        max_value=180,
    )


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Person.Relation.choices)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *Gender.choices],
        required=False,
    )
    national_id = forms.CharField(label=_("National ID"), max_length=40, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    marital_status = forms.ChoiceField(
        label=_("Marital status"),
        choices=[("", "—"), *Person.MaritalStatus.choices],
        required=False,
    )
    education = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *Person.Education.choices], required=False
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    disability = forms.ChoiceField(
        label=_("Disability"), choices=[("", "—"), *Person.Disability.choices], required=False
    )
    monthly_income = LocalDecimalField(
        label=_("Monthly income (EGP)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
