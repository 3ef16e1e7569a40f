"""The system view of a closed round: where agencies and sectors agree, and where they pull apart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from outcomes import analysis
from outcomes.groups import OTHER, Group
from outcomes.models import CandidateOutcome, Method, VotingRound
from outcomes.result_schema import Divergence, StoredResult

CELL = 26  # px per heatmap cell
SHADES = 6  # steps of colour in a heatmap (app.css .heat-cells .h0 to .h5)


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
    def shade(self) -> int:
        """One of SHADES steps from white (0) to the accent blue: a class (h0 to h5) in app.css, which also
        writes the figure in white on the three darker ones. A class, not a colour, on each of thousands of cells."""
        return min(SHADES - 1, int(self.share * SHADES))


@dataclass(frozen=True)
class HeatRow:
    group: Group
    y: int
    cells: list[HeatCell]
    #: Where the cells start: after the longest group name, written in full.
    left: int = 190

    # Cells as HTML built here: fifty outcomes by a dozen agencies, twice over
    # (chart and table), cost tens of milliseconds through the template engine.
    # Each cell carries its share as a figure, and a border of #505a5f (7:1 against white, over 3:1 against
    # every fill), so the chart reads without telling colours apart.
    @property
    def svg_cells(self) -> SafeString:
        return mark_safe(  # noqa: S308 -- numbers and a colour only
            "".join(
                f'<rect x="{c.x + self.left:d}" width="24" height="24" class="h{c.shade:d}"/>'
                f'<text x="{c.x + self.left + 12:d}" y="16">{c.percent:d}</text>'
                for c in self.cells
            )
        )

    @property
    def table_cells(self) -> SafeString:
        return mark_safe(  # noqa: S308 -- numbers only
            "".join(f"<td>{c.percent:d}% ({c.supporters:d})</td>" for c in self.cells)
        )


@dataclass(frozen=True)
class Heatmap:
    outcomes: list[CandidateOutcome]
    rows: list[HeatRow]
    width: int
    height: int
    #: The width of the names' column, and of the whole chart.
    left: int = 190
    #: How many outcomes the round had: the page shows the first SHOWN_OUTCOMES, the download has them all.
    total_outcomes: int = 0

    @property
    def full_width(self) -> int:
        return self.left + self.width

    @property
    def cut(self) -> bool:
        return self.total_outcomes > len(self.outcomes)


@dataclass(frozen=True)
class AgencySummary:
    """One agency in the summary that stands in for the agency heatmap when there are many agencies."""

    group: Group
    #: Its most supported outcomes among those drawn: (number in the key, share of its voters), most first.
    top: list[tuple[int, float]]

    def row_html(self, pattern: str) -> str:
        """Its row of the summary table, with `pattern` the translated "outcome %(number)d (%(percent)d%%)";
        every value escaped."""
        group = self.group
        members = f'<span class="hint"> {escape(", ".join(group.member_labels))}</span>' if group.members else ""
        top = escape(", ".join(pattern % {"number": n, "percent": round(100 * share)} for n, share in self.top))
        return f'<tr><th scope="row">{escape(group.label)}{members}</th><td>{group.voters:d}</td><td>{top}</td></tr>'


@dataclass(frozen=True)
class SystemView:
    #: None when more than AGENCY_HEATMAP_MAX agencies voted: `agency_summary` stands in for it.
    agencies: Heatmap | None
    sectors: Heatmap
    consensus: list[tuple[CandidateOutcome, analysis.Split]]
    contested: list[tuple[CandidateOutcome, analysis.Split]]
    divergent: list[tuple[Divergence, CandidateOutcome]]
    merged: bool
    support_rule: str
    #: Sectors left out of "contested" because only one agency in them voted.
    single_agency_sectors: list[str]
    #: With many agencies, each one's top outcomes instead of the heatmap (the download has every figure).
    agency_summary: list[AgencySummary] | None = None
    #: How many outcomes the sectors split on: `contested` holds the widest SPLITS_SHOWN of them.
    contested_total: int = 0
    #: The outcomes the heatmaps number, in result order (the key); the round had `total_outcomes`.
    key: list[CandidateOutcome] | None = None
    total_outcomes: int = 0

    @property
    def key_cut(self) -> bool:
        return self.key is not None and self.total_outcomes > len(self.key)

    @property
    def agency_summary_html(self) -> SafeString:
        """The agency summary's rows, built here as the heatmaps' cells are: a hundred agencies through the
        template engine were most of the page's template time. Its words translated once, not once a row."""
        pattern = gettext("outcome %(number)d (%(percent)d%%)")
        return mark_safe(  # noqa: S308 -- every value escaped in row_html
            "".join(f"{row.row_html(pattern)}\n    " for row in self.agency_summary or [])
        )


