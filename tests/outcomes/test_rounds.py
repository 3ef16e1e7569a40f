"""Voting rounds in depth: lifecycle, methods, energy, ballots by moves, results, adoption, system view."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Unpack

import pytest
from django.core import mail
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from network.errors import DomainError
from network.models import AllianceMember, Membership, Sector
from network.services import agency_create, member_add
from outcomes import services
from outcomes.models import (
    DOT_BUDGET_DEFAULT,
    MIN_GROUP_SIZE_DEFAULT,
    Ballot,
    BallotRank,
    CandidateOutcome,
    Method,
    Visibility,
    VotingRound,
)
from outcomes.services.rounds import RoundSettings
from tests.conftest import Cast
from tests.outcomes.markup import elements


def _round(cast: Cast, **settings: Unpack[RoundSettings]) -> VotingRound:
    return services.round_create_and_open(membership=cast.enabler, title="What really matters?", **settings)


def _is_the_ballot_form(body: str) -> bool:
    """Whether an htmx response is the ballot partial: the form #ballot, and after a save the count of voters
    (out of band), nothing else."""
    root = parse_html(body)
    parts = [root] if root.name else root.children
    form, *rest = parts
    count_only = all(("id", "ballot-count") in part.attributes for part in rest)
    return form.name == "form" and ("id", "ballot") in form.attributes and len(rest) <= 1 and count_only


def _url(cast: Cast, name: str, *args: object) -> str:
    return reverse(f"outcomes:{name}", args=[cast.site.slug, *args])


# ---------------------------------------------------------------- lifecycle


def test_it_keeps_a_draft_closed_to_ballots_until_the_enabler_opens_it(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    draft = services.round_create(membership=cast.enabler, title="Later")
    assert draft.is_draft and not draft.candidates.exists()
    with pytest.raises(DomainError, match="not opened"):
        services.ballot_submit(voting_round=draft, voter=cast.leaders[0], ranks={candidates[0].pk: 1})
    page = cast.client_for(cast.leaders[0]).get(_url(cast, "round-detail", draft.pk))
    assert "a draft" in page.content.decode()
    assert cast.client_for(cast.leaders[0]).post(_url(cast, "round-open-draft", draft.pk)).status_code == 403
    response = cast.client_for(cast.enabler).post(_url(cast, "round-open-draft", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_open and set(draft.candidates.all()) == set(candidates)


def test_it_saves_a_draft_from_the_form(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    response = cast.client_for(cast.enabler).post(
        _url(cast, "round-create"),
        {"title": "Score it", "method": "score", "visibility": "secret", "action": "draft", "min_sectors": "3"},
    )
    voting_round = VotingRound.objects.get()
    assert response.status_code == 302
    assert (voting_round.status, voting_round.method, voting_round.visibility, voting_round.min_sectors) == (
        "draft",
        "score",
        "secret",
        3,
    )


def test_it_refuses_bad_round_settings_without_a_500(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    client = cast.client_for(cast.enabler)
    bad = [{"title": "x", "method": "coin-toss"}, {"title": "x", "method": "dots", "dot_budget": "-4"}, {"title": ""}]
    for data in bad:
        response = client.post(_url(cast, "round-create"), data, follow=True)
        assert response.status_code == 200
    assert not VotingRound.objects.exists()
    past = timezone.now() - timedelta(hours=1)
    with pytest.raises(DomainError, match="future"):
        _round(cast, closes_at=past)


def test_the_round_form_ignores_settings_the_chosen_method_and_ballot_do_not_use(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    """A page without script shows every setting; what does not apply is not held against the enabler."""
    data = {"title": "Ranked", "method": "schulze", "visibility": "hidden", "dot_budget": "-4", "min_group_size": "x"}
    response = cast.client_for(cast.enabler).post(_url(cast, "round-create"), data | {"action": "open"})
    assert response.status_code == 302
    voting_round = VotingRound.objects.get()
    assert (voting_round.method, voting_round.dot_budget) == ("schulze", DOT_BUDGET_DEFAULT)
    assert voting_round.min_group_size == MIN_GROUP_SIZE_DEFAULT


def test_the_round_form_keeps_the_settings_of_the_chosen_method(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    data = {"title": "Dots", "method": "dots", "visibility": "secret", "dot_budget": "7", "min_group_size": "4"}
    cast.client_for(cast.enabler).post(_url(cast, "round-create"), data | {"action": "open"})
    voting_round = VotingRound.objects.get()
    assert (voting_round.dot_budget, voting_round.min_group_size) == (7, 4)


def test_the_round_form_comes_after_the_candidates_with_its_settings_by_choice(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    page = cast.client_for(cast.enabler).get(reverse("outcomes:outcome-list", args=[cast.site.slug])).content.decode()
    assert page.index('id="candidates-heading"') < page.index("Open a voting round")
    assert elements(page, "input", type="radio", name="method", value="dots")
    assert len(elements(page, "div", **{"data-shown-when": "method=dots"})) == 1
    assert len(elements(page, "div", **{"data-shown-when": "visibility=secret"})) == 1
    assert page.index('id="round-dots"') < page.index('name="dot_budget"') < page.index('id="round-group-size"')
    assert "Schulze compares every pair" in page


def test_outcomes_carry_over_to_the_next_round(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    first = _round(cast)
    services.ballot_submit(voting_round=first, voter=cast.leaders[0], ranks={a.pk: 1}, energy={a.pk: 2})
    services.round_close(voting_round=first, membership=cast.enabler)
    services.outcome_adopt(voting_round=first, outcome_id=a.pk, membership=cast.enabler)
    late = services.outcome_propose(membership=cast.leaders[1], statement="Late idea", why_it_matters="x")
    second = _round(cast, method=Method.APPROVAL)
    assert set(second.candidates.all()) == {b, c, late}
    assert set(first.candidates.all()) == {a, b, c}  # the closed round keeps its candidates


def test_the_beat_task_closes_due_rounds_once_and_tells_the_enabler(
    cast: Cast, candidates: list[CandidateOutcome], settings
) -> None:
    from outcomes.tasks import rounds_close_due

    assert "outcomes.tasks.rounds_close_due" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    voting_round = _round(cast, closes_at=timezone.now() + timedelta(minutes=5), visibility=Visibility.SECRET)
    a, b, _ = candidates
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={b.pk: 1, a.pk: 2})
    assert rounds_close_due.delay().get() == []  # not due yet
    VotingRound.objects.filter(pk=voting_round.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        assert rounds_close_due.delay().get() == [voting_round.pk]
        assert rounds_close_due.delay().get() == []  # idempotent: already closed
    voting_round.refresh_from_db()
    assert voting_round.is_closed and voting_round.winner == b
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.enabler.user.email]
    assert "closed on time with 1 ballot" in message.body
    assert cast.leaders[0].user.name not in message.body  # a secret ballot: totals only


def test_a_closed_round_is_immutable(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _round(cast)
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={candidates[0].pk: 1})
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    with pytest.raises(DomainError):
        services.round_open_draft(voting_round=voting_round, membership=cast.enabler)
    with pytest.raises(DomainError, match="closed"):
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={candidates[0].pk: 1})
    response = cast.client_for(cast.leaders[0]).post(
        _url(cast, "round-detail", voting_round.pk), {f"rank_{candidates[1].pk}": "1"}
    )
    assert response.status_code == 302
    assert BallotRank.objects.get(ballot__voter=cast.leaders[0], rank__isnull=False).outcome == candidates[0]


# ---------------------------------------------------------------- candidate outcomes


def test_a_leader_proposes_with_agencies_and_edits_until_voting_opens(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    client = cast.client_for(cast.leaders[0])
    response = client.post(
        _url(cast, "outcome-list"),
        {
            "statement": "Warm homes",
            "why_it_matters": "Cold kills.",
            "agencies": [cast.agencies[0].pk, cast.agencies[1].pk],
        },
    )
    assert response.status_code == 302
    outcome = CandidateOutcome.objects.get(statement="Warm homes")
    assert set(outcome.agencies.all()) == set(cast.agencies[:2])
    edit = _url(cast, "outcome-edit", outcome.pk)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"statement": "Warm, dry homes", "why_it_matters": "Cold kills."})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.statement == "Warm, dry homes" and not outcome.agencies.exists()
    # Someone else's outcome, and any outcome once voting opens, are not theirs to edit.
    with pytest.raises(DomainError):
        services.outcome_edit(outcome=candidates[1], membership=cast.leaders[0], statement="x", why_it_matters="y")
    _round(cast)
    assert "cannot edit" in client.get(edit).content.decode()
    assert client.post(edit, {"statement": "Hot homes", "why_it_matters": "x"}).status_code == 422
    # Another site's outcome is a 404; a coordinator may not edit.
    assert cast.client_for(cast.outsider).get(edit).status_code == 404
    assert cast.client_for(cast.coordinator).get(edit).status_code == 403


def test_the_list_offers_edit_only_while_the_edit_page_allows_it(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    own = candidates[0]  # proposed by leaders[0]
    leader, enabler = cast.client_for(cast.leaders[0]), cast.client_for(cast.enabler)
    edit = _url(cast, "outcome-edit", own.pk)

    def offers_edit(client: Client) -> bool:
        return bool(elements(client.get(_url(cast, "outcome-list")).content.decode(), "a", href=edit))

    assert offers_edit(leader)
    # A draft round does not start voting, so the leader may still edit.
    draft = services.round_create(membership=cast.enabler, title="Later")
    assert offers_edit(leader)
    voting_round = services.round_open_draft(voting_round=draft, membership=cast.enabler)
    assert own in voting_round.candidates.all()
    assert not offers_edit(leader)
    assert not offers_edit(enabler)
    assert "cannot edit" in leader.get(edit).content.decode()
    assert leader.post(edit, {"statement": "Changed", "why_it_matters": "x"}).status_code == 422
    # Once it closes the enabler may edit again; the leader may not, because voting on it has happened.
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    assert not offers_edit(leader)
    assert leader.post(edit, {"statement": "Changed", "why_it_matters": "x"}).status_code == 422
    assert offers_edit(enabler)


def test_an_enabler_merges_duplicates_crediting_both_and_withdraws(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    a.agencies.add(cast.agencies[0])
    duplicate = services.outcome_propose(
        membership=cast.leaders[2],
        statement="Nobody sleeping on the streets",
        why_it_matters="x",
        agencies=[cast.agencies[2]],
    )
    client = cast.client_for(cast.enabler)
    assert client.post(_url(cast, "outcome-merge", duplicate.pk), {"into": a.pk}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == a
    assert set(a.co_proposers.all()) == {cast.leaders[2]}
    assert set(a.agencies.all()) == {cast.agencies[0], cast.agencies[2]}
    page = client.get(_url(cast, "outcome-list")).content.decode()
    assert "and by Leader 2 of Ashby" in page
    assert "Nobody sleeping on the streets" not in page
    assert client.post(_url(cast, "outcome-withdraw", c.pk)).status_code == 302
    voting_round = _round(cast)
    assert set(voting_round.candidates.all()) == {a, b}
    # Not while a round is open on it; not by a leader; not another site's.
    with pytest.raises(DomainError, match="open"):
        services.outcome_withdraw(outcome=b, membership=cast.enabler)
    assert cast.client_for(cast.leaders[0]).post(_url(cast, "outcome-withdraw", b.pk)).status_code == 403
    assert cast.client_for(cast.outsider).post(_url(cast, "outcome-merge", b.pk), {"into": a.pk}).status_code == 404


# ---------------------------------------------------------------- ballots


def test_a_leader_ranks_by_moving_up_and_down_without_javascript(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voting_round = _round(cast)
    client = cast.client_for(cast.leaders[0])
    url = _url(cast, "round-detail", voting_round.pk)
    response = client.post(url, {"move": f"up:{c.pk}"})  # unranked c joins the ranking
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{c.pk}")  # back to the row that moved
    assert client.post(url, {"move": f"up:{b.pk}", f"rank_{c.pk}": "1"}).status_code == 302
    assert client.post(url, {"move": f"up:{b.pk}", f"rank_{c.pk}": "1", f"rank_{b.pk}": "2"}).status_code == 302
    ranks = dict(
        BallotRank.objects.filter(ballot__voter=cast.leaders[0], rank__isnull=False).values_list("outcome", "rank")
    )
    assert ranks == {b.pk: 1, c.pk: 2}
    page = client.get(url).content.decode()
    assert "Your ballot is saved" in page
    assert page.index(b.statement) < page.index(c.statement) < page.index(a.statement)
    # Moving the last ranked outcome down takes it out of the ranking.
    client.post(url, {"move": f"down:{c.pk}", f"rank_{b.pk}": "1", f"rank_{c.pk}": "2"})
    ranks = dict(
        BallotRank.objects.filter(ballot__voter=cast.leaders[0], rank__isnull=False).values_list("outcome", "rank")
    )
    assert ranks == {b.pk: 1}


def test_a_move_by_htmx_returns_the_saved_ballot_partial(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _round(cast)
    response = cast.client_for(cast.leaders[0]).post(
        _url(cast, "round-detail", voting_round.pk),
        {"move": f"up:{b.pk}", f"rank_{a.pk}": "1", f"rank_{b.pk}": "2", f"energy_{b.pk}": "2"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert _is_the_ballot_form(body)
    assert "Your ballot is saved" in body
    assert body.index(b.statement) < body.index(a.statement)
    assertInHTML(
        f'<input type="radio" name="energy_{b.pk}" value="2" id="id_energy_{b.pk}_2" checked>',
        body,
    )
    assert BallotRank.objects.get(outcome=b).energy == 2


@pytest.mark.parametrize("move", ["up:999999", "sideways:1", "up:", "up:abc", "up: 1\r\nX-Evil: 1"])
def test_a_bad_move_is_a_422_not_a_500(cast: Cast, candidates: list[CandidateOutcome], move: str) -> None:
    voting_round = _round(cast)
    response = cast.client_for(cast.leaders[0]).post(
        _url(cast, "round-detail", voting_round.pk), {"move": move}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert not Ballot.objects.exists()


def test_energy_is_saved_per_outcome(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _round(cast)
    services.ballot_submit(
        voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1, b.pk: 2}, energy={a.pk: 2, c.pk: 1}
    )
    rows = {r.outcome_id: (r.rank, r.energy) for r in BallotRank.objects.all()}
    assert rows == {a.pk: (1, 2), b.pk: (2, 0), c.pk: (None, 1)}
    with pytest.raises(DomainError, match="energy"):
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1}, energy={a.pk: 7})


@pytest.mark.parametrize(
    ("method", "field", "values", "message"),
    [
        ("score", "score", ["5", "3", "0"], None),
        ("dots", "dots", ["6", "4", "0"], None),
        ("approval", "approve", ["on", "on", ""], None),
        ("dots", "dots", ["9", "4", "0"], "you have 10 to spread"),
        ("score", "score", ["0", "0", "0"], "Score at least one"),
    ],
)
def test_each_method_takes_its_own_ballot(
    cast: Cast, candidates: list[CandidateOutcome], method: str, field: str, values: list[str], message: str | None
) -> None:
    voting_round = _round(cast, method=method)
    client = cast.client_for(cast.leaders[0])
    url = _url(cast, "round-detail", voting_round.pk)
    page = client.get(url).content.decode()
    control = {"score": "select", "dots": "input", "approval": "input"}[method]
    assert elements(page, control, name=f"{field}_{candidates[0].pk}")
    data = {f"{field}_{o.pk}": v for o, v in zip(candidates, values, strict=True) if v}
    response = client.post(url, data, headers={"HX-Request": "true"})
    if message:
        assert response.status_code == 422
        assert message in response.content.decode()
        assert not Ballot.objects.exists()
    else:
        assert response.status_code == 200
        assert "Your ballot is saved" in response.content.decode()
        points = {r.outcome_id: r.points for r in BallotRank.objects.all()}
        assert points[candidates[0].pk] == (1 if method == "approval" else int(values[0]))


def test_a_ranked_ballot_refuses_points_and_a_score_ballot_refuses_ranks(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    ranked = _round(cast)
    with pytest.raises(DomainError, match="ranked"):
        services.ballot_submit(voting_round=ranked, voter=cast.leaders[0], points={candidates[0].pk: 3})
    services.round_close(voting_round=ranked, membership=cast.enabler)
    scored = _round(cast, method=Method.SCORE)
    with pytest.raises(DomainError, match="not ranked"):
        services.ballot_submit(voting_round=scored, voter=cast.leaders[0], ranks={candidates[0].pk: 1})
    with pytest.raises(DomainError, match="0 to 5"):
        services.ballot_submit(voting_round=scored, voter=cast.leaders[0], points={candidates[0].pk: 6})


# ---------------------------------------------------------------- results, every method end to end


def _vote(voting_round: VotingRound, voter: Membership, **ballot: object) -> None:
    services.ballot_submit(voting_round=voting_round, voter=voter, **ballot)  # type: ignore[arg-type]


def _close_and_read(cast: Cast, voting_round: VotingRound) -> tuple[VotingRound, str]:
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    body = cast.client_for(cast.coordinator).get(_url(cast, "round-detail", voting_round.pk)).content.decode()
    return voting_round, body


def test_instant_runoff_shows_its_rounds_of_elimination(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _round(cast, method=Method.INSTANT_RUNOFF)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, b.pk: 2}, energy={b.pk: 2})
    _vote(voting_round, cast.leaders[1], ranks={b.pk: 1}, energy={b.pk: 1})
    _vote(voting_round, cast.leaders[2], ranks={c.pk: 1, b.pk: 2})
    voting_round, body = _close_and_read(cast, voting_round)
    assert voting_round.winner is None  # a, b, c each have one first choice: which goes first decides it
    assert "Rounds of elimination" in body
    assert "tie for fewest votes" in body
    assert "not broken by chance" in body
    # The rule is stated, and "could win" names exactly who wins under some order it allows: eliminating
    # a or c first passes a ballot to b, who wins; eliminating b first leaves a and c level, and whichever
    # goes next, the other wins.
    assert elements(body, "p", id="irv-tie-rule")
    assert "eliminated one at a time, and every order is considered" in body
    assert voting_round.result["tie"]["could_win"] == [a.pk, b.pk, c.pk]
    assert f"Depending on that order, “{a.statement}”, “{b.statement}” and “{c.statement}” could win." in body


def _runoff_won_in_round_two(cast: Cast, candidates: list[CandidateOutcome]) -> tuple[VotingRound, str]:
    """First choices a 2, b 2, c 1: c is eliminated, its ballot passes to a, and a beats b 3 to 2."""
    a, b, c = candidates
    extras = [
        member_add(site=cast.site, name=f"Extra {i}", email=f"extra{i}@ashby.example", agency=cast.agencies[1])
        for i in range(2)
    ]
    voting_round = _round(cast, method=Method.INSTANT_RUNOFF)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, c.pk: 2})
    _vote(voting_round, cast.leaders[1], ranks={a.pk: 1})
    _vote(voting_round, cast.leaders[2], ranks={b.pk: 1})
    _vote(voting_round, extras[0], ranks={b.pk: 1, c.pk: 2})
    _vote(voting_round, extras[1], ranks={c.pk: 1, a.pk: 2})
    return _close_and_read(cast, voting_round)


def test_instant_runoff_eliminates_and_names_a_winner(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, _, c = candidates
    voting_round, body = _runoff_won_in_round_two(cast, candidates)
    assert voting_round.winner == a
    assert [r["eliminated"] for r in voting_round.result["irv"]] == [[c.pk], []]
    assert "Round 1" in body and "Round 2" in body
    assert "“Safe streets after dark” has the fewest votes and is eliminated." in body
    assert "“No one sleeps rough” has 3 votes, more than half of 5: it wins." in body
    assert "Head to head" not in body  # the pairwise matrix belongs to the Condorcet method


def test_a_tie_whose_order_cannot_change_the_winner_is_counted_one_at_a_time(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voters = [
        *cast.leaders,
        *(
            member_add(site=cast.site, name=f"Extra {i}", email=f"x{i}@ashby.example", agency=cast.agencies[0])
            for i in range(4)
        ),
    ]
    voting_round = _round(cast, method=Method.INSTANT_RUNOFF)
    # a 3, b 2, c 2: b and c tie for last, and whichever goes first, its voters go on to a.
    for voter, ranks in zip(voters, [{a.pk: 1}] * 3 + [{b.pk: 1, a.pk: 2}] * 2 + [{c.pk: 1, a.pk: 2}] * 2, strict=True):
        _vote(voting_round, voter, ranks=ranks)

    voting_round, body = _close_and_read(cast, voting_round)

    assert voting_round.winner == a
    assert [r["eliminated"] for r in voting_round.result["irv"]] == [[b.pk], []]
    assert (
        f"“{b.statement}” and “{c.statement}” tie for fewest votes. Every order of eliminating them one at a time "
        f"leads to the same winner, so the order makes no difference: “{b.statement}” is eliminated first."
    ) in body


def test_instant_runoff_ranks_like_the_count_on_the_page_in_storage_and_in_the_csv(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    """The winner, the last round's runner-up, then the eliminated, latest first."""
    a, b, c = candidates

    voting_round, body = _runoff_won_in_round_two(cast, candidates)

    assert voting_round.ranking == [[a.pk], [b.pk], [c.pk]]
    shown = [li.strip() for li in re.findall(r'<li value="\d+">([^<]+)', body)]
    assert shown == [a.statement, b.statement, c.statement]
    rows = list(
        csv.reader(
            io.StringIO(
                cast.client_for(cast.leaders[0]).get(_url(cast, "round-results-csv", voting_round.pk)).content.decode()
            )
        )
    )
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [
        ("1", a.statement, "3"),
        ("2", b.statement, "2"),
        ("3", c.statement, "1"),
    ]


