"""GOV.UK's day / month / year date input (systemsleader.forms): parsing, the errors it gives, and how it is drawn."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from systemsleader.forms import GovukDateField, GovukDateTimeField


class DateForm(forms.Form):
    due_on = GovukDateField(label="Due by")
    at = GovukDateTimeField(label="Starts at", required=False)


def _form(**data: str) -> DateForm:
    return DateForm(data=data)


def test_day_month_year_make_a_date() -> None:
    form = _form(due_on_0="27", due_on_1="3", due_on_2="2027")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_on"] == dt.date(2027, 3, 27)
    assert form.cleaned_data["at"] is None


def test_a_date_and_time_is_uk_time() -> None:
    form = _form(due_on_0="1", due_on_1="7", due_on_2="2027", at_0="1", at_1="7", at_2="2027", at_3="14:30")
    assert form.is_valid(), form.errors
    at = form.cleaned_data["at"]
    assert timezone.is_aware(at)
    assert timezone.localtime(at).replace(tzinfo=None) == dt.datetime(2027, 7, 1, 14, 30)
    assert at.utcoffset() == dt.timedelta(hours=1)  # British Summer Time in July


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_on_0": "27", "due_on_2": "2027"}, "The date must include a month"),
        ({"due_on_1": "3", "due_on_2": "2027"}, "The date must include a day"),
        ({"due_on_0": "27", "due_on_1": "3"}, "The date must include a year"),
        ({"due_on_0": "31", "due_on_1": "2", "due_on_2": "2027"}, "Enter a real date"),
        ({"due_on_0": "1", "due_on_1": "13", "due_on_2": "2027"}, "Enter a real date"),
        ({"due_on_0": "a", "due_on_1": "3", "due_on_2": "2027"}, "Enter a real date"),
        ({"due_on_0": "1", "due_on_1": "3", "due_on_2": "27"}, "Enter a real date"),
        ({}, "Enter a date"),
    ],
)
def test_a_wrong_date_says_what_to_fix(data: dict[str, str], message: str) -> None:
    form = _form(**data)
    assert not form.is_valid()
    assert form.errors["due_on"] == [message]


@pytest.mark.parametrize("time", ["", "25:00", "2pm", "14:60"])
def test_a_wrong_time_says_what_to_fix(time: str) -> None:
    form = _form(due_on_0="1", due_on_1="3", due_on_2="2027", at_0="1", at_1="3", at_2="2027", at_3=time)
    assert not form.is_valid()
    assert form.errors["at"] == ["Enter a real time, like 14:30"]


def test_an_iso_date_posted_whole_is_still_read() -> None:
    form = _form(due_on="2027-03-27", at="2027-03-27T09:15")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_on"] == dt.date(2027, 3, 27)
    assert timezone.localtime(form.cleaned_data["at"]).hour == 9


def test_it_is_drawn_as_a_fieldset_with_a_legend_hint_and_a_label_per_box() -> None:
    html = str(DateForm(initial={"due_on": dt.date(2027, 3, 27)}))
    assert "datetime-local" not in html and 'type="date"' not in html
    assert "<legend>Due by</legend>" in html
    assert "For example, 27 3 2027" in html
    for part, value in (("0", "27"), ("1", "3"), ("2", "2027")):
        assert f'<label for="id_due_on_{part}">' in html
        assert f'value="{value}"' in html.split(f'id="id_due_on_{part}"')[0].rsplit("<input", 1)[1]
    assert '<label for="id_at_3">Time</label>' in html


def test_an_error_is_linked_from_the_summary_to_the_first_box() -> None:
    html = str(_form(due_on_0="27", due_on_2="2027"))
    assert '<a href="#id_due_on_0">The date must include a month</a>' in html


def test_an_optional_date_says_so_on_its_legend_and_a_required_one_does_not() -> None:
    drawn = str(DateForm())
    legends = [part.split("</legend>", 1)[0] for part in drawn.split("<legend>")[1:]]
    assert legends == ["Due by", 'Starts at <span class="optional">(optional)</span>']


def test_a_missing_part_is_named_in_welsh_as_a_whole_sentence() -> None:
    from django.utils import translation

    with translation.override("cy"):
        form = _form(due_on_0="27", due_on_2="2027")
        assert form.errors["due_on"] == ["Rhaid i'r dyddiad gynnwys mis"]
        assert "(dewisol)" in str(form)
