"""Issue 14: a leader's site overview says "Vote now" while a round is open and they have not voted, and "Join the
alliance" once it has formed without them; a new site's overview shows its enabler a getting-started checklist,
each step ticked from the data. The page's queries are pinned."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from network import services
from network.models import Membership, PilotSite, Role
from outcomes.models import CandidateOutcome
from outcomes.services import ballot_submit, outcome_commit, outcome_propose, round_close, round_create_and_open
from tests.conftest import Cast, make_user


def _overview(client: Client, site: PilotSite) -> str:
    response = client.get(reverse("network:site-detail", args=[site.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_leader_who_has_not_voted_is_asked_to_vote_now(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    leader = cast.client_for(cast.leaders[0])
    vote_link = f'href="{reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])}">Vote now</a>'
    assert vote_link in _overview(leader, cast.site)
    ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={candidates[0].pk: 1})
    assert "Vote now" not in _overview(leader, cast.site)
    assert "Vote now" in _overview(cast.client_for(cast.leaders[1]), cast.site)  # each leader's own ballot
    assert "Vote now" not in _overview(cast.client_for(cast.coordinator), cast.site)  # coordinators do not vote


def test_a_leader_outside_the_alliance_is_asked_to_join_it(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    for leader in cast.leaders:
        ballot_submit(voting_round=voting_round, voter=leader, ranks={c.pk: i + 1 for i, c in enumerate(candidates)})
    voting_round = round_close(voting_round=voting_round, membership=cast.enabler)
    join = f'href="{reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])}#adopted-heading"'
    assert "Join the alliance" not in _overview(cast.client_for(cast.leaders[1]), cast.site)  # no alliance yet
    outcome_commit(voting_round=voting_round, membership=cast.leaders[0], pledge="My team")
    joined, outside = (_overview(cast.client_for(m), cast.site) for m in cast.leaders[:2])
    assert "Join the alliance" not in joined
    assert "Join the alliance" in outside and join in outside
    assert "Vote now" not in outside  # the round is closed


def test_a_new_sites_enabler_sees_the_checklist_ticked_from_the_data(db: None) -> None:
    enabler_user = make_user("enabler@new.example", "New Enabler")
    site = services.site_create(creator=enabler_user, name="New Pilot", place="Newtown")
    enabler = site.memberships.get(user=enabler_user)
    client = Client()
    client.force_login(enabler_user)

    def ticks() -> list[str]:
        body = _overview(client, site)
        section = body.split('id="getting-started"')[1].split("</section>")[0]
        return re.findall(r'<li class="step-(done|todo)">', section)

    assert ticks() == ["todo"] * 5
    agency = services.agency_create(site=site, name="Newtown Council", sector="local_authority")
    assert ticks() == ["done", "todo", "todo", "todo", "todo"]
    make_user("leader@new.example", "New Leader")
    leader = services.member_add(site=site, name="", email="leader@new.example", agency=agency, role=Role.LEADER)
    assert ticks() == ["done", "done", "todo", "todo", "todo"]
    Membership.objects.filter(pk=leader.pk).update(invited_at=leader.created_at)
    assert ticks() == ["done", "done", "done", "todo", "todo"]
    outcome_propose(membership=leader, statement="No one sleeps rough", why_it_matters="Everyone meets them.")
    outcome_propose(membership=leader, statement="Safe streets after dark", why_it_matters="Fear of crime.")
    assert ticks() == ["done", "done", "done", "done", "todo"]
    assert "3 of 5 steps done" not in _overview(client, site) and "4 of 5 steps done" in _overview(client, site)
    round_create_and_open(membership=enabler, title="First round")
    assert 'id="getting-started"' not in _overview(client, site)  # all done: the checklist goes


def test_the_checklist_is_for_enablers_only(cast: Cast) -> None:
    assert 'id="getting-started"' in _overview(cast.client_for(cast.enabler), cast.site)  # no outcome yet
    for member in (cast.coordinator, cast.leaders[0]):
        assert 'id="getting-started"' not in _overview(cast.client_for(member), cast.site)


def test_the_overviews_queries_are_pinned(
    cast: Cast, candidates: list[CandidateOutcome], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    for voter in cast.leaders[1:]:
        ballot_submit(voting_round=voting_round, voter=voter, ranks={candidates[0].pk: 1})
    voting_round = round_close(voting_round=voting_round, membership=cast.enabler)
    outcome_commit(voting_round=voting_round, membership=cast.leaders[1], pledge="My team")
    round_create_and_open(membership=cast.enabler, title="Autumn round")
    leader, enabler = cast.client_for(cast.leaders[0]), cast.client_for(cast.enabler)
    _overview(leader, cast.site)  # warm the session
    _overview(enabler, cast.site)
    with django_assert_num_queries(LEADER_QUERIES):
        body = _overview(leader, cast.site)
    assert "Vote now" in body and "Join the alliance" in body
    Membership.objects.filter(site=cast.site).update(invited_at=cast.enabler.created_at)
    with django_assert_num_queries(ENABLER_QUERIES):
        assert 'id="getting-started"' not in _overview(enabler, cast.site)


LEADER_QUERIES = 9  # the page as before (7), and: voted?, the join round (in the alliance? comes with the alliance)
ENABLER_QUERIES = 9  # the page as before (7), and the checklist: the site's people, its voting
