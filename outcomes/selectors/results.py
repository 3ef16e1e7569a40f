"""The result of a closed round, shaped for the result page, its chart, table and CSV.

Everything comes from what the round stored when it closed (`VotingRound.result`),
so the page costs the same few queries however many leaders voted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from network.models import AllianceMember, Membership
from outcomes import analysis
from outcomes.access import can_vote
from outcomes.models import CandidateOutcome, Method, VotingRound
from outcomes.result_schema import EnergyCounts, IrvRoundRecord, Pairwise, StoredResult, Tie, TieKind
from outcomes.selectors.ballots import ballots_to_count, invited_to
from outcomes.selectors.rounds import round_candidates
from outcomes.tally import SCORE_MAX, SCORE_MIN, IrvReason

FIGURE_LABEL = {
    Method.SCHULZE: _("Head-to-head wins"),
    Method.INSTANT_RUNOFF: _("Votes in the last round it took part in"),
    Method.SCORE: _("Total score"),
    Method.DOTS: _("Dots"),
    Method.APPROVAL: _("Approvals"),
}

METHOD_EXPLAINED = {
    Method.SCHULZE: _(
        "They were counted by the Schulze method, which finds the outcome preferred to each other one when "
        "they are compared in pairs."
    ),
    Method.INSTANT_RUNOFF: _(
        "They were counted by instant runoff: each round the outcome with the fewest first choices is eliminated "
        "and its ballots pass to their next choice, until one outcome has more than half."
    ),
    Method.SCORE: format_lazy(
        _("They were counted by adding up every leader's score from {low} to {high}."), low=SCORE_MIN, high=SCORE_MAX
    ),
    Method.DOTS: _("They were counted by adding up the dots each leader placed."),
    Method.APPROVAL: _("They were counted by adding up the leaders who approved each outcome."),
}


@dataclass(frozen=True)
class RankedOutcome:
    position: int
    outcome: CandidateOutcome
    tied: bool
    figure: int
    supporters: int
    energy_some: int
    energy_a_lot: int

    @property
    def energy(self) -> int:
        return self.energy_some + self.energy_a_lot


@dataclass(frozen=True)
class PairwiseRow:
    outcome: CandidateOutcome
    #: (opponent, votes for this outcome over the opponent, votes the other way), None on the diagonal
    cells: list[tuple[CandidateOutcome, int, int] | None]

    @property
    def cells_html(self) -> SafeString:
        """The row's cells as HTML: with fifty outcomes, 2,500 cells through the template engine cost ~40 ms."""
        pattern = gettext("%(for)d to %(against)d")
        return mark_safe(  # noqa: S308 -- numbers, and a translator's pattern escaped
            "".join(
                "<td>—</td>" if c is None else f"<td>{escape(pattern % {'for': c[1], 'against': c[2]})}</td>"
                for c in self.cells
            )
        )


@dataclass(frozen=True)
class IrvRoundView:
    number: int
    counts: list[tuple[CandidateOutcome, int]]
    continuing: int
    exhausted: int
    set_aside: int
    majority: int
    explanation: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclass(frozen=True)
class RoundResult:
    method: str
    method_explained: str
    figure_label: str
    support_rule: str
    ranking: list[RankedOutcome]
    #: the head-to-head table of the top PAIRWISE_SHOWN outcomes; `pairwise_total` outcomes are in the download
    pairwise: list[PairwiseRow]
    irv_rounds: list[IrvRoundView]
    winner: CandidateOutcome | None
    tied_at_top: list[CandidateOutcome]
    tie_explanation: str
    ballot_count: int
    verdict: analysis.Verdict | None
    bars: list[Bar]
    chart_height: int
    pairwise_total: int = 0

    # The ranking and the table of figures as HTML built here: a row through the template engine for each of
    # 200 outcomes, twice over, was most of the result page's time.
    @property
    def ranking_html(self) -> SafeString:
        tag = f' <span class="tag">{escape(gettext("tied"))}</span>'
        return mark_safe(  # noqa: S308 -- numbers, statements escaped, a translator's word escaped
            "".join(
                f'<li value="{e.position:d}">{escape(e.outcome.statement)}{tag if e.tied else ""}</li>'
                for e in self.ranking
            )
        )

    @property
    def figures_html(self) -> SafeString:
        tied = gettext("%(position)s (tied)")
        return mark_safe(  # noqa: S308 -- numbers, statements escaped, a translator's pattern escaped
            "".join(
                f"<tr><td>{escape(tied % {'position': e.position}) if e.tied else e.position}</td>"
                f'<th scope="row">{escape(e.outcome.statement)}</th><td>{e.figure:d}</td><td>{e.supporters:d}</td>'
                f"<td>{e.energy_some:d}</td><td>{e.energy_a_lot:d}</td></tr>\n"
                for e in self.ranking
            )
        )

    @property
    def bars_cut(self) -> bool:
        """The chart draws the top BARS_SHOWN outcomes; the table beside it has every one."""
        return len(self.ranking) > len(self.bars)

    @property
    def pairwise_cut(self) -> bool:
        """The page shows the top of the head-to-head table; the rest is in the CSV download."""
        return self.pairwise_total > len(self.pairwise)


