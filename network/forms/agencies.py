"""Adding and editing an agency."""

from __future__ import annotations

from django import forms

from network.forms import SingleLineField
from network.models import Sector


class AgencyForm(forms.Form):
    name = SingleLineField(max_length=200, label="Agency name")
    sector = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices])
