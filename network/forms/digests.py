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


#: How many people "Preview as" lists: the first, by name, of those who would receive it (and the one chosen).
#: A select of every recipient grew with the site (20,000 options, 226 KB); anyone else is chosen by the
#: preview's address (?member=<id>), which still takes any recipient.
MEMBERS_LISTED = 50


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
        # One query, as listing every option took: the first few, and one more to know whether there are more.
        listed = list(members[: MEMBERS_LISTED + 1])
        if len(listed) > MEMBERS_LISTED:
            listed = listed[:MEMBERS_LISTED]
            member.help_text = _("Only the first %(count)s people who would receive it, by name, are listed.") % {
                "count": MEMBERS_LISTED
            }
        chosen = self.data.get("member") if self.is_bound else self.initial.get("member")
        chosen_pk = str(getattr(chosen, "pk", chosen) or "")
        if chosen_pk and chosen_pk not in {str(m.pk) for m in listed}:
            found = members.filter(pk=chosen_pk).first() if chosen_pk.isdigit() else None
            listed += [found] if found is not None else []
        member.widget.choices = [(m.pk, member.label_from_instance(m)) for m in listed]


class DigestPreferenceForm(forms.Form):
    digest_preference = forms.ChoiceField(
        choices=DigestPreference.choices, widget=forms.RadioSelect, label=_("Which emails do you want?")
    )
