"""The living map in the weekly digest: "going quiet" for the enablers among its readers, and the
relationship check-in's link for leaders who are due to be asked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from network import digests, services
from network.digests.content import map_checkin_due, weekly_news
from network.models import Alliance, AllianceMember, MeetingAttendance, RelationshipAnswer
from network.services import map as maps
from network.services.people import member_update
from tests.conftest import Cast


def _quiet_site(cast: Cast) -> None:
    """Two leaders met once, long ago: the latest map shows the council and the NHS going quiet."""
    old = timezone.now() - dt.timedelta(days=200)
    meeting = services.meeting_create(
        alliance=None, created_by=cast.coordinator, title="Long ago", starts_at=old, place="Hall"
    )
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.leaders[0])
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.leaders[1])
    maps.map_snapshot_make(site=cast.site)


def _bodies(mailoutbox: list) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


def test_only_an_enabler_in_the_alliance_reads_what_is_going_quiet(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    _quiet_site(cast)
    # Only leaders join an alliance: an enabler reads the weekly digest when a member was made an enabler later.
    promoted = cast.leaders[2]
    member_update(membership=promoted, actor=cast.enabler.user, role="enabler", agency=None, role_title="")
    digests.digest_send(key=digests.weekly_key(alliance=alliance, when=timezone.now()))  # everyone's pledges are news
    bodies = _bodies(mailoutbox)
    assert cast.enabler.user.email not in bodies  # not an alliance member: no weekly digest at all
    enabler = bodies[promoted.user.email]
    assert "GOING QUIET ON THE MAP" in enabler
    assert "- Ashby Council, last active" in enabler and "- NHS (sector), last active" in enabler
    # The day as people write it, not the map's ISO date.
    assert re.search(r"- Ashby Council, last active \d{1,2} [A-Z][a-z]+ \d{4}\n", enabler)
    assert f"See the map: http://localhost:8000/sites/{cast.site.slug}/map/" in enabler
    assert "WHO DO YOU WORK WITH?" not in enabler  # the check-in is for leaders
    html = next(m for m in mailoutbox if m.to == [promoted.user.email]).alternatives[0][0]
    assert "Going quiet on the map" in html
    for leader in cast.leaders[:2]:
        assert "GOING QUIET" not in bodies[leader.user.email]
        assert "Ashby Council" not in bodies[leader.user.email]


def test_going_quiet_alone_is_news_for_an_enabler(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    _quiet_site(cast)
    AllianceMember.objects.create(alliance=alliance, membership=cast.enabler)
    AllianceMember.objects.filter(alliance=alliance).update(joined_at=timezone.now() - dt.timedelta(days=30))
    result = digests.digest_send(key=digests.weekly_key(alliance=alliance, when=timezone.now()))
    assert [m.to for m in mailoutbox] == [[cast.enabler.user.email]]
    assert result["sent"] == 1


def test_a_leader_who_never_answered_gets_the_check_in_link_through_sign_in(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    answered, never = cast.leaders[0], cast.leaders[1]
    RelationshipAnswer.objects.create(respondent=answered, partner=never, frequency="monthly", trust=4)
    digests.digest_send(key=digests.weekly_key(alliance=alliance, when=timezone.now()))
    bodies = _bodies(mailoutbox)
    assert "WHO DO YOU WORK WITH?" not in bodies[answered.user.email]  # mid-quarter, answered already
    body = bodies[never.user.email]
    assert "WHO DO YOU WORK WITH?" in body
    link = re.search(r"http://localhost:8000(/sites/[^/]+/map/check-in/)", body)
    assert link is not None
    html = next(m for m in mailoutbox if m.to == [never.user.email]).alternatives[0][0]
    assert "Answer the relationship check-in" in html
    signed_out = Client().get(link.group(1))
    assert signed_out.status_code == 302
    assert "next=" in signed_out["Location"] and "check-in" in signed_out["Location"]
    assert cast.client_for(never).get(link.group(1)).status_code == 200


@pytest.mark.parametrize(
    ("last", "today", "due"),
    [
        (None, dt.date(2026, 11, 30), True),  # never answered: every digest
        (dt.datetime(2026, 8, 1, tzinfo=dt.UTC), dt.date(2026, 11, 30), False),  # not the quarter's first week
        (dt.datetime(2026, 8, 1, tzinfo=dt.UTC), dt.date(2026, 10, 5), True),  # first week, answered last quarter
        (dt.datetime(2026, 10, 2, tzinfo=dt.UTC), dt.date(2026, 10, 5), False),  # answered this quarter
        (dt.datetime(2026, 8, 1, tzinfo=dt.UTC), dt.date(2026, 10, 8), False),  # the first week is over
        (dt.datetime(2025, 12, 1, tzinfo=dt.UTC), dt.date(2026, 1, 1), True),  # across the year
    ],
)
def test_the_check_in_link_comes_at_most_once_a_quarter(last: dt.datetime | None, today: dt.date, due: bool) -> None:
    assert map_checkin_due(last_answered=last, today=today) is due


def _grow(cast: Cast, alliance: Alliance, start: int, count: int) -> None:
    """More leaders in the alliance, each with a check-in answer and a pledge this week, then a new map."""
    for i in range(start, start + count):
        leader = services.member_add(
            site=cast.site, name=f"Extra {i}", email=f"extra{i}@ashby.example", agency=cast.agencies[i % 3]
        )
        services.alliance_join(alliance=alliance, membership=leader, pledge="More")
        RelationshipAnswer.objects.create(respondent=leader, partner=cast.leaders[0], frequency="monthly", trust=3)
    maps.map_snapshot_make(site=cast.site)


# weekly_news: meetings, outcomes' news (rounds, candidates), pledges, check-ins and actions due, the measure,
# the map's going quiet (snapshot, settings), the check-in's last answers and the site's contact (its enabler).
QUERIES = 12


def test_building_the_weekly_news_takes_the_same_queries_at_any_size(
    cast: Cast, alliance: Alliance, django_assert_num_queries
) -> None:
    _grow(cast, alliance, 0, 1)
    fresh = Alliance.objects.select_related("site").get(pk=alliance.pk)  # as a digest run reads it
    with django_assert_num_queries(QUERIES):
        small = weekly_news(alliance=fresh)
    AllianceMember.objects.create(alliance=alliance, membership=cast.enabler)
    _grow(cast, alliance, 1, 12)
    fresh = Alliance.objects.select_related("site").get(pk=alliance.pk)  # as a digest run reads it
    with django_assert_num_queries(QUERIES):
        big = weekly_news(alliance=fresh)
    assert len(big.map_checkin_answered) == len(small.map_checkin_answered) + 12
    assert len(big.pledges) == len(small.pledges) + 12
