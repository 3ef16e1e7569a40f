from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from network.errors import DomainError
from network.models import AllianceMember
from network.services.people import user_set_language
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, VotingRound
from tests.conftest import Cast
from tests.outcomes.markup import elements


def _open(cast: Cast) -> VotingRound:
    return services.round_create_and_open(membership=cast.enabler, title="What really matters?")


def test_it_lets_a_leader_propose_an_outcome(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    response = client.post(url, {"statement": "Fewer early deaths", "why_it_matters": "Nine years' gap."})
    assert response.status_code == 302
    outcome = CandidateOutcome.objects.get(site=cast.site)
    assert outcome.proposed_by == cast.leaders[0]
    assert "Fewer early deaths" in client.get(url).content.decode()


def test_it_explains_a_missing_reason_next_to_the_field(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    response = client.post(url, {"statement": "Fewer early deaths", "why_it_matters": ""})
    assert response.status_code == 422
    assert elements(response.content.decode(), "p", class_="error", id="id_why_it_matters_error")
    assert not CandidateOutcome.objects.exists()


def test_it_refuses_a_duplicate_proposal(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    with pytest.raises(DomainError):
        services.outcome_propose(membership=cast.leaders[2], statement="no one sleeps rough", why_it_matters="x")


def test_it_does_not_let_a_coordinator_propose(cast: Cast) -> None:
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    response = cast.client_for(cast.coordinator).post(url, {"statement": "S", "why_it_matters": "W"})
    assert response.status_code == 403


def test_it_hides_outcomes_from_an_outsider(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    client = cast.client_for(cast.outsider)
    assert client.get(reverse("outcomes:outcome-list", args=[cast.site.slug])).status_code == 404
    assert client.get(reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])).status_code == 404
    # Nor can they reach this site's round through their own site's URL.
    assert client.get(reverse("outcomes:round-detail", args=[cast.other_site.slug, voting_round.pk])).status_code == 404
    assert client.post(reverse("outcomes:round-close", args=[cast.site.slug, voting_round.pk])).status_code == 404


def test_it_opens_a_round_over_all_candidates(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    response = cast.client_for(cast.enabler).post(
        reverse("outcomes:round-create", args=[cast.site.slug]), {"title": "Round one"}
    )
    voting_round = VotingRound.objects.get()
    assert response.status_code == 302
    assert set(voting_round.candidates.all()) == set(candidates)
    assert voting_round.is_open


def test_it_needs_two_candidates_to_open_a_round(cast: Cast) -> None:
    services.outcome_propose(membership=cast.leaders[0], statement="Only one", why_it_matters="x")
    with pytest.raises(DomainError, match="at least two"):
        _open(cast)


def test_it_allows_one_open_round_per_site(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    _open(cast)
    with pytest.raises(DomainError, match="already open"):
        _open(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        VotingRound.objects.create(site=cast.site, title="Sneaked in")


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_it_lets_only_enablers_open_and_close_rounds(cast: Cast, candidates: list[CandidateOutcome], who: str) -> None:
    membership = cast.coordinator if who == "coordinator" else cast.leaders[0]
    client = cast.client_for(membership)
    assert client.post(reverse("outcomes:round-create", args=[cast.site.slug]), {"title": "R"}).status_code == 403
    voting_round = _open(cast)
    assert client.post(reverse("outcomes:round-close", args=[cast.site.slug, voting_round.pk])).status_code == 403
    voting_round.refresh_from_db()
    assert voting_round.is_open


def _ballot_data(ranks: dict[CandidateOutcome, int | str]) -> dict[str, str]:
    return {f"rank_{outcome.pk}": str(rank) for outcome, rank in ranks.items()}


def test_it_saves_and_replaces_a_ballot(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    a, b, c = candidates
    assert client.post(url, _ballot_data({a: 1, b: 2, c: ""})).status_code == 302
    assert client.post(url, _ballot_data({a: 2, b: "", c: 1})).status_code == 302
    ballot = Ballot.objects.get()
    assert {r.outcome_id: r.rank for r in ballot.ranks.all()} == {a.pk: 2, b.pk: None, c.pk: 1}  # one entry each
    page = client.get(url).content.decode()
    assert "Your ballot is saved" in page


def test_it_saves_a_ballot_by_htmx_and_answers_with_its_status_alone(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    """The ballot on the screen is what was saved: only its status and the count of voters change, out of band."""
    voting_round = _open(cast)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    response = client.post(url, _ballot_data({candidates[0]: 1}), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    status, count = parse_html(body).children
    assert status.name == "div" and ("id", "ballot-status") in status.attributes
    assert ("hx-swap-oob", "true") in status.attributes
    assert count.name == "p" and ("id", "ballot-count") in count.attributes
    assert ("hx-swap-oob", "true") in count.attributes
    assert "Your ballot is saved" in body
    assert "1 leader has voted so far" in body  # counting the ballot just saved
    assert candidates[1].statement not in body  # no row of the ballot
    assert Ballot.objects.get().ranks.get(outcome=candidates[0]).rank == 1


def test_a_ballot_shown_with_errors_is_redrawn_whole_once_saved(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    refused = client.post(url, _ballot_data({candidates[0]: 9}), headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert '<input type="hidden" name="had_errors" value="1">' in refused.content.decode()
    response = client.post(url, _ballot_data({candidates[0]: 1}) | {"had_errors": "1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    form, count = parse_html(body).children
    assert form.name == "form" and ("id", "ballot") in form.attributes  # the errors go with the re-drawn ballot
    assert ("id", "ballot-count") in count.attributes and ("hx-swap-oob", "true") in count.attributes
    assert "Your ballot is saved" in body and "had_errors" not in body


def test_it_explains_an_empty_ballot(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    response = cast.client_for(cast.leaders[0]).post(url, _ballot_data({c: "" for c in candidates}))
    assert response.status_code == 422
    assert "Rank at least one outcome" in response.content.decode()
    assert not Ballot.objects.exists()


def test_it_rejects_a_rank_out_of_range(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    response = cast.client_for(cast.leaders[0]).post(url, _ballot_data({candidates[0]: 9}))
    assert response.status_code == 422
    assert not Ballot.objects.exists()


def test_it_rejects_an_outcome_not_in_the_round(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    late = services.outcome_propose(membership=cast.leaders[0], statement="Late", why_it_matters="x")
    with pytest.raises(DomainError):
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={late.pk: 1})
    assert not Ballot.objects.exists()


def test_it_lets_only_leaders_vote(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    with pytest.raises(DomainError):
        services.ballot_submit(voting_round=voting_round, voter=cast.enabler, ranks={candidates[0].pk: 1})
    with pytest.raises(DomainError):
        services.ballot_submit(voting_round=voting_round, voter=cast.outsider, ranks={candidates[0].pk: 1})


def test_the_database_allows_one_ballot_per_leader_per_round(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    Ballot.objects.create(round=voting_round, voter=cast.leaders[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=voting_round, voter=cast.leaders[0])


def _vote_and_close(cast: Cast, candidates: list[CandidateOutcome]) -> VotingRound:
    a, b, c = candidates
    voting_round = _open(cast)
    # Two leaders, from two sectors, would commit energy to a: enough for it to be named.
    services.ballot_submit(
        voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1, b.pk: 2, c.pk: 3}, energy={a.pk: 2}
    )
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={b.pk: 1, a.pk: 2})
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[2], ranks={a.pk: 1, c.pk: 2}, energy={a.pk: 1})
    return services.round_close(voting_round=voting_round, membership=cast.enabler)


def test_it_closes_a_round_and_names_what_really_matters(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _vote_and_close(cast, candidates)
    assert voting_round.status == VotingRound.Status.CLOSED
    assert voting_round.winner == a
    assert voting_round.ranking == [[a.pk], [b.pk], [c.pk]]
    page = cast.client_for(cast.leaders[1]).get(
        reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    )
    body = page.content.decode()
    assert "What really matters" in body
    assertInHTML('<p class="winner">No one sleeps rough</p>', body)
    assert "3 to 0" in body  # a beats c on all three ballots


def test_a_closed_round_refuses_ballots_and_a_second_close(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _vote_and_close(cast, candidates)
    with pytest.raises(DomainError, match="closed"):
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={candidates[2].pk: 1})
    with pytest.raises(DomainError, match="already closed"):
        services.round_close(voting_round=voting_round, membership=cast.enabler)
    assert BallotRank.objects.filter(ballot__voter=cast.leaders[0], outcome=candidates[0], rank=1).exists()


def test_it_reports_a_tie_and_names_no_outcome(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _open(cast)
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={b.pk: 1, a.pk: 2})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    assert voting_round.winner is None
    assert sorted(voting_round.ranking[0]) == sorted([a.pk, b.pk])
    body = (
        cast.client_for(cast.enabler)
        .get(reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk]))
        .content.decode()
    )
    assert "are tied" in body


def test_leaders_commit_and_form_the_alliance(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _vote_and_close(cast, candidates)
    url = reverse("outcomes:outcome-commit", args=[cast.site.slug, voting_round.pk])
    response = cast.client_for(cast.leaders[0]).post(url, {"pledge": "Two outreach workers"})
    assert response.status_code == 302
    cast.client_for(cast.leaders[1]).post(url, {"pledge": ""})
    cast.client_for(cast.leaders[0]).post(url, {"pledge": "Three outreach workers"})  # again: updates, no duplicate
    members = AllianceMember.objects.filter(alliance__site=cast.site)
    assert members.count() == 2
    assert members.get(membership=cast.leaders[0]).pledge == "Three outreach workers"
    alliance = members[0].alliance
    assert alliance.purpose == candidates[0].statement
    body = cast.client_for(cast.coordinator).get(reverse("network:alliance-detail", args=[cast.site.slug])).content
    assert b"Three outreach workers" in body


def test_only_leaders_can_commit(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _vote_and_close(cast, candidates)
    url = reverse("outcomes:outcome-commit", args=[cast.site.slug, voting_round.pk])
    assert cast.client_for(cast.enabler).post(url, {"pledge": ""}).status_code == 403
    assert cast.client_for(cast.outsider).post(url, {"pledge": ""}).status_code == 404
    assert not AllianceMember.objects.exists()


def test_nobody_can_commit_to_an_open_round(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    url = reverse("outcomes:outcome-commit", args=[cast.site.slug, voting_round.pk])
    assert cast.client_for(cast.leaders[0]).post(url, {"pledge": ""}).status_code == 403


def test_it_pins_the_result_page_query_count(cast: Cast, django_assert_num_queries) -> None:
    from network.services import member_add

    outcomes = [
        services.outcome_propose(membership=cast.leaders[0], statement=f"Outcome {i}", why_it_matters="x")
        for i in range(12)
    ]
    voting_round = _open(cast)
    for i in range(30):
        leader = member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        services.ballot_submit(
            voting_round=voting_round, voter=leader, ranks={o.pk: (i + n) % 12 + 1 for n, o in enumerate(outcomes)}
        )
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    # session, user, membership, round, candidates: the result was stored at close
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_it_pins_the_outcome_list_query_count(cast: Cast, django_assert_num_queries) -> None:
    for i in range(25):
        services.outcome_propose(membership=cast.leaders[i % 3], statement=f"Outcome {i}", why_it_matters="x")
    client = cast.client_for(cast.enabler)
    # session, user, membership, outcomes, their co-proposers, their agencies, rounds, the form's agencies
    with django_assert_num_queries(8):
        assert client.get(reverse("outcomes:outcome-list", args=[cast.site.slug])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    response = Client().get(reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk]))
    assert response.status_code == 302


def test_the_pressed_move_button_comes_back_with_autofocus(cast: Cast) -> None:
    outcomes = [
        services.outcome_propose(membership=cast.leaders[i], statement=f"Outcome {i}", why_it_matters="It matters.")
        for i in range(2)
    ]
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Spring")
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    client = cast.client_for(cast.leaders[0])
    body = client.post(url, {"move": f"up:{outcomes[1].pk}"}, headers={"HX-Request": "true"}).content.decode()
    assert [button["id"] for button in elements(body, "button", autofocus=True)] == [f"up-{outcomes[1].pk}"]


def _ballot_lists(page: str) -> tuple[str, str]:
    """The ranked list (an <ol>) and the unranked list (a <ul>) of a ranked ballot, as HTML."""
    ranked = page.split('<ol class="ballot-list"', 1)[1].split("</ol>", 1)[0]
    unranked = page.split('<ul class="ballot-list ballot-unranked"', 1)[1].split("</ul>", 1)[0]
    return ranked, unranked


def test_unranked_outcomes_are_not_numbered_and_cannot_move_down(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    voting_round = _open(cast)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    a, b, c = candidates
    client.post(url, _ballot_data({a: "", b: 1, c: ""}))
    ranked, unranked = _ballot_lists(client.get(url).content.decode())
    assert f'id="row-{b.pk}"' in ranked and f'id="row-{a.pk}"' not in ranked
    assert f'id="row-{a.pk}"' in unranked and f'id="row-{c.pk}"' in unranked  # a <ul>: no numbers
    assert elements(ranked, "button", value=f"down:{b.pk}")
    assert not elements(unranked, "button", value=f"down:{a.pk}")  # Move down on an unranked one is not offered
    assert "Add to my ranking" in unranked and "Move up" not in unranked


def test_moving_the_last_ranked_outcome_down_focuses_its_add_button(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    voting_round = _open(cast)
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    a, b, c = candidates
    body = client.post(
        url, _ballot_data({a: 1, b: 2, c: ""}) | {"move": f"down:{b.pk}"}, headers={"HX-Request": "true"}
    ).content.decode()
    (added,) = elements(body, "button", value=f"up:{b.pk}", autofocus=True)  # "Add to my ranking", now
    assert "out of your ranking" in str(added["data-announce"])
    assert {r.outcome_id: r.rank for r in Ballot.objects.get().ranks.all() if r.rank} == {a.pk: 1}


def test_an_empty_ballot_is_explained_in_the_ballots_own_error_box(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    voting_round = _open(cast)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    body = cast.client_for(cast.leaders[0]).post(url, _ballot_data({c: "" for c in candidates})).content.decode()
    form = body.split('<form id="ballot"', 1)[1].split("</form>", 1)[0]
    box = form.split('id="ballot-errors"', 1)[1].split("</div>", 1)[0]
    assert "Your ballot is not saved" in box and "Rank at least one outcome" in box


@pytest.mark.parametrize(
    ("visibility", "said"),
    [
        ("open", "can see how you voted, with your name, as soon as you save it"),
        ("hidden", "while voting is open, only you see your ballot"),
        ("secret", "nobody sees how you voted"),
    ],
)
def test_the_ballot_says_who_will_see_the_vote(
    cast: Cast, candidates: list[CandidateOutcome], visibility: str, said: str
) -> None:
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title="What really matters?", visibility=visibility
    )
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    page = cast.client_for(cast.leaders[0]).get(url).content.decode()
    audience = page.split('id="ballot-audience"', 1)[1].split("</p>", 1)[0]
    assert said in " ".join(audience.split()) and cast.site.name in audience


def test_the_ballot_reads_in_welsh(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    user_set_language(user=cast.leaders[0].user, language="cy")
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    a, b, c = candidates
    client.post(url, _ballot_data({a: 1, b: "", c: ""}))
    page = client.get(url).content.decode()
    for welsh in ("Pwy sy'n gweld eich pleidlais", "Ychwanegu at fy nhrefn", "Ddim yn eich trefn", "Symud i lawr"):
        assert welsh in page.replace("&#x27;", "'")
    for english in ("Who sees your vote", "Add to my ranking", "Not in your ranking", "Move down", "Energy you"):
        assert english not in page
