"""After a meeting: its notes and decisions, and the actions it gave people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Membership
from systemsleader.forms import GovukDateField


class MeetingNotesForm(forms.Form):
    notes = forms.CharField(required=False, label=_("Notes"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(required=False, label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}))


class PersonChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.name


class ActionForm(forms.Form):
    description = forms.CharField(
        max_length=500, label=_("Action"), error_messages={"required": _("Enter what is to be done")}
    )
    owner = PersonChoiceField(
        queryset=Membership.objects.none(),
        label=_("Owner"),
        error_messages={"required": _("Choose who will do it"), "invalid_choice": _("Choose who will do it")},
    )
    due_on = GovukDateField(label=_("Due by"), error_messages={"required": _("Enter the date it is due by")})

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.queryset = people
