"""Forms of the import screens: they only parse; the services check and decide."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marsad.imports.fields import FIELDS, REQUIRED, REQUIRED_ONE_OF
from marsad.imports.models import ImportKind
from marsad.members.models import Member

ACCEPTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


class UploadForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("For the member institution"),
        queryset=Member.objects.order_by("name_ar"),
        to_field_name="slug",
    )
    kind = forms.ChoiceField(
        label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma, semicolon or tab separated), Excel (.xlsx or .xls) or OpenDocument "
            "(.ods), one header row."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_coalition_wide:
            # A member admin imports for its own institution only.
            del self.fields["member"]
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_SUFFIXES)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                _(
                    "Upload a CSV file, an Excel workbook (.xlsx or .xls) or an OpenDocument "
                    "spreadsheet (.ods)."
                )
            )
        return upload


class MappingForm(forms.Form):
    """One choice per field of the kind: which column of the file holds it."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        header: list[str],
        initial_mapping: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((column, column) for column in header)]
        either = {name for group in REQUIRED_ONE_OF[kind] for name in group}
        for spec in FIELDS[kind]:
            field = forms.ChoiceField(
                label=str(spec.label),
                choices=choices,
                required=False,
                initial=initial_mapping.get(spec.name, ""),
            )
            field.is_required_column = spec.name in REQUIRED[kind]  # type: ignore[attr-defined]
            field.is_one_of = spec.name in either  # type: ignore[attr-defined]
            self.fields[spec.name] = field

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}
