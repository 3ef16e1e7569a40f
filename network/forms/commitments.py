"""A leader's new commitment, and the enabler's check-in interval."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Membership
from systemsleader.forms import GovukDateField


class PeopleChoiceField(forms.ModelMultipleChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.name


class CommitmentForm(forms.Form):
    action = forms.CharField(
        max_length=500,
        label=_("What will you do differently?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter what you will do differently, in a line or two")},
    )
    due_on = GovukDateField(label=_("By when"), error_messages={"required": _("Enter the date you will do it by")})
    with_members = PeopleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=_("With whom (people)"),
        widget=forms.CheckboxSelectMultiple,
    )
    with_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label=_("With whom (agencies)"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partners: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["with_members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type for mypy
        members.queryset = partners
        agency_field = self.fields["with_agencies"]
        assert isinstance(agency_field, forms.ModelMultipleChoiceField)  # noqa: S101
        agency_field.queryset = agencies


class CheckinIntervalForm(forms.Form):
    weeks = forms.IntegerField(
        min_value=1,
        max_value=52,
        label=_("Ask for a check-in every (weeks)"),
        help_text=_("Each commitment's owner is asked how it is going in their weekly email (the digest)."),
        error_messages={
            "required": _("Enter a number of weeks, from 1 to 52"),
            "invalid": _("Enter a whole number of weeks, from 1 to 52"),
            "min_value": _("Enter a number of weeks, from 1 to 52"),
            "max_value": _("Enter a number of weeks, from 1 to 52"),
        },
    )
