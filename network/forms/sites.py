"""Setting up a pilot site."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField


class SiteForm(forms.Form):
    name = SingleLineField(
        max_length=200,
        label=_("Name of the pilot"),
        error_messages={"required": _("Enter the name of the pilot, like Northbrook Together")},
    )
    place = SingleLineField(
        max_length=200,
        help_text=_("The town, city or area the pilot covers."),
        error_messages={"required": _("Enter the town, city or area the pilot covers")},
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