@pytest.mark.parametrize(
    ("method", "ballots", "winner", "figure"),
    [
        ("score", [{0: 5, 1: 2}, {0: 4, 2: 5}, {1: 5}], 0, "Total score"),
        ("dots", [{0: 6, 1: 4}, {0: 5, 2: 5}, {2: 10}], 2, "Dots"),
        ("approval", [{0: 1, 1: 1}, {0: 1}, {2: 1}], 0, "Approvals"),
    ],
)
def test_totals_methods_count_and_explain(
    cast: Cast, candidates: list[CandidateOutcome], method: str, ballots: list[dict[int, int]], winner: int, figure: str
) -> None:
    voting_round = _round(cast, method=method)
    for leader, ballot in zip(cast.leaders, ballots, strict=True):
        _vote(voting_round, leader, points={candidates[i].pk: v for i, v in ballot.items()})
    voting_round, body = _close_and_read(cast, voting_round)
    assert voting_round.winner == candidates[winner]
    assert figure in body
    assert elements(body, "svg", role="img") and elements(body, "table", class_="figures")


def test_a_totals_tie_is_reported_and_explained(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _round(cast, method=Method.APPROVAL)
    _vote(voting_round, cast.leaders[0], points={a.pk: 1})
    _vote(voting_round, cast.leaders[1], points={b.pk: 1})
    voting_round, body = _close_and_read(cast, voting_round)
    assert voting_round.winner is None
    assert "are tied with the same total" in body


def test_what_really_matters_needs_energy_as_well_as_votes(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _round(cast, min_sectors=2, min_energy=2)
    # Council and police leaders put a first, but nobody would commit energy to it.
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1})
    _vote(voting_round, cast.leaders[1], ranks={b.pk: 1, a.pk: 2})
    _vote(voting_round, cast.leaders[2], ranks={a.pk: 1, b.pk: 2})
    voting_round, body = _close_and_read(cast, voting_round)
    assert voting_round.winner == a
    assert not elements(body, "p", class_="winner")
    assert "not yet what really matters" in body
    assert "at least 2 leaders committing energy to it (so far 0)" in body
    assert "sectors (so far" not in body  # it has the two sectors it needs


