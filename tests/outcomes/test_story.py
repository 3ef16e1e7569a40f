"""The story of an adopted outcome (issue 12, item 5): everything in order, filterable, printable, constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import Alliance, Meeting
from network.services.actions import action_add, action_mark_done
from network.services.checkins import commitment_check_in
from network.services.commitments import commitment_add
from network.services.meetings import attendance_set
from outcomes.models import CandidateOutcome
from outcomes.services.indicators import indicator_create, indicator_update_add
from tests.conftest import Cast
from tests.html import text_of
from tests.outcomes.adopted import adopt

TODAY = timezone.localdate()
STORY_QUERIES = 12


@pytest.fixture
def adopted(cast: Cast, candidates: list[CandidateOutcome]) -> tuple[CandidateOutcome, Alliance]:
    return adopt(cast, candidates)


def _working_life(cast: Cast, outcome: CandidateOutcome, alliance: Alliance, n: int = 1) -> None:
    for i in range(n):
        meeting = services.meeting_create(
            alliance=alliance,
            created_by=cast.coordinator,
            title=f"Alliance meeting {i}",
            starts_at=timezone.now() + dt.timedelta(hours=1),
            place="Hall",
        )
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
        attendance_set(meeting=meeting, membership=cast.leaders[0], present=True, recorded_by=cast.coordinator)
        action = action_add(
            meeting=meeting,
            membership=cast.coordinator,
            description=f"Map hostels {i}",
            owner=cast.leaders[1],
            due_on=TODAY,
        )
        action_mark_done(action=action, membership=cast.leaders[1])
        commitment = commitment_add(
            alliance=alliance, membership=cast.leaders[2], action=f"Open beds {i}", due_on=TODAY
        )
        commitment_check_in(commitment=commitment, membership=cast.leaders[2], status="dropped", reason="Funding cut")
    indicator = outcome.indicators.first() or indicator_create(
        outcome=outcome,
        membership=cast.enabler,
        name="Rough sleepers",
        unit="people",
        source="Street count",
        direction="down",
        baseline_value=Decimal(40),
        baseline_on=TODAY - dt.timedelta(days=400),
    )
    start = indicator.updates.count()
    for i in range(start, start + n):
        indicator_update_add(
            indicator=indicator,
            membership=cast.enabler,
            measured_on=TODAY - dt.timedelta(days=i),
            value=Decimal(30),
            note="Outreach began",
        )


def test_the_story_tells_everything_newest_first(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> None:
    outcome, alliance = adopted
    _working_life(cast, outcome, alliance)
    response = cast.client_for(cast.leaders[0]).get(reverse("outcomes:story", args=[cast.site.slug, outcome.pk]))
    text = text_of(response.content, id="events") or ""
    for words in (
        "proposed “No one sleeps rough”",
        "Voting round “Spring round” closed",
        "Adopted as the outcome",
        "joined the alliance, pledging: “My team",
        "Meeting held: Alliance meeting 0",
        "1 came: Leader 0 of Ashby",
        "committed: Open beds 0",
        "checked in on “Open beds 0”: Dropped. Why: Funding cut",
        "did: Map hostels 0",
        "Rough sleepers: 30 people. Outreach began",
    ):
        assert words in text, words
    # Newest first: the proposal is the oldest thing in the story.
    assert text.index("Adopted as the outcome") < text.index("proposed “No one sleeps rough”")
    assert text.index("checked in on") < text.index("committed: Open beds 0")


def test_the_story_filters_by_kind_and_links_to_the_result(
    cast: Cast, adopted: tuple[CandidateOutcome, Alliance]
) -> None:
    outcome, alliance = adopted
    _working_life(cast, outcome, alliance)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:story", args=[cast.site.slug, outcome.pk])
    text = text_of(client.get(url, {"kind": "checkin"}).content, id="events") or ""
    assert "Funding cut" in text
    assert "Meeting held" not in text
    voted = client.get(url, {"kind": "voted"}).content.decode()
    assert reverse("outcomes:round-detail", args=[cast.site.slug, outcome.rounds.get().pk]) in voted
    # The htmx request gets only the events region.
    partial = client.get(url, {"kind": "measure"}, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in partial
    assert "Outreach began" in partial


def test_the_printable_handover_pack(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> None:
    outcome, alliance = adopted
    _working_life(cast, outcome, alliance)
    response = cast.client_for(cast.enabler).get(
        reverse("outcomes:story", args=[cast.site.slug, outcome.pk]), {"print": "1"}
    )
    html = response.content.decode()
    assert "Handover pack" in html
    assert "3 leaders</dd>" in html
    assert "Agencies they come from</dt><dd>3</dd>" in html
    assert "Dropped: 1" in html
    assert "<td>Rough sleepers</td>" in html


def test_the_story_page_query_count_is_constant(
    cast: Cast, adopted: tuple[CandidateOutcome, Alliance], django_assert_num_queries
) -> None:
    outcome, alliance = adopted
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:story", args=[cast.site.slug, outcome.pk])
    _working_life(cast, outcome, alliance, n=1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _working_life(cast, outcome, alliance, n=6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    # Session, user, membership, the outcome; closed rounds, pledges, meetings and who came, commitments,
    # check-ins, actions done, measure updates.
    with django_assert_num_queries(STORY_QUERIES):
        client.get(url)
    with django_assert_num_queries(5):  # one kind: session, user, membership, outcome, check-ins
        client.get(url, {"kind": "checkin"})
    with CaptureQueriesContext(connection) as printed:
        client.get(url, {"print": "1"})
    assert len(printed.captured_queries) <= len(few.captured_queries) + 6


def test_outsiders_and_candidates_have_no_story(
    cast: Cast, adopted: tuple[CandidateOutcome, Alliance], candidates: list[CandidateOutcome]
) -> None:
    outcome, _ = adopted
    assert (
        cast.client_for(cast.outsider).get(reverse("outcomes:story", args=[cast.site.slug, outcome.pk])).status_code
        == 404
    )
    assert (
        cast.client_for(cast.enabler)
        .get(reverse("outcomes:story", args=[cast.site.slug, candidates[1].pk]))
        .status_code
        == 404
    )