def _names(outcomes: list[CandidateOutcome]) -> str:
    """“A”, “B” and “C”."""
    quoted = [gettext("“%(statement)s”") % {"statement": o.statement} for o in outcomes]
    if len(quoted) <= 1:
        return "".join(quoted)
    return gettext("%(some)s and %(last)s") % {"some": ", ".join(quoted[:-1]), "last": quoted[-1]}


def _figures(stored: StoredResult, ids: list[int]) -> dict[int, int]:
    count = stored.count
    if count.totals is not None:
        return count.totals
    if stored.method == Method.INSTANT_RUNOFF:
        last: dict[int, int] = {}
        for r in count.irv:
            last.update(r.counts)
        return {i: last.get(i, 0) for i in ids}
    if count.pairwise is None:
        return {}
    # Head-to-head wins: every pair of outcomes compared, as an array (200 outcomes: 40,000 pairs a request).
    matrix = np.array(count.pairwise.counts, dtype=np.int64).reshape(len(count.pairwise.candidates), -1)
    wins = (matrix > matrix.T).sum(axis=1).tolist()
    return dict(zip(count.pairwise.candidates, wins, strict=True))


def _irv_explanation(r: IrvRoundRecord, by_id: dict[int, CandidateOutcome]) -> str:
    """What happened in one round of an instant-runoff count, in a sentence or two."""
    eliminated = _names([by_id[i] for i in r.eliminated])
    tied = _names([by_id[i] for i in r.tied])
    if r.reason == IrvReason.MAJORITY:
        leader, votes = max(r.counts.items(), key=lambda kv: kv[1])
        return ngettext(
            "%(name)s has %(votes)d vote, more than half of %(continuing)d: it wins.",
            "%(name)s has %(votes)d votes, more than half of %(continuing)d: it wins.",
            votes,
        ) % {"name": _names([by_id[leader]]), "votes": votes, "continuing": r.continuing}
    if r.reason == IrvReason.LAST_REMAINING:
        return gettext("Only one outcome remains: it wins.")
    if r.reason == IrvReason.FEWEST_VOTES:
        return gettext("No outcome has more than half. %(name)s has the fewest votes and is eliminated.") % {
            "name": eliminated
        }
    if r.reason == IrvReason.CANNOT_CATCH_UP:
        return gettext(
            "%(tied)s tie for fewest votes. Together with any just above them they could not catch up with anyone "
            "else, so %(eliminated)s are eliminated together: the order would make no difference."
        ) % {"tied": tied, "eliminated": eliminated}
    if r.reason == IrvReason.ORDER_IRRELEVANT and len(r.eliminated) > 1:  # counted before one at a time
        return gettext(
            "%(tied)s tie for fewest votes. Every order of eliminating them leads to the same winner, "
            "so they are eliminated together."
        ) % {"tied": tied}
    if r.reason == IrvReason.ORDER_IRRELEVANT:
        return gettext(
            "%(tied)s tie for fewest votes. Every order of eliminating them one at a time leads to the same "
            "winner, so the order makes no difference: %(eliminated)s is eliminated first."
        ) % {"tied": tied, "eliminated": eliminated}
    return gettext(
        "%(tied)s tie for fewest votes, and which is eliminated first would decide the winner. "
        "The count stops here: the tie is not broken by chance."
    ) % {"tied": tied}


