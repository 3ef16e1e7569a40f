"""A round's stored result: what closing writes reads back the same, and rounds closed by older code still read."""

from __future__ import annotations

import csv
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from network.models import Sector
from network.services import agency_create, member_add
from outcomes import services
from outcomes.models import CandidateOutcome, Method, Visibility, VotingRound
from outcomes.result_schema import RESULT_VERSION, StoredResult, TieKind
from outcomes.tally import IrvReason
from tests.conftest import Cast


@pytest.mark.parametrize("method", list(Method))
def test_what_closing_writes_reads_back_as_the_same_result(
    cast: Cast, candidates: list[CandidateOutcome], method: Method
) -> None:
    a, b, c = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Round", method=method)
    ballots = [({a.pk: 1, b.pk: 2}, {a.pk: 5, b.pk: 1}), ({b.pk: 1}, {b.pk: 3}), ({c.pk: 1, a.pk: 2}, {c.pk: 1})]
    for leader, (ranks, points) in zip(cast.leaders, ballots, strict=True):
        if method in (Method.SCHULZE, Method.INSTANT_RUNOFF):
            services.ballot_submit(voting_round=voting_round, voter=leader, ranks=ranks, energy={a.pk: 2})
        else:
            points = {o: min(v, 1) for o, v in points.items()} if method == Method.APPROVAL else points
            services.ballot_submit(voting_round=voting_round, voter=leader, points=points, energy={a.pk: 2})
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    voting_round = VotingRound.objects.get(pk=voting_round.pk)  # as the database gives it back

    stored = StoredResult.from_round(voting_round)

    assert stored.to_columns() == (
        voting_round.ranking,
        voting_round.pairwise,
        voting_round.winner_id,
        voting_round.result,
    )
    assert stored.ballot_count == 3
    assert stored.support.energy[a.pk].a_lot == 3
    assert (stored.count.pairwise is not None) is (method == Method.SCHULZE)
    assert bool(stored.count.irv) is (method == Method.INSTANT_RUNOFF)


def _without_csrf(page: str) -> str:
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", page)


def _closed_by_older_code(cast: Cast, candidates: list[CandidateOutcome]) -> VotingRound:
    """A secret instant-runoff round as the code before the result schema stored it (version 1), key for key."""
    a, b, c = candidates
    fire = agency_create(site=cast.site, name="Ashby Fire", sector=Sector.FIRE)
    for i in range(3):
        member_add(site=cast.site, name=f"Fire {i}", email=f"f{i}@ashby.example", agency=fire)
    voting_round = VotingRound.objects.create(
        site=cast.site,
        title="Spring round",
        status=VotingRound.Status.CLOSED,
        method=Method.INSTANT_RUNOFF,
        visibility=Visibility.SECRET,
        min_group_size=3,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
        ranking=[[a.pk], [c.pk], [b.pk]],  # the old order: the last round's runner-up after the eliminated
        pairwise={},
        winner=a,
    )
    voting_round.candidates.set(candidates)
    voting_round.result = {
        "method": "irv",
        "ballot_count": 9,
        "candidates": [a.pk, b.pk, c.pk],
        "irv": [
            {
                "counts": {str(a.pk): 4, str(b.pk): 3, str(c.pk): 2},
                "continuing": 9,
                "exhausted": 0,
                "set_aside": 0,
                "majority": 5,
                "reason": "fewest_votes",
                "eliminated": [c.pk],
                "tied": [],
            },
            {
                "counts": {str(a.pk): 6, str(b.pk): 3},
                "continuing": 9,
                "exhausted": 0,
                "set_aside": 0,
                "majority": 5,
                "reason": "majority",
                "eliminated": [],
                "tied": [],
            },
        ],
        "energy": {str(a.pk): [3, 4, 2], str(b.pk): [8, 1, 0], str(c.pk): [9, 0, 0]},
        "supporters": {str(a.pk): 4, str(b.pk): 3, str(c.pk): 2},
        "groups": [
            {
                "name": "Ashby Council",
                "sector": "local_authority",
                "sector_label": "Local authority",
                "voters": 4,
                "support": {str(a.pk): 3, str(b.pk): 1},
                "energy": {str(a.pk): 3},
            },
            {
                "name": "Ashby Fire",
                "sector": "fire",
                "sector_label": "Fire",
                "voters": 3,
                "support": {str(a.pk): 1, str(b.pk): 2},
                "energy": {str(a.pk): 2},
            },
            {
                "name": "Ashby NHS Trust",
                "sector": "nhs",
                "sector_label": "NHS",
                "voters": 1,
                "support": {str(c.pk): 1},
                "energy": {str(a.pk): 1},
            },
            {
                "name": "Ashby Police",
                "sector": "police",
                "sector_label": "Police",
                "voters": 1,
                "support": {str(c.pk): 1},
                "energy": {},
            },
        ],
        "site_sectors": ["Fire", "Local authority", "NHS", "Police"],
    }
    voting_round.save()
    return voting_round


