"""The outcomes page with a site of 100 agencies: every agency a labelled checkbox, drawn in one loop."""

from __future__ import annotations

import re
import typing

from django.urls import reverse

from network.models import Agency, Sector
from outcomes.models import CandidateOutcome
from tests.conftest import Cast


def test_a_hundred_agency_checkboxes_are_labelled_and_drawn_in_one_loop(cast: Cast) -> None:
    Agency.objects.bulk_create(Agency(site=cast.site, name=f"Agency {i:03d}", sector=Sector.OTHER) for i in range(97))
    response = cast.client_for(cast.leaders[0]).get(reverse("outcomes:outcome-list", args=[cast.site.slug]))
    body = response.content.decode()
    boxes = re.findall(
        r'<label for="(id_agencies_\d+)"><input type="checkbox" name="agencies" value="\d+" id="\1">', body
    )
    assert len(boxes) == 100
    assert "Agency 042</label>" in body
    used = {template.name for template in response.templates}
    assert "django/forms/widgets/checkbox_option.html" not in used  # no template per checkbox
    assert "outcomes/widgets/checkbox_list.html" in used


def test_ticked_agencies_stay_ticked_when_the_form_comes_back_with_an_error(cast: Cast) -> None:
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    agency = cast.agencies[1]
    response = cast.client_for(cast.leaders[0]).post(url, {"statement": "", "agencies": [str(agency.pk)]})
    assert response.status_code == 422
    assert f'value="{agency.pk}" id="id_agencies_1" checked>' in response.content.decode()


def test_the_outcomes_come_a_page_at_a_time_in_constant_queries(cast: Cast, django_assert_num_queries) -> None:
    """120 outcomes: 50 cards a page, newest first, with the GOV.UK pagination; an htmx page link swaps the list."""
    from network.paging import PAGE_SIZE
    from outcomes.models import CandidateOutcome

    proposer = cast.leaders[0]
    made = CandidateOutcome.objects.bulk_create(
        CandidateOutcome(site=cast.site, statement=f"Paged outcome {n:03d}", why_it_matters="x", proposed_by=proposer)
        for n in range(120)
    )
    for outcome in made[:3]:
        outcome.agencies.add(cast.agencies[0])
        outcome.co_proposers.add(cast.leaders[1])
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    client = cast.client_for(cast.enabler)
    client.get(url)  # the session's first use
    # session, user, membership, the page of outcomes (with their count and rounds), co-proposers, agencies,
    # the rounds list, the agencies for the propose form
    with django_assert_num_queries(8):
        first = client.get(url).content.decode()
    with django_assert_num_queries(8):
        last = client.get(url, {"page": 3}).content.decode()
    assert first.count('<li class="card">') == PAGE_SIZE and last.count('<li class="card">') == 120 - 2 * PAGE_SIZE
    assert "Candidates (120)" in first and "Page 1 of 3" in first and 'aria-label="Page 3"' in first
    assert "Paged outcome 119" in first and "Paged outcome 000" in last  # newest first
    assert f"Touches: {cast.agencies[0].name}" in last and f"; and by {cast.leaders[1].user.name}" in last
    swapped = client.get(url, {"page": 2}, headers={"HX-Request": "true"}).content.decode()
    assert swapped.lstrip().startswith('<section aria-labelledby="candidates-heading" id="candidates">')
    assert swapped.count('<li class="card">') == PAGE_SIZE and "<html" not in swapped
    assert client.get(url, {"page": "999"}).status_code == 200 and client.get(url, {"page": "x"}).status_code == 200


def test_the_checkbox_list_says_what_djangos_own_checkboxes_say(cast: Cast) -> None:
    """The hand-built boxes against Django's CheckboxSelectMultiple: the same inputs, ids, ticks and labels."""
    from django import forms

    from outcomes.forms import OutcomeForm

    Agency.objects.bulk_create(Agency(site=cast.site, name=f"A&B <{i}>", sector=Sector.OTHER) for i in range(5))
    ticked = [str(a.pk) for a in cast.site.agencies.order_by("name")[1:3]]
    ours = OutcomeForm({"statement": "x", "agencies": ticked}, site=cast.site)
    theirs = OutcomeForm({"statement": "x", "agencies": ticked}, site=cast.site)
    field = typing.cast("forms.ModelMultipleChoiceField[Agency]", theirs.fields["agencies"])
    field.widget = forms.CheckboxSelectMultiple()
    field.widget.choices = field.choices  # as a form field hands its choices to its widget

    def boxes(html: str) -> list[tuple[str, str]]:
        inputs = re.findall(r"<input [^>]*>", html)
        labels = re.findall(r"<label[^>]*>\s*<input [^>]*>\s*(.*?)</label>", html, re.S)
        normal = [" ".join(sorted(re.findall(r'(\w+(?:="[^"]*")?)', tag[len("<input ") : -1]))) for tag in inputs]
        return list(zip(normal, [label.strip() for label in labels], strict=True))

    mine, django_s = boxes(str(ours["agencies"])), boxes(str(theirs["agencies"]))
    assert len(mine) == cast.site.agencies.count() == len(django_s)
    assert mine == django_s
    assert sum("checked" in attrs for attrs, _ in mine) == 2 and any("A&amp;B &lt;" in label for _, label in mine)


