"""The relationship check-in (one answer at a time) and the map's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from network.models import MAP_MIN_GROUP_SIZE_FLOOR, TRUST_MAX, TRUST_MIN, Frequency, Membership


class CheckInForm(forms.Form):
    partner = forms.TypedChoiceField(
        label=_("Who do you work with?"),
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Choose someone you work with."),
            "invalid_choice": _("Choose someone in this site."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often do you work together?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you work together.")},
    )
    trust = forms.TypedChoiceField(
        label=_("How much do you trust the working relationship?"),
        help_text=_("1 is very little, 5 is completely."),
        choices=[(n, str(n)) for n in range(TRUST_MIN, TRUST_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how much you trust the working relationship, from 1 to 5."),
            "invalid_choice": _("Choose how much you trust the working relationship, from 1 to 5."),
        },
    )

    def __init__(self, *args: Any, partners: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.TypedChoiceField)  # noqa: S101 - declared above
        partner.choices = [
            ("", _("Choose a person")),
            *((m.pk, f"{m.user.name or m.user.email}" + (f" ({m.agency.name})" if m.agency else "")) for m in partners),
        ]


class MapSettingsForm(forms.Form):
    quiet_days = forms.IntegerField(
        label=_("Going quiet after (days)"),
        help_text=_("An agency or sector with no meeting and no check-in for this long is shown as going quiet."),
        error_messages={"required": _("Enter a number of days."), "invalid": _("Enter a whole number of days.")},
    )
    min_group_size = forms.IntegerField(
        label=_("Smallest check-in group shown"),
        help_text=format_lazy(
            _(
                'Agencies and sectors with fewer respondents are merged into "Other" for everyone but the enablers. '
                "At least {floor}."
            ),
            floor=MAP_MIN_GROUP_SIZE_FLOOR,
        ),
        error_messages={"required": _("Enter a number of people."), "invalid": _("Enter a whole number.")},
    )
