"""The system view of a closed round: where agencies and sectors agree, and where they pull apart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from outcomes import analysis
from outcomes.groups import OTHER, Group
from outcomes.models import CandidateOutcome, Method, VotingRound
from outcomes.result_schema import Divergence, StoredResult

CELL = 26  # px per heatmap cell


@dataclass(frozen=True)
class HeatCell:
    x: int
    share: float
    supporters: int
    voters: int

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def fill(self) -> str:
        # From white to the accent blue; text on the cell is not used, so contrast is not at stake.
        light = round(96 - 66 * self.share)
        return f"hsl(214, 67%, {light}%)"


@dataclass(frozen=True)
class HeatRow:
    group: Group
    y: int
    cells: list[HeatCell]

    # Cells as HTML built here: fifty outcomes by a dozen agencies, twice over
    # (chart and table), cost tens of milliseconds through the template engine.
    @property
    def svg_cells(self) -> SafeString:
        return mark_safe(  # noqa: S308 -- numbers and a colour only
            "".join(
                f'<rect x="{c.x + 190:d}" y="0" width="24" height="24" fill="{c.fill}" stroke="#b1b4b6"></rect>'
                for c in self.cells
            )
        )

    @property
    def table_cells(self) -> SafeString:
        return mark_safe(  # noqa: S308 -- numbers only
            "".join(f'<td>{c.percent:d}% <span class="hint">({c.supporters:d})</span></td>' for c in self.cells)
        )


@dataclass(frozen=True)
class Heatmap:
    outcomes: list[CandidateOutcome]
    rows: list[HeatRow]
    width: int
    height: int


@dataclass(frozen=True)
class SystemView:
    agencies: Heatmap
    sectors: Heatmap
    consensus: list[tuple[CandidateOutcome, analysis.Split]]
    contested: list[tuple[CandidateOutcome, analysis.Split]]
    divergent: list[tuple[Divergence, CandidateOutcome]]
    merged: bool
    support_rule: str


def _heatmap(groups: list[Group], outcomes: list[CandidateOutcome]) -> Heatmap:
    rows = [
        HeatRow(
            group=g,
            y=i * CELL,
            cells=[
                HeatCell(x=j * CELL, share=g.share(o.pk), supporters=g.support.get(o.pk, 0), voters=g.voters)
                for j, o in enumerate(outcomes)
            ],
        )
        for i, g in enumerate(groups)
    ]
    return Heatmap(outcomes=outcomes, rows=rows, width=max(1, len(outcomes)) * CELL, height=max(1, len(rows)) * CELL)


def system_view(*, voting_round: VotingRound, ranked: list[CandidateOutcome]) -> SystemView:
    """`ranked`: the round's outcomes in result order."""
    support = StoredResult.from_round(voting_round).support
    agency_groups, sector_groups = support.agencies, support.sectors
    by_id = {o.pk: o for o in ranked}
    ids = [o.pk for o in ranked]
    consensus, contested = analysis.consensus_and_contested(ids, sector_groups)
    # Stored when the round closed (result version 3, or added by migration 0008): never computed here.
    divergent = [d for d in support.divergent or [] if d.outcome_id in by_id]
    return SystemView(
        agencies=_heatmap(agency_groups, ranked),
        sectors=_heatmap(sector_groups, ranked),
        consensus=[(by_id[s.outcome_id], s) for s in consensus],
        contested=[(by_id[s.outcome_id], s) for s in contested],
        divergent=[(d, by_id[d.outcome_id]) for d in divergent],
        merged=any(g.name == OTHER for g in agency_groups + sector_groups),
        support_rule=str(analysis.SUPPORT_RULE[Method(voting_round.method)]),
    )