def test_missing_sectors_are_named(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    agency_create(site=cast.site, name="Ashby Fire", sector=Sector.FIRE)
    second = member_add(site=cast.site, name="Second", email="second@ashby.example", agency=cast.agencies[0])
    voting_round = _round(cast, min_sectors=3, min_energy=1)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1}, energy={a.pk: 2})
    _vote(voting_round, second, ranks={a.pk: 1})
    _vote(voting_round, cast.leaders[1], ranks={b.pk: 1, a.pk: 2})
    voting_round, body = _close_and_read(cast, voting_round)
    assert voting_round.winner == a
    # Only the council supports it: the NHS voted otherwise, and no one from police or fire voted.
    assert "support from at least 3 sectors (so far 1): no support yet from the NHS, Fire or Police" in body
    assertInHTML('<p class="leading">Leading: No one sleeps rough</p>', body)


def test_the_csv_has_the_same_figures_as_the_page(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _round(cast, method=Method.SCORE)
    _vote(voting_round, cast.leaders[0], points={a.pk: 5, b.pk: 1}, energy={a.pk: 2})
    _vote(voting_round, cast.leaders[1], points={a.pk: 4, c.pk: 3}, energy={a.pk: 1, c.pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    response = cast.client_for(cast.leaders[2]).get(_url(cast, "round-results-csv", voting_round.pk))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Position", "Outcome", "Tied", "Total score", "Supporters", "Energy: some", "Energy: a lot"]
    assert rows[1] == ["1", a.statement, "no", "9", "2", "1", "1"]
    assert rows[2] == ["2", c.statement, "no", "3", "0", "1", "0"]
    assert cast.client_for(cast.outsider).get(_url(cast, "round-results-csv", voting_round.pk)).status_code == 404
    open_round = _round(cast)
    assert cast.client_for(cast.enabler).get(_url(cast, "round-results-csv", open_round.pk)).status_code == 404


# ---------------------------------------------------------------- adoption


def test_the_enabler_adopts_and_energy_givers_are_invited_and_join(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voting_round = _round(cast)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, c.pk: 2}, energy={c.pk: 2})
    _vote(voting_round, cast.leaders[1], ranks={b.pk: 1}, energy={c.pk: 1})
    _vote(voting_round, cast.leaders[2], ranks={a.pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    url = _url(cast, "outcome-adopt", voting_round.pk)
    assert cast.client_for(cast.leaders[0]).post(url, {"outcome": c.pk}).status_code == 403
    assert cast.client_for(cast.outsider).post(url, {"outcome": c.pk}).status_code == 404
    mail.outbox.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        response = cast.client_for(cast.enabler).post(url, {"outcome": c.pk}, follow=True)
    assert "is adopted" in response.content.decode()
    c.refresh_from_db()
    assert c.adopted_at and c.alliance and c.alliance.purpose == c.statement
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.leaders[0].user.email, cast.leaders[1].user.email])
    assert "Join the alliance" in mail.outbox[0].subject
    page = cast.client_for(cast.leaders[1]).get(_url(cast, "round-detail", voting_round.pk)).content.decode()
    assert "you are invited to join its alliance" in page
    commit = _url(cast, "outcome-commit", voting_round.pk)
    for leader, pledge in [(cast.leaders[0], "Our data team"), (cast.leaders[1], "A venue")]:
        assert cast.client_for(leader).post(commit, {"outcome": c.pk, "pledge": pledge}).status_code == 302
    assert set(AllianceMember.objects.filter(alliance=c.alliance).values_list("pledge", flat=True)) == {
        "Our data team",
        "A venue",
    }
    # Adopting twice, or an outcome not in the round, or an unadopted one to commit to, is refused.
    with pytest.raises(DomainError, match="already"):
        services.outcome_adopt(voting_round=voting_round, outcome_id=c.pk, membership=cast.enabler)
    with pytest.raises(DomainError):
        services.outcome_commit(voting_round=voting_round, membership=cast.leaders[2], outcome_id=b.pk)
    assert cast.client_for(cast.enabler).post(url, {"outcome": "nonsense"}).status_code == 302


def test_nothing_is_adopted_from_an_open_round(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _round(cast)
    with pytest.raises(DomainError, match="closed round"):
        services.outcome_adopt(voting_round=voting_round, outcome_id=candidates[0].pk, membership=cast.enabler)


# ---------------------------------------------------------------- system view


def test_the_system_view_shows_agreement_and_splits(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _round(cast, visibility=Visibility.OPEN)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
    _vote(voting_round, cast.leaders[1], ranks={a.pk: 1, c.pk: 2})
    _vote(voting_round, cast.leaders[2], ranks={c.pk: 1, a.pk: 2})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    client = cast.client_for(cast.leaders[0])
    body = client.get(_url(cast, "round-system", voting_round.pk)).content.decode()
    assert len(elements(body, "h1")) == 1
    assert "Support by sector" in body and "Support by agency" in body
    assert len(elements(body, "svg")) == 2
    assert "Ashby Police" in body  # an open round shows every agency
    # Each of the cast's sectors has one agency: one agency's view is never called a split of sectors.
    assert "Sectors are split on these" not in body and "No outcome splits the sectors widely" in body
    assert "only one agency in them voted" in body and "Police" in body
    assert "Agencies whose priorities diverge most" in body
    assert cast.client_for(cast.outsider).get(_url(cast, "round-system", voting_round.pk)).status_code == 404
    open_round = _round(cast)
    assert client.get(_url(cast, "round-system", open_round.pk)).status_code == 404


def test_the_system_view_heatmap_carries_its_figures_and_offers_the_whole_table(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, _ = candidates
    voting_round = _round(cast, visibility=Visibility.OPEN)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
    _vote(voting_round, cast.leaders[1], ranks={a.pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    client = cast.client_for(cast.leaders[0])
    body = client.get(_url(cast, "round-system", voting_round.pk)).content.decode()
    svg = body.split("<svg", 2)[2].split("</svg>", 1)[0]  # by agency
    assert ">100</text>" in svg and ">0</text>" in svg  # each cell's figure is drawn on it
    assert "its figure is the percentage" in body  # and said in words
    download = client.get(_url(cast, "round-support-csv", voting_round.pk))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["Kind", "Group", "Leaders who voted"] and a.statement in rows[0]
    assert any(row[0] == "Agency" for row in rows[1:]) and any(row[0] == "Sector" for row in rows[1:])


def test_the_system_view_draws_the_top_outcomes_only(cast: Cast) -> None:
    from outcomes.selectors.system import SHOWN_OUTCOMES

    outcomes = [
        services.outcome_propose(membership=cast.leaders[0], statement=f"Outcome {n}", why_it_matters="It does.")
        for n in range(SHOWN_OUTCOMES + 3)
    ]
    voting_round = _round(cast)
    _vote(voting_round, cast.leaders[0], ranks={outcomes[0].pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    body = cast.client_for(cast.enabler).get(_url(cast, "round-system", voting_round.pk)).content.decode()
    assert f"the first {SHOWN_OUTCOMES} outcomes of {SHOWN_OUTCOMES + 3}" in body
    table = body.split('<table class="heat-table">', 1)[1].split("</table>", 1)[0]
    assert table.split("<tbody>")[0].count("<abbr") == SHOWN_OUTCOMES


def test_who_voted_shows_names_and_choices_only_when_the_round_allows(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, _ = candidates
    for visibility, leader_sees, choices_shown in [
        (Visibility.OPEN, 200, True),
        (Visibility.HIDDEN, 403, False),
        (Visibility.SECRET, 403, False),
    ]:
        voting_round = _round(cast, visibility=visibility)
        _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
        url = _url(cast, "round-voters", voting_round.pk)
        enabler_page = cast.client_for(cast.enabler).get(url).content.decode()
        assert "Leader 0 of Ashby" in enabler_page
        assert ("1. No one sleeps rough" in enabler_page) is choices_shown
        assert cast.client_for(cast.leaders[1]).get(url).status_code == leader_sees
        assert cast.client_for(cast.outsider).get(url).status_code == 404
        services.round_close(voting_round=voting_round, membership=cast.enabler)
        after = cast.client_for(cast.enabler).get(url).content.decode()
        assert ("1. No one sleeps rough" in after) is (visibility != Visibility.SECRET)


def test_round_pages_are_404_to_outsiders_and_refuse_the_wrong_roles(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    draft = services.round_create(membership=cast.enabler, title="Draft")
    outsider = cast.client_for(cast.outsider)
    for name in ["round-open-draft", "outcome-adopt", "round-close"]:
        assert outsider.post(_url(cast, name, draft.pk)).status_code == 404
    for name in ["round-detail", "round-voters", "round-system", "round-results-csv"]:
        assert outsider.get(_url(cast, name, draft.pk)).status_code == 404
    coordinator = cast.client_for(cast.coordinator)
    assert coordinator.post(_url(cast, "round-open-draft", draft.pk)).status_code == 403
    assert coordinator.get(_url(cast, "round-voters", draft.pk)).status_code == 403
    assert coordinator.post(_url(cast, "round-detail", draft.pk), {"move": "up:1"}).status_code == 403
    services.round_open_draft(voting_round=draft, membership=cast.enabler)
    assert coordinator.post(_url(cast, "round-detail", draft.pk), {"move": "up:1"}).status_code == 403


def test_a_closing_time_can_be_set_from_the_form(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    response = cast.client_for(cast.enabler).post(
        _url(cast, "round-create"), {"title": "Timed", "closes_at": "2030-05-14T18:30", "action": "open"}, follow=True
    )
    voting_round = VotingRound.objects.get()
    assert voting_round.is_open
    assert voting_round.closes_at is not None
    assert timezone.localtime(voting_round.closes_at).strftime("%Y-%m-%d %H:%M") == "2030-05-14 18:30"
    assert "closes automatically 14 May 2030, 18:30" in response.content.decode()


def test_voting_emails_are_plain_text_that_keeps_what_people_wrote(cast: Cast) -> None:
    wording = "Kids' play & parks <for all>"
    outcome = services.outcome_propose(membership=cast.leaders[0], statement=wording, why_it_matters="x")
    services.outcome_propose(membership=cast.leaders[1], statement="Other", why_it_matters="x")
    voting_round = _round(cast, closes_at=timezone.now() + timedelta(minutes=5))
    services.ballot_submit(
        voting_round=voting_round, voter=cast.leaders[0], ranks={outcome.pk: 1}, energy={outcome.pk: 2}
    )
    VotingRound.objects.filter(pk=voting_round.pk).update(
        title="Parks & play: what's next?", closes_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        services.rounds_close_due()
        services.outcome_adopt(voting_round=voting_round, outcome_id=outcome.pk, membership=cast.enabler)
    closed, invitation = mail.outbox
    assert closed.subject == "Voting closed: Parks & play: what's next?"
    assert f"Leading outcome: {wording}\n" in closed.body
    assert "closed on time with 1 ballot." in closed.body
    assert invitation.subject == f"Join the alliance for: {wording}"
    assert f"has adopted “{wording}” as an outcome" in invitation.body
    assert all("&amp;" not in str(message.body) for message in (closed, invitation))


def test_an_adopted_outcome_offers_the_pledge_form(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _round(cast)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1}, energy={b.pk: 2})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    services.outcome_adopt(voting_round=voting_round, outcome_id=b.pk, membership=cast.enabler)

    response = cast.client_for(cast.leaders[0]).get(_url(cast, "round-detail", voting_round.pk))

    assertInHTML(
        f'<input type="hidden" name="outcome" value="{b.pk}" id="pledge-{b.pk}-outcome">', response.content.decode()
    )
    assertInHTML(
        f'<input type="text" name="pledge" maxlength="280" aria-describedby="pledge-{b.pk}-pledge_helptext" '
        f'id="pledge-{b.pk}-pledge">',
        response.content.decode(),
    )
    commit = _url(cast, "outcome-commit", voting_round.pk)
    assert cast.client_for(cast.leaders[0]).post(commit, {"outcome": b.pk, "pledge": "A venue"}).status_code == 302
    assert AllianceMember.objects.get(alliance__outcome=b).pledge == "A venue"


def test_a_move_is_announced_in_the_live_region(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    """Issue 14: the moved row's button carries data-announce, which static/js/app.js writes into #messages."""
    a, b, _ = candidates
    voting_round = _round(cast)
    url = _url(cast, "round-detail", voting_round.pk)
    client = cast.client_for(cast.leaders[0])
    up = client.post(
        url, {"move": f"up:{b.pk}", f"rank_{a.pk}": "1", f"rank_{b.pk}": "2"}, headers={"HX-Request": "true"}
    )
    body = up.content.decode()
    assert body.count("data-announce=") == 1
    assert f'id="up-{b.pk}" autofocus data-announce="Moved “{b.statement}” to 1st"' in body
    down = client.post(
        url, {"move": f"down:{b.pk}", f"rank_{b.pk}": "1", f"rank_{a.pk}": "2"}, headers={"HX-Request": "true"}
    )
    assert f'id="down-{b.pk}" autofocus data-announce="Moved “{b.statement}” to 2nd"' in down.content.decode()


def test_the_system_view_and_round_form_read_in_welsh(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    from network.services.people import user_set_language

    a, b, _ = candidates
    voting_round = _round(cast, visibility=Visibility.OPEN)
    _vote(voting_round, cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    user_set_language(user=cast.enabler.user, language="cy")
    client = cast.client_for(cast.enabler)
    system = client.get(_url(cast, "round-system", voting_round.pk))
    assert system.status_code == 200
    body = system.content.decode().replace("&#x27;", "'")
    assert 'lang="cy"' in body and "Golwg ar y system" in body and "Mae pob sgwâr yn ddeilliant" in body
    assert "Support by agency" not in body and "Each square" not in body and "only one agency" not in body
    form = client.get(reverse("outcomes:outcome-list", args=[cast.site.slug])).content.decode()
    assert "Dotiau i bob arweinydd" in form and "Dots per leader" not in form
