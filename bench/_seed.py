"""A whole pilot site at scale, for bench/bench_http.py and bench/bench_close.py: bulk rows, closed by the app.

Rows are bulk-inserted (COPY for the ballot entries), since the services would
take many minutes for a site of this size; everything whose stored form the
pages read is made by the app's own services: the site and its first enabler,
opening both rounds, closing the first (its stored analysis is real), adopting
its winner (the alliance), the import preview. Seeded random numbers, so every
run builds the same site.

Needs Django set up against PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, models
from django.utils import timezone

from network.models import (
    ActivityEntry,
    Agency,
    AllianceMember,
    DigestDelivery,
    ImportBatch,
    InvitationStatus,
    Meeting,
    MeetingAttendance,
    MeetingResponse,
    Membership,
    PilotSite,
    Role,
    Rsvp,
    Sector,
    User,
)
from network.selectors.meetings import meeting_invitees
from network.services import imports, site_create
from network.services.digests import digest_schedule_set
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, Energy, VotingRound

SITE_NAME = "Bench Pilot"
ENABLER_EMAIL = "enabler@bench.example"
COORDINATOR_EMAIL = "coordinator@bench.example"
# The leader whose pages are measured: invited and signed in before, in the alliance, has voted in both
# rounds and replied to the meeting (index 4: see `_invitation_status` and the open round's voters).
VIEWER_INDEX = 4
MEETING_TITLE = "Open session: what we do next"
PAST_MEETING_TITLE = "Open session: first gathering"
CLOSED_ROUND_TITLE = "What really matters? (first round)"
OPEN_ROUND_TITLE = "What really matters? (second round)"

FIRST_NAMES = [
    "Aisha", "Ben", "Catrin", "Dev", "Eleanor", "Femi", "Gwen", "Hamza", "Isla", "Jonah",
    "Kiran", "Lowri", "Mo", "Niamh", "Oliver", "Priya", "Rhys", "Siân", "Tomasz", "Zoë",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Bennett", "Chowdhury", "Davies", "Evans", "Fraser", "Gallagher", "Hughes", "Iqbal", "Jones",
    "Kowalski", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Thomas",
    "Umar", "Vaughan", "Walsh", "Xu", "Young", "Zielinski", "Ahmed", "Brown", "Clarke", "Dunn",
    "Ellis", "Foster", "Green", "Hall", "Ince", "Jackson", "Khan", "Lloyd", "Mitchell", "Nash",
    "Owen", "Parry", "Reid", "Shaw", "Turner", "Underwood", "Vincent", "Ward", "Yates", "Zaman",
]  # fmt: skip
THEMES = [
    "Fewer people arrive at A&E in crisis because help reached them earlier",
    "Every child starts school ready to learn",
    "Older people live well at home for longer",
    "Young people leaving care have a home and a trusted adult",
    "Fewer families fall into debt over the winter",
    "People with long-term conditions manage them with their neighbours' help",
    "Town centre streets feel safe after dark",
    "Fewer people are homeless after leaving hospital or prison",
    "Every neighbourhood has somewhere warm to meet",
    "More local people get and keep good jobs with local employers",
]
SECTORS = list(Sector.values)


@dataclass(frozen=True)
class Scale:
    label: str
    agencies: int
    leaders: int
    outcomes: int
    # The alliance, the meetings' replies and the open round's ballots grow with the site;
    # the agencies do not.
    alliance: int
    max_ranked: int = 50  # each ballot ranks between 5 and this many outcomes, as bench_tally's do


SMALL = Scale("100 agencies, 2,000 leaders, 50 outcomes", agencies=100, leaders=2000, outcomes=50, alliance=300)
LARGE = Scale("100 agencies, 20,000 leaders, 200 outcomes", agencies=100, leaders=20_000, outcomes=200, alliance=3000)


@dataclass
class Seeded:
    """What the benchmark signs in as and visits."""

    site: PilotSite
    enabler: Membership
    coordinator: Membership
    viewer: Membership
    closed_round: VotingRound
    open_round: VotingRound
    meeting: Meeting  # upcoming, for the whole site: the one meeting, its replies and exports
    past_meeting: Meeting  # for the whole site, with attendance taken
    import_batch: ImportBatch
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY rows into a model's table (PostgreSQL only): far faster than bulk_create for bench data."""
    column = {f.name: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(column[name] for name in fields)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def leader_email(index: int) -> str:
    return f"leader{index:05d}@bench.example"


def _invitation_status(index: int) -> str:
    # One in ten not invited yet (the dashboard's "who is missing"), two in ten invited, the rest accepted.
    tenth = index % 10
    if tenth == 0:
        return InvitationStatus.PENDING
    return InvitationStatus.SENT if tenth <= 2 else InvitationStatus.ACCEPTED


def _archived(index: int) -> bool:
    return index % 100 == 99  # one leader in a hundred has since been removed from the site


def ballot_entries(
    rng: np.random.Generator,
    *,
    ballot_ids: list[int],
    voter_sectors: list[int],
    outcome_ids: list[int],
    max_ranked: int,
) -> Iterator[tuple[int, int, int, None, int]]:
    """(ballot, outcome, rank, points, energy) rows: each ballot ranks 5 to `max_ranked` outcomes, with energy.

    Each sector leans towards its own outcomes (outcome i towards sector i mod 10), so the
    system view has agreements and splits to show.
    """
    outcome_sectors = np.arange(len(outcome_ids)) % len(SECTORS)
    low, high = min(5, len(outcome_ids)), min(max_ranked, len(outcome_ids))
    for start in range(0, len(ballot_ids), 2000):
        sectors = np.array(voter_sectors[start : start + 2000])
        lean = outcome_sectors[None, :] == sectors[:, None]
        order = np.argsort(rng.random(lean.shape) - 0.6 * lean, axis=1).tolist()
        ranked = rng.integers(low, high + 1, size=len(sectors)).tolist()
        energy = rng.choice([Energy.NONE, Energy.NONE, Energy.SOME, Energy.A_LOT], size=lean.shape).tolist()
        for i, ballot_id in enumerate(ballot_ids[start : start + 2000]):
            for rank in range(ranked[i]):
                yield ballot_id, outcome_ids[order[i][rank]], rank + 1, None, energy[i][rank]


def site_with_people(scale: Scale) -> tuple[PilotSite, Membership, list[Membership], list[int]]:
    """The site (by the app's service), its agencies and leaders (bulk). Returns leaders and their sector indexes."""
    now = timezone.now()
    enabler_user = User.objects.create_user(email=ENABLER_EMAIL, name="Bench Enabler", password=None)
    site = site_create(creator=enabler_user, name=SITE_NAME, place="Benchton")
    enabler = site.memberships.get(user=enabler_user)
    agencies = Agency.objects.bulk_create(
        Agency(
            site=site,
            name=f"{Sector(SECTORS[i % len(SECTORS)]).label} agency {i:03d}",
            sector=SECTORS[i % len(SECTORS)],
        )
        for i in range(scale.agencies)
    )
    # The last five agencies have nobody yet, and one of them has been archived.
    staffed = agencies[:-5] if len(agencies) > 10 else agencies
    agencies[-1].archived_at = now
    agencies[-1].save(update_fields=["archived_at"])
    users = User.objects.bulk_create(
        User(
            email=leader_email(i),
            name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]}",
            password="!",  # noqa: S106 - an unusable password, as create_user(password=None) makes
            last_login=now - dt.timedelta(days=i % 30) if _invitation_status(i) == InvitationStatus.ACCEPTED else None,
        )
        for i in range(scale.leaders)
    )
    leaders = Membership.objects.bulk_create(
        Membership(
            site=site,
            user=user,
            role=Role.LEADER,
            agency=staffed[i % len(staffed)],
            role_title=["Director", "Head of service", "Chief executive", "Manager", ""][i % 5],
            invitation_status=_invitation_status(i),
            invited_at=None if _invitation_status(i) == InvitationStatus.PENDING else now - dt.timedelta(days=40),
            archived_at=now - dt.timedelta(days=3) if _archived(i) else None,
        )
        for i, user in enumerate(users)
    )
    sectors = [SECTORS.index(staffed[i % len(staffed)].sector) for i in range(scale.leaders)]
    return site, enabler, leaders, sectors


