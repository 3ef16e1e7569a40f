"""A check-in: how a commitment is going, and for changed or dropped, one line of why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import STATUSES_WITH_REASON, CommitmentStatus


class CheckInForm(forms.Form):
    status = forms.ChoiceField(
        choices=CommitmentStatus.choices,
        widget=forms.RadioSelect,
        label=_("How is it going?"),
        error_messages={"required": _("Choose how it is going")},
    )
    reason = forms.CharField(
        max_length=280,
        required=False,
        label=_("In one line, why?"),
        help_text=_(
            "Needed when it has changed or you have dropped it. Dropping a commitment, with a reason, is fine."
        ),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data and data.get("status") in STATUSES_WITH_REASON and not (data.get("reason") or "").strip():
            self.add_error(None, forms.ValidationError({"reason": _("Say in one line why.")}))
        return data
