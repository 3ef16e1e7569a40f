"""The widgets drawn in Python (systemsleader.widget_html) against Django's own widget templates, byte for byte."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings as django_settings
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import ChoiceWidget
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network import services
from network.forms.accounts import LanguageRadioSelect, ProfileForm
from network.forms.agencies import AgencyForm
from network.forms.meetings import MeetingForm, RsvpForm
from network.forms.people import MemberEditForm, MemberForm
from network.models import Sector
from outcomes.forms import OutcomeForm
from systemsleader import widget_html
from systemsleader.forms import FormRenderer, GovukDateField, GovukDateTimeWidget, GovukDateWidget
from tests.conftest import Cast


class TemplatesOnly(TemplatesSetting):
    """Django's way: every widget and option through its template (what FormRenderer did before)."""

    form_template_name = FormRenderer.form_template_name


FAST = FormRenderer()
SLOW = TemplatesOnly()

# Text that HTML must escape, and text it must not mangle.
TEXT = st.text(alphabet=st.sampled_from(list("aZ 0'\"<>&;=/é€ŵ😀\t-")), max_size=12)
ATTRS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["id_x", "id_a&b", 'q"x']),
        "class": TEXT,
        "aria-describedby": st.sampled_from(["id_x_helptext", "id_x_helptext id_x_error"]),
        "disabled": st.booleans(),
        "required": st.booleans(),
        "rows": st.integers(0, 20),
        "data-x": TEXT,
    },
)
CHOICE_VALUE = st.one_of(TEXT, st.integers(-5, 500))
FLAT_CHOICES = st.lists(st.tuples(CHOICE_VALUE, TEXT), max_size=6)
CHOICES = st.lists(
    st.one_of(st.tuples(CHOICE_VALUE, TEXT), st.tuples(TEXT, FLAT_CHOICES)),
    max_size=5,
)

INPUTS = [
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.FileInput,
    forms.ClearableFileInput,
    forms.CheckboxInput,
    forms.Textarea,
]
CHOICE_WIDGETS = [
    forms.Select,
    forms.SelectMultiple,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    LanguageRadioSelect,
]


def both(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    return widget.render(name, value, attrs, renderer=FAST), widget.render(name, value, attrs, renderer=SLOW)


def test_it_draws_every_template_it_stands_for_in_python() -> None:
    # Were the project or an app to override one of Django's widget templates, the renderer would render them all.
    assert FAST._widgets_drawn_in_python == frozenset(widget_html.DRAWERS)
    assert widget_html.html_for("forms/widgets/language_option.html", {"widget": {}}) is None


def test_it_renders_the_templates_when_one_of_djangos_is_overridden(tmp_path: Path) -> None:
    override = tmp_path / "django/forms/widgets/select_option.html"
    override.parent.mkdir(parents=True)
    override.write_text("<option>{{ widget.label }} (ours)</option>")
    engine: dict[str, Any] = django_settings.TEMPLATES[0]
    with override_settings(TEMPLATES=[{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]):
        renderer = FormRenderer()
        assert renderer._widgets_drawn_in_python == frozenset()
        assert "(ours)" in forms.Select(choices=[(1, "One")]).render("n", 1, renderer=renderer)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widget_class=st.sampled_from(INPUTS),
    name=TEXT,
    value=st.one_of(st.none(), st.just(""), TEXT, st.integers(), st.booleans()),
    attrs=ATTRS,
    widget_attrs=ATTRS,
)
def test_it_draws_inputs_as_django_does(
    widget_class: type[forms.Widget], name: str, value: Any, attrs: dict[str, Any], widget_attrs: dict[str, Any]
) -> None:
    fast, slow = both(widget_class(attrs=widget_attrs), name, value, attrs)
    assert fast == slow


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widget_class=st.sampled_from(CHOICE_WIDGETS),
    name=TEXT,
    choices=CHOICES,
    chosen=st.lists(CHOICE_VALUE, max_size=3),
    attrs=ATTRS,
    widget_attrs=ATTRS,
    pick_first=st.booleans(),
)
def test_it_draws_choices_as_django_does(
    widget_class: type[ChoiceWidget],
    name: str,
    choices: list[Any],
    chosen: list[Any],
    attrs: dict[str, Any],
    widget_attrs: dict[str, Any],
    pick_first: bool,
) -> None:
    if pick_first and choices and not isinstance(choices[0][1], list):
        chosen = [choices[0][0], *chosen]  # a value that is one of the choices, so something is selected
    widget = widget_class(attrs=widget_attrs, choices=choices)
    fast, slow = both(widget, name, chosen, attrs)
    assert fast == slow


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("widget_class", CHOICE_WIDGETS)
def test_it_prints_values_and_labels_as_the_template_language_does(
    widget_class: type[ChoiceWidget], language: str
) -> None:
    # Numbers and dates are localised in labels, safe strings left alone, lazy strings translated, as `{{ }}` does.
    choices = [
        (1, 1234567),
        (Decimal("2.5"), Decimal("1234.5")),
        (3.25, 3.25),
        ("d", datetime.date(2027, 3, 27)),
        (mark_safe("<b>"), mark_safe("<i>safe</i>")),
        (None, gettext_lazy("Choose an agency")),
        ((1, 2), "a tuple"),
        (True, "yes"),
        ("g", [(4, "four"), (5, "<five>")]),
    ]
    widget = widget_class(attrs={"data-n": 7, "data-safe": mark_safe("&amp;"), "id": "id_w"}, choices=choices)
    with translation.override(language):
        for value in ([], [1], [None, 5], ["2.5"], [True]):
            fast, slow = both(widget, "w", value)
            assert fast == slow


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    with_time=st.booleans(),
    value=st.one_of(
        st.none(),
        st.just("2027-03-27T14:30"),
        st.just("not a date"),
        st.lists(st.one_of(st.none(), TEXT), min_size=4, max_size=4),
        st.dates(),
        st.datetimes(timezones=st.just(datetime.UTC)),
    ),
    attrs=ATTRS,
)
def test_it_draws_our_date_input_as_its_template_does(with_time: bool, value: Any, attrs: dict[str, Any]) -> None:
    widget = GovukDateTimeWidget() if with_time else GovukDateWidget()
    fast, slow = both(widget, "starts_at", value, attrs)
    assert fast == slow


