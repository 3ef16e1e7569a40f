from __future__ import annotations

from typing import Any

from django import forms

from outcomes.models import CandidateOutcome


class OutcomeForm(forms.Form):
    statement = forms.CharField(max_length=200, help_text="One short sentence: the change you want to see.")
    why_it_matters = forms.CharField(
        label="Why it matters",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this matters to you and the people you serve.",
    )


class RoundForm(forms.Form):
    title = forms.CharField(max_length=200, initial="What really matters?", label="Round title")


class BallotForm(forms.Form):
    """One rank field per candidate outcome; blank means not ranked."""

    def __init__(self, *args: Any, candidates: list[CandidateOutcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not ranked")] + [(str(i), str(i)) for i in range(1, len(candidates) + 1)]
        self.candidates = candidates
        for outcome in candidates:
            self.fields[f"rank_{outcome.pk}"] = forms.TypedChoiceField(
                label=outcome.statement, choices=choices, coerce=int, required=False, empty_value=None
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(value for value in cleaned.values()):
            raise forms.ValidationError("Rank at least one outcome: give your first choice a 1.")
        return cleaned

    def ranks(self) -> dict[int, int]:
        return {
            outcome.pk: self.cleaned_data[f"rank_{outcome.pk}"]
            for outcome in self.candidates
            if self.cleaned_data.get(f"rank_{outcome.pk}")
        }

    def bound_rows(self) -> list[tuple[CandidateOutcome, forms.BoundField]]:
        return [(outcome, self[f"rank_{outcome.pk}"]) for outcome in self.candidates]


class CommitForm(forms.Form):
    pledge = forms.CharField(
        max_length=280,
        required=False,
        label="What will you bring?",
        help_text="One line: the energy, time or resources you commit.",
    )
