"""After the vote and the map, in Welsh (issue 15): each page reads in Welsh for a Welsh reader, the exports'
headers are in the reader's language, and a page opened from an emailed link speaks its owner's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from network import services, tokens
from network.models import Alliance, Commitment, Meeting, MeetingAction, Membership, User
from network.services import map as maps
from network.services.actions import action_add
from network.services.checkins import commitment_check_in
from network.services.commitments import commitment_add
from network.services.meetings import attendance_set
from network.services.people import user_set_language
from outcomes.models import CandidateOutcome, Indicator
from outcomes.services.indicators import indicator_create, indicator_update_add
from tests.conftest import Cast
from tests.outcomes.adopted import adopt
from tests.test_i18n import _Text, english_sentences

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A page for a Welsh reader activates Welsh in this thread; tests that follow expect the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def adopted(cast: Cast, candidates: list[CandidateOutcome]) -> tuple[CandidateOutcome, Alliance]:
    return adopt(cast, candidates)


@pytest.fixture
def commitment(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> Commitment:
    return commitment_add(
        alliance=adopted[1], membership=cast.leaders[0], action="Share housing data", due_on=TODAY + dt.timedelta(30)
    )


@pytest.fixture
def action(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> MeetingAction:
    meeting = services.meeting_create(
        alliance=adopted[1],
        created_by=cast.coordinator,
        title="Alliance meeting",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        place="Hall",
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    attendance_set(meeting=meeting, membership=cast.leaders[0], present=True, recorded_by=cast.coordinator)
    return action_add(
        meeting=meeting, membership=cast.coordinator, description="Map hostels", owner=cast.leaders[1], due_on=TODAY
    )


@pytest.fixture
def indicator(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> Indicator:
    indicator = indicator_create(
        outcome=adopted[0],
        membership=cast.enabler,
        name="Rough sleepers",
        unit="people",
        source="Street count",
        direction="down",
        baseline_value=Decimal(40),
        baseline_on=TODAY - dt.timedelta(days=400),
        target_value=Decimal(10),
        target_on=TODAY + dt.timedelta(days=400),
    )
    for days, value in ((200, 35), (100, 31), (10, 28)):
        indicator_update_add(
            indicator=indicator,
            membership=cast.enabler,
            measured_on=TODAY - dt.timedelta(days=days),
            value=Decimal(value),
            note="Outreach began",
        )
    return indicator


def _welsh(user: User) -> User:
    return user_set_language(user=user, language="cy")


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _english_left(content: bytes, english: list[str]) -> tuple[str, list[str]]:
    page = _Text()
    page.feed(content.decode())
    text = page.text()
    return page.lang, [sentence for sentence in english if sentence in text]


# --- pages opened from an emailed link speak the language of the person it was sent to --------------------


def test_a_checkin_link_answers_in_its_owners_language(cast: Cast, commitment: Commitment) -> None:
    _welsh(cast.leaders[0].user)
    token = tokens.checkin_token_make(commitment_id=commitment.pk, membership_id=cast.leaders[0].pk)
    url = reverse("network:commitment-checkin", kwargs={"token": token})
    page = Client(HTTP_ACCEPT_LANGUAGE="en-GB").get(url)  # signed out, on a browser set to English
    assert page.status_code == 200
    assert b'<html lang="cy"' in page.content
    assert "Sut mae eich ymrwymiad yn mynd?" in page.content.decode()
    saved = Client(HTTP_ACCEPT_LANGUAGE="en-GB").post(url, {"status": "dropped", "reason": ""})
    assert saved.status_code == 422
    assert "Dywedwch pam mewn un llinell." in saved.content.decode()  # the form's error too


def test_a_checkin_link_stays_english_for_an_english_owner_on_a_welsh_browser(
    cast: Cast, commitment: Commitment
) -> None:
    token = tokens.checkin_token_make(commitment_id=commitment.pk, membership_id=cast.leaders[0].pk)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("network:commitment-checkin", kwargs={"token": token}))
    assert b'<html lang="en-gb"' in page.content
    assert "How is your commitment going?" in page.content.decode()


def test_an_action_done_link_answers_in_its_owners_language(cast: Cast, action: MeetingAction) -> None:
    _welsh(cast.leaders[1].user)
    token = tokens.action_token_make(action_id=action.pk, membership_id=cast.leaders[1].pk)
    url = reverse("network:action-done-link", kwargs={"token": token})
    page = Client().get(url)
    assert b'<html lang="cy"' in page.content
    assert "Eich cam gweithredu" in page.content.decode()
    done = Client().post(url)
    assert "Diolch: wedi'i nodi'n gyflawn." in done.content.decode()


def test_the_map_checkin_answers_in_the_leaders_language(cast: Cast) -> None:
    _welsh(cast.leaders[0].user)
    page = _client(cast.leaders[0]).get(reverse("network:map-checkin", args=[cast.site.slug]))
    assert b'<html lang="cy"' in page.content
    assert "Holiadur perthnasoedd" in page.content.decode()


# --- every page after the vote, read in Welsh ----------------------------------------------------------------


def test_the_pages_after_the_vote_read_in_welsh(
    cast: Cast,
    adopted: tuple[CandidateOutcome, Alliance],
    commitment: Commitment,
    action: MeetingAction,
    indicator: Indicator,
) -> None:
    outcome, _alliance = adopted
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="changed", reason="Less data")
    maps.checkin_answer_save(respondent=cast.leaders[0], partner=cast.leaders[1], frequency="weekly", trust=4)
    maps.map_snapshot_make(site=cast.site)
    english = english_sentences()
    assert "Thank you, your check-in is saved" in english  # the catalogue has this area's sentences to look for
    slug = cast.site.slug
    pages = {
        cast.enabler: [
            reverse("network:alliance-detail", args=[slug]),
            reverse("network:alliance-checkins", args=[slug]),
            reverse("network:site-map", args=[slug]),
            reverse("network:site-map", args=[slug]) + "?level=agencies",
            reverse("outcomes:measure", args=[slug, outcome.pk]),
            reverse("outcomes:indicator-detail", args=[slug, indicator.pk]),
            reverse("outcomes:indicator-upload", args=[slug, indicator.pk]),
            reverse("outcomes:story", args=[slug, outcome.pk]),
            reverse("outcomes:story", args=[slug, outcome.pk]) + "?print=1",
        ],
        cast.coordinator: [reverse("network:meeting-record", args=[slug, action.meeting_id])],
        cast.leaders[0]: [
            reverse("network:alliance-detail", args=[slug]),
            reverse("network:commitment-create", args=[slug]),
            reverse("network:site-map", args=[slug]),
            reverse("network:map-checkin", args=[slug]),
        ],
    }
    problems = []
    for membership, urls in pages.items():
        _welsh(membership.user)
        client = _client(membership)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{url}: {response.status_code}")
                continue
            lang, left = _english_left(response.content, english)
            problems += [f'{url}: lang="{lang}"'] if lang != "cy" else []
            problems += [f"{url}: English {sentence!r}" for sentence in left]
    assert problems == []


def test_the_story_and_the_chart_are_told_in_welsh(
    cast: Cast, adopted: tuple[CandidateOutcome, Alliance], commitment: Commitment, indicator: Indicator
) -> None:
    outcome, _alliance = adopted
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="on_track")
    _welsh(cast.enabler.user)
    client = _client(cast.enabler)
    story = client.get(reverse("outcomes:story", args=[cast.site.slug, outcome.pk])).content.decode()
    assert "Rhoddodd Leader 0 of Ashby ddiweddariad cynnydd ar “Share housing data”: Ar y trywydd iawn." in story
    with translation.override("cy"):
        due = date_format(commitment.due_on, "j F Y")
    assert f"Share housing data (erbyn {due})." in story  # the month's name in Welsh
    chart = client.get(reverse("outcomes:indicator-detail", args=[cast.site.slug, indicator.pk])).content.decode()
    assert "Llinell sylfaen 40 people ar" in chart  # the chart's description, from Python
    assert "duedd yn gostwng" in chart


# --- exports: headers in the reader's language ----------------------------------------------------------------


def test_the_exports_have_headers_in_the_readers_language(
    cast: Cast, adopted: tuple[CandidateOutcome, Alliance], commitment: Commitment, indicator: Indicator
) -> None:
    maps.map_snapshot_make(site=cast.site)
    slug = cast.site.slug
    english, welsh = _client(cast.enabler), _client(cast.leaders[0])
    _welsh(cast.leaders[0].user)

    def first_line(client: Client, url: str) -> str:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        return body.decode("utf-8-sig").splitlines()[0]

    alliance_csv = reverse("network:alliance-csv", args=[slug])
    assert first_line(english, alliance_csv).startswith("Leader,Email,Agency,Pledge")
    assert first_line(welsh, alliance_csv).startswith("Arweinydd,E-bost,Asiantaeth,Addewid")
    series_csv = reverse("outcomes:indicator-csv", args=[slug, indicator.pk])
    assert first_line(welsh, series_csv) == "Dangosydd,Uned,Dyddiad,Gwerth,Yr hanes y tu ôl i'r gromlin"
    body = b"".join(welsh.get(series_csv).streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "Llinell sylfaen" in body.splitlines()[1]  # the baseline row, streamed after the view returned
    nodes_csv = reverse("network:map-export", args=[slug, "nodes.csv"])
    # Gephi reads id and label by name; the rest are for people.
    assert first_line(welsh, nodes_csv).startswith("id,label,asiantaeth,sector,cysylltiadau")
    edges_csv = welsh.get(reverse("network:map-export", args=[slug, "edges.csv"])).content.decode("utf-8-sig")
    assert "Wedi addo i'r un deilliant (yr un gynghrair): 1" in edges_csv  # where each tie comes from, named


def test_an_upload_is_checked_in_welsh(cast: Cast, indicator: Indicator) -> None:
    _welsh(cast.enabler.user)
    client = _client(cast.enabler)
    rows = f"date,value,note\n{(TODAY - dt.timedelta(days=5)).isoformat()},27,Winter\n31/02/2026,26,\n"
    upload = reverse("outcomes:indicator-upload", args=[cast.site.slug, indicator.pk])
    response = client.post(upload, {"file": SimpleUploadedFile("year.csv", rows.encode(), "text/csv")})
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Mae angen cywiro 1 rhes" in preview
    assert "Nid yw “31/02/2026” yn ddyddiad y gallwn ei ddarllen" in preview  # the service's reason, in Welsh


def test_a_closed_commitments_link_is_refused_in_its_owners_language(cast: Cast, commitment: Commitment) -> None:
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="done")
    _welsh(cast.leaders[0].user)
    token = tokens.checkin_token_make(commitment_id=commitment.pk, membership_id=cast.leaders[0].pk)
    page = Client().get(reverse("network:commitment-checkin", kwargs={"token": token}))
    assert page.status_code == 410
    assert "Nid yw'r ddolen hon yn gweithio mwyach" in page.content.decode()
    assert "(Wedi&#x27;i wneud)" in page.content.decode()  # the status, in Welsh too


def test_form_errors_say_what_to_do_in_the_readers_language(cast: Cast, indicator: Indicator) -> None:
    url = reverse("outcomes:indicator-detail", args=[cast.site.slug, indicator.pk])
    english = _client(cast.enabler).post(url, {"note": "Winter"}).content.decode()
    assert "Enter the value, like 28" in english
    assert "This field is required." not in english
    _welsh(cast.enabler.user)
    welsh = _client(cast.enabler).post(url, {"note": "Winter", "value": "lots"}).content.decode()
    assert "Rhowch y gwerth fel rhif, fel 28" in welsh
    assert "Rhowch ddyddiad y gwerth" in welsh
