"""Adding a person to a site and changing their role or agency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.models import Agency, PilotSite, Role
from network.selectors.people import agency_choices

# What to do, not only what is wrong (GOV.UK): the same words wherever a person's address is asked for.
_EMAIL_ERRORS = {
    "required": _("Enter the person's email address, like name@council.gov.uk"),
    "invalid": _("Enter an email address in the correct format, like name@council.gov.uk"),
}


class MemberForm(forms.Form):
    name = SingleLineField(
        max_length=150, label=_("Full name"), error_messages={"required": _("Enter the person's full name")}
    )
    email = forms.EmailField(label=_("Email address"), error_messages=_EMAIL_ERRORS)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.LEADER,
        error_messages={"required": _("Choose the person's role")},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,  # coordinators and enablers need none; the service insists on one for leaders
        label=_("Agency"),
        empty_label=_("Choose an agency"),
        help_text=_("Needed for leaders."),
    )
    role_title = SingleLineField(
        max_length=200,
        required=False,
        label=_("Role title"),
        help_text=_("For example: Director of Public Health"),
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agency_choices(site=site)


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("No agency")
    )
    role_title = SingleLineField(max_length=200, required=False, label=_("Role title"))
    # Each language named in its own language, as the switcher names them.
    # Not required: a form posted without it (an older page) leaves the person's language as it is.
    language = forms.TypedChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        empty_value=None,
        help_text=_("The language of the emails, invitations and pages this person gets."),
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agency_choices(site=site)
