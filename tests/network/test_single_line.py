"""Issue 10 item 9: titles, names and places stay on one line, and emails and calendars survive a line break
saved before this rule (a meeting title with CR/LF made every email for it fail and meeting.ics a 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from network import services, tokens
from network.models import Agency, Alliance, Meeting, Sector
from outcomes.services import outcome_propose, round_create
from tests.conftest import Cast

BROKEN = "Budget\r\nBcc: everyone@evil.example"
MEETING_FORM = {
    "title": "First alliance meeting",
    "starts_at": "2026-12-09T10:00",
    "place": "Central Library",
    "online_link": "",
    "agenda": "",
    "invitees": "alliance",
}


def _meeting(cast: Cast, alliance: Alliance) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Central Library",
    )


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("network:meeting-create", {**MEETING_FORM, "title": "Budget\nday"}, "title"),
        ("network:meeting-create", {**MEETING_FORM, "place": "Library\r\nRoom 2"}, "place"),
        ("network:agency-edit", {"name": "Calder\nCouncil", "sector": Sector.NHS}, "name"),
    ],
)
def test_a_form_refuses_a_line_break_next_to_the_field(
    cast: Cast, alliance: Alliance, url_name: str, data: dict[str, str], field: str
) -> None:
    before = (list(Meeting.objects.values_list("title", "place")), list(Agency.objects.values_list("name")))
    args = [cast.site.slug] + ([cast.agencies[0].pk] if url_name == "network:agency-edit" else [])
    response = cast.client_for(cast.enabler).post(reverse(url_name, args=args), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == ["Write this on one line: take out the line break."]
    assert (list(Meeting.objects.values_list("title", "place")), list(Agency.objects.values_list("name"))) == before


def test_the_outcome_and_round_forms_refuse_a_line_break(cast: Cast) -> None:
    from outcomes.forms import OutcomeForm, RoundForm

    outcome = OutcomeForm({"statement": "No one\nsleeps rough", "why_it_matters": "Because."}, site=cast.site)
    assert not outcome.is_valid() and "statement" in outcome.errors
    voting = RoundForm({"title": "What\u2028matters"})
    assert not voting.is_valid() and "title" in voting.errors


def test_services_strip_line_breaks(cast: Cast, alliance: Alliance) -> None:
    meeting = services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title=BROKEN,
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Library\nRoom 2",
    )
    assert (meeting.title, meeting.place) == ("Budget Bcc: everyone@evil.example", "Library Room 2")
    agency = services.agency_create(site=cast.site, name="Calder\r\n\r\nCouncil", sector=Sector.NHS)
    assert agency.name == "Calder Council"
    outcome = outcome_propose(membership=cast.leaders[0], statement="No one\nsleeps rough", why_it_matters="A\nB")
    assert (outcome.statement, outcome.why_it_matters) == ("No one sleeps rough", "A\nB")  # long text keeps its lines
    assert round_create(membership=cast.enabler, title="What\r\nmatters").title == "What matters"
    leader = services.member_add(site=cast.site, name="Asha\nPatel", email="asha@example.org", agency=agency)
    assert leader.user.name == "Asha Patel"


def test_a_title_saved_with_a_line_break_still_mails_and_downloads(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        meeting = _meeting(cast, alliance)
        Meeting.objects.filter(pk=meeting.pk).update(title=BROKEN, place="Library\r\nRoom 2")  # as saved long ago
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(leader.user.email for leader in cast.leaders)
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.message()["Bcc"] is None

    response = cast.client_for(cast.leaders[0]).get(reverse("network:meeting-ics", args=[cast.site.slug, meeting.pk]))
    assert response.status_code == 200
    lines = response.content.decode().split("\r\n")
    assert "SUMMARY:Budget Bcc: everyone@evil.example" in lines
    assert "LOCATION:Library Room 2" in lines
    assert not [line for line in lines if line.startswith("Bcc")]

    feed = reverse(
        "network:site-calendar",
        args=[tokens.calendar_token_make(membership_id=cast.leaders[0].pk, key=cast.leaders[0].calendar_key)],
    )
    assert cast.client_for(cast.leaders[0]).get(feed).status_code == 200