def test_a_round_closed_before_the_schema_still_reads(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, _ = candidates
    voting_round = _closed_by_older_code(cast, candidates)

    stored = StoredResult.from_round(voting_round)

    assert stored.method == Method.INSTANT_RUNOFF and stored.ballot_count == 9
    assert [r.reason for r in stored.count.irv] == [IrvReason.FEWEST_VOTES, IrvReason.MAJORITY]
    assert stored.count.irv[1].counts == {a.pk: 6, b.pk: 3}
    assert stored.count.winner == a.pk and stored.count.tie is None
    assert stored.support.energy[a.pk].given == 6
    # NHS and police, one voter each, are too few even together, so fire joins them.
    assert [g.name for g in stored.support.agencies] == ["Ashby Council", "Other"]
    assert [(g.name, g.voters) for g in stored.support.sectors] == [("Local authority", 4), ("Other", 5)]


def test_every_page_of_a_round_closed_before_the_schema_still_works(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voting_round = _closed_by_older_code(cast, candidates)
    client = cast.client_for(cast.enabler)
    args = [cast.site.slug, voting_round.pk]

    page = client.get(reverse("outcomes:round-detail", args=args))
    system = client.get(reverse("outcomes:round-system", args=args))
    download = client.get(reverse("outcomes:round-results-csv", args=args))

    assert page.status_code == system.status_code == download.status_code == 200
    body = page.content.decode()
    assert "9 ballots" in body
    assert "“Safe streets after dark” has the fewest votes and is eliminated." in body
    assert "“No one sleeps rough” has 6 votes, more than half of 9: it wins." in body
    assert "6 leaders are ready to commit energy to it." in body
    system_body = system.content.decode()
    assert "Ashby Council (4)" in system_body and "Other (5)" in system_body  # merged under secrecy
    assert "Ashby NHS Trust (1)" not in system_body
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert [row[1] for row in rows[1:]] == [a.statement, c.statement, b.statement]  # as stored, until migrated
    assert rows[1][3:] == ["6", "4", "4", "2"]  # last-round votes, supporters, energy some / a lot


def test_a_tie_stored_by_older_code_is_explained(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    a, b, c = candidates
    voting_round = _closed_by_older_code(cast, candidates)
    voting_round.winner = None
    voting_round.ranking = [[a.pk, b.pk, c.pk]]
    voting_round.result["irv"] = voting_round.result["irv"][:1]
    voting_round.result["irv"][0] |= {"reason": "tie", "eliminated": [], "tied": [b.pk, c.pk]}
    voting_round.result["tie"] = {"ids": [b.pk, c.pk], "could_win": [a.pk, b.pk], "kind": "irv"}
    voting_round.save()

    stored = StoredResult.from_round(voting_round)
    body = cast.client_for(cast.leaders[0]).get(
        reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    )

    assert stored.count.tie is not None and stored.count.tie.kind == TieKind.IRV
    assert "Depending on that order, “No one sleeps rough” and “Children ready for school” could win." in (
        body.content.decode()
    )


def test_the_migration_reranks_an_instant_runoff_round_closed_with_the_old_order(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voting_round = _closed_by_older_code(cast, candidates)
    untouched = services.round_create_and_open(membership=cast.enabler, title="Still open", method=Method.SCHULZE)
    migration = importlib.import_module("outcomes.migrations.0003_irv_ranking_like_the_count")

    migration.rerank(django_apps, None)

    voting_round.refresh_from_db()
    assert voting_round.ranking == [[a.pk], [b.pk], [c.pk]]
    untouched.refresh_from_db()
    assert untouched.ranking == []


def test_the_migration_merges_small_groups_in_a_secret_round_closed_before(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    voting_round = _closed_by_older_code(cast, candidates)
    client = cast.client_for(cast.enabler)
    system_url = reverse("outcomes:round-system", args=[cast.site.slug, voting_round.pk])
    before = _without_csrf(client.get(system_url).content.decode())
    migration = importlib.import_module("outcomes.migrations.0004_merge_small_groups_in_stored_secret_results")

    migration.merge(django_apps, None)

    voting_round.refresh_from_db()
    stored = voting_round.result
    assert stored["version"] == RESULT_VERSION and "groups" not in stored
    assert [(g["name"], g["voters"]) for g in stored["agencies"]] == [("Ashby Council", 4), ("Other", 5)]
    assert all(g["voters"] >= 3 for g in stored["agencies"] + stored["sectors"])
    assert _without_csrf(client.get(system_url).content.decode()) == before  # the page reads the same


def test_the_migration_stores_the_divergent_agencies_of_rounds_closed_before(
    cast: Cast, candidates: list[CandidateOutcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    voting_round = _closed_by_older_code(cast, candidates)
    system_url = reverse("outcomes:round-system", args=[cast.site.slug, voting_round.pk])
    migration = importlib.import_module("outcomes.migrations.0009_store_divergent_pairs")

    migration.store(django_apps, None)

    voting_round.refresh_from_db()
    [pair] = voting_round.result["divergent"]  # two groups shown under secrecy: one pair
    assert (pair["first"], pair["second"]) == ("Ashby Council", "Other")
    assert voting_round.result.get("version", 1) == 1  # the rest as it was written
    monkeypatch.setattr("outcomes.analysis.divergent_pairs", _never)
    body = cast.client_for(cast.enabler).get(system_url).content.decode()
    assert "Ashby Council and Other: on average" in body


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("computed on a request")


def test_the_system_view_reads_the_divergence_stored_at_close(
    cast: Cast, candidates: list[CandidateOutcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Round")
    for leader, ranks in zip(cast.leaders, [{a.pk: 1}, {b.pk: 1}, {c.pk: 1}], strict=True):
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks=ranks)
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    voting_round.refresh_from_db()
    assert voting_round.result["version"] == RESULT_VERSION
    assert len(voting_round.result["divergent"]) == 3  # three agencies, one leader each: three pairs
    monkeypatch.setattr("outcomes.analysis.divergent_pairs", _never)
    response = cast.client_for(cast.enabler).get(
        reverse("outcomes:round-system", args=[cast.site.slug, voting_round.pk])
    )
    assert response.status_code == 200
    assert response.content.decode().count("points apart; most on") == 3


def test_head_to_head_wins_are_counted_as_a_loop_over_every_pair_counts_them() -> None:
    """The result's Schulze figures (an array comparison) against the obvious loop, on random counts with ties."""
    import random

    from outcomes.result_schema import Count, Pairwise, Support
    from outcomes.selectors.results import _figures

    rng = random.Random(16)
    for n in (1, 2, 5, 31):
        ids = rng.sample(range(1, 1000), n)
        counts = [[0 if i == j else rng.randint(0, 4) for j in range(n)] for i in range(n)]
        stored = StoredResult(
            method=Method.SCHULZE,
            ballot_count=4,
            candidates=ids,
            count=Count(tiers=[ids], winner=None, pairwise=Pairwise(candidates=ids, counts=counts)),
            support=Support(energy={}, supporters={}, agencies=[], sectors=[], site_sectors=[]),
        )
        loop = {c: sum(1 for j in range(n) if counts[i][j] > counts[j][i]) for i, c in enumerate(ids)}
        assert _figures(stored, ids) == loop


def test_a_result_read_without_agencies_is_the_same_but_for_them(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, _ = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Round")
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1, b.pk: 2})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    whole = StoredResult.from_round(voting_round)
    light = StoredResult.from_round(voting_round, agencies=False)
    assert whole.support.agencies and light.support.agencies == []
    assert light.count == whole.count and light.support.sectors == whole.support.sectors
    assert light.support.energy == whole.support.energy and light.support.divergent == whole.support.divergent
    # Read as the result page reads it, without the agencies' bytes: the same, in one query; and saving that
    # round never writes the shortened result over the stored one.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outcomes.selectors import round_get

    with CaptureQueriesContext(connection) as read:
        shortened = round_get(site=cast.site, round_id=voting_round.pk, agencies=False)
        unread = StoredResult.from_round(shortened, agencies=False)
    assert len(read) == 1 and "agencies" not in shortened.result_without_agencies  # type: ignore[attr-defined]
    assert unread == light
    shortened.title = "Round, renamed"
    shortened.save()
    again = VotingRound.objects.get(pk=voting_round.pk)
    assert again.title == "Round, renamed" and again.result == voting_round.result
