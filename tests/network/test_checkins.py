"""Check-ins from a signed link, with no sign-in (issue 12, item 2)."""

from __future__ import annotations

import datetime as dt
from time import time as real_time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network import tokens
from network.errors import DomainError
from network.models import Alliance, Commitment, CommitmentCheckIn, CommitmentStatus
from network.selectors.checkins import checkins_due_for, checkins_due_in_alliance
from network.services.checkins import commitment_check_in
from network.services.commitments import commitment_add
from network.services.people import member_archive
from tests.conftest import Cast

SOON = timezone.localdate() + dt.timedelta(days=60)


@pytest.fixture
def commitment(cast: Cast, alliance: Alliance) -> Commitment:
    return commitment_add(alliance=alliance, membership=cast.leaders[0], action="Share housing data", due_on=SOON)


def _url(commitment: Commitment, membership_id: int, answer: str = "") -> str:
    token = tokens.checkin_token_make(commitment_id=commitment.pk, membership_id=membership_id)
    url = reverse("network:commitment-checkin", kwargs={"token": token})
    return f"{url}?answer={answer}" if answer else url


def test_it_checks_in_from_the_link_without_signing_in(cast: Cast, commitment: Commitment) -> None:
    url = _url(commitment, cast.leaders[0].pk, "on_track")
    page = Client().get(url)
    assert page.status_code == 200
    assert b'value="on_track"' in page.content
    assert not CommitmentCheckIn.objects.exists()  # a GET (a mail scanner) saves nothing
    response = Client().post(url, {"status": "on_track"})
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.ON_TRACK
    assert commitment.checkins.count() == 1


def test_dropping_asks_one_line_of_why_and_closes_it(cast: Cast, commitment: Commitment) -> None:
    url = _url(commitment, cast.leaders[0].pk, "dropped")
    response = Client().post(url, {"status": "dropped", "reason": ""})
    assert response.status_code == 422
    assert "Say in one line why" in response.content.decode()
    assert not commitment.checkins.exists()
    response = Client().post(url, {"status": "dropped", "reason": "The council took it on"})
    assert response.status_code == 200
    assert b"helps the alliance learn" in response.content
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DROPPED
    assert commitment.closed_at is not None
    # Closed: the same link is refused with a clear page, and nothing more is recorded.
    refused = Client().post(url, {"status": "on_track"})
    assert refused.status_code == 410
    assert b"has closed" in refused.content
    assert commitment.checkins.count() == 1


def test_history_is_kept(cast: Cast, commitment: Commitment) -> None:
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="changed", reason="Monthly now")
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="on_track")
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="done")
    assert list(commitment.checkins.order_by("created_at", "pk").values_list("status", "reason")) == [
        ("changed", "Monthly now"),
        ("on_track", ""),
        ("done", ""),
    ]
    with pytest.raises(DomainError):
        commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="on_track")


def test_a_link_works_only_for_its_owners_commitment(cast: Cast, alliance: Alliance, commitment: Commitment) -> None:
    # A token naming someone else for this commitment is no link at all.
    assert Client().get(_url(commitment, cast.leaders[1].pk)).status_code == 404
    with pytest.raises(DomainError):
        commitment_check_in(commitment=commitment, membership=cast.leaders[1], status="done")
    # A tampered token.
    assert Client().get(_url(commitment, cast.leaders[0].pk).replace(":", ";")).status_code == 404
    # A token made for an RSVP is not a check-in link.
    rsvp = tokens.rsvp_token_make(meeting_id=commitment.pk, membership_id=cast.leaders[0].pk)
    assert Client().get(reverse("network:commitment-checkin", kwargs={"token": rsvp})).status_code == 404
    # Removed from the site: the link closes.
    member_archive(membership=cast.leaders[0], actor=cast.enabler.user)
    assert Client().get(_url(commitment, cast.leaders[0].pk)).status_code == 404


def test_an_expired_link_is_refused_with_a_clear_page(cast: Cast, commitment: Commitment, monkeypatch) -> None:
    url = _url(commitment, cast.leaders[0].pk)
    # Signed seven weeks ago: past the six weeks a link lasts.
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 7 * 7 * 24 * 3600)
    response = Client().post(url, {"status": "done"})
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not commitment.checkins.exists()


def test_check_ins_fall_due_at_the_alliances_interval(cast: Cast, alliance: Alliance, commitment: Commitment) -> None:
    now = timezone.now()
    assert not checkins_due_for(membership=cast.leaders[0], now=now + dt.timedelta(weeks=3, days=6)).exists()
    assert list(checkins_due_for(membership=cast.leaders[0], now=now + dt.timedelta(weeks=4, hours=1))) == [commitment]
    alliance.checkin_every_weeks = 1
    alliance.save()
    assert checkins_due_in_alliance(alliance=alliance, now=now + dt.timedelta(days=8)) == {
        cast.leaders[0].pk: [commitment]
    }
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="on_track", now=now)
    assert not checkins_due_for(membership=cast.leaders[0], now=now + dt.timedelta(days=6)).exists()
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="done", now=now)
    assert not checkins_due_for(membership=cast.leaders[0], now=now + dt.timedelta(weeks=10)).exists()


def test_the_alliances_read_finds_what_each_owners_read_finds(
    cast: Cast, alliance: Alliance, commitment: Commitment
) -> None:
    """The digest reads one alliance at its own interval; one owner's read picks the interval by a CASE: the same."""
    now = timezone.now()
    for weeks in (1, 2, 4, 52):
        alliance.checkin_every_weeks = weeks
        alliance.save()
        for later in (dt.timedelta(days=6), dt.timedelta(weeks=weeks, hours=1), dt.timedelta(weeks=weeks, days=-1)):
            owners = {cast.leaders[0].pk: list(checkins_due_for(membership=cast.leaders[0], now=now + later))}
            expected = {pk: found for pk, found in owners.items() if found}
            assert checkins_due_in_alliance(alliance=alliance, now=now + later) == expected, (weeks, later)


def test_link_pages_are_kept_out_of_caches_and_referrers(cast: Cast, commitment: Commitment) -> None:
    response = Client().get(_url(commitment, cast.leaders[0].pk))
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
