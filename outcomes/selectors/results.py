"""The result of a closed round, shaped for the result page, its chart, table and CSV.

Everything comes from what the round stored when it closed (`VotingRound.result`),
so the page costs the same few queries however many leaders voted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from outcomes import analysis
from outcomes.models import CandidateOutcome, Method, VotingRound

FIGURE_LABEL = {
    Method.SCHULZE: "Head-to-head wins",
    Method.INSTANT_RUNOFF: "Votes in the last round it took part in",
    Method.SCORE: "Total score",
    Method.DOTS: "Dots",
    Method.APPROVAL: "Approvals",
}

METHOD_EXPLAINED = {
    Method.SCHULZE: (
        "counted by the Schulze method, which finds the outcome preferred to each other one when they are "
        "compared in pairs"
    ),
    Method.INSTANT_RUNOFF: (
        "counted by instant runoff: each round the outcome with the fewest first choices is eliminated and "
        "its ballots pass to their next choice, until one outcome has more than half"
    ),
    Method.SCORE: "counted by adding up every leader's score from 0 to 5",
    Method.DOTS: "counted by adding up the dots each leader placed",
    Method.APPROVAL: "counted by adding up the leaders who approved each outcome",
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
        return mark_safe(  # noqa: S308 -- numbers only
            "".join("<td>—</td>" if c is None else f"<td>{c[1]:d} to {c[2]:d}</td>" for c in self.cells)
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
    pairwise: list[PairwiseRow]
    irv_rounds: list[IrvRoundView]
    winner: CandidateOutcome | None
    tied_at_top: list[CandidateOutcome]
    tie_explanation: str
    ballot_count: int
    verdict: analysis.Verdict | None
    bars: list[Bar]
    chart_height: int


def _names(outcomes: list[CandidateOutcome]) -> str:
    quoted = [f"“{o.statement}”" for o in outcomes]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _figures(voting_round: VotingRound, ids: list[int]) -> dict[int, int]:
    stored = voting_round.result
    if "totals" in stored:
        return {int(k): v for k, v in stored["totals"].items()}
    if voting_round.method == Method.INSTANT_RUNOFF:
        last: dict[int, int] = {}
        for r in stored.get("irv", []):
            for k, v in r["counts"].items():
                last[int(k)] = v
        return {i: last.get(i, 0) for i in ids}
    counts = voting_round.pairwise.get("counts", [])
    order = voting_round.pairwise.get("candidates", [])
    return {c: sum(1 for j in range(len(order)) if counts[i][j] > counts[j][i]) for i, c in enumerate(order)}


def _irv_explanation(r: dict[str, Any], by_id: dict[int, CandidateOutcome]) -> str:
    eliminated = [by_id[i] for i in r["eliminated"]]
    tied = [by_id[i] for i in r["tied"]]
    reason = r["reason"]
    if reason == "majority":
        leader = max(r["counts"].items(), key=lambda kv: kv[1])
        return f"{_names([by_id[int(leader[0])]])} has {leader[1]} votes, more than half of {r['continuing']}: it wins."
    if reason == "last_remaining":
        return "Only one outcome remains: it wins."
    if reason == "fewest_votes":
        return f"No outcome has more than half. {_names(eliminated)} has the fewest votes and is eliminated."
    if reason == "cannot_catch_up":
        return (
            f"{_names(tied)} tie for fewest votes. Together with any just above them they could not catch up "
            f"with anyone else, so {_names(eliminated)} are eliminated together: the order would make no difference."
        )
    if reason == "order_irrelevant":
        return (
            f"{_names(tied)} tie for fewest votes. Every order of eliminating them leads to the same winner, "
            "so they are eliminated together."
        )
    return (
        f"{_names(tied)} tie for fewest votes, and which is eliminated first would decide the winner. "
        "The count stops here: the tie is not broken by chance."
    )


def _tie_explanation(voting_round: VotingRound, tie: dict[str, Any], by_id: dict[int, CandidateOutcome]) -> str:
    tied = [by_id[i] for i in tie["ids"] if i in by_id]
    kind = tie.get("kind")
    if kind == "schulze":
        return (
            f"No single outcome came first: {_names(tied)} are tied, each preferred to the other by as many "
            "leaders along the strongest chain of head-to-head wins. Another round between them could decide."
        )
    if kind == "irv":
        could = [by_id[i] for i in tie.get("could_win", []) if i in by_id]
        tail = f" Depending on that order, {_names(could)} could win." if could else ""
        return (
            f"No single outcome came first: {_names(tied)} are tied for fewest votes in the last round counted, "
            f"and which is eliminated first decides the winner.{tail} Another round between them could decide."
        )
    return (
        f"No single outcome came first: {_names(tied)} are tied with the same total. "
        "Another round between them could decide."
    )


def round_result(*, voting_round: VotingRound, candidates: list[CandidateOutcome] | None = None) -> RoundResult:
    """The stored result of a closed round, in a shape the result page can show."""
    stored = voting_round.result
    if candidates is None:
        candidates = list(voting_round.candidates.all())
    by_id = {outcome.pk: outcome for outcome in candidates}
    ids = [o.pk for o in sorted(candidates, key=lambda o: o.pk)]
    figures = _figures(voting_round, ids)
    energy = {int(k): v for k, v in stored.get("energy", {}).items()}
    supporters = {int(k): v for k, v in stored.get("supporters", {}).items()}
    ranking: list[RankedOutcome] = []
    position = 1
    for tier in voting_round.ranking:
        for outcome_id in tier:
            if outcome_id not in by_id:
                continue
            e = energy.get(outcome_id, [0, 0, 0])
            ranking.append(
                RankedOutcome(
                    position=position,
                    outcome=by_id[outcome_id],
                    tied=len(tier) > 1,
                    figure=figures.get(outcome_id, 0),
                    supporters=supporters.get(outcome_id, 0),
                    energy_some=e[1],
                    energy_a_lot=e[2],
                )
            )
        position += len(tier)

    pairwise: list[PairwiseRow] = []
    if voting_round.method == Method.SCHULZE and voting_round.pairwise:
        order = [entry.outcome.pk for entry in ranking]
        counts = voting_round.pairwise.get("counts", [])
        index = {outcome_id: i for i, outcome_id in enumerate(voting_round.pairwise.get("candidates", []))}
        for row_id in order:
            cells: list[tuple[CandidateOutcome, int, int] | None] = []
            for col_id in order:
                if row_id == col_id:
                    cells.append(None)
                else:
                    i, j = index[row_id], index[col_id]
                    cells.append((by_id[col_id], counts[i][j], counts[j][i]))
            pairwise.append(PairwiseRow(outcome=by_id[row_id], cells=cells))

    irv_rounds = [
        IrvRoundView(
            number=n,
            counts=sorted(
                ((by_id[int(k)], v) for k, v in r["counts"].items() if int(k) in by_id), key=lambda cv: -cv[1]
            ),
            continuing=r["continuing"],
            exhausted=r["exhausted"],
            set_aside=r["set_aside"],
            majority=r["majority"],
            explanation=_irv_explanation(r, by_id),
        )
        for n, r in enumerate(stored.get("irv", []), start=1)
    ]

    winner = by_id.get(voting_round.winner_id) if voting_round.winner_id else None
    tie = stored.get("tie")
    tied_at_top = [by_id[i] for i in tie["ids"] if i in by_id] if tie else []
    verdict = None
    if winner is not None:
        sectors = analysis.shown_sector_groups(
            stored.get("groups", []), secret=voting_round.is_secret, min_size=voting_round.min_group_size
        )
        e = energy.get(winner.pk, [0, 0, 0])
        verdict = analysis.what_really_matters(
            outcome_id=winner.pk,
            sectors=sectors,
            site_sectors=stored.get("site_sectors", []),
            energy=e[1] + e[2],
            min_sectors=voting_round.min_sectors,
            min_energy=voting_round.min_energy,
        )

    top = max((r.figure for r in ranking), default=0) or 1
    bars = [
        Bar(label=r.outcome.statement, value=r.figure, y=i * 28, width=round(100 * r.figure / top, 1))
        for i, r in enumerate(ranking)
    ]
    return RoundResult(
        method=voting_round.method,
        method_explained=METHOD_EXPLAINED[Method(voting_round.method)],
        figure_label=FIGURE_LABEL[Method(voting_round.method)],
        support_rule=analysis.SUPPORT_RULE[Method(voting_round.method)],
        ranking=ranking,
        pairwise=pairwise,
        irv_rounds=irv_rounds,
        winner=winner,
        tied_at_top=tied_at_top,
        tie_explanation=_tie_explanation(voting_round, tie, by_id) if tie else "",
        ballot_count=stored.get("ballot_count", 0),
        verdict=verdict,
        bars=bars,
        chart_height=max(28, len(bars) * 28),
    )
