"""Adding and editing an agency."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.models import Sector


class AgencyForm(forms.Form):
    name = SingleLineField(
        max_length=200,
        label=_("Agency name"),
        error_messages={"required": _("Enter the agency's name, like Northbrook City Council")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Choose a sector")), *Sector.choices],
        error_messages={"required": _("Choose the agency's sector, such as NHS or police")},
    )
