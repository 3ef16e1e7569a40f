"""The site dashboard: who and what is missing. A fixed number of queries whatever the site's size.

Every count on the page is defined here, once, so that they add up and never contradict each other:
- the invitation counts split the site's leaders by invitation status, each leader in exactly one
  (not invited, being sent, sending failed, invited, accepted), so they sum to `leader_count`;
- "signed in" and "never signed in" split the same leaders in two. Accepting an invitation signs a
  person in, so an accepted leader counts as signed in even where no sign-in time was recorded
  (people marked accepted by an import or the demo): "Accepted 35" never sits beside "Never signed in 37".

Whether someone has voted is read through outcomes.selectors.for_network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from network.models import InvitationStatus, Membership, PilotSite, Sector
from network.roles import LEADERS
from outcomes.selectors import for_network

LIST_LIMIT = 50  # names listed per heading; the count says how many more


class AgencyRow(NamedTuple):
    """An agency as the page lists it: its id (for its link), name and sector (a value of Sector)."""

    pk: int
    name: str
    sector: str


class ListedPerson(NamedTuple):
    """A leader as the page's lists name them: their name and their agency's (empty without one)."""

    name: str
    agency: str


@dataclass
class Dashboard:
    leader_count: int
    agency_count: int
    sectors_without_agency: list[str]
    agencies_without_leader: list[AgencyRow]
    not_invited: int
    sending: int
    invited: int
    accepted: int
    failed: int
    never_signed_in: int
    never_signed_in_people: list[ListedPerson]
    not_invited_people: list[ListedPerson]
    open_round_title: str = ""
    open_round_id: int | None = None
    voted: int = 0
    not_voted_people: list[ListedPerson] = field(default_factory=list)

    @property
    def not_voted(self) -> int:
        return self.leader_count - self.voted

    @property
    def signed_in(self) -> int:
        return self.leader_count - self.never_signed_in

    @property
    def not_invited_or_failed(self) -> int:
        """The people listed under "Not invited yet, or sending failed"."""
        return self.not_invited + self.failed

    @property
    def not_invited_more(self) -> int:
        return max(self.not_invited_or_failed - LIST_LIMIT, 0)

    @property
    def never_signed_in_more(self) -> int:
        return max(self.never_signed_in - LIST_LIMIT, 0)

    @property
    def not_voted_more(self) -> int:
        return max(self.not_voted - LIST_LIMIT, 0)


# Never signed in: no sign-in recorded and not accepted (accepting an invitation signs a person in).
NEVER_SIGNED_IN = Q(user__last_login__isnull=True) & ~Q(invitation_status=InvitationStatus.ACCEPTED)


def dashboard_for_site(*, site: PilotSite) -> Dashboard:
    leaders = site.memberships.filter(archived_at__isnull=True, role__in=LEADERS)
    # Four columns, not a hundred model instances: the page shows no more of an agency. Whether it has a leader, not
    # how many: the agencies of the site's leaders read once (an uncorrelated IN, which PostgreSQL hashes), not a
    # count per agency through a join and grouping of every leader (3 times slower at 20,000), nor an EXISTS per
    # agency (PostgreSQL scanned the memberships for each agency, all of them for an agency with none).
    with_leaders = leaders.filter(agency__isnull=False).values("agency_id")
    has_leader = ExpressionWrapper(Q(pk__in=with_leaders), output_field=BooleanField())
    agencies = list(
        site.agencies.filter(archived_at__isnull=True)
        .annotate(has_leader=has_leader)
        .order_by("name")
        .values_list("pk", "name", "sector", "has_leader")
    )
    present = {sector for _, _, sector, _ in agencies}
    counts = leaders.aggregate(
        total=Count("pk"),
        not_invited=Count("pk", filter=Q(invitation_status=InvitationStatus.PENDING)),
        sending=Count("pk", filter=Q(invitation_status=InvitationStatus.QUEUED)),
        invited=Count("pk", filter=Q(invitation_status=InvitationStatus.SENT)),
        accepted=Count("pk", filter=Q(invitation_status=InvitationStatus.ACCEPTED)),
        failed=Count("pk", filter=Q(invitation_status=InvitationStatus.FAILED)),
        never_signed_in=Count("pk", filter=NEVER_SIGNED_IN),
    )
    # Names only, not three model instances a person: the lists show nothing else. In the order of the index on a
    # site's people (role, the database's copy of the name, pk: see Membership), read until each list has its 50.
    people = leaders.order_by("user_name", "pk").values_list("user__name", "agency__name")
    dashboard = Dashboard(
        leader_count=counts["total"],
        agency_count=len(agencies),
        sectors_without_agency=[str(label) for value, label in Sector.choices if value not in present],
        agencies_without_leader=[AgencyRow(pk, name, sector) for pk, name, sector, led in agencies if not led],
        not_invited=counts["not_invited"],
        sending=counts["sending"],
        invited=counts["invited"],
        accepted=counts["accepted"],
        failed=counts["failed"],
        never_signed_in=counts["never_signed_in"],
        never_signed_in_people=_listed(people.filter(NEVER_SIGNED_IN)),
        not_invited_people=_listed(
            people.filter(invitation_status__in=[InvitationStatus.PENDING, InvitationStatus.FAILED])
        ),
    )
    open_round = for_network.open_round_for_site(site_id=site.pk)
    if open_round is not None:
        # EXISTS rather than IN: PostgreSQL plans it as an anti-join, several times faster here.
        has_voted = for_network.voted_in_round(round_id=open_round.pk)
        dashboard.open_round_title, dashboard.open_round_id = open_round.title, open_round.pk
        dashboard.voted = leaders.filter(has_voted).count()
        dashboard.not_voted_people = _listed(people.filter(~has_voted))
    return dashboard


def _listed(people: QuerySet[Membership, tuple[str, str | None]]) -> list[ListedPerson]:
    return [ListedPerson(name, agency or "") for name, agency in people[:LIST_LIMIT]]
