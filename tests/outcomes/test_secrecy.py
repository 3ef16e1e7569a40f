"""Secret means secret: no page, export, log or email reveals how an individual voted.

The test swaps two leaders' ballots between two otherwise identical secret
rounds. The totals are the same either way, so if anything anyone else can see
differs between the two rounds, it is something that depends on who cast
which ballot. The same swap in an open round must show (or the test could
not fail).
"""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from network.models import Membership, Sector
from network.services import agency_create, member_add
from outcomes import services
from outcomes.models import CandidateOutcome, Visibility, VotingRound
from tests.conftest import Cast


def _normalise(text: str, round_id: int) -> str:
    text = text.replace(f"/rounds/{round_id}/", "/rounds/N/")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", text)
    return re.sub(r"Closed \d+ \w+ \d{4}, \d\d:\d\d", "Closed", text)


def _run(
    cast: Cast,
    candidates: list[CandidateOutcome],
    *,
    visibility: str,
    swap: bool,
    first: Membership,
    second: Membership,
    others: list[Membership],
    watchers: list[Client],
    caplog: pytest.LogCaptureFixture,
) -> list[str]:
    a, b, c = candidates
    x = {"ranks": {c.pk: 1, a.pk: 2}, "energy": {c.pk: 2}}
    y = {"ranks": {b.pk: 1}, "energy": {b.pk: 1, a.pk: 1}}
    caplog.clear()
    mail.outbox.clear()
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title="Secret round", visibility=visibility, min_group_size=3
    )
    for n, leader in enumerate(others):
        services.ballot_submit(
            voting_round=voting_round, voter=leader, ranks={a.pk: 1 + n % 2, b.pk: 2 - n % 2}, energy={a.pk: 1}
        )
    services.ballot_submit(voting_round=voting_round, voter=first, **(y if swap else x))
    services.ballot_submit(voting_round=voting_round, voter=second, **(x if swap else y))
    seen = []
    urls = ["round-detail", "round-voters"]
    for client in watchers:
        for name in urls:
            response = client.get(reverse(f"outcomes:{name}", args=[cast.site.slug, voting_round.pk]))
            seen.append(f"{name} {response.status_code} {response.content.decode()}")
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    for client in watchers:
        for name in [*urls, "round-system", "round-results-csv"]:
            response = client.get(reverse(f"outcomes:{name}", args=[cast.site.slug, voting_round.pk]))
            seen.append(f"{name} {response.status_code} {response.content.decode()}")
    seen += [f"mail {m.to} {m.subject} {m.body}" for m in mail.outbox]
    seen.append("log " + caplog.text)
    return [_normalise(text, voting_round.pk) for text in seen]


def _cast_for_secrecy(cast: Cast) -> tuple[Membership, Membership, list[Membership], list[Client]]:
    council, nhs, police = cast.agencies
    fire = agency_create(site=cast.site, name="Ashby Fire", sector=Sector.FIRE)
    others = [cast.leaders[0]]
    others += [
        member_add(site=cast.site, name=f"Council {i}", email=f"c{i}@ashby.example", agency=council) for i in range(3)
    ]
    others += [member_add(site=cast.site, name=f"Fire {i}", email=f"f{i}@ashby.example", agency=fire) for i in range(3)]
    # The NHS leader and the police leader are each alone in their agency and sector.
    first, second = cast.leaders[1], cast.leaders[2]
    assert (first.agency, second.agency) == (nhs, police)
    watchers = [cast.client_for(m) for m in (cast.enabler, cast.coordinator, others[0], others[-1])]
    return first, second, others, watchers


@pytest.mark.parametrize("visibility", [Visibility.SECRET, Visibility.OPEN])
def test_swapping_two_secret_ballots_changes_nothing_anyone_else_can_see(
    cast: Cast, candidates: list[CandidateOutcome], caplog: pytest.LogCaptureFixture, visibility: str
) -> None:
    caplog.set_level(logging.DEBUG)
    first, second, others, watchers = _cast_for_secrecy(cast)
    kwargs = {"first": first, "second": second, "others": others, "watchers": watchers, "caplog": caplog}
    before = _run(cast, candidates, visibility=visibility, swap=False, **kwargs)  # type: ignore[arg-type]
    after = _run(cast, candidates, visibility=visibility, swap=True, **kwargs)  # type: ignore[arg-type]
    assert len(before) == len(after) > 10
    differing = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    if visibility == Visibility.SECRET:
        assert differing == []
        # The enabler still sees who voted.
        voters = [text for text in before if text.startswith("round-voters 200")]
        assert voters and all(first.user.name in text and second.user.name in text for text in voters)
    else:
        assert differing  # an open round shows who voted how, so the swap shows


def test_a_secret_round_merges_small_groups_into_other(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    first, second, others, _ = _cast_for_secrecy(cast)
    a = candidates[0]
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Secret", visibility=Visibility.SECRET)
    for leader in [*others, first, second]:
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks={a.pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    body = (
        cast.client_for(cast.enabler)
        .get(reverse("outcomes:round-system", args=[cast.site.slug, voting_round.pk]))
        .content.decode()
    )
    assert "merged into “Other”" in body
    assert "Ashby Council (4)" in body
    assert "Other (5)" in body  # NHS and police alone are too few, so fire joins them
    assert "Ashby NHS Trust (1)" not in body and "Ashby Police (1)" not in body
    assert isinstance(voting_round, VotingRound)


def _stored_groups(value: object) -> list[dict]:
    """Every group of voters anywhere in a stored result: any object with a count of voters."""
    if isinstance(value, dict):
        found = [value] if "voters" in value else []
        return found + [g for v in value.values() for g in _stored_groups(v)]
    if isinstance(value, list):
        return [g for v in value for g in _stored_groups(v)]
    return []


@pytest.mark.parametrize("visibility", [Visibility.SECRET, Visibility.OPEN])
def test_a_secret_round_stores_no_group_smaller_than_the_minimum(
    cast: Cast, candidates: list[CandidateOutcome], visibility: str
) -> None:
    first, second, others, _ = _cast_for_secrecy(cast)
    a, b, _ = candidates
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title="Secret", visibility=visibility, min_group_size=3
    )
    for leader in others:
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks={a.pk: 1})
    # The NHS and police leaders, each alone in their agency and sector, vote otherwise.
    for leader in (first, second):
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks={b.pk: 1}, energy={b.pk: 2})

    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)

    stored = VotingRound.objects.get(pk=voting_round.pk).result  # the raw JSON, as an admin or a dump sees it
    groups = _stored_groups(stored)
    assert groups
    smallest = min(g["voters"] for g in groups)
    if visibility == Visibility.SECRET:
        assert smallest >= 3
        assert not [g for g in groups if g["name"] in ("Ashby NHS Trust", "Ashby Police", "NHS", "Police")]
    else:
        assert smallest == 1  # an open round keeps every agency as it voted
