"""Reads of ballots: a leader's own, who is invited when an outcome is adopted, who voted, and ballots to count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext, ngettext

from network.models import Membership
from network.paging import PAGE_SIZE, ListPage, clean_query, page_number
from outcomes.analysis import AgencyData, BallotData, Entry
from outcomes.models import Ballot, BallotRank, CandidateOutcome, Energy, Method, SealedEntry, VotingRound


@dataclass(frozen=True)
class OwnBallot:
    exists: bool
    ranks: dict[int, int]
    points: dict[int, int]
    energy: dict[int, int]


def own_ballot(*, voting_round: VotingRound, voter: Membership) -> OwnBallot:
    """The leader's own ballot in this round: only ever shown to that leader."""
    ballot = Ballot.objects.filter(round=voting_round, voter=voter).prefetch_related("ranks").first()
    if ballot is None:
        return OwnBallot(False, {}, {}, {})
    rows = list(ballot.ranks.all())
    return OwnBallot(
        exists=True,
        ranks={r.outcome_id: r.rank for r in rows if r.rank},
        points={r.outcome_id: r.points for r in rows if r.points},
        energy={r.outcome_id: r.energy for r in rows if r.energy},
    )


def adoption_invitees(*, voting_round: VotingRound, outcome: CandidateOutcome) -> list[Membership]:
    """The leaders still in the site whom adopting the outcome invites to its alliance.

    Those whose ballot said they would commit some energy to it; but a closed secret round keeps no
    link from a person to their ballot, so there it is every leader who voted.
    """
    ballots = Ballot.objects.filter(round=voting_round)
    if not voting_round.is_secret:
        ballots = ballots.filter(ranks__outcome=outcome, ranks__energy__gte=Energy.SOME)
    voter_ids = ballots.values_list("voter_id", flat=True)
    return list(Membership.objects.filter(pk__in=voter_ids, archived_at__isnull=True).select_related("user", "site"))


def invited_to(*, voting_round: VotingRound, voter: Membership, outcomes: Iterable[CandidateOutcome]) -> set[int]:
    """Which of these adopted outcomes' alliances the leader is invited to (as `adoption_invitees` has it)."""
    outcomes = list(outcomes)
    if not outcomes:
        return set()
    if voting_round.is_secret:
        voted = Ballot.objects.filter(round=voting_round, voter=voter).exists()
        return {outcome.pk for outcome in outcomes} if voted else set()
    return set(
        BallotRank.objects.filter(
            ballot__round=voting_round, ballot__voter=voter, outcome__in=outcomes, energy__gte=Energy.SOME
        ).values_list("outcome_id", flat=True)
    )


def ballots_to_count(*, voting_round: VotingRound) -> list[BallotData]:
    """Every ballot of the round as a count reads it: the voter's agency and their entries, never who they are.

    A closed secret round's ballots come from its sealed ballots, whose agency is the group the stored
    analysis shows; any other round's from the ballots as cast.
    """
    if voting_round.is_secret and voting_round.is_closed:
        return _sealed(voting_round)
    agencies = {
        agency.pk: AgencyData(agency.name, agency.get_sector_display()) for agency in voting_round.site.agencies.all()
    }
    # Every ballot first (one with no entries still counts as a leader who took part), then every entry,
    # without joining each of half a million entries to its ballot's voter again for the agency.
    ballots = {
        ballot_id: BallotData(agency=agencies.get(agency_id), entries={})
        for ballot_id, agency_id in voting_round.ballots.order_by("pk").values_list("pk", "voter__agency_id")
    }
    rows = BallotRank.objects.filter(ballot__round=voting_round).values_list(
        "ballot_id", "outcome_id", "rank", "points", "energy"
    )
    make = Entry._make  # from the row's own tuple: a third of the time of Entry(rank=..., ...) for each
    for row in rows.iterator(chunk_size=50_000):
        ballots[row[0]].entries[row[1]] = make(row[2:])
    return list(ballots.values())


def _sealed(voting_round: VotingRound) -> list[BallotData]:
    ballots = {
        pk: BallotData(agency=AgencyData(agency, sector), entries={})
        for pk, agency, sector in voting_round.sealed_ballots.values_list("pk", "agency_group", "sector_group")
    }
    rows = SealedEntry.objects.filter(ballot__round=voting_round).values_list(
        "ballot_id", "outcome_id", "rank", "points", "energy"
    )
    for ballot_id, outcome_id, rank, points, energy in rows.iterator(chunk_size=10_000):
        ballots[ballot_id].entries[outcome_id] = Entry(rank=rank, points=points, energy=energy)
    return list(ballots.values())


@dataclass(frozen=True)
class VoterRow:
    name: str
    agency: str
    #: How they voted, in words, or None when the round does not show it (yet).
    choices: list[str] | None

    @property
    def ballot(self) -> str | None:
        """The choices as the page writes them, "; " between: one string for the template to escape, not one
        per choice (a page of 50 ballots of 50 outcomes escaped 2,500 through the `join` filter)."""
        return None if self.choices is None else "; ".join(self.choices)


