from django import forms

from marsad.geo.models import Governorate
from marsad.members.models import Branch, Member


class MemberForm(forms.ModelForm):
    governorates = forms.ModelMultipleChoiceField(
        queryset=Governorate.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=Member._meta.get_field("governorates").verbose_name,
    )
    website = forms.URLField(
        required=False, assume_scheme="https", label=Member._meta.get_field("website").verbose_name
    )

    class Meta:
        model = Member
        fields = ("name_ar", "name_en", "kind", "registration_number", "website", "governorates")


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ("name_ar", "name_en", "governorate", "district", "address")
