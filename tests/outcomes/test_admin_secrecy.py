"""No admin page shows how a named person voted in a secret round: list, change and delete pages, and the raw result.

As in test_secrecy, two leaders' ballots are swapped between two otherwise identical rounds; whatever an
administrator can see of them must not change, or it depends on who cast which ballot. Numbers are
normalised away (ids differ between the two rounds), so what is compared is what each page says and how
much of it there is.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from network.models import User
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, Visibility
from tests.conftest import Cast


def _normalise(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", page)
    page = re.sub(r"\d+", "N", page)
    return re.sub(r"Secret round [AB]", "Secret round", page)


def _admin_pages(
    cast: Cast, candidates: list[CandidateOutcome], admin: Client, *, swap: bool, close: bool, title: str
) -> dict[str, str]:
    a, b, c = candidates
    first, second = cast.leaders[0], cast.leaders[1]
    # Different ballots, of different lengths, with energy: anything that shows them would show the swap.
    x = {"ranks": {c.pk: 1, a.pk: 2, b.pk: 3}, "energy": {c.pk: 2, a.pk: 1}}
    y = {"ranks": {b.pk: 1}, "energy": {}}
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title=title, visibility=Visibility.SECRET, min_group_size=3
    )
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[2], ranks={a.pk: 1})
    services.ballot_submit(voting_round=voting_round, voter=first, **(y if swap else x))
    services.ballot_submit(voting_round=voting_round, voter=second, **(x if swap else y))
    if close:
        voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    ballot = Ballot.objects.get(round=voting_round, voter=first)
    urls = {
        "membership delete": reverse("admin:network_membership_delete", args=[first.pk]),
        "user delete": reverse("admin:network_user_delete", args=[first.user_id]),
        "ballot list": reverse("admin:outcomes_ballot_changelist") + f"?round__id__exact={voting_round.pk}",
        "ballot change": reverse("admin:outcomes_ballot_change", args=[ballot.pk]),
        "ballot delete": reverse("admin:outcomes_ballot_delete", args=[ballot.pk]),
        "round change": reverse("admin:outcomes_votinground_change", args=[voting_round.pk]),
        "round delete": reverse("admin:outcomes_votinground_delete", args=[voting_round.pk]),
        "outcome delete": reverse("admin:outcomes_candidateoutcome_delete", args=[c.pk]),
    }
    pages = {}
    for name, url in urls.items():
        response = admin.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = _normalise(response.content.decode())
    # Leave the site as it was for the other run, so its pages list only its own round.
    voting_round.delete()
    return pages


@pytest.mark.parametrize("close", [False, True], ids=["open", "closed"])
def test_no_admin_page_shows_how_a_named_person_voted_in_a_secret_round(
    cast: Cast, candidates: list[CandidateOutcome], close: bool
) -> None:
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    before = _admin_pages(cast, candidates, admin, swap=False, close=close, title="Secret round A")
    after = _admin_pages(cast, candidates, admin, swap=True, close=close, title="Secret round B")

    differing = [name for name in before if before[name] != after[name]]
    assert differing == []
    # The pages are about that person and do list what deleting them would delete: their ballot, and while
    # the round is open its entries, one for each outcome, which say nothing of what they hold.
    assert "Leader N of Ashby" in before["membership delete"]
    assert "Ballot N in round N" in before["membership delete"]
    assert before["membership delete"].count("Entry N on ballot N") == (0 if close else len(candidates))


def test_the_migration_gives_ballots_cast_before_an_entry_for_every_outcome(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    a, b, c = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Open", visibility=Visibility.SECRET)
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1}, energy={c.pk: 1})
    BallotRank.objects.filter(outcome=b).delete()  # as a ballot cast before was stored: only what it chose
    migration = importlib.import_module("outcomes.migrations.0007_every_open_ballot_has_an_entry_for_every_outcome")

    migration.pad(django_apps, None)

    entries = BallotRank.objects.filter(ballot__voter=cast.leaders[0]).order_by("outcome_id")
    assert [(e.outcome_id, e.rank, e.points, e.energy) for e in entries] == [
        (a.pk, 1, None, 0),
        (b.pk, None, None, 0),
        (c.pk, None, None, 1),
    ]
