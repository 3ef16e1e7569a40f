"""Voting in Welsh (issue 15): every voting page, for every method, reads in Welsh for a Welsh reader, with no
English sentence from the catalogue left on it, and the service's own refusals and the results export are Welsh."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from network.models import Membership, Sector
from network.services.people import user_set_language
from outcomes.groups import NO_AGENCY, OTHER, group_label
from outcomes.models import CandidateOutcome, Energy, Method, Visibility, VotingRound
from outcomes.services import ballot_submit, round_close, round_create, round_create_and_open
from tests.conftest import Cast
from tests.test_i18n import _Text, english_sentences


def _welsh_client(membership: Membership) -> Client:
    user_set_language(user=membership.user, language="cy")
    client = Client()
    client.force_login(membership.user)
    return client


def _read(client: Client, url: str) -> str:
    """The page's visible text, after checking it is a Welsh page with no English sentence of the catalogue."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = _Text()
    page.feed(response.content.decode())
    assert page.lang == "cy", url
    text = page.text()
    assert [s for s in english_sentences() if s in text] == [], url
    return text


def _vote(voting_round: VotingRound, cast: Cast, candidates: list[CandidateOutcome]) -> None:
    for n, leader in enumerate(cast.leaders):
        order = candidates[n % len(candidates) :] + candidates[: n % len(candidates)]
        energy = {c.pk: Energy.A_LOT for c in order[:1]}
        if voting_round.is_ranked:
            ballot_submit(
                voting_round=voting_round, voter=leader, ranks={c.pk: i + 1 for i, c in enumerate(order)}, energy=energy
            )
        else:
            points = {Method.SCORE: 5, Method.DOTS: 3, Method.APPROVAL: 1}[Method(voting_round.method)]
            ballot_submit(voting_round=voting_round, voter=leader, points={order[0].pk: points}, energy=energy)


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.SECRET])
def test_it_reads_every_voting_page_in_welsh(
    cast: Cast, candidates: list[CandidateOutcome], method: Method, visibility: Visibility
) -> None:
    voting_round = round_create_and_open(
        membership=cast.enabler, title="Spring round", method=method, visibility=visibility
    )
    site = cast.site.slug
    leader, enabler = _welsh_client(cast.leaders[0]), _welsh_client(cast.enabler)
    round_url = reverse("outcomes:round-detail", kwargs={"site_slug": site, "round_id": voting_round.pk})

    assert "Eich papur pleidleisio" in _read(leader, round_url)
    _vote(voting_round, cast, candidates)
    assert "Mae'r pleidleisio ar agor." in _read(enabler, round_url)
    _read(enabler, reverse("outcomes:round-voters", kwargs={"site_slug": site, "round_id": voting_round.pk}))

    round_close(voting_round=voting_round, membership=cast.enabler)
    for client in (leader, enabler):
        assert "Cawsant eu cyfrif" in _read(client, round_url)  # how the method counted, in Welsh
        system = _read(
            client, reverse("outcomes:round-system", kwargs={"site_slug": site, "round_id": voting_round.pk})
        )
        # Under secrecy the cast's three one-leader agencies are merged, and the merged group is named in Welsh.
        assert ("Arall (3)" in system) == (visibility == Visibility.SECRET)
    _read(enabler, reverse("outcomes:round-voters", kwargs={"site_slug": site, "round_id": voting_round.pk}))
    # A leader's list: the enabler's also holds the round form, whose labels are outcomes/forms.py's (not yet marked).
    _read(leader, reverse("outcomes:outcome-list", kwargs={"site_slug": site}))


def test_it_reads_the_outcome_pages_and_a_draft_round_in_welsh(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    draft = round_create(membership=cast.enabler, title="Autumn round", method=Method.DOTS, dot_budget=1)
    enabler, leader = _welsh_client(cast.enabler), _welsh_client(cast.leaders[0])
    site = cast.site.slug
    listing = _read(leader, reverse("outcomes:outcome-list", kwargs={"site_slug": site}))
    assert "Deilliannau ymgeisiol" in listing
    assert "drafft" in listing  # the round's status, from the model's choices
    edit = _read(enabler, reverse("outcomes:outcome-edit", kwargs={"site_slug": site, "outcome_id": candidates[0].pk}))
    assert "Cyfuno dyblygiad" in edit
    draft_page = _read(enabler, reverse("outcomes:round-detail", kwargs={"site_slug": site, "round_id": draft.pk}))
    assert "Pleidleisio â dotiau" in draft_page  # the method's label, from the model's choices
    assert "1 dot yr un" in draft_page  # Welsh plural form "one"


def test_it_refuses_a_ballot_in_welsh(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round", method=Method.DOTS)
    leader = _welsh_client(cast.leaders[0])
    url = reverse("outcomes:round-detail", kwargs={"site_slug": cast.site.slug, "round_id": voting_round.pk})
    response = leader.post(url, {f"dots_{c.pk}": 0 for c in candidates} | {"action": "save"}, follow=True)
    assert "Rhowch o leiaf un dot." in response.content.decode()


def test_it_writes_the_results_export_in_the_readers_language(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    _vote(voting_round, cast, candidates)
    round_close(voting_round=voting_round, membership=cast.enabler)
    url = reverse("outcomes:round-results-csv", kwargs={"site_slug": cast.site.slug, "round_id": voting_round.pk})
    english = next(csv.reader(io.StringIO(Client.get(_english(cast), url).content.decode("utf-8-sig"))))
    welsh = next(csv.reader(io.StringIO(_welsh_client(cast.enabler).get(url).content.decode("utf-8-sig"))))
    assert len(english) == len(welsh)
    assert english != welsh


def _english(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.enabler.user)
    return client


def test_it_names_the_apps_own_groups_in_the_readers_language() -> None:
    with translation.override("cy"):
        assert group_label(OTHER) == "Arall"
        assert group_label(NO_AGENCY) == "Dim asiantaeth"
        assert group_label("Ashby Council") == "Ashby Council"  # an agency's name, as typed
        # A sector group keeps the English label it was stored with; it is shown as the sector's label now.
        assert group_label("Local authority") == str(Sector.LOCAL_AUTHORITY.label)
    assert group_label(OTHER) == "Other"


def test_the_ballots_kept_ordinals_are_humanizes_in_each_language() -> None:
    """The ballot keeps each place's ordinal per language (humanize translates ten patterns a call)."""
    from django.contrib.humanize.templatetags.humanize import ordinal
    from django.utils import translation

    from outcomes.forms import _ordinal

    for language in ("cy", "en-gb", "cy"):
        with translation.override(language):
            assert [_ordinal(translation.get_language(), n) for n in range(1, 215)] == [
                str(ordinal(n)) for n in range(1, 215)
            ], language