def outcomes_proposed(site: PilotSite, leaders: list[Membership], count: int) -> list[CandidateOutcome]:
    outcomes = CandidateOutcome.objects.bulk_create(
        CandidateOutcome(
            site=site,
            statement=f"{THEMES[i % len(THEMES)]} ({i + 1})",
            why_it_matters=(
                "We see the cost of getting this wrong every week, in our own services and in our partners'. "
                "Nobody can change it alone, and everyone would feel the difference within a year."
            ),
            proposed_by=leaders[(i * 37) % len(leaders)],
        )
        for i in range(count)
    )
    agency_ids = list(site.agencies.values_list("pk", flat=True))
    through = CandidateOutcome.agencies.through
    through.objects.bulk_create(
        through(candidateoutcome_id=outcome.pk, agency_id=agency_ids[(i * 7 + k * 13) % len(agency_ids)])
        for i, outcome in enumerate(outcomes)
        for k in range(3)
    )
    return outcomes


def ballots_cast(
    rng: np.random.Generator,
    voting_round: VotingRound,
    voters: list[tuple[Membership, int]],
    max_ranked: int,
) -> int:
    """A ballot for each (leader, sector) with its entries; returns the number of entries."""
    ballots = Ballot.objects.bulk_create(Ballot(round=voting_round, voter=m) for m, _ in voters)
    outcome_ids = list(voting_round.candidates.order_by("pk").values_list("pk", flat=True))
    rows = ballot_entries(
        rng,
        ballot_ids=[b.pk for b in ballots],
        voter_sectors=[s for _, s in voters],
        outcome_ids=outcome_ids,
        max_ranked=max_ranked,
    )
    return copy_rows(BallotRank, ["ballot", "outcome", "rank", "points", "energy"], rows)


