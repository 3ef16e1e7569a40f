"""Reads: an alliance's commitments, grouped by agency, and the rows of its export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from network.models import Agency, Alliance, AllianceMember, Commitment, CommitmentStatus, Membership

_STATUSES = tuple(CommitmentStatus.values)  # read once: `.values` builds its list on every call


@dataclass
class AgencyCommitments:
    """One agency's part of the alliance: how many of its leaders are members, and their commitments by status."""

    agency_id: int | None
    agency_name: str
    counts: dict[str, int] = field(default_factory=dict)
    members: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def numbers(self) -> tuple[int, ...]:
        """Its members, its commitments, then how many are in each status: the alliance page's columns, in order."""
        return (self.members, self.total, *(self.counts.get(status, 0) for status in _STATUSES))


def alliance_agencies(*, alliance: Alliance) -> list[AgencyCommitments]:
    """Each agency with members in the alliance, by name, with its members and commitments counted: one query.

    Members are joined to their commitments, so a member is counted once (DISTINCT) and a commitment once
    (each is one member's)."""
    no_agency = gettext("No agency")
    by_status = {status: Count("commitments", filter=Q(commitments__status=status)) for status in _STATUSES}
    rows = (
        alliance.members.values("membership__agency", "membership__agency__name")
        .annotate(n=Count("pk", distinct=True), **by_status)
        .order_by("membership__agency__name")
    )
    return [
        AgencyCommitments(
            agency_id=row["membership__agency"],
            agency_name=row["membership__agency__name"] or no_agency,
            members=row["n"],
            counts={status: row[status] for status in _STATUSES if row[status]},
        )
        for row in rows
    ]


def agency_members(*, alliance: Alliance, agency_id: int | None) -> QuerySet[AllianceMember]:
    of_agency = Q(membership__agency__isnull=True) if agency_id is None else Q(membership__agency_id=agency_id)
    return alliance.members.filter(of_agency).select_related("membership__user").order_by("membership__user__name")


def agency_commitments(*, alliance: Alliance, agency_id: int | None) -> list[Commitment]:
    """The commitments of one agency's members, by member then age, with whom each is made: three queries."""
    of_agency = (
        Q(member__membership__agency__isnull=True) if agency_id is None else Q(member__membership__agency_id=agency_id)
    )
    return list(
        Commitment.objects.filter(of_agency, member__alliance=alliance)
        .select_related("member__membership__user")
        .prefetch_related(
            Prefetch("with_members", queryset=Membership.objects.select_related("user").order_by("user__name")),
            Prefetch("with_agencies", queryset=Agency.objects.order_by("name")),
        )
        .order_by("member__membership__user__name", "created_at", "pk")
    )


def status_totals(agencies: list[AgencyCommitments]) -> dict[str, int]:
    """How many of the alliance's commitments are in each status, every status named: from the agencies' counts."""
    totals = dict.fromkeys(CommitmentStatus.values, 0)
    for group in agencies:
        for status, n in group.counts.items():
            totals[status] += n
    return totals


def commitments_of(*, alliance: Alliance, membership: Membership) -> QuerySet[Commitment]:
    return Commitment.objects.filter(member__alliance=alliance, member__membership=membership).order_by("created_at")


def alliance_export_header() -> list[str]:
    """The export's column headers, in the reader's language (the active one)."""
    return [
        gettext("Leader"),
        gettext("Email"),
        gettext("Agency"),
        gettext("Pledge"),
        gettext("Joined"),
        gettext("Commitment"),
        gettext("By when"),
        gettext("With people"),
        gettext("With agencies"),
        gettext("Status"),
        gettext("Why"),
    ]


def alliance_export_rows(*, alliance: Alliance) -> Iterator[list[str]]:
    """One row per commitment, and one per member who has made none yet, with their pledge.

    The status names are read now, in the reader's language: the rows are streamed after the view returns."""
    statuses = {value: str(label) for value, label in CommitmentStatus.choices}
    return _alliance_rows(alliance, statuses)


def _alliance_rows(alliance: Alliance, statuses: dict[str, str]) -> Iterator[list[str]]:
    members = (
        alliance.members.select_related("membership__user", "membership__agency")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.prefetch_related(
                    Prefetch("with_members", queryset=Membership.objects.select_related("user")), "with_agencies"
                ).order_by("created_at", "pk"),
            )
        )
        .order_by("membership__user__name")
    )
    for member in members:
        person = member.membership
        head = [
            person.user.name,
            person.user.email,
            person.agency.name if person.agency else "",
            member.pledge,
            member.joined_at.date().isoformat(),
        ]
        commitments = list(member.commitments.all())
        if not commitments:
            yield [*head, "", "", "", "", "", ""]
        for c in commitments:
            yield [
                *head,
                c.action,
                c.due_on.isoformat(),
                "; ".join(p.user.name for p in c.with_members.all()),
                "; ".join(a.name for a in c.with_agencies.all()),
                statuses.get(c.status, c.status),
                c.status_reason,
            ]
