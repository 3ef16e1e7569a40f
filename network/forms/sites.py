"""Setting up a pilot site."""

from __future__ import annotations

from django import forms

from network.forms import SingleLineField


class SiteForm(forms.Form):
    name = SingleLineField(max_length=200, label="Name of the pilot")
    place = SingleLineField(max_length=200, help_text="The town, city or area the pilot covers.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