def _meetings(seeded_site: PilotSite, enabler: Membership, alliance_id: int) -> list[Meeting]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    plans = [
        # (title, days from now, for the alliance, capacity, cancelled)
        (PAST_MEETING_TITLE, -14, False, None, False),
        ("Alliance working group 1", -7, True, None, False),
        ("Alliance working group 0", -28, True, None, False),
        ("Open session: listening event", -42, False, None, False),
        (MEETING_TITLE, 5, False, None, False),
        ("Alliance working group 2", 12, True, 100, False),
        ("Alliance working group 3", 26, True, None, False),
        ("Open session: the summer review", 40, False, None, False),
        ("Alliance working group 4", 54, True, None, False),
        ("Alliance: data sharing workshop", 19, True, 40, False),
        ("Open session: moved to the autumn", 33, False, None, True),
        ("Alliance working group 5", 68, True, None, False),
    ]
    return Meeting.objects.bulk_create(
        Meeting(
            site=seeded_site,
            alliance_id=alliance_id if for_alliance else None,
            title=title,
            starts_at=now + dt.timedelta(days=days, hours=10 - now.hour),
            ends_at=now + dt.timedelta(days=days, hours=12 - now.hour),
            place="Benchton Town Hall, Market Square",
            online_link="https://meet.example/benchton" if for_alliance else "",
            agenda="1. Welcome\n2. What we have learned\n3. What we will each do next\n4. Any other business",
            created_by=enabler,
            capacity=capacity,
            cancelled_at=now - dt.timedelta(days=2) if cancelled else None,
        )
        for title, days, for_alliance, capacity, cancelled in plans
    )


