"""Calling and editing a meeting, replying to it, and recording a walk-in on the day."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.models import Alliance, Meeting, Rsvp
from systemsleader.forms import GovukDateTimeField


class MeetingForm(forms.Form):
    ALLIANCE = "alliance"
    SITE = "site"

    title = SingleLineField(
        max_length=200, label=_("Title"), error_messages={"required": _("Enter the meeting's title")}
    )
    starts_at = GovukDateTimeField(
        label=_("Starts at"),
        error_messages={
            "required": _("Enter the date and time the meeting starts"),
            "invalid": _("Enter a real date and time for the start of the meeting"),
        },
    )
    ends_at = GovukDateTimeField(
        label=_("Ends at"),
        required=False,
        error_messages={"invalid": _("Enter a real date and time for the end of the meeting")},
    )
    place = SingleLineField(
        max_length=300,
        required=False,
        label=pgettext_lazy("meeting venue", "Place"),
        help_text=_("Where people meet in person."),
    )
    online_link = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Online link"),
        help_text=_("A video call link, if people can join online."),
    )
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Agenda"))
    capacity = forms.IntegerField(
        label=_("How many people can come"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Leave empty for no limit. Once this many are going, others join a waiting list."),
    )

    def __init__(
        self, *args: Any, invitees_from: Alliance | None = None, ask_invitees: bool = False, **kwargs: Any
    ) -> None:
        """A new meeting (ask_invitees) asks who is invited: the alliance, if there is one, or the whole site."""
        super().__init__(*args, **kwargs)
        if ask_invitees:
            choices = [(self.SITE, gettext("Everyone in the site"))]
            if invitees_from is not None:
                label = gettext("The alliance: %(purpose)s") % {"purpose": invitees_from.purpose[:80]}
                choices.insert(0, (self.ALLIANCE, label))
            self.fields["invitees"] = forms.ChoiceField(
                label=_("Who is invited"),
                choices=choices,
                initial=choices[0][0],
                widget=forms.RadioSelect,
                help_text=_(
                    "Everyone in the site means its enablers, its coordinators and everyone sent an "
                    "invitation; people imported but not yet invited are not emailed."
                ),
            )
            self.order_fields(["title", "invitees"])

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, object]:
        """The form's starting values for editing a meeting: the details `meeting_update` takes."""
        details = ("title", "starts_at", "ends_at", "place", "online_link", "agenda", "capacity")
        return {name: getattr(meeting, name) for name in details}


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=Rsvp.choices,
        widget=forms.RadioSelect,
        label=_("Will you be there?"),
        error_messages={"required": _("Choose whether you will be there: going, maybe or not going")},
    )


class WalkInForm(forms.Form):
    name = SingleLineField(
        max_length=150, label=_("Walk-in's name"), error_messages={"required": _("Enter the walk-in's name")}
    )
    email = forms.EmailField(required=False, label=_("Walk-in's email"))
    agency = SingleLineField(max_length=200, required=False, label=_("Walk-in's agency"))
