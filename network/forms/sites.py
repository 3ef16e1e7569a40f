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
        label=_("Place"),
        help_text=_("The town, city or area the pilot covers."),
        error_messages={"required": _("Enter the town, city or area the pilot covers")},
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class SiteSettingsForm(forms.Form):
    """A site's name and place, and its privacy notice (shown on the site's privacy page)."""

    # The same fields as setting up a site (each form instance deep-copies its fields, so sharing is safe).
    name = SiteForm.base_fields["name"]
    place = SiteForm.base_fields["place"]
    description = SiteForm.base_fields["description"]
    privacy_controller = forms.CharField(
        label=_("Who controls the data"),
        help_text=_("The organisation responsible for the data of this site's people, and its address."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    privacy_lawful_basis = forms.CharField(
        label=_("Lawful basis"),
        help_text=_("Why the data may be kept, for example: public task, under the Local Government Act 2000."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    privacy_retention = forms.CharField(
        label=_("How long it is kept"),
        help_text=_("For example: while the pilot runs, and for one year after it ends."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    privacy_contact = SingleLineField(
        max_length=254,
        label=_("Contact for questions about data"),
        help_text=_(
            "An email address or a named person people can ask about their data, such as a data protection officer."
        ),
        required=False,
    )
