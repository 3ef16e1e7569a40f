"""Starting a pilot site oneself (settings.SELF_SERVICE_SITES)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField


class SiteStartForm(forms.Form):
    name = SingleLineField(
        max_length=150,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send a link to this address to check it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@council.gov.uk"),
        },
    )
    site_name = SingleLineField(
        max_length=200,
        label=_("Name of the pilot site"),
        help_text=_("For example, Northbrook Together."),
        error_messages={"required": _("Enter the name of the pilot site")},
    )
    place = SingleLineField(
        max_length=200,
        label=_("Place"),
        help_text=_("The town, city or area the pilot covers."),
        error_messages={"required": _("Enter the town, city or area the pilot covers")},
    )
