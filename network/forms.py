from __future__ import annotations

from typing import Any

from django import forms

from network.errors import DomainError
from network.models import Agency, PilotSite, Role, Rsvp, Sector


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to the field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class SiteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the pilot")
    place = forms.CharField(max_length=200, help_text="The town, city or area the pilot covers.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, label="Agency name")
    sector = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices])


class MemberForm(forms.Form):
    name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.LEADER)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="Choose an agency")
    role_title = forms.CharField(
        max_length=200, required=False, label="Role title", help_text="For example: Director of Public Health"
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = site.agencies.order_by("name")  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts at",
        help_text="UK time.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(max_length=300, required=False, help_text="Where people meet in person.")
    online_link = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Online link",
        help_text="A video call link, if people can join online.",
    )
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(choices=Rsvp.choices, widget=forms.RadioSelect, label="Will you be there?")