def _tie_explanation(tie: Tie, by_id: dict[int, CandidateOutcome]) -> str:
    """Why no single outcome came first, and what might decide it."""
    tied = _names([by_id[i] for i in tie.ids if i in by_id])
    if tie.kind == TieKind.SCHULZE:
        return gettext(
            "No single outcome came first: %(tied)s are tied, each preferred to the other by as many leaders "
            "along the strongest chain of head-to-head wins. Another round between them could decide."
        ) % {"tied": tied}
    if tie.kind == TieKind.IRV:
        could = [by_id[i] for i in tie.could_win if i in by_id]
        if could:
            return gettext(
                "No single outcome came first: %(tied)s are tied for fewest votes in the last round counted, and "
                "which is eliminated first decides the winner. Depending on that order, %(could)s could win. "
                "Another round between them could decide."
            ) % {"tied": tied, "could": _names(could)}
        return gettext(
            "No single outcome came first: %(tied)s are tied for fewest votes in the last round counted, and "
            "which is eliminated first decides the winner. Another round between them could decide."
        ) % {"tied": tied}
    return gettext(
        "No single outcome came first: %(tied)s are tied with the same total. Another round between them could decide."
    ) % {"tied": tied}


def _ranking(stored: StoredResult, by_id: dict[int, CandidateOutcome]) -> list[RankedOutcome]:
    figures = _figures(stored, sorted(by_id))
    energy, supporters = stored.support.energy, stored.support.supporters
    ranking: list[RankedOutcome] = []
    position = 1
    for tier in stored.count.tiers:
        for outcome_id in tier:
            if outcome_id not in by_id:
                continue
            e = energy.get(outcome_id, EnergyCounts())
            ranking.append(
                RankedOutcome(
                    position=position,
                    outcome=by_id[outcome_id],
                    tied=len(tier) > 1,
                    figure=figures.get(outcome_id, 0),
                    supporters=supporters.get(outcome_id, 0),
                    energy_some=e.some,
                    energy_a_lot=e.a_lot,
                )
            )
        position += len(tier)
    return ranking


#: Outcomes drawn as bars on the result page (the top of the result): the table of figures beside the chart
#: has every outcome, so 200 outcomes are not drawn as well as listed twice.
BARS_SHOWN = 20

#: Head-to-head rows and columns shown on the result page: a table a reader can take in, whatever the
#: number of outcomes (the whole table grows with their square: 200 outcomes made a 1 MB page).
PAIRWISE_SHOWN = 10


def _pairwise(pairwise: Pairwise | None, order: list[int], by_id: dict[int, CandidateOutcome]) -> list[PairwiseRow]:
    """The head-to-head table, rows and columns in result order (pass `order` cut to what is shown)."""
    if pairwise is None:
        return []
    counts = pairwise.counts
    index = {outcome_id: i for i, outcome_id in enumerate(pairwise.candidates)}
    rows = []
    for row_id in order:
        cells: list[tuple[CandidateOutcome, int, int] | None] = []
        for col_id in order:
            if row_id == col_id:
                cells.append(None)
            else:
                i, j = index[row_id], index[col_id]
                cells.append((by_id[col_id], counts[i][j], counts[j][i]))
        rows.append(PairwiseRow(outcome=by_id[row_id], cells=cells))
    return rows


def _irv_rounds(stored: StoredResult, by_id: dict[int, CandidateOutcome]) -> list[IrvRoundView]:
    return [
        IrvRoundView(
            number=n,
            counts=sorted(((by_id[k], v) for k, v in r.counts.items() if k in by_id), key=lambda cv: -cv[1]),
            continuing=r.continuing,
            exhausted=r.exhausted,
            set_aside=r.set_aside,
            majority=r.majority,
            explanation=_irv_explanation(r, by_id),
        )
        for n, r in enumerate(stored.count.irv, start=1)
    ]


def _verdict(voting_round: VotingRound, stored: StoredResult, winner: CandidateOutcome) -> analysis.Verdict:
    return analysis.what_really_matters(
        outcome_id=winner.pk,
        sectors=stored.support.sectors,
        site_sectors=stored.support.site_sectors,
        energy=stored.support.energy.get(winner.pk, EnergyCounts()).given,
        min_sectors=voting_round.min_sectors,
        min_energy=voting_round.min_energy,
    )


