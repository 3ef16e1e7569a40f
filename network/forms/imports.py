"""Uploading a spreadsheet of agencies and leaders."""

from __future__ import annotations

from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel .xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