def test_the_plain_select_says_what_djangos_own_select_says(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    """The merge choice's hand-built options against Django's Select: the same options, labels and choice."""
    from django import forms

    from outcomes.forms import MergeForm
    from outcomes.services import outcome_propose

    outcome_propose(membership=cast.leaders[0], statement="Fish & <chips>", why_it_matters="x")
    outcome = candidates[0]
    for data in (None, {"into": str(candidates[1].pk)}):
        ours, theirs = MergeForm(data, outcome=outcome), MergeForm(data, outcome=outcome)
        field = typing.cast("forms.ModelChoiceField[CandidateOutcome]", theirs.fields["into"])
        field.widget = forms.Select(attrs=field.widget.attrs)
        field.widget.choices = field.choices  # as a form field hands its choices to its widget
        field.widget.is_required = True

        def options(html: str) -> list[tuple[str, str]]:
            return re.findall(r"<option ([^>]*)>(.*?)</option>", html)

        mine, django_s = str(ours["into"]), str(theirs["into"])
        assert options(mine) == options(django_s) and len(options(mine)) == 1 + 3  # the empty choice, and the rest
        assert mine.split(">", 1)[0] == django_s.split(">", 1)[0]  # the same <select ...> attributes
        assert "Fish &amp; &lt;chips&gt;" in mine


# The cards as outcome_list.html wrote them through the template engine, before outcomes/cards.py wrote them.
_CARDS_TEMPLATE = (
    "{% load i18n %}{% for outcome in outcomes %}\n"
    '    <li class="card">\n'
    "      <h3>{{ outcome.statement }}</h3>\n"
    "      <p>{{ outcome.why_it_matters }}</p>\n"
    '      <p class="hint">{% if outcome.proposer_name %}'
    "{% blocktranslate with name=outcome.proposer_name %}Proposed by {{ name }}{% endblocktranslate %}"
    '{% else %}{% translate "Proposed by a former member" %}{% endif %}'
    "{% if outcome.proposer_agency %}, {{ outcome.proposer_agency }}{% endif %}"
    "{% for name in outcome.co_proposer_names %}{% blocktranslate %}; and by {{ name }}{% endblocktranslate %}"
    "{% endfor %}</p>\n"
    '      {% if outcome.agency_names %}<p class="hint">{% translate "Touches:" %} {{ outcome.agency_names }}</p>'
    "{% endif %}\n"
    '      {% if outcome.alliance_id %}<p><span class="tag">{% translate "Adopted" %}</span></p>{% endif %}\n'
    "      {% if outcome.pk in editable %}<p><a href=\"{% url 'outcomes:outcome-edit' site.slug outcome.pk %}\">"
    '{% if can_manage %}{% translate "Edit, merge or withdraw" %}{% else %}{% translate "Edit" %}{% endif %}'
    '<span class="visually-hidden">: {{ outcome.statement }}</span></a></p>{% endif %}\n'
    "    </li>\n"
    "    {% endfor %}"
)


def test_the_cards_say_what_the_template_said(cast: Cast, alliance: typing.Any) -> None:
    """outcomes/cards.py writes each card as the template engine did: the same words, in English and Welsh,
    the same escaping, links and parts, for an enabler and for a leader."""
    from django.template import Context, Template
    from django.utils import translation

    from network.services.people import member_archive
    from outcomes.cards import outcome_cards_html
    from outcomes.selectors import outcomes_for_site

    leader, other = cast.leaders[0], cast.leaders[1]
    odd = CandidateOutcome.objects.create(
        site=cast.site, statement='Fish & "chips" <b>', why_it_matters="It's <i>ours</i>", proposed_by=leader
    )
    odd.agencies.add(*cast.agencies[:2])
    odd.co_proposers.add(other, cast.leaders[2])
    CandidateOutcome.objects.create(site=cast.site, statement="Nobody's now", why_it_matters="x", proposed_by=None)
    gone = CandidateOutcome.objects.create(site=cast.site, statement="Left", why_it_matters="y", proposed_by=other)
    member_archive(membership=other, actor=cast.enabler.user)
    adopted = CandidateOutcome.objects.create(site=cast.site, statement="Won", why_it_matters="z", proposed_by=leader)
    CandidateOutcome.objects.filter(pk=adopted.pk).update(alliance=alliance)
    rows = outcomes_for_site(site=cast.site).outcomes.rows
    assert {row.pk for row in rows} >= {odd.pk, gone.pk, adopted.pk}
    template = Template(_CARDS_TEMPLATE)
    for language in ("en", "cy"):
        for can_manage, editable in ((True, {r.pk for r in rows}), (False, {odd.pk})):
            with translation.override(language):
                written = outcome_cards_html(rows, site_slug=cast.site.slug, editable=editable, can_manage=can_manage)
                context = {"outcomes": rows, "site": cast.site, "editable": editable, "can_manage": can_manage}
                assert written == template.render(Context(context)), (language, can_manage)
    assert "Fish &amp; &quot;chips&quot; &lt;b&gt;" in written and "Cynigiwyd gan" in written