def round_voters(
    *, voting_round: VotingRound, candidates: list[CandidateOutcome], query: str = "", page: object = 1
) -> ListPage[VoterRow]:
    """A page of who has voted, searched by name, email or agency; and how, only when the round's
    visibility shows names now.

    Under a secret ballot this reads no ballot entry at all, so nothing here
    can reveal a choice. Only the page's ballots are read, whatever the number of voters.
    """
    query = clean_query(query)
    ballots = Ballot.objects.filter(round=voting_round)
    if query:
        ballots = ballots.filter(
            Q(voter__user__name__icontains=query)
            | Q(voter__user__email__icontains=query)
            | Q(voter__agency__name__icontains=query)
        )
    # Counted apart, not by paging's window: a count over every row of a join sorted by name was 380 ms at
    # 20,000 voters, where the page's fifty by the name index take 2 ms and the count alone 30.
    total = ballots.count()
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(page_number(page), pages)
    start = (number - 1) * PAGE_SIZE
    page_rows = list(
        ballots.select_related("voter__user", "voter__agency").order_by("voter__user__name", "pk")[
            start : start + PAGE_SIZE
        ]
    )
    found = ListPage(rows=page_rows, total=total, number=number, pages=pages, query=query)
    show = voting_round.shows_names
    # The page's entries as plain rows, not model instances: fifty ballots of fifty outcomes are 2,500 of
    # them, and building as many BallotRank objects was most of the page's time.
    entries: dict[int, list[_Entry]] = {ballot.pk: [] for ballot in found.rows} if show else {}
    if entries:
        # Only the entries that say something (`rank or points or energy`, as below), in one query.
        said = Q(rank__gt=0) | Q(points__gt=0) | Q(energy__gt=0)
        rows_read = (
            BallotRank.objects.filter(said, ballot_id__in=list(entries))
            .order_by("pk")
            .values_list("ballot_id", "outcome_id", "rank", "points", "energy")
        )
        for ballot_id, outcome_id, rank, points, energy in rows_read:
            entries[ballot_id].append(_Entry(outcome_id, rank, points, energy))
    describe = _Describer(voting_round, {c.pk: c.statement for c in candidates})
    rows = []
    for ballot in found.rows:
        choices = None
        if show:
            chosen = [e for e in entries[ballot.pk] if e.rank or e.points or e.energy]
            choices = [describe(entry) for entry in sorted(chosen, key=_order)]
        agency = ballot.voter.agency.name if ballot.voter.agency else ""
        rows.append(VoterRow(name=ballot.voter.user.name or ballot.voter.user.email, agency=agency, choices=choices))
    return ListPage(rows=rows, total=found.total, number=found.number, pages=found.pages, query=query)


class _Entry(NamedTuple):
    """A ballot entry as the voters page reads it (see `BallotRank`)."""

    outcome_id: int
    rank: int | None
    points: int | None
    energy: int


def _order(entry: _Entry) -> tuple[int, int]:
    return (entry.rank or 10_000, -(entry.points or 0))


class _Describer:
    """Each voter's choice as one line of the voters page ("1. statement; a lot of energy"), in the page's
    language: the patterns are translated once a page, not once for each of its 2,500 entries."""

    def __init__(self, voting_round: VotingRound, by_id: dict[int, str]) -> None:
        self.by_id = by_id
        self.ranked = voting_round.is_ranked
        self.method = voting_round.method
        self.unranked = gettext("Unranked: %(outcome)s")
        self.approved = gettext("Approved: %(outcome)s")
        self.score = gettext("Score %(score)d: %(outcome)s")
        self.energy = {
            Energy.SOME.value: gettext("%(choice)s; some energy"),
            Energy.A_LOT.value: gettext("%(choice)s; a lot of energy"),
        }
        self._dots: dict[int, str] = {}

    def dots(self, count: int) -> str:
        if count not in self._dots:
            self._dots[count] = ngettext("%(dots)d dot: %(outcome)s", "%(dots)d dots: %(outcome)s", count)
        return self._dots[count]

    def __call__(self, entry: _Entry) -> str:
        outcome = self.by_id.get(entry.outcome_id, "")
        if self.ranked:
            head = f"{entry.rank}. {outcome}" if entry.rank else self.unranked % {"outcome": outcome}
        elif self.method == Method.APPROVAL:
            head = self.approved % {"outcome": outcome} if entry.points else outcome
        elif self.method == Method.DOTS:
            head = self.dots(entry.points or 0) % {"dots": entry.points or 0, "outcome": outcome}
        else:
            head = self.score % {"score": entry.points or 0, "outcome": outcome}
        energy = self.energy.get(entry.energy)
        return energy % {"choice": head} if energy else head
