"""Query counts on the ballot, result and system view pages do not grow with leaders or outcomes."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Cast
from tests.outcomes.markup import elements
from tests.outcomes.scale import build_big_round


def test_the_ballot_page_has_constant_queries_with_2000_leaders(cast: Cast, django_assert_num_queries) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, close=False)
    client = cast.client_for(big.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, big.voting_round.pk])
    # session, user, membership, round, ballot count, candidates, own ballot, its entries
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert len(elements(response.content.decode(), "li", class_="ballot-row")) == 50


def test_the_result_and_system_pages_have_constant_queries_with_2000_leaders(
    cast: Cast, django_assert_num_queries
) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler)
    assert big.voting_round.result["ballot_count"] == 2000
    from outcomes.services import outcome_adopt

    outcome_adopt(voting_round=big.voting_round, outcome_id=big.outcomes[-1].pk, membership=cast.enabler)
    client = cast.client_for(big.leaders[0])
    # session, user, membership, round, candidates, this leader's alliances, own energy for adopted outcomes
    with django_assert_num_queries(7):
        response = client.get(reverse("outcomes:round-detail", args=[cast.site.slug, big.voting_round.pk]))
    assert response.status_code == 200
    assert "2000 ballots" in response.content.decode()
    # session, user, membership, round, candidates
    with django_assert_num_queries(5):
        response = client.get(reverse("outcomes:round-system", args=[cast.site.slug, big.voting_round.pk]))
    assert response.status_code == 200
    with django_assert_num_queries(5):
        response = client.get(reverse("outcomes:round-results-csv", args=[cast.site.slug, big.voting_round.pk]))
    assert response.content.decode().count("\n") == 51


def test_the_system_view_of_100_agencies_and_50_outcomes_stays_small(
    cast: Cast, django_assert_num_queries, settings
) -> None:
    """It draws the top outcomes for every agency, with their figures; the whole table is the download."""
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=400, agency_count=100)
    client = cast.client_for(big.leaders[0])
    with django_assert_num_queries(5):  # session, user, membership, round, candidates
        page = client.get(reverse("outcomes:round-system", args=[cast.site.slug, big.voting_round.pk]))
    body = page.content.decode()
    assert len(page.content) < 300_000  # 844 KB with every outcome drawn twice (chart and table), figures on cells
    assert "Scale agency 99" in body and "the first 20 outcomes of 50" in body
    with django_assert_num_queries(5):  # session, user, membership, round, candidates
        download = client.get(reverse("outcomes:round-support-csv", args=[cast.site.slug, big.voting_round.pk]))
    rows = download.content.decode().splitlines()
    assert len(rows) == 1 + 100 + len({a.sector for a in big.voting_round.site.agencies.all()})
    assert rows[0].count("Scale outcome") == 50


def test_the_system_view_summarises_agencies_when_too_many_to_draw(cast: Cast) -> None:
    """Above AGENCY_HEATMAP_MAX agencies, each agency's top outcomes stand in for its heatmap row; sectors are
    still drawn, and the numbered key holds only the outcomes the charts draw."""
    from outcomes.selectors.system import AGENCY_HEATMAP_MAX, AGENCY_TOP, SHOWN_OUTCOMES

    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=400, agency_count=100)
    client = cast.client_for(big.leaders[0])
    body = client.get(reverse("outcomes:round-system", args=[cast.site.slug, big.voting_round.pk])).content.decode()
    assert AGENCY_HEATMAP_MAX < 100
    assert len(elements(body, "svg")) == 1  # the sectors' heatmap only
    assert "100 agencies voted: too many to draw" in body
    summary = body.split("Agency summary table", 1)[1].split("</table>", 1)[0]
    assert summary.count("<tr>") == 1 + 100 and "Scale agency 99" in summary
    assert summary.count("outcome ") >= 100 * AGENCY_TOP - 5  # each agency's top outcomes, by number
    key = body.split('<ol class="outcome-key">', 1)[1].split("</ol>", 1)[0]
    assert key.count("<li>") == SHOWN_OUTCOMES and f"first {SHOWN_OUTCOMES} outcomes of 50" in body
    assert len(body.encode()) < 50_000  # 240 KB with every agency drawn twice (chart and table)


def test_the_system_view_draws_a_few_agencies(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=120, agency_count=12)
    client = cast.client_for(big.leaders[0])
    body = client.get(reverse("outcomes:round-system", args=[cast.site.slug, big.voting_round.pk])).content.decode()
    assert len(elements(body, "svg")) == 2 and "too many to draw" not in body


def test_the_system_view_lists_the_widest_splits_only(cast: Cast) -> None:
    from outcomes.selectors.results import round_result
    from outcomes.selectors.system import SPLITS_SHOWN, system_view

    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=600, agency_count=100, outcomes=60)
    voting_round = big.voting_round
    ranked = [entry.outcome for entry in round_result(voting_round=voting_round).ranking]
    view = system_view(voting_round=voting_round, ranked=ranked)
    assert len(view.contested) == min(SPLITS_SHOWN, view.contested_total)
    gaps = [split.highest - split.lowest for _, split in view.contested]
    assert gaps == sorted(gaps, reverse=True)  # the widest first
    body = (
        cast.client_for(big.leaders[0])
        .get(reverse("outcomes:round-system", args=[cast.site.slug, voting_round.pk]))
        .content.decode()
    )
    listed = body.split('id="contested-heading"', 1)[1].split("</section>", 1)[0]
    assert listed.count("<li>") == len(view.contested)
    assert view.contested_total > SPLITS_SHOWN  # each sector leans its own way: many splits, a few shown
    assert f"the {SPLITS_SHOWN} widest splits of {view.contested_total}" in listed


# The agency summary's rows as round_system.html wrote them through the template engine, before
# SystemView.agency_summary_html wrote them.
_SUMMARY_TEMPLATE = (
    "{% for row in view.agency_summary %}"
    '<tr><th scope="row">{{ row.group.label }}{% if row.group.members %}<span class="hint"> '
    '{{ row.group.member_labels|join:", " }}</span>{% endif %}</th><td>{{ row.group.voters }}</td>'
    "<td>{{ row.top_html }}</td></tr>\n    {% endfor %}"
)


def test_the_agency_summary_says_what_the_template_said() -> None:
    """Rows written in Python, each word translated once: the same as the template's, in English and Welsh."""
    from django.template import Context, Template
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    from outcomes.groups import NO_AGENCY, OTHER, Group
    from outcomes.selectors.system import AgencySummary, SystemView

    groups = [
        Group(name='Fish & "Chips" <Ltd>', voters=1234, sector="Health"),
        Group(name=NO_AGENCY, voters=7),
        Group(name=OTHER, voters=12, members=["Small & Co", "Health", NO_AGENCY]),
    ]
    summary = [
        AgencySummary(group=groups[0], top=[(3, 0.5), (1, 0.125), (20, 0.0049)]),
        AgencySummary(group=groups[1], top=[]),
        AgencySummary(group=groups[2], top=[(2, 1.0)]),
    ]
    view = SystemView(
        agencies=None,
        sectors=None,  # type: ignore[arg-type]  # not read here
        consensus=[],
        contested=[],
        divergent=[],
        merged=True,
        support_rule="",
        single_agency_sectors=[],
        agency_summary=summary,
    )

    class Row:  # what the template read of each summary row: its group, and its top outcomes as HTML
        def __init__(self, row: AgencySummary) -> None:
            self.group = row.group
            pattern = gettext("outcome %(number)d (%(percent)d%%)")
            top = (pattern % {"number": n, "percent": round(100 * share)} for n, share in row.top)
            self.top_html = mark_safe(escape(", ".join(top)))  # noqa: S308 - escaped

    template = Template(_SUMMARY_TEMPLATE)
    for language in ("en", "cy"):
        with translation.override(language):
            expected = template.render(Context({"view": {"agency_summary": [Row(r) for r in summary]}}))
            assert view.agency_summary_html == expected, language
    assert "Fish &amp; &quot;Chips&quot; &lt;Ltd&gt;" in expected and "<td>1234</td>" in expected
