"""The digest schedule, previewing a digest as someone, and a person's email preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from network.digests.due import MAX_DAYS_BEFORE_MEETING
from network.models import DigestPreference, Membership

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DigestScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label=_("Weekly digest day"))
    send_time = forms.TimeField(
        label=_("Weekly digest time"),
        help_text=_("UK time."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    days_before_meeting = forms.IntegerField(
        min_value=0,
        max_value=MAX_DAYS_BEFORE_MEETING,
        label=_("Meeting reminder"),
        help_text=_("Days before each meeting."),
    )


class _MemberChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.name} ({obj.user.email})"


class DigestPreviewForm(forms.Form):
    digest = forms.ChoiceField(label=_("Which email"))
    member = _MemberChoiceField(queryset=Membership.objects.none(), label=_("Preview as"), empty_label=None)

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
        choices=DigestPreference.choices, widget=forms.RadioSelect, label=_("Which emails do you want?")
    )