def drawn_both_ways(form: forms.Form) -> tuple[str, str]:
    """The whole form (fields.html and every widget) by each renderer: a form's widgets use `form.renderer`."""
    drawn = []
    for renderer in (FAST, SLOW):
        form.renderer = renderer
        drawn.append(form.render())
    return drawn[0], drawn[1]


def test_it_leaves_option_templates_it_does_not_know_to_their_template() -> None:
    class Options(forms.RadioSelect):
        option_template_name = "django/forms/widgets/input_option.html"  # one newline fewer than radio_option.html

    fast, slow = both(Options(choices=[(1, "One"), (2, "Two")], attrs={"id": "id_o"}), "o", 2)
    assert fast == slow


def test_it_draws_the_language_choice_as_its_template_does() -> None:
    form = ProfileForm(initial={"name": "Ann", "language": "cy"})
    fast, slow = drawn_both_ways(form)
    assert fast == slow
    assert '<span lang="cy">' in fast


def test_it_leaves_a_file_input_with_its_current_file_to_the_template() -> None:
    class Current:
        url = "/media/a.csv"

        def __str__(self) -> str:
            return "a.csv"

    fast, slow = both(forms.ClearableFileInput(), "file", Current())
    assert fast == slow
    assert 'href="/media/a.csv"' in fast


def test_it_draws_our_forms_as_the_templates_do(cast: Cast) -> None:
    site, agency = cast.site, cast.agencies[0]
    for index in range(5):
        services.agency_create(site=site, name=f"Agency {index} & <sons> 'Ltd' ŵ", sector=Sector.NHS)
    bound = {"name": "", "email": "not an email", "role": "leader", "agency": str(agency.pk), "role_title": "<b>"}
    drawn = [
        MemberForm(site=site),
        MemberForm(bound, site=site),
        MemberEditForm(site=site, initial={"role": "leader", "agency": agency.pk, "language": "cy"}),
        AgencyForm(),
        AgencyForm({"name": "", "sector": "nope"}),
        OutcomeForm(site=site),
        OutcomeForm({"statement": "x", "agencies": [str(agency.pk)]}, site=site),
        MeetingForm(ask_invitees=True),
        MeetingForm({"title": "", "starts_at_0": "31", "starts_at_1": "2"}, ask_invitees=True),
        RsvpForm(),
        RsvpForm({"rsvp": "nonsense"}),
        ProfileForm({"name": "", "language": "xx"}),
    ]
    for form in drawn:
        if form.is_bound:
            assert not form.is_valid()  # drawn with its errors
        fast, slow = drawn_both_ways(form)
        assert fast == slow, type(form).__name__


class EverythingForm(forms.Form):
    """Every branch of fields.html: hints, optional fields, a fieldset, hidden fields, errors of each kind."""

    name = forms.CharField(label="Name <& 'quoted'>", help_text="A hint with <b>, & and ŵ")
    note = forms.CharField(required=False, widget=forms.Textarea)
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect, help_text="One")
    tags = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False)
    agreed = forms.BooleanField(required=False)
    when = GovukDateField(required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.data.get("name") == "wrong":
            raise forms.ValidationError("Something <wrong> & more")
        return cleaned


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"name": "wrong", "colour": "r", "token": "t"},
        {"name": "x", "colour": "nope", "tags": ["z"], "when_0": "40", "when_1": "1", "when_2": "2027", "step": "s"},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_it_draws_every_part_of_fields_html_as_the_template_does(
    language: str, data: dict[str, Any] | None, auto_id: str | bool
) -> None:
    with translation.override(language):
        form = EverythingForm(data, auto_id=auto_id, prefix="p" if data == {} else None)
        fast, slow = drawn_both_ways(form)
        assert fast == slow
