from django import forms
from django.utils.translation import gettext as _

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

    def clean_registration_number(self) -> str:
        """One institution per number of the ministry's register."""
        number = " ".join(str(self.cleaned_data["registration_number"]).split())
        holder = (
            Member.objects.filter(registration_number__iexact=number)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if holder is not None:
            raise forms.ValidationError(
                _("%(member)s is registered with this number already.") % {"member": holder}
            )
        return number


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ("name_ar", "name_en", "governorate", "district", "address")
