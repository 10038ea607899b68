"""Form fields for numbers as members write them (shared by the registry's and the aid
ledger's forms): Arabic-Indic digits, thousands separators, a decimal comma."""

from __future__ import annotations

from typing import Any

from django import forms

from marsad.engines.cells import CellError, parse_decimal

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


def _whole_number_text(value: Any) -> Any:
    """A typed whole number with Western digits and no thousands separators (unlike
    `engines.cells.western_digits`, which keeps the separators)."""
    return value.translate(_DIGITS).replace(",", "") if isinstance(value, str) else value


class LocalDecimalField(forms.DecimalField):
    """A number written as members write it, read as the import reads a cell
    (`engines.cells.parse_decimal`): Arabic-Indic digits, `1,250.50`, a decimal comma.

    A text box, not the browser's number box, which refuses Arabic-Indic digits and drops
    a decimal comma as it is typed (12,5 became 125); phones still show a number pad.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "autocomplete": "off"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value)
            except CellError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)


class LocalIntegerField(forms.IntegerField):
    """A whole number, Arabic-Indic digits too (a text box, as `LocalDecimalField`)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        return super().to_python(_whole_number_text(value))