def meetings_with_replies(
    rng: np.random.Generator, site: PilotSite, enabler: Membership, coordinator: Membership, alliance_id: int
) -> tuple[list[Meeting], dict[str, int]]:
    """Meetings of the alliance and of the whole site, with replies, attendance, walk-ins and sent digests."""
    meetings = _meetings(site, enabler, alliance_id)
    now = timezone.now()
    responses: list[MeetingResponse] = []
    attendance: list[MeetingAttendance] = []
    deliveries: list[tuple[Any, ...]] = []
    for meeting in meetings:
        invitees = list(meeting_invitees(meeting=meeting).order_by("pk").values_list("pk", flat=True))
        replies = rng.random(len(invitees))
        going = 0
        for member_id, draw in zip(invitees, replies.tolist(), strict=True):
            if draw < 0.3:
                rsvp = Rsvp.GOING
            elif draw < 0.42:
                rsvp = Rsvp.MAYBE
            elif draw < 0.6:
                rsvp = Rsvp.NOT_GOING
            else:
                continue  # no reply
            waitlisted = None
            if rsvp == Rsvp.GOING:
                going += 1
                if meeting.capacity is not None and going > meeting.capacity:
                    waitlisted = now - dt.timedelta(hours=going)
            responses.append(
                MeetingResponse(meeting=meeting, membership_id=member_id, rsvp=rsvp, waitlisted_at=waitlisted)
            )
            if meeting.starts_at < now and draw < 0.36:  # most who said they would come, and a few who did not say
                attendance.append(MeetingAttendance(meeting=meeting, membership_id=member_id, recorded_by=coordinator))
        if meeting.starts_at < now:
            attendance.extend(
                MeetingAttendance(
                    meeting=meeting,
                    walk_in_name=f"Walk-in {k}",
                    walk_in_email=f"walkin{k}@elsewhere.example",
                    walk_in_agency="Benchton Community Trust",
                    recorded_by=coordinator,
                )
                for k in range(8)
            )
        key = f"{DigestDelivery.Kind.MEETING}:{meeting.pk}"
        blanks = ("", "", False)  # subject, body, may_have_sent_twice: COPY fills in no model defaults
        deliveries.extend(
            (
                key,
                DigestDelivery.Kind.MEETING,
                meeting.pk,
                member_id,
                DigestDelivery.Status.SENT,
                "",
                1,
                now,
                now,
                *blanks,
            )
            for member_id in invitees
        )
    MeetingResponse.objects.bulk_create(responses, batch_size=5000)
    MeetingAttendance.objects.bulk_create(attendance, batch_size=5000)
    fields = ["key", "kind", "meeting", "recipient", "status", "error", "attempts", "created_at", "sent_at"]
    fields += ["subject", "body", "may_have_sent_twice"]
    copy_rows(DigestDelivery, fields, deliveries)
    return meetings, {
        "meeting replies": len(responses),
        "attendances": len(attendance),
        "digest deliveries": len(deliveries),
    }


def _import_csv(count: int) -> bytes:
    lines = ["name,email,agency,sector"]
    lines += [f"Newcomer {i},newcomer{i}@bench.example,New partner {i % 5},voluntary" for i in range(count)]
    return "\n".join(lines).encode()


