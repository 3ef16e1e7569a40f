"""Reads of voting rounds: a site's rounds, one round, its candidates and turnout."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Func, JSONField, QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from network.models import PilotSite
from outcomes.models import STILL_CANDIDATE, CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeSummary:
    candidate_count: int
    open_round: VotingRound | None
    latest_closed: VotingRound | None


def site_outcome_summary(*, site: PilotSite) -> OutcomeSummary:
    # Drafts are left out, so any number of them cannot push the open round off the list;
    # only one round is open at a time, and it is the one opened last. The summary shows none of a closed
    # round's stored result, which took 3.6 ms of the site page to decode at 50 outcomes.
    rounds = list(
        site.voting_rounds.exclude(status=VotingRound.Status.DRAFT)
        .select_related("winner")
        .defer("ranking", "pairwise", "result")
        .order_by("-opened_at", "-pk")[:2]
    )
    return OutcomeSummary(
        candidate_count=site.candidate_outcomes.filter(STILL_CANDIDATE).count(),
        open_round=next((r for r in rounds if r.is_open), None),
        latest_closed=next((r for r in rounds if r.is_closed), None),
    )


def rounds_for_site(*, site: PilotSite) -> QuerySet[VotingRound]:
    # A list of rounds reads none of their stored counts: a closed round's result holds a head-to-head of
    # every pair of outcomes (40,000 entries at 200 outcomes), decoded for nothing on every request.
    return (
        site.voting_rounds.select_related("winner")
        .defer("ranking", "pairwise", "result")
        .annotate(ballot_count=Count("ballots"))
    )


#: A stored result without its agencies' support (PostgreSQL's `jsonb - key`), as `result_without_agencies`.
_WITHOUT_AGENCIES = Func(
    F("result"), Value("agencies"), template="(%(expressions)s)", arg_joiner=" - ", output_field=JSONField()
)


def round_get(*, site: PilotSite, round_id: int, with_result: bool = True, agencies: bool = True) -> VotingRound:
    """One round of the site, or 404. `with_result=False` leaves out the stored result's columns, for a page
    that shows none of it: at 200 outcomes the head-to-head counts alone are 40,000 numbers to decode.

    `agencies=False` reads the stored result without each agency's support, for a page that shows none of it
    (`StoredResult.from_round(agencies=False)` reads it so): at 100 agencies that was nine tenths of the bytes
    decoded. The result column itself is left unread, so a save of the round never writes the shortened one.
    """
    rounds = VotingRound.objects.select_related("site", "winner")
    if not with_result:
        rounds = rounds.defer("ranking", "pairwise", "result")
    elif not agencies:
        rounds = rounds.defer("result").annotate(result_without_agencies=_WITHOUT_AGENCIES)
    voting_round = rounds.filter(pk=round_id, site=site).first()
    if voting_round is None:
        raise Http404(_("No such voting round"))
    return voting_round


def round_candidates(*, voting_round: VotingRound) -> list[CandidateOutcome]:
    return list(voting_round.candidates.order_by("pk"))


def round_ballot_candidates(*, voting_round: VotingRound) -> list[CandidateOutcome]:
    """The round's outcomes as the ballot shows them: each one's id and statement, and nothing the ballot
    does not show (at 200 outcomes, building whole outcomes was a fifth of a ballot post's time)."""
    return list(voting_round.candidates.order_by("pk").only("pk", "statement"))


def round_ballot_count(*, voting_round: VotingRound) -> int:
    return voting_round.ballots.count()
