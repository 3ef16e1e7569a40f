"""Actions from meetings (issue 12, item 4): recorded by a coordinator, seen by owners, done from a link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network import services, tokens
from network.errors import DomainError
from network.models import Alliance, Meeting, MeetingAction, MeetingNotes
from network.services.actions import action_add, action_mark_done
from tests.conftest import Cast
from tests.html import text_of

TODAY = timezone.localdate()


@pytest.fixture
def meeting(cast: Cast, alliance: Alliance) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First meeting",
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="Hall",
    )


def test_a_coordinator_records_notes_decisions_and_actions(cast: Cast, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    url = reverse("network:meeting-record", args=[cast.site.slug, meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"form": "notes", "notes": "Good turnout", "decisions": "Meet monthly"})
    assert response.status_code == 302
    assert MeetingNotes.objects.get(meeting=meeting).decisions == "Meet monthly"
    due = (TODAY + dt.timedelta(days=14)).isoformat()
    response = client.post(
        url,
        {
            "form": "action",
            "action-description": "Map the hostels",
            "action-owner": cast.leaders[1].pk,
            "action-due_on": due,
        },
    )
    assert response.status_code == 302
    action = MeetingAction.objects.get()
    assert (action.owner, action.due_on.isoformat()) == (cast.leaders[1], due)


def test_bad_action_input_is_explained_and_nothing_saved(cast: Cast, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    url = reverse("network:meeting-record", args=[cast.site.slug, meeting.pk])
    response = client.post(
        url, {"form": "action", "action-description": "", "action-owner": cast.outsider.pk, "action-due_on": "soon"}
    )
    assert response.status_code == 422
    assert not MeetingAction.objects.exists()
    with pytest.raises(DomainError):
        action_add(meeting=meeting, membership=cast.coordinator, description="x", owner=cast.outsider, due_on=TODAY)


def test_only_coordinators_record_and_outsiders_see_nothing(cast: Cast, meeting: Meeting) -> None:
    url = reverse("network:meeting-record", args=[cast.site.slug, meeting.pk])
    assert cast.client_for(cast.leaders[0]).get(url).status_code == 403
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    action = action_add(
        meeting=meeting, membership=cast.coordinator, description="x", owner=cast.leaders[0], due_on=TODAY
    )
    done_url = reverse("network:action-done", args=[cast.site.slug, action.pk])
    assert cast.client_for(cast.outsider).post(done_url).status_code == 404
    cast.client_for(cast.leaders[1]).post(done_url)  # not theirs
    action.refresh_from_db()
    assert action.done_at is None


def test_owners_see_open_actions_on_their_home_page_overdue_first_and_marked(cast: Cast, meeting: Meeting) -> None:
    late = action_add(
        meeting=meeting,
        membership=cast.coordinator,
        description="Write to the landlords",
        owner=cast.leaders[0],
        due_on=TODAY - dt.timedelta(days=3),
    )
    action_add(
        meeting=meeting,
        membership=cast.coordinator,
        description="Book the hall",
        owner=cast.leaders[0],
        due_on=TODAY + dt.timedelta(days=3),
    )
    action_add(
        meeting=meeting, membership=cast.coordinator, description="Not mine", owner=cast.leaders[1], due_on=TODAY
    )
    client = cast.client_for(cast.leaders[0])
    section = text_of(client.get(reverse("network:home")).content, **{"class": "actions"})
    assert section is not None
    assert "Overdue" in section
    assert section.index("Write to the landlords") < section.index("Book the hall")
    assert section.count("Overdue") == 1
    assert "Not mine" not in section
    client.post(reverse("network:action-done", args=[cast.site.slug, late.pk]))
    section = text_of(client.get(reverse("network:home")).content, **{"class": "actions"}) or ""
    assert "Write to the landlords" not in section
    assert "Overdue" not in section


def test_an_owner_marks_an_action_done_from_the_emailed_link(cast: Cast, meeting: Meeting) -> None:
    action = action_add(
        meeting=meeting, membership=cast.coordinator, description="x", owner=cast.leaders[0], due_on=TODAY
    )
    token = tokens.action_token_make(action_id=action.pk, membership_id=cast.leaders[0].pk)
    url = reverse("network:action-done-link", kwargs={"token": token})
    page = Client().get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"  # the URL is the credential: never sent on
    action.refresh_from_db()
    assert action.done_at is None  # a GET (a mail scanner) changes nothing
    response = Client().post(url)
    assert b"marked done" in response.content
    action.refresh_from_db()
    assert action.done_by == cast.leaders[0]
    wrong = tokens.action_token_make(action_id=action.pk, membership_id=cast.leaders[1].pk)
    assert Client().post(reverse("network:action-done-link", kwargs={"token": wrong})).status_code == 404


def test_marking_done_twice_changes_nothing(cast: Cast, meeting: Meeting) -> None:
    action = action_add(
        meeting=meeting, membership=cast.coordinator, description="x", owner=cast.leaders[0], due_on=TODAY
    )
    first = action_mark_done(action=action, membership=cast.leaders[0]).done_at
    assert action_mark_done(action=action, membership=cast.coordinator).done_at == first
