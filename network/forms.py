from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from network.errors import DomainError
from network.models import Agency, PilotSite, Role, Rsvp, Sector, User


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
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,  # coordinators and enablers need none; the service insists on one for leaders
        empty_label="Choose an agency",
        help_text="Needed for leaders.",
    )
    role_title = forms.CharField(
        max_length=200, required=False, label="Role title", help_text="For example: Director of Public Health"
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = site.agencies.filter(archived_at__isnull=True).order_by("name")  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    ALLIANCE = "alliance"
    SITE = "site"

    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts at",
        help_text="UK time.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label="Ends at",
        required=False,
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
    capacity = forms.IntegerField(
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Leave empty for no limit. Once this many are going, others join a waiting list.",
    )

    def __init__(self, *args: Any, invitees_from: Any = None, ask_invitees: bool = False, **kwargs: Any) -> None:
        """A new meeting (ask_invitees) asks who is invited: the alliance, if there is one, or the whole site."""
        super().__init__(*args, **kwargs)
        if ask_invitees:
            choices = [(self.SITE, "Everyone in the site")]
            if invitees_from is not None:
                choices.insert(0, (self.ALLIANCE, f"The alliance: {invitees_from.purpose[:80]}"))
            self.fields["invitees"] = forms.ChoiceField(
                label="Who is invited",
                choices=choices,
                initial=choices[0][0],
                widget=forms.RadioSelect,
                help_text="Everyone in the site means its enablers, its coordinators and everyone sent an "
                "invitation; people imported but not yet invited are not emailed.",
            )
            self.order_fields(["title", "invitees"])


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(choices=Rsvp.choices, widget=forms.RadioSelect, label="Will you be there?")


class PasswordChooseForm(PasswordResetForm):
    """Django's reset form, also for people who have never chosen a password.

    Django leaves out accounts with an unusable password; here that only means
    an enabler added the person and they have not chosen one yet, and a
    coordinator or enabler needs one to sign in.
    """

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))
