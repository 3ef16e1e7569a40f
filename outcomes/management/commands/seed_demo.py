"""Create a believable demo pilot site, through the same services the app uses.

It lives in outcomes, not network, because it builds both: the site and its people (network's
services) and a closed round with its alliance (outcomes' services); outcomes may import network,
never the other way.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import (
    Agency,
    Alliance,
    AllianceMember,
    Commitment,
    CommitmentCheckIn,
    CommitmentStatus,
    InvitationStatus,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    Membership,
    PilotSite,
    Role,
    Rsvp,
    Sector,
    User,
)
from network.services import map as map_services
from network.services import meetings as meeting_services
from network.services.actions import action_add, action_mark_done, meeting_notes_save
from network.services.checkins import commitment_check_in
from network.services.commitments import commitment_add
from network.services.meetings import attendance_set
from outcomes import services as outcome_services
from outcomes.models import CandidateOutcome, Energy, IndicatorUpdate, VotingRound
from outcomes.services.indicators import indicator_create, indicator_update_add

DEMO_SLUG = "northbrook-together"
DEMO_PASSWORD = "northbrook-demo-2026"  # noqa: S105 - printed for the demo, never used in production

AGENCIES = [
    ("Northbrook City Council", Sector.LOCAL_AUTHORITY),
    ("Northbrook County Council", Sector.LOCAL_AUTHORITY),
    ("Northbrook and District NHS Foundation Trust", Sector.NHS),
    ("Northbrook Primary Care Network", Sector.NHS),
    ("Eastshire Police", Sector.POLICE),
    ("Eastshire Fire and Rescue Service", Sector.FIRE),
    ("Brookside Homes", Sector.HOUSING),
    ("Northbrook College", Sector.EDUCATION),
    ("Northbrook Council for Voluntary Service", Sector.VOLUNTARY),
    ("Riverside Food Bank", Sector.VOLUNTARY),
    ("Northbrook Chamber of Commerce", Sector.BUSINESS),
    ("Northbrook City Councillors", Sector.ELECTED),
]

FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Deepak",
    "Eleanor",
    "Femi",
    "Grace",
    "Harpreet",
    "Isaac",
    "Jade",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Owen",
    "Priya",
    "Rhys",
    "Sofia",
    "Tom",
    "Uzma",
]
LAST = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Walsh",
]
TITLES = [
    "Chief Executive",
    "Director of Public Health",
    "Chief Inspector",
    "Head of Community Safety",
    "Director of Housing",
    "Principal",
    "Service Manager",
    "Cabinet Member for Health",
    "Station Commander",
    "Head of Partnerships",
]

OUTCOMES = [
    (
        "Fewer people in Northbrook die early from preventable illness",
        "Life expectancy in the east of the city is nine years shorter than in the west.",
    ),
    (
        "Every child starts school ready to learn",
        "A third of children arrive without the words or confidence they need.",
    ),
    (
        "No one in Northbrook sleeps rough",
        "Rough sleeping has doubled in three years and every agency meets the same people.",
    ),
    ("People feel safe in the city centre after dark", "Fear of crime keeps people away and closes businesses."),
    (
        "Young people have a good job or training within a year of leaving school",
        "Too many young people drift, and we all meet them later in crisis.",
    ),
    (
        "Older people live independently at home for longer",
        "Hospital beds are full of people who could go home with the right help.",
    ),
]


class Command(BaseCommand):
    help = "Create the Northbrook demo pilot site: a dozen agencies, forty leaders, a closed round, an alliance."

    def handle(self, *args: Any, **options: Any) -> None:
        if not PilotSite.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("Creating the demo pilot site Northbrook Together…")
            # Quiet: the emails the demo sends (and the in-process tasks that send them) would otherwise
            # print a line or a whole message each, burying the sign-in details. Warnings still show.
            logging.disable(logging.INFO)
            try:
                self._seed()
            finally:
                logging.disable(logging.NOTSET)
            self.stdout.write(self.style.SUCCESS("Created the demo pilot site Northbrook Together."))
        else:
            self.stdout.write("The demo pilot site already exists.")
        # The sign-in details come last, so they are what a newcomer sees.
        self.stdout.write(
            f"\nSign in at {settings.SITE_URL}{reverse('login')} with any of these (password for all: "
            f"{DEMO_PASSWORD}):\n"
            "  enabler:     enabler@northbrook.example\n"
            "  coordinator: coordinator@northbrook.example\n"
            "  leader:      leader01@northbrook.example … leader40@northbrook.example\n"
        )
        if not settings.EMAIL_HOST:
            self.stdout.write(f"Email is not sent anywhere: read it at {settings.SITE_URL}{reverse('dev-mail-list')}\n")

    @transaction.atomic
    def _seed(self) -> None:
        rng = random.Random(2026)
        # Hashed once and shared: hashing is slow on purpose, and forty-two hashes took most of the run.
        password_hash = make_password(DEMO_PASSWORD)
        enabler = User.objects.create_user(email="enabler@northbrook.example", name="Ruth Okafor")
        enabler.password = password_hash
        enabler.save(update_fields=["password"])
        site = services.site_create(
            creator=enabler,
            name="Northbrook Together",
            place="Northbrook",
            description="The leaders of Northbrook working as one system on what matters most to its people.",
        )
        enabler_membership = site.memberships.get(user=enabler)
        agencies = [services.agency_create(site=site, name=name, sector=sector) for name, sector in AGENCIES]
        coordinator = services.member_add(
            site=site,
            name="Sam Whitfield",
            email="coordinator@northbrook.example",
            role=Role.COORDINATOR,
            role_title="Partnership Coordinator",
        )
        coordinator.user.password = password_hash
        coordinator.user.save(update_fields=["password"])
        leaders = []
        for i in range(40):
            name = f"{FIRST[i % 20]} {LAST[(i * 7 + i // 20) % 20]}"
            membership = services.member_add(
                site=site,
                name=name,
                email=f"leader{i + 1:02d}@northbrook.example",
                agency=agencies[i % len(agencies)],
                role_title=rng.choice(TITLES),
            )
            membership.user.password = password_hash
            membership.user.save(update_fields=["password"])
            leaders.append(membership)
        outcomes = [
            outcome_services.outcome_propose(membership=leaders[i * 5], statement=statement, why_it_matters=why)
            for i, (statement, why) in enumerate(OUTCOMES)
        ]
        voting_round = outcome_services.round_create_and_open(
            membership=enabler_membership, title="What really matters to Northbrook?"
        )
        # Rough sleeping is most leaders' first or second choice; the rest vary.
        weights = [3, 2, 6, 2, 3, 3]
        for leader in leaders[:36]:
            order = sorted(outcomes, key=lambda o: -weights[outcomes.index(o)] * rng.random())
            ranked = order[: rng.randint(3, len(order))]
            outcome_services.ballot_submit(
                voting_round=voting_round,
                voter=leader,
                ranks={o.pk: n + 1 for n, o in enumerate(ranked)},
                # Most leaders would put a lot of energy into their first choice and some into their second.
                energy={ranked[0].pk: Energy.A_LOT, ranked[1].pk: rng.choice([Energy.SOME, Energy.NONE])},
            )
        voting_round = outcome_services.round_close(voting_round=voting_round, membership=enabler_membership)
        if voting_round.winner_id is None:
            raise CommandError("The demo round named no outcome; the demo data needs more support for one.")
        outcome_services.outcome_adopt(
            voting_round=voting_round, outcome_id=voting_round.winner_id, membership=enabler_membership
        )
        pledges = [
            "Two outreach workers' time each week",
            "Data from our housing register",
            "A venue for the hub",
            "My own time on Fridays",
            "Funding for a pilot",
            "",
        ]
        # The living map's story: the Chamber of Commerce (business, the only agency of its sector) and the
        # food bank stay out of the alliance, so business is the sector with no tie to the rest.
        apart = {agencies[9].pk, agencies[10].pk}
        members = [
            outcome_services.outcome_commit(voting_round=voting_round, membership=leader, pledge=rng.choice(pledges))
            for leader in [leader for leader in leaders if leader.agency_id not in apart][:18]
        ]
        meeting = services.meeting_create(
            alliance=members[0].alliance,
            created_by=coordinator,
            title="First alliance meeting",
            starts_at=timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=14),
            place="Northbrook Central Library, Room 2",
            online_link="https://meet.example.org/northbrook-alliance",
            agenda="1. Why we are here\n2. What each of us brings\n3. First ninety days",
        )
        for member in members[:10]:
            services.meeting_respond(
                meeting=meeting, membership=member.membership, rsvp=rng.choice([Rsvp.GOING, Rsvp.GOING, Rsvp.MAYBE])
            )
        # Most leaders have accepted their invitations; the last five are still to be invited,
        # so the Invitations page has work to show and the open session does not reach them.
        for leader in leaders[:35]:
            leader.invitation_status = InvitationStatus.ACCEPTED
        Membership.objects.bulk_update(leaders[:35], ["invitation_status"])
        town_hall = services.meeting_create(
            alliance=None,
            created_by=coordinator,
            title="Open session for everyone in the pilot",
            starts_at=timezone.now().replace(hour=18, minute=30, second=0, microsecond=0) + dt.timedelta(days=21),
            ends_at=timezone.now().replace(hour=20, minute=0, second=0, microsecond=0) + dt.timedelta(days=21),
            place="Northbrook Town Hall",
            agenda="What the alliance has heard so far, and who else needs to be in the room.",
            capacity=30,
        )
        for leader in leaders[18:30]:
            services.meeting_respond(meeting=town_hall, membership=leader, rsvp=Rsvp.GOING)
        _working_year(
            rng=rng,
            outcome=CandidateOutcome.objects.get(pk=voting_round.winner_id),
            voting_round=voting_round,
            members=members,
            enabler=enabler_membership,
            coordinator=coordinator,
        )
        self._seed_map(site=site, agencies=agencies, leaders=leaders, coordinator=coordinator)

    def _seed_map(
        self, *, site: PilotSite, agencies: list[Agency], leaders: list[Membership], coordinator: Membership
    ) -> None:
        """Past meetings for the living map: a roundtable where one CVS leader alone links the food bank to the
        rest (the broker), and a fire safety meeting long ago whose ties have faded (going quiet). Then a map
        from a quarter ago and one from today, so the map page has a change to show."""
        now = timezone.now()
        by_agency = {a.pk: [m for m in leaders if m.agency_id == a.pk] for a in agencies}
        cvs, food_bank, fire, housing = agencies[8], agencies[9], agencies[5], agencies[6]
        roundtable = services.meeting_create(
            alliance=None,
            created_by=coordinator,
            title="Food poverty roundtable",
            starts_at=now - dt.timedelta(days=30),
            place="Riverside Food Bank",
        )
        for member in [by_agency[cvs.pk][0], *by_agency[food_bank.pk]]:
            meeting_services.attendance_set(
                meeting=roundtable, membership=member, present=True, recorded_by=coordinator
            )
        fire_safety = services.meeting_create(
            alliance=None,
            created_by=coordinator,
            title="Fire safety in tower blocks",
            starts_at=now - dt.timedelta(days=200),
            place="Brookside Homes",
        )
        for member in [*by_agency[fire.pk], *by_agency[housing.pk][:1]]:
            meeting_services.attendance_set(
                meeting=fire_safety, membership=member, present=True, recorded_by=coordinator
            )
        map_services.map_snapshot_make(site=site, now=now - dt.timedelta(days=91))
        map_services.map_snapshot_make(site=site, now=now)


# --- A year of working life (issue 12) ---------------------------------------------------------------
# Everything is made through the services, as the app makes it; only the timestamps the services set
# to "now" are then moved back, so the demo opens on an alliance a year into its work.

YEAR = dt.timedelta(days=365)
COMMITMENTS = [
    "Share our weekly list of people at risk of eviction with the outreach team",
    "Fund a second outreach worker for the night shift",
    "Open a direct line from the hospital discharge team to housing",
    "Hold three beds for people leaving custody",
    "Train our front desk to ask one question about housing",
    "Bring the food bank's data into the monthly review",
    "Give the hub a room two days a week",
    "Have a named officer at every case conference",
]
CHANGED = ["Now monthly, as weekly was too much for the team", "Moved to the new hub instead", "Shared with the NHS"]
DROPPED = [
    "The council's new triage team does this better; we support them instead",
    "Funding ended in March; what we learnt is in the review",
]
ACTIONS = [
    "Map every hostel bed and who can refer to it",
    "Draft the data-sharing agreement",
    "Invite the prison's resettlement lead",
    "Write to the landlords' forum",
    "Bring the street count figures",
    "Book the hub's opening day",
]


def _back(model: type, pk: int, **fields: dt.datetime | dt.date) -> None:
    model.objects.filter(pk=pk).update(**fields)  # type: ignore[attr-defined]


def _working_year(
    *,
    rng: random.Random,
    outcome: CandidateOutcome,
    voting_round: VotingRound,
    members: list[AllianceMember],
    enabler: Membership,
    coordinator: Membership,
) -> None:
    now = timezone.now()
    start = now - YEAR
    alliance = members[0].alliance
    # The vote and the alliance, a year ago.
    CandidateOutcome.objects.filter(site=outcome.site).update(created_at=start - dt.timedelta(days=40))
    VotingRound.objects.filter(pk=voting_round.pk).update(
        created_at=start - dt.timedelta(days=21), opened_at=start - dt.timedelta(days=21), closed_at=start
    )
    CandidateOutcome.objects.filter(pk=outcome.pk).update(adopted_at=start)
    Alliance.objects.filter(pk=alliance.pk).update(created_at=start)
    for i, member in enumerate(members):
        _back(AllianceMember, member.pk, joined_at=start + dt.timedelta(days=1 + i % 10))
    _year_meetings(rng=rng, alliance=alliance, members=members, coordinator=coordinator, start=start, now=now)
    _year_commitments(rng=rng, alliance=alliance, members=members, start=start, now=now)
    _year_measure(rng=rng, outcome=outcome, enabler=enabler, start=start, now=now)


def _year_meetings(
    *,
    rng: random.Random,
    alliance: Alliance,
    members: list[AllianceMember],
    coordinator: Membership,
    start: dt.datetime,
    now: dt.datetime,
) -> None:
    """Monthly meetings: who came, notes, decisions and actions."""
    for month in range(11):
        held = (start + dt.timedelta(days=20 + 30 * month)).replace(hour=10, minute=0, second=0, microsecond=0)
        meeting = services.meeting_create(
            alliance=alliance,
            created_by=coordinator,
            title=f"Alliance meeting {month + 1}",
            starts_at=now + dt.timedelta(days=1),
            place="Northbrook Central Library, Room 2",
        )
        _back(Meeting, meeting.pk, starts_at=held, created_at=held - dt.timedelta(days=14))
        meeting.starts_at = held
        # In the second half of the year the fire service stops coming: the living map shows it going quiet.
        pool = [m for m in members if month < 5 or getattr(m.membership.agency, "sector", None) != Sector.FIRE]
        for member in rng.sample(pool, min(len(pool), rng.randint(8, 14))):
            attendance_set(meeting=meeting, membership=member.membership, present=True, recorded_by=coordinator)
        MeetingAttendance.objects.filter(meeting=meeting).update(recorded_at=held)
        meeting_notes_save(
            meeting=meeting,
            membership=coordinator,
            notes="Good discussion of what the street count is telling us.",
            decisions="Keep the hub open on Fridays; review the referral route next month.",
        )
        for description in rng.sample(ACTIONS, 2):
            action = action_add(
                meeting=meeting,
                membership=coordinator,
                description=description,
                owner=rng.choice(members).membership,
                due_on=(held + dt.timedelta(days=21)).date(),
            )
            _back(MeetingAction, action.pk, created_at=held)
            if month < 9 or rng.random() < 0.3:  # the last months' actions are partly still open, some overdue
                action_mark_done(
                    action=action, membership=action.owner, now=held + dt.timedelta(days=rng.randint(3, 25))
                )


def _year_commitments(
    *, rng: random.Random, alliance: Alliance, members: list[AllianceMember], start: dt.datetime, now: dt.datetime
) -> None:
    """Commitments, with a check-in every four weeks or so; a few done, two dropped with a reason."""
    for i, member in enumerate(members):
        made = start + dt.timedelta(days=7 + i)
        commitment = commitment_add(
            alliance=alliance,
            membership=member.membership,
            action=COMMITMENTS[i % len(COMMITMENTS)],
            due_on=(now + dt.timedelta(days=60 + 10 * i)).date(),
            with_members=[members[(i + 1) % len(members)].membership],
            now=now,
        )
        _back(Commitment, commitment.pk, created_at=made, checked_in_at=made)
        fate = "dropped" if i in (4, 11) else "done" if i % 5 == 0 else "on"
        weeks = 28 if i % 3 == 0 else 48  # a third of owners are due a check-in now
        for n, when in enumerate(made + dt.timedelta(weeks=w) for w in range(4, weeks + 1, 4)):
            last = when + dt.timedelta(weeks=4) > made + dt.timedelta(weeks=weeks)
            status, reason = CommitmentStatus.ON_TRACK, ""
            if n == 2 and i % 4 == 1:
                status, reason = CommitmentStatus.CHANGED, rng.choice(CHANGED)
            if last and fate == "dropped":
                status, reason = CommitmentStatus.DROPPED, DROPPED[i % 2]
            elif last and fate == "done":
                status = CommitmentStatus.DONE
            checkin = commitment_check_in(
                commitment=commitment, membership=member.membership, status=status, reason=reason, now=when
            )
            _back(CommitmentCheckIn, checkin.pk, created_at=when)
            if status in (CommitmentStatus.DONE, CommitmentStatus.DROPPED):
                break


def _year_measure(
    *, rng: random.Random, outcome: CandidateOutcome, enabler: Membership, start: dt.datetime, now: dt.datetime
) -> None:
    """The measure: a weekly street count, and the curve slowly turning."""
    count = indicator_create(
        outcome=outcome,
        membership=enabler,
        name="People sleeping rough on a typical night",
        unit="people",
        source="Northbrook City Council street count",
        direction="down",
        baseline_value=Decimal(46),
        baseline_on=start.date(),
        target_value=Decimal(15),
        target_on=(now + YEAR).date(),
    )
    notes = {
        8: "Outreach began on Friday nights.",
        20: "The hub opened; several people moved straight into beds.",
        30: "Cold snap: the emergency shelter filled.",
        44: "Hospital discharge line started.",
    }
    for week in range(1, 52):
        value = 46 - week * 0.45 + rng.uniform(-3, 3) + (6 if week == 30 else 0)
        indicator_update_add(
            indicator=count,
            membership=enabler,
            measured_on=(start + dt.timedelta(weeks=week)).date(),
            value=Decimal(round(value)),
            note=notes.get(week, ""),
            value_checked=True,
        )
    IndicatorUpdate.objects.filter(indicator=count).update(created_at=now)
