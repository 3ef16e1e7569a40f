"""The site overview's prompts: what a leader should do next ("Vote now", "Join the alliance"), and, for an
enabler, the getting-started checklist of a new site, each step ticked from the data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Alliance, Membership, PilotSite
from network.roles import LEADERS, can_manage_people, is_leader
from outcomes.selectors import for_network


@dataclass(frozen=True)
class SetupStep:
    label: str | Promise
    url_name: str  # a URL name taking the site's slug
    done: bool


@dataclass(frozen=True)
class SiteOverview:
    vote_in: for_network.OpenRound | None  # the open round, when this leader has not voted in it
    join_from_round: int | None  # the round whose result page holds the join form, when this leader is not in
    checklist: list[SetupStep] | None  # for an enabler, until every step is done

    @property
    def checklist_done(self) -> int:
        return sum(step.done for step in self.checklist or [])


def site_overview(
    *, membership: Membership, outcomes: for_network.SiteOutcomes, alliance: Alliance | None, in_alliance: bool
) -> SiteOverview:
    """A leader: at most two queries; an enabler: two. `in_alliance`: whether the person is a member of `alliance`
    (read with it: network.selectors.alliances.alliance_current_for)."""
    vote_in = join_from = None
    if is_leader(membership):
        opened = outcomes.open_round
        if opened is not None and not for_network.has_voted(round_id=opened.pk, membership_id=membership.pk):
            vote_in = opened
        if alliance is not None and not in_alliance:
            join_from = for_network.adopting_round(alliance_id=alliance.pk)
    checklist = _checklist(site=membership.site) if can_manage_people(membership) else None
    if checklist is not None and all(step.done for step in checklist):
        checklist = None
    return SiteOverview(vote_in=vote_in, join_from_round=join_from, checklist=checklist)


def _checklist(*, site: PilotSite) -> list[SetupStep]:
    people = Membership.objects.filter(site_id=OuterRef("pk"), archived_at__isnull=True)
    agencies, leaders, invited = (
        PilotSite.objects.filter(pk=site.pk)
        .annotate(
            has_agencies=Exists(Agency.objects.filter(site_id=OuterRef("pk"), archived_at__isnull=True)),
            has_leaders=Exists(people.filter(role__in=LEADERS)),
            has_invited=Exists(people.filter(invited_at__isnull=False)),
        )
        .values_list("has_agencies", "has_leaders", "has_invited")
        .get()
    )
    voting = for_network.voting_started(site=site)
    return [
        SetupStep(_("Add the agencies taking part"), "network:site-people", bool(agencies)),
        SetupStep(_("Add the leaders"), "network:site-people", bool(leaders)),
        SetupStep(_("Send the invitations"), "network:site-invitations", bool(invited)),
        SetupStep(_("Propose the first outcome"), "outcomes:outcome-list", voting.outcome_proposed),
        SetupStep(_("Open a voting round"), "outcomes:round-create", voting.round_opened),
    ]
