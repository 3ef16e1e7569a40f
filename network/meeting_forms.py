"""Forms for taking attendance, digest schedules, previews and email preferences."""

from __future__ import annotations

from typing import Any

from django import forms

from network.digests.due import MAX_DAYS_BEFORE_MEETING
from network.models import DigestPreference, Membership

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class WalkInForm(forms.Form):
    name = forms.CharField(max_length=150, label="Walk-in's name")
    email = forms.EmailField(required=False, label="Walk-in's email")
    agency = forms.CharField(max_length=200, required=False, label="Walk-in's agency")


class DigestScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Weekly digest day")
    send_time = forms.TimeField(
        label="Weekly digest time", help_text="UK time.", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    days_before_meeting = forms.IntegerField(
        min_value=0, max_value=MAX_DAYS_BEFORE_MEETING, label="Meeting reminder", help_text="Days before each meeting."
    )


class DigestPreviewForm(forms.Form):
    digest = forms.ChoiceField(label="Which email")
    member = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Preview as", empty_label=None)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["digest"].choices = choices  # type: ignore[attr-defined]
        field = self.fields["member"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: f"{m.user.name} ({m.user.email})"  # type: ignore[attr-defined]


class DigestPreferenceForm(forms.Form):
    digest_preference = forms.ChoiceField(
        choices=DigestPreference.choices, widget=forms.RadioSelect, label="Which emails do you want?"
    )