def seed(scale: Scale, *, seed_value: int = 16) -> Seeded:
    """Build the whole site. Prints nothing; returns what was made, how many rows, and how long the app's steps took."""
    rng = np.random.default_rng(seed_value)
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    site, enabler, leaders, sectors = site_with_people(scale)
    coordinator_user = User.objects.create_user(email=COORDINATOR_EMAIL, name="Bench Coordinator", password=None)
    coordinator = Membership.objects.create(site=site, user=coordinator_user, role=Role.COORDINATOR)
    digest_schedule_set(membership=enabler, weekday=0, send_time=dt.time(8, 0), days_before_meeting=2)
    outcomes_proposed(site, leaders, scale.outcomes)

    closed_round = services.round_create_and_open(membership=enabler, title=CLOSED_ROUND_TITLE)
    counts["closed round ballots"] = len(leaders)
    counts["closed round ballot entries"] = ballots_cast(
        rng, closed_round, list(zip(leaders, sectors, strict=True)), scale.max_ranked
    )
    start = time.perf_counter()
    closed_round = services.round_close(voting_round=closed_round, membership=enabler)
    timings["closing the first round (the app's round_close)"] = time.perf_counter() - start

    winner_id = closed_round.winner_id or closed_round.ranking[0][0]
    start = time.perf_counter()
    adopted = services.outcome_adopt(voting_round=closed_round, outcome_id=winner_id, membership=enabler)
    timings["adopting its winner (the app's outcome_adopt)"] = time.perf_counter() - start
    adopted.refresh_from_db()
    assert adopted.alliance_id is not None

    # The alliance: the viewer, then leaders who gave the winner energy, then anyone, until it is full.
    viewer = leaders[VIEWER_INDEX]
    givers = BallotRank.objects.filter(
        ballot__round=closed_round,
        outcome_id=winner_id,
        energy__gte=Energy.SOME,
        ballot__voter__archived_at__isnull=True,
    ).values_list("ballot__voter_id", flat=True)
    member_ids = list(dict.fromkeys([viewer.pk, *givers, *(m.pk for m in leaders if m.archived_at is None)]))
    AllianceMember.objects.bulk_create(
        AllianceMember(
            alliance_id=adopted.alliance_id, membership_id=pk, pledge="Two days a month of my analysts' time"
        )
        for pk in member_ids[: scale.alliance]
    )
    counts["alliance members"] = min(scale.alliance, len(member_ids))

    open_round = services.round_create_and_open(membership=enabler, title=OPEN_ROUND_TITLE)
    # Half the leaders have voted so far (those with an even index, so the viewer has).
    voters = [
        (m, s) for i, (m, s) in enumerate(zip(leaders, sectors, strict=True)) if i % 2 == 0 and m.archived_at is None
    ]
    counts["open round ballots"] = len(voters)
    counts["open round ballot entries"] = ballots_cast(rng, open_round, voters, scale.max_ranked)

    meetings, meeting_counts = meetings_with_replies(rng, site, enabler, coordinator, adopted.alliance_id)
    counts |= meeting_counts
    by_title = {m.title: m for m in meetings}
    MeetingResponse.objects.update_or_create(
        meeting=by_title[MEETING_TITLE], membership=viewer, defaults={"rsvp": Rsvp.GOING, "waitlisted_at": None}
    )

    activity = [
        ActivityEntry(site=site, actor=enabler.user, action="person-invite", summary=f"Invited {m.user.name}")
        for m in leaders
        if m.invitation_status != InvitationStatus.PENDING
    ]
    ActivityEntry.objects.bulk_create(activity, batch_size=5000)
    counts["activity entries"] = len(activity)
    batch = imports.import_preview(site=site, actor=enabler.user, data=_import_csv(50), filename="newcomers.csv")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a live database has planner statistics; freshly loaded tables have none
    return Seeded(
        site=site,
        enabler=enabler,
        coordinator=coordinator,
        viewer=viewer,
        closed_round=closed_round,
        open_round=open_round,
        meeting=by_title[MEETING_TITLE],
        past_meeting=by_title[PAST_MEETING_TITLE],
        import_batch=batch,
        timings=timings,
        counts=counts,
    )


def seeded_find() -> Seeded:
    """The site an earlier `seed` built (for --reuse), found by the names it gave."""
    site = PilotSite.objects.get(name=SITE_NAME)
    memberships = site.memberships.select_related("user", "site")
    return Seeded(
        site=site,
        enabler=memberships.get(user__email=ENABLER_EMAIL),
        coordinator=memberships.get(user__email=COORDINATOR_EMAIL),
        viewer=memberships.get(user__email=leader_email(VIEWER_INDEX)),
        closed_round=site.voting_rounds.get(title=CLOSED_ROUND_TITLE),
        open_round=site.voting_rounds.get(title=OPEN_ROUND_TITLE),
        meeting=site.meetings.get(title=MEETING_TITLE),
        past_meeting=site.meetings.get(title=PAST_MEETING_TITLE),
        import_batch=ImportBatch.objects.get(site=site, confirmed_at__isnull=True),
    )
