"""Adding a person to a site and changing their role or agency."""

from __future__ import annotations

from typing import Any

from django import forms

from network.forms import SingleLineField
from network.models import Agency, PilotSite, Role
from network.selectors.people import agency_choices


class MemberForm(forms.Form):
    name = SingleLineField(max_length=150, label="Full name")
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.LEADER)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,  # coordinators and enablers need none; the service insists on one for leaders
        empty_label="Choose an agency",
        help_text="Needed for leaders.",
    )
    role_title = SingleLineField(
        max_length=200, required=False, label="Role title", help_text="For example: Director of Public Health"
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agency_choices(site=site)


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="No agency")
    role_title = SingleLineField(max_length=200, required=False, label="Role title")

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agency_choices(site=site)
