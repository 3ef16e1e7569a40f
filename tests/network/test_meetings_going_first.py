"""Who is going, for many meetings in one read (the weekly digest's), held against the one-meeting read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from network import services
from network.models import Alliance, InvitationStatus, Meeting, MeetingAttendance, MeetingResponse, Membership, Rsvp
from network.selectors import meetings as meetings_selectors
from network.selectors.meetings import meeting_going_first, meetings_going_first
from network.services.people import member_archive
from tests.conftest import Cast, make_user


def _meeting(cast: Cast, alliance: Alliance | None, title: str, **extra: object) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title=title,
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Central Library",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("walk_from", [0, 1, 10**9], ids=["walked-by-name", "one-walked-one-sorted", "sorted"])
def test_many_meetings_read_together_find_who_one_meeting_read_finds(
    cast: Cast, alliance: Alliance, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meetings_selectors, "GOING_WALK_FROM", walk_from)  # each of the two ways, both by name
    extra = []
    for i, name in enumerate(["Aaron Zed", "Beth Young", "Carl Xu", "Dina Webb"]):
        make_user(f"more{i}@ashby.example", name)
        extra.append(
            services.member_add(site=cast.site, name="", email=f"more{i}@ashby.example", agency=cast.agencies[i % 3])
        )
    for member in extra[:3]:
        services.alliance_join(alliance=alliance, membership=member)
    # Whole-site meetings reach those invited; the last extra person was never invited.
    Membership.objects.filter(pk__in=[m.pk for m in [*cast.leaders, *extra[:3]]]).update(
        invitation_status=InvitationStatus.SENT
    )
    ours = _meeting(cast, alliance, "Alliance meeting", capacity=4)
    everyone = _meeting(cast, None, "Whole-site meeting")
    empty = _meeting(cast, alliance, "Nobody yet")
    for member in [*cast.leaders, *extra[:3], cast.coordinator]:
        member.refresh_from_db()
        if member != cast.coordinator:  # not in the alliance
            services.meeting_respond(meeting=ours, membership=member, rsvp=Rsvp.GOING)  # the fifth on waits
        services.meeting_respond(meeting=everyone, membership=member, rsvp=Rsvp.GOING)
    # A reply from someone the whole-site meeting does not reach (as if from before a rule changed).
    MeetingResponse.objects.create(meeting=everyone, membership=extra[3], rsvp=Rsvp.GOING)
    member_archive(membership=extra[0], actor=cast.enabler.user)  # removed: left out...
    MeetingAttendance.objects.create(meeting=everyone, membership=extra[1])  # ...unless there; and marked there
    meetings = [ours, everyone, empty]
    everyone.going_count = 1  # type: ignore[attr-defined]  # as meetings_for_site annotates it: walked from 1
    for limit in (1, 3, 30):
        together = meetings_going_first(meetings=meetings, limit=limit)
        for meeting in meetings:
            assert together[meeting.pk] == meeting_going_first(meeting=meeting, limit=limit)[0], (meeting, limit)
    assert together[empty.pk] == []
    assert any(row.attended for row in together[everyone.pk])
    assert extra[3].pk not in {row.member_id for row in together[everyone.pk]}
    assert meetings_going_first(meetings=[], limit=3) == {}


def test_many_meetings_read_together_take_two_queries(
    cast: Cast, alliance: Alliance, django_assert_num_queries
) -> None:
    meetings = [_meeting(cast, alliance, f"Meeting {i}") for i in range(4)]
    for meeting in meetings:
        for member in cast.leaders:
            services.meeting_respond(meeting=meeting, membership=member, rsvp=Rsvp.GOING)
    with django_assert_num_queries(2):
        meetings_going_first(meetings=meetings, limit=2)


def test_the_weekly_news_reads_the_same_queries_for_one_meeting_or_many(cast: Cast, alliance: Alliance) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from network.digests.content import weekly_news

    def queries() -> int:
        fresh = Alliance.objects.select_related("site").get(pk=alliance.pk)  # as a digest run reads it
        with CaptureQueriesContext(connection) as captured:
            news = weekly_news(alliance=fresh)
        assert all(m.going_count == len(m.going) == len(cast.leaders) for m in news.meetings)
        return len(captured)

    def meeting_with_replies(title: str) -> None:
        meeting = _meeting(cast, alliance, title)
        for member in cast.leaders:
            services.meeting_respond(meeting=meeting, membership=member, rsvp=Rsvp.GOING)

    meeting_with_replies("First")
    one = queries()
    for i in range(5):
        meeting_with_replies(f"Then {i}")
    assert queries() == one