def round_result(
    *,
    voting_round: VotingRound,
    candidates: list[CandidateOutcome] | None = None,
    stored: StoredResult | None = None,
) -> RoundResult:
    """The stored result of a closed round, in a shape the result page can show (`stored`: already read)."""
    if stored is None:
        stored = StoredResult.from_round(voting_round, agencies=False)  # the result shows no agency's figures
    if candidates is None:
        candidates = list(voting_round.candidates.all())
    by_id = {outcome.pk: outcome for outcome in candidates}
    ranking = _ranking(stored, by_id)
    shown = [entry.outcome.pk for entry in ranking][:PAIRWISE_SHOWN]
    pairwise = _pairwise(stored.count.pairwise, shown, by_id)
    winner = by_id.get(stored.count.winner) if stored.count.winner is not None else None
    tie = stored.count.tie
    top = max((r.figure for r in ranking), default=0) or 1
    bars = [
        Bar(label=r.outcome.statement, value=r.figure, y=i * 28, width=round(100 * r.figure / top, 1))
        for i, r in enumerate(ranking[:BARS_SHOWN])
    ]
    method = Method(voting_round.method)
    return RoundResult(
        method=voting_round.method,
        method_explained=str(METHOD_EXPLAINED[method]),
        figure_label=str(FIGURE_LABEL[method]),
        support_rule=str(analysis.SUPPORT_RULE[method]),
        ranking=ranking,
        pairwise=pairwise if method == Method.SCHULZE else [],
        irv_rounds=_irv_rounds(stored, by_id),
        winner=winner,
        tied_at_top=[by_id[i] for i in tie.ids if i in by_id] if tie else [],
        tie_explanation=_tie_explanation(tie, by_id) if tie else "",
        ballot_count=stored.ballot_count,
        verdict=_verdict(voting_round, stored, winner) if winner is not None else None,
        bars=bars,
        chart_height=max(28, len(bars) * 28),
        pairwise_total=len(ranking) if pairwise and method == Method.SCHULZE else 0,
    )


def round_pairwise(*, voting_round: VotingRound) -> list[PairwiseRow]:
    """The whole head-to-head table of a closed Schulze round, in result order (for the download)."""
    if voting_round.method != Method.SCHULZE:
        return []
    stored = StoredResult.from_round(voting_round, agencies=False)
    by_id = {outcome.pk: outcome for outcome in voting_round.candidates.all()}
    order = [entry.outcome.pk for entry in _ranking(stored, by_id)]
    return _pairwise(stored.count.pairwise, order, by_id)


@dataclass(frozen=True)
class ResultPage:
    """A closed round's page for one person: the result, and where they stand with its alliances."""

    result: RoundResult
    #: Outcomes of the round an enabler has adopted, in result order.
    adopted: list[CandidateOutcome]
    #: For a leader: the alliances (of the winner and of adopted outcomes) they have joined.
    joined: set[int]
    #: For a leader: the adopted outcomes whose alliance they are invited to (`ballots.invited_to`).
    invited: set[int]


def result_page(*, voting_round: VotingRound, membership: Membership) -> ResultPage:
    result = round_result(voting_round=voting_round, candidates=round_candidates(voting_round=voting_round))
    adopted = [entry.outcome for entry in result.ranking if entry.outcome.adopted_at is not None]
    joined: set[int] = set()
    invited: set[int] = set()
    if can_vote(membership):
        alliance_ids = [o.alliance_id for o in [result.winner, *adopted] if o is not None and o.alliance_id]
        joined = set(
            AllianceMember.objects.filter(alliance_id__in=alliance_ids, membership=membership).values_list(
                "alliance_id", flat=True
            )
        )
        invited = invited_to(voting_round=voting_round, voter=membership, outcomes=adopted)
    return ResultPage(result=result, adopted=adopted, joined=joined, invited=invited)


def round_recount(*, voting_round: VotingRound) -> StoredResult:
    """Count a closed round again from the ballots it keeps, as closing did: to check its stored result.

    A secret round keeps its ballots sealed, with the groups its analysis shows rather than each voter's
    agency, so a recount of one reproduces its count, energy and support, and its groups' figures.
    """
    stored = StoredResult.from_round(voting_round)
    return analysis.round_analysis(
        method=Method(voting_round.method),
        candidates=list(voting_round.candidates.order_by("pk").values_list("pk", flat=True)),
        ballots=ballots_to_count(voting_round=voting_round),
        dot_budget=voting_round.dot_budget,
        site_sectors=stored.support.site_sectors,
        secret=voting_round.is_secret,
        min_group_size=voting_round.min_group_size,
    )
