"""The digest schedule, previewing a digest as someone, and a person's email preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

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


class DigestScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Weekly digest day")
    send_time = forms.TimeField(
        label="Weekly digest time", help_text="UK time.", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    days_before_meeting = forms.IntegerField(
        min_value=0, max_value=MAX_DAYS_BEFORE_MEETING, label="Meeting reminder", help_text="Days before each meeting."
    )


class _MemberChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.name} ({obj.user.email})"


class DigestPreviewForm(forms.Form):
    digest = forms.ChoiceField(label="Which email")
    member = _MemberChoiceField(queryset=Membership.objects.none(), label="Preview as", empty_label=None)

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], members: QuerySet[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        digest = self.fields["digest"]
        member = self.fields["member"]
        assert isinstance(digest, forms.ChoiceField) and isinstance(member, _MemberChoiceField)  # noqa: S101
        digest.choices = choices
        member.queryset = members


class DigestPreferenceForm(forms.Form):
    digest_preference = forms.ChoiceField(
        choices=DigestPreference.choices, widget=forms.RadioSelect, label="Which emails do you want?"
    )
