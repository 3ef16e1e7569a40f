"""One meeting at any size: the counts are of everyone, the list of replies is searched and paged, and the page
is about the same bytes for 200 invitees as for 2,000."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import InvitationStatus, Meeting, MeetingResponse, Membership, Rsvp
from network.paging import PAGE_SIZE
from tests.conftest import Cast
from tests.network.test_people_page import add_people


def _site_meeting(cast: Cast) -> Meeting:
    return services.meeting_create(
        alliance=None,
        created_by=cast.coordinator,
        title="Open session",
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Central Library",
    )


def _invite(cast: Cast, meeting: Meeting, count: int, *, start: int = 0) -> None:
    """Many people reachable in the site (so invited to its meeting), every other one going."""
    add_people(cast, count, start=start)
    Membership.objects.filter(site=cast.site).update(invitation_status=InvitationStatus.ACCEPTED)
    new = Membership.objects.filter(site=cast.site, user__email__startswith="person").exclude(
        meeting_responses__meeting=meeting
    )
    MeetingResponse.objects.bulk_create(
        MeetingResponse(meeting=meeting, membership=member, rsvp=Rsvp.GOING if i % 2 else Rsvp.NOT_GOING)
        for i, member in enumerate(new.order_by("pk"))
    )


def _url(cast: Cast, meeting: Meeting) -> str:
    return reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])


def test_one_meeting_is_the_same_bytes_for_200_and_2000_invitees(cast: Cast) -> None:
    meeting = _site_meeting(cast)
    client = cast.client_for(cast.coordinator)
    _invite(cast, meeting, 200)
    small = client.get(_url(cast, meeting), {"page": "2"}).content
    _invite(cast, meeting, 1800, start=200)
    large = client.get(_url(cast, meeting), {"page": "2"}).content
    print(f"one meeting page 2: {len(small)} bytes at 200 invitees, {len(large)} at 2,000")
    assert small.count(b"<tr>") == large.count(b"<tr>") == PAGE_SIZE + 1  # and the head
    assert b"1000 going" in large  # the counts are of everyone, not the page
    assert abs(len(large) - len(small)) <= 0.03 * len(small), (len(small), len(large))


def test_the_replies_are_searched_and_paged_without_script(cast: Cast) -> None:
    meeting = _site_meeting(cast)
    _invite(cast, meeting, 120)
    client = cast.client_for(cast.coordinator)
    body = client.get(_url(cast, meeting), {"page": "2"}).content.decode()
    assert "60 going" in body
    assert 'rel="prev" href="?page=1"' in body and 'rel="next" href="?page=3"' in body
    body = client.get(_url(cast, meeting), {"q": "person 0011"}).content.decode()
    assert "10 people invited match “person 0011”" in body and body.count("<tr>") == 10 + 1
    assert "60 going" in body  # a search narrows the list, never the counts
    assert "Nobody invited matches" in client.get(_url(cast, meeting), {"q": "brindle"}).content.decode()
    for page in ["0", "999", "two", "9" * 40]:
        assert client.get(_url(cast, meeting), {"page": page}).status_code == 200
    partial = client.get(_url(cast, meeting), {"q": "person", "page": "2"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="replies-list"') and "<h1>" not in body
    assert "q=person&amp;page=3" in body


def test_one_meetings_query_count_does_not_grow_with_invitees(cast: Cast) -> None:
    meeting = _site_meeting(cast)
    _invite(cast, meeting, 60)
    client = cast.client_for(cast.leaders[0])
    client.get(_url(cast, meeting))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(cast, meeting), {"page": "2"})
    _invite(cast, meeting, 600, start=60)
    with CaptureQueriesContext(connection) as large:
        client.get(_url(cast, meeting), {"page": "9"})
    assert len(small.captured_queries) == len(large.captured_queries)