#: Outcomes drawn in each heatmap (the top of the result): 100 agencies by 50 outcomes made a 768 KB page.
#: The whole table is a download (round-support-csv).
SHOWN_OUTCOMES = 20
#: Outcomes listed as contested, the widest splits first: with 200 outcomes, a list of every split was a
#: third of the page. The download has every sector's support for every outcome.
SPLITS_SHOWN = 10
#: Agencies drawn as a heatmap, at most: beyond, each agency's top outcomes in a table instead, and the whole
#: table as the download (100 agencies drawn twice, chart and table, were 250 KB of the page).
AGENCY_HEATMAP_MAX = 30
#: An agency's top outcomes named in that summary.
AGENCY_TOP = 3
#: Pixels per character of a group's name at the chart's 12 px type (a generous average, so no name is cut).
NAME_PX = 7


def _heatmap(groups: list[Group], outcomes: list[CandidateOutcome]) -> Heatmap:
    shown = outcomes[:SHOWN_OUTCOMES]
    left = max([190] + [NAME_PX * len(g.name) + 12 for g in groups])
    rows = [
        HeatRow(
            group=g,
            y=i * CELL,
            cells=[
                HeatCell(x=j * CELL, share=g.share(o.pk), supporters=g.support.get(o.pk, 0), voters=g.voters)
                for j, o in enumerate(shown)
            ],
            left=left,
        )
        for i, g in enumerate(groups)
    ]
    return Heatmap(
        outcomes=shown,
        rows=rows,
        width=max(1, len(shown)) * CELL,
        height=max(1, len(rows)) * CELL,
        left=left,
        total_outcomes=len(outcomes),
    )


def _agency_summary(groups: list[Group], outcomes: list[CandidateOutcome]) -> list[AgencySummary]:
    ids = [o.pk for o in outcomes[:SHOWN_OUTCOMES]]
    summary = []
    for g in groups:
        # Most supported first; on equal shares, the one higher in the result. Each share as `Group.share`
        # works it out, inline: a hundred agencies by twenty outcomes are 2,000 of them a request.
        support, voters = g.support, g.voters
        shares = sorted(
            ((support.get(pk, 0) / voters if voters else 0.0, -n) for n, pk in enumerate(ids, start=1)), reverse=True
        )
        summary.append(AgencySummary(group=g, top=[(-n, share) for share, n in shares[:AGENCY_TOP] if share > 0]))
    return summary


def _sectors_of_several_agencies(sectors: list[Group], agencies: list[Group]) -> list[Group]:
    """The sectors whose view is more than one agency's: a sector of one is never called split or contested."""
    agencies_in: dict[str, int] = {}
    for agency in agencies:
        for _member in agency.members or [agency.name]:
            agencies_in[agency.sector] = agencies_in.get(agency.sector, 0) + 1
    return [s for s in sectors if len(s.members) >= 2 or agencies_in.get(s.name, 0) >= 2]


def system_view(
    *, voting_round: VotingRound, ranked: list[CandidateOutcome], stored: StoredResult | None = None
) -> SystemView:
    """`ranked`: the round's outcomes in result order; `stored`: its stored result, if already read."""
    support = (stored or StoredResult.from_round(voting_round)).support
    agency_groups, sector_groups = support.agencies, support.sectors
    by_id = {o.pk: o for o in ranked}
    ids = [o.pk for o in ranked]
    consensus, _ = analysis.consensus_and_contested(ids, sector_groups)
    several = _sectors_of_several_agencies(sector_groups, agency_groups)
    _, contested = analysis.consensus_and_contested(ids, several)
    # Stored when the round closed (result version 3, or added by migration 0008): never computed here.
    divergent = [d for d in support.divergent or [] if d.outcome_id in by_id]
    many = len(agency_groups) > AGENCY_HEATMAP_MAX
    return SystemView(
        agencies=None if many else _heatmap(agency_groups, ranked),
        sectors=_heatmap(sector_groups, ranked),
        consensus=[(by_id[s.outcome_id], s) for s in consensus],
        contested=[(by_id[s.outcome_id], s) for s in contested[:SPLITS_SHOWN]],
        contested_total=len(contested),
        divergent=[(d, by_id[d.outcome_id]) for d in divergent],
        merged=any(g.name == OTHER for g in agency_groups + sector_groups),
        support_rule=str(analysis.SUPPORT_RULE[Method(voting_round.method)]),
        single_agency_sectors=[g.name for g in sector_groups if all(g is not s for s in several)],
        agency_summary=_agency_summary(agency_groups, ranked) if many else None,
        key=ranked[:SHOWN_OUTCOMES],
        total_outcomes=len(ranked),
    )
