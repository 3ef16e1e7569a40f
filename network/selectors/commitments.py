"""Reads: an alliance's commitments, grouped by agency, and the rows of its export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext

from network.models import Agency, Alliance, Commitment, CommitmentStatus, Membership


@dataclass
class AgencyCommitments:
    """One agency's part of the alliance: its members' commitments, and how many are in each status."""

    agency_name: str
    commitments: list[Commitment] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _commitments(alliance: Alliance) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(member__alliance=alliance)
        .select_related("member__membership__user", "member__membership__agency")
        .prefetch_related(
            Prefetch("with_members", queryset=Membership.objects.select_related("user").order_by("user__name")),
            Prefetch("with_agencies", queryset=Agency.objects.order_by("name")),
        )
        .order_by("member__membership__agency__name", "member__membership__user__name", "created_at", "pk")
    )


def alliance_commitments_by_agency(*, alliance: Alliance) -> list[AgencyCommitments]:
    """Every commitment of the alliance, grouped by its owner's agency, in four queries whatever the numbers."""
    groups: dict[str, AgencyCommitments] = {}
    no_agency = gettext("No agency")
    for commitment in _commitments(alliance):
        agency = commitment.member.membership.agency
        name = agency.name if agency else no_agency
        group = groups.setdefault(name, AgencyCommitments(agency_name=name))
        group.commitments.append(commitment)
        group.counts[commitment.status] = group.counts.get(commitment.status, 0) + 1
    return list(groups.values())


def alliance_status_counts(*, alliance: Alliance) -> dict[str, int]:
    """How many of the alliance's commitments are in each status, every status named."""
    counts = dict.fromkeys(CommitmentStatus.values, 0)
    rows = Commitment.objects.filter(member__alliance=alliance).values("status").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def commitments_of(*, alliance: Alliance, membership: Membership) -> QuerySet[Commitment]:
    return Commitment.objects.filter(member__alliance=alliance, member__membership=membership).order_by("created_at")


ALLIANCE_EXPORT_HEADER = [
    "Leader",
    "Email",
    "Agency",
    "Pledge",
    "Joined",
    "Commitment",
    "By when",
    "With people",
    "With agencies",
    "Status",
    "Why",
]


def alliance_export_rows(*, alliance: Alliance) -> Iterator[list[str]]:
    """One row per commitment, and one per member who has made none yet, with their pledge."""
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
                str(c.get_status_display()),
                c.status_reason,
            ]
