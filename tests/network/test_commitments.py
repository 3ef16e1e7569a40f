"""Commitments (issue 12, item 1) and the alliance's export (item 6): pledges made concrete, kept for good."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from network.errors import DomainError
from network.models import Alliance, Commitment, CommitmentStatus
from network.services.checkins import commitment_check_in
from network.services.commitments import alliance_checkins_every, commitment_add
from tests.conftest import Cast
from tests.html import text_of

SOON = timezone.localdate() + dt.timedelta(days=60)
ALLIANCE_QUERIES = 12


def _commit(cast: Cast, alliance: Alliance, i: int = 0, action: str = "Share housing data weekly") -> Commitment:
    return commitment_add(alliance=alliance, membership=cast.leaders[i], action=action, due_on=SOON)


def test_it_adds_a_commitment_with_whom(cast: Cast, alliance: Alliance) -> None:
    response = cast.client_for(cast.leaders[0]).post(
        reverse("network:commitment-create", args=[cast.site.slug]),
        {
            "action": "Open our hostel beds to the police's referrals",
            "due_on": SOON.isoformat(),
            "with_members": [cast.leaders[1].pk],
            "with_agencies": [cast.agencies[2].pk],
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.member.membership == cast.leaders[0]
    assert list(commitment.with_members.all()) == [cast.leaders[1]]
    assert list(commitment.with_agencies.all()) == [cast.agencies[2]]
    assert commitment.status == CommitmentStatus.ON_TRACK


def test_it_explains_bad_input_next_to_the_field_and_saves_nothing(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:commitment-create", args=[cast.site.slug])
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = cast.client_for(cast.leaders[0]).post(url, {"action": "Something", "due_on": yesterday})
    assert response.status_code == 422
    assert "today or later" in response.content.decode()
    response = cast.client_for(cast.leaders[0]).post(url, {"action": "", "due_on": "not a date"})
    assert response.status_code == 422
    assert not Commitment.objects.exists()


def test_it_refuses_partners_from_another_site(cast: Cast, alliance: Alliance) -> None:
    with pytest.raises(DomainError):
        commitment_add(
            alliance=alliance,
            membership=cast.leaders[0],
            action="x",
            due_on=SOON,
            with_members=[cast.outsider],
        )
    # Through the page, another site's person is not even a choice.
    response = cast.client_for(cast.leaders[0]).post(
        reverse("network:commitment-create", args=[cast.site.slug]),
        {"action": "x", "due_on": SOON.isoformat(), "with_members": [cast.outsider.pk]},
    )
    assert response.status_code == 422
    assert not Commitment.objects.exists()


def test_only_leaders_in_the_alliance_commit(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:commitment-create", args=[cast.site.slug])
    assert cast.client_for(cast.coordinator).get(url).status_code == 403
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    with pytest.raises(DomainError):
        commitment_add(alliance=alliance, membership=cast.enabler, action="x", due_on=SOON)


def test_the_alliance_page_groups_commitments_by_agency_with_status(cast: Cast, alliance: Alliance) -> None:
    first = _commit(cast, alliance, 0, "Share housing data weekly")
    _commit(cast, alliance, 1, "Fund two outreach workers")
    dropped = _commit(cast, alliance, 2, "Patrol the station at night")
    commitment_check_in(commitment=first, membership=cast.leaders[0], status=CommitmentStatus.DONE)
    commitment_check_in(
        commitment=dropped,
        membership=cast.leaders[2],
        status=CommitmentStatus.DROPPED,
        reason="Outreach does it better",
    )
    url = reverse("network:alliance-detail", args=[cast.site.slug])
    # Leader 1 is in the NHS Trust: their own agency's commitments are shown first.
    section = (text_of(cast.client_for(cast.leaders[1]).get(url).content, id="commitments") or "").replace(" :", ":")
    # Every agency, in name order, with its counts; then the one shown.
    section = " ".join(section.split())
    # The table's columns: agency, members, commitments, on track, done, changed, dropped.
    assert "Agency Members Commitments On track Done Changed Dropped" in section
    assert section.index("Ashby Council 1 1 0 1 0 0") < section.index("Ashby NHS Trust 1 1 1 0 0 0")
    assert "Ashby Police 1 1 0 0 0 1" in section
    assert "Members (3)" in section
    assert "I bring Leader 1 of Ashby's team" in section  # the shown agency's members, with their pledges
    assert "I bring Leader 0 of Ashby's team" not in section
    assert "Fund two outreach workers" in section
    assert "Share housing data weekly" not in section
    assert "1 on track, 1 done, 0 changed, 1 dropped" in section
    police = cast.agencies[2].pk
    section = text_of(cast.client_for(cast.leaders[1]).get(url, {"agency": police}).content, id="commitments") or ""
    assert "Patrol the station at night" in section
    assert "Set down, and why: Outreach does it better" in section
    # The owner checks in on their own open commitments from here.
    own = cast.client_for(cast.leaders[1]).get(url).content.decode()
    assert "/check-in/" in own
    assert "/check-in/" not in cast.client_for(cast.enabler).get(url).content.decode()


def test_another_sites_members_see_none_of_it(cast: Cast, alliance: Alliance) -> None:
    _commit(cast, alliance)
    outsider = cast.client_for(cast.outsider)
    for name in ("network:alliance-detail", "network:alliance-csv", "network:alliance-xlsx"):
        assert outsider.get(reverse(name, args=[cast.site.slug])).status_code == 404
    own = outsider.get(reverse("network:alliance-detail", args=[cast.other_site.slug]))
    assert b"Share housing data" not in own.content


def test_the_alliance_page_query_count_does_not_grow(
    cast: Cast, alliance: Alliance, django_assert_max_num_queries
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("network:alliance-detail", args=[cast.site.slug]))
        return len(ctx.captured_queries)

    client = cast.client_for(cast.leaders[0])
    _commit(cast, alliance, 0)
    small = count()
    for i in range(3):
        for n in range(10):
            c = commitment_add(
                alliance=alliance,
                membership=cast.leaders[i],
                action=f"Commitment {i}-{n}",
                due_on=SOON,
                with_members=[cast.leaders[(i + 1) % 3]],
                with_agencies=cast.agencies[:2],
            )
            commitment_check_in(commitment=c, membership=cast.leaders[i], status=CommitmentStatus.CHANGED, reason="r")
    assert count() == small
    # Session, user, membership, alliance, its outcome (for_network), each agency's members and
    # commitments by status (one query), the shown agency's members, its commitments and with whom (people, agencies),
    # the viewer's own open commitments, the recent meetings.
    with django_assert_max_num_queries(ALLIANCE_QUERIES):
        client.get(reverse("network:alliance-detail", args=[cast.site.slug]))


def test_the_enabler_sets_how_often_people_check_in(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:alliance-checkins", args=[cast.site.slug])
    assert cast.client_for(cast.leaders[0]).post(url, {"weeks": "2"}).status_code == 403
    response = cast.client_for(cast.enabler).post(url, {"weeks": "0"})
    assert response.status_code == 422
    assert cast.client_for(cast.enabler).post(url, {"weeks": "2"}).status_code == 302
    alliance.refresh_from_db()
    assert alliance.checkin_every_weeks == 2
    with pytest.raises(DomainError):
        alliance_checkins_every(alliance=alliance, membership=cast.coordinator, weeks=3)


def test_the_alliance_exports_as_csv_and_xlsx_formula_safe(cast: Cast, alliance: Alliance) -> None:
    _commit(cast, alliance, 0, '=HYPERLINK("http://evil.example")')
    _commit(cast, alliance, 1, "Fund two outreach workers")
    client = cast.client_for(cast.leaders[2])
    response = client.get(reverse("network:alliance-csv", args=[cast.site.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][:4] == ["Leader", "Email", "Agency", "Pledge"]
    by_action = {row[5]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example")' in by_action
    assert by_action["Fund two outreach workers"][9] == "On track"
    assert by_action[""][0] == "Leader 2 of Ashby"  # a member with no commitments yet still appears, with the pledge
    assert by_action[""][3] == "I bring Leader 2 of Ashby's team"

    response = client.get(reverse("network:alliance-xlsx", args=[cast.site.slug]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_the_admin_lists_commitments_and_never_deletes_their_history(cast: Cast, alliance: Alliance) -> None:
    from django.test import Client

    from network.models import User

    commitment = _commit(cast, alliance)
    commitment_check_in(commitment=commitment, membership=cast.leaders[0], status="done")
    admin = User.objects.create_superuser(email="admin@example.org", password="x" * 12, name="Admin")
    client = Client()
    client.force_login(admin)
    for model in ("commitment", "commitmentcheckin", "meetingaction", "meetingnotes"):
        assert client.get(f"/admin/network/{model}/").status_code == 200, model
    assert client.get(f"/admin/network/commitment/{commitment.pk}/delete/").status_code == 403
    checkin = commitment.checkins.get()
    assert client.get(f"/admin/network/commitmentcheckin/{checkin.pk}/delete/").status_code == 403
    for model in ("indicator", "indicatorupdate"):
        assert client.get(f"/admin/outcomes/{model}/").status_code == 200, model
