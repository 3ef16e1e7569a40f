"""What a closed round's ballots say: the count, and who supports what with how much energy.

Pure functions. `round_analysis` runs once, when a round closes; its typed
result (`result_schema.StoredResult`) is stored on the round, so the result and
system view pages never re-read the ballots. It is two parts: `count` tallies
the ballots by the round's method (outcomes/tally.py), and `support` gathers
energy and support, overall and by agency. The functions after them turn the
stored groups into what the pages say: what really matters, consensus and
contest, divergence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from outcomes import tally
from outcomes.groups import NO_AGENCY, OTHER, Group, group_label, shown_groups, shown_sector_groups
from outcomes.models import RANKED_METHODS, Energy, Method
from outcomes.result_schema import (
    Count,
    Divergence,
    EnergyCounts,
    IrvRoundRecord,
    Pairwise,
    StoredResult,
    Support,
    Tie,
    TieKind,
)


class Entry(NamedTuple):
    """One outcome on one ballot, as the count reads it. A tuple rather than a frozen dataclass:
    closing a big round makes half a million, and a frozen dataclass takes three times as long to build."""

    rank: int | None = None
    points: int | None = None
    energy: int = Energy.NONE


@dataclass(frozen=True)
class AgencyData:
    name: str
    sector_label: str


@dataclass(frozen=True)
class BallotData:
    #: The voter's agency, or None for a leader with none.
    agency: AgencyData | None
    entries: dict[int, Entry]


#: In a score round a leader supports the outcomes they score this or more.
SCORE_SUPPORTS_FROM = 4


def support_threshold(n_candidates: int) -> int:
    """In a ranked round a leader supports the outcomes in the top third of their ranking."""
    return max(1, math.ceil(n_candidates / 3))


def supports(method: str, entry: Entry, n_candidates: int) -> bool:
    """Whether one ballot entry counts as support for its outcome, by the round's method."""
    if method in RANKED_METHODS:
        return entry.rank is not None and entry.rank <= support_threshold(n_candidates)
    if method == Method.SCORE:
        return (entry.points or 0) >= SCORE_SUPPORTS_FROM
    return (entry.points or 0) >= 1  # dots placed, or approved


#: The rule of `supports`, in words, for the pages.
SUPPORT_RULE = {
    Method.SCHULZE: _("A leader supports an outcome if they ranked it in the top third of their ballot."),
    Method.INSTANT_RUNOFF: _("A leader supports an outcome if they ranked it in the top third of their ballot."),
    Method.SCORE: format_lazy(
        _("A leader supports an outcome if they scored it {low} or more."), low=SCORE_SUPPORTS_FROM
    ),
    Method.DOTS: _("A leader supports an outcome if they placed at least one dot on it."),
    Method.APPROVAL: _("A leader supports an outcome if they approved it."),
}


def round_analysis(
    *,
    method: Method,
    candidates: Sequence[int],
    ballots: Sequence[BallotData],
    dot_budget: int,
    site_sectors: Iterable[str],
    secret: bool,
    min_group_size: int,
) -> StoredResult:
    """Everything a closed round stores: the count by `method`, and energy and support.

    Under a secret ballot (`secret`) the groups are merged to at least `min_group_size` voters before they
    are returned, so what is stored never holds a smaller group's votes.
    """
    candidates = list(candidates)
    return StoredResult(
        method=method,
        ballot_count=len(ballots),
        candidates=candidates,
        count=count(method=method, candidates=candidates, ballots=ballots, dot_budget=dot_budget),
        support=support(
            method=method,
            candidates=candidates,
            ballots=ballots,
            site_sectors=site_sectors,
            secret=secret,
            min_group_size=min_group_size,
        ),
    )


def count(*, method: Method, candidates: list[int], ballots: Sequence[BallotData], dot_budget: int) -> Count:
    """Tally the ballots by the round's method. A tie at the top names no winner."""
    if method in RANKED_METHODS:
        ranked = [{o: e.rank for o, e in b.entries.items() if e.rank is not None} for b in ballots]
        ranked = [r for r in ranked if r]
        if method == Method.SCHULZE:
            return _schulze(candidates, ranked)
        return _instant_runoff(candidates, ranked)
    points = [{o: e.points or 0 for o, e in b.entries.items() if e.points is not None} for b in ballots]
    totals: tally.TotalsResult
    if method == Method.SCORE:
        totals = tally.score(candidates, points)
    elif method == Method.DOTS:
        totals = tally.dot_vote(candidates, points, dot_budget)
    else:
        totals = tally.approval(candidates, [[o for o, v in p.items() if v] for p in points])
    decided = any(totals.totals.values())
    return Count(
        tiers=totals.tiers,
        winner=totals.winners[0] if decided and len(totals.winners) == 1 else None,
        tie=Tie(TieKind.TOTALS, totals.winners) if decided and len(totals.winners) > 1 else None,
        totals=dict(totals.totals),
    )


def _schulze(candidates: list[int], ranked: list[dict[int, int]]) -> Count:
    schulze = tally.schulze(candidates, ranked)
    return Count(
        tiers=schulze.tiers,
        winner=schulze.winners[0] if ranked and len(schulze.winners) == 1 else None,
        tie=Tie(TieKind.SCHULZE, schulze.winners) if ranked and len(schulze.winners) > 1 else None,
        pairwise=Pairwise(candidates=schulze.candidates, counts=schulze.pairwise),
    )


def _instant_runoff(candidates: list[int], ranked: list[dict[int, int]]) -> Count:
    irv = tally.instant_runoff(candidates, ranked)
    return Count(
        tiers=tally.irv_ranking(candidates, irv.rounds, irv.winner),
        winner=irv.winner if ranked else None,
        tie=Tie(TieKind.IRV, irv.tied, irv.could_win) if ranked and irv.winner is None else None,
        irv=[
            IrvRoundRecord(
                counts=dict(r.counts),
                continuing=r.continuing,
                exhausted=r.exhausted,
                set_aside=r.set_aside,
                majority=r.majority,
                reason=r.reason,
                eliminated=r.eliminated,
                tied=r.tied,
            )
            for r in irv.rounds
        ],
    )


def support(
    *,
    method: Method,
    candidates: list[int],
    ballots: Sequence[BallotData],
    site_sectors: Iterable[str],
    secret: bool,
    min_group_size: int,
) -> Support:
    """Energy and support for each outcome, overall and by agency and sector as they may be shown."""
    every_agency = agency_groups(method=method, candidates=candidates, ballots=ballots)
    agencies = shown_groups(every_agency, secret=secret, min_size=min_group_size)
    return Support(
        energy=energy_counts(candidates=candidates, ballots=ballots),
        supporters={o: sum(g.support.get(o, 0) for g in every_agency) for o in candidates},
        agencies=agencies,
        sectors=shown_sector_groups(every_agency, secret=secret, min_size=min_group_size),
        site_sectors=sorted(site_sectors),
        # Computed once, here: comparing every pair of agencies is too much for a page request.
        divergent=divergent_pairs(candidates, agencies),
    )


def energy_counts(*, candidates: list[int], ballots: Sequence[BallotData]) -> dict[int, EnergyCounts]:
    """How many voters would commit no, some or a lot of energy to each outcome."""
    counts = {o: [0, 0, 0] for o in candidates}
    for ballot in ballots:
        for outcome_id, entry in ballot.entries.items():
            if outcome_id in counts and entry.energy:
                counts[outcome_id][entry.energy] += 1
    return {o: EnergyCounts(len(ballots) - some - a_lot, some, a_lot) for o, (_, some, a_lot) in counts.items()}


def agency_groups(*, method: Method, candidates: list[int], ballots: Sequence[BallotData]) -> list[Group]:
    """Every voter's agency as a group, with its support and energy for each outcome: none merged yet."""
    n = len(candidates)
    known = set(candidates)
    # `supports`, with the rule's threshold worked out once rather than for each of half a million entries.
    threshold = support_threshold(n)
    if method in RANKED_METHODS:

        def supported(entry: Entry) -> bool:
            return entry.rank is not None and entry.rank <= threshold

    else:
        least = SCORE_SUPPORTS_FROM if method == Method.SCORE else 1

        def supported(entry: Entry) -> bool:
            return (entry.points or 0) >= least

    agencies: dict[AgencyData | None, Group] = {}
    for ballot in ballots:
        group = agencies.get(ballot.agency)
        if group is None:
            agency = ballot.agency
            group = agencies[agency] = Group(
                name=agency.name if agency else NO_AGENCY,
                voters=0,
                sector=agency.sector_label if agency else NO_AGENCY,
            )
        group.voters += 1
        for outcome_id, entry in ballot.entries.items():
            if outcome_id not in known:
                continue
            if entry.energy:
                group.energy[outcome_id] = group.energy.get(outcome_id, 0) + 1
            if supported(entry):
                group.support[outcome_id] = group.support.get(outcome_id, 0) + 1
    return sorted(agencies.values(), key=lambda g: (g.name == NO_AGENCY, g.name))


# --------------------------------------------------------------------------
# What really matters, consensus and contest, divergence
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    named: bool
    supporting: list[str]
    missing: list[str]
    energy: int
    reasons: list[str]


def _either(names: Sequence[str]) -> str:
    """ "A, B or C"."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def what_really_matters(
    *,
    outcome_id: int,
    sectors: list[Group],
    site_sectors: list[str],
    energy: int,
    min_sectors: int,
    min_energy: int,
) -> Verdict:
    """Whether the leading outcome has support across the system, and if not, what is missing.

    `sectors` are the groups as shown (merged under secrecy), so the message
    never names a group too small to show. `site_sectors` are the sector
    labels of the site's agencies: a sector with no voter is missing too.
    """
    supporting = [g.name for g in sectors if g.support.get(outcome_id)]
    shown_names = {g.name for g in sectors} | {m for g in sectors for m in g.members}
    missing = [g.name for g in sectors if not g.support.get(outcome_id) and g.name != OTHER]
    missing += [label for label in site_sectors if label not in shown_names and label not in missing]
    reasons = []
    if len(supporting) < min_sectors:
        need = ngettext(
            "support from at least %(need)d sector (so far %(have)d)",
            "support from at least %(need)d sectors (so far %(have)d)",
            min_sectors,
        ) % {"need": min_sectors, "have": len(supporting)}
        if missing:
            need = gettext("%(need)s: no support yet from the %(missing)s") % {
                "need": need,
                "missing": _either([group_label(name) for name in missing]),
            }
        reasons.append(need)
    if energy < min_energy:
        reasons.append(
            ngettext(
                "at least %(need)d leader committing energy to it (so far %(have)d)",
                "at least %(need)d leaders committing energy to it (so far %(have)d)",
                min_energy,
            )
            % {"need": min_energy, "have": energy}
        )
    return Verdict(
        named=not reasons,
        supporting=[group_label(name) for name in supporting],
        missing=missing,
        energy=energy,
        reasons=reasons,
    )


@dataclass(frozen=True)
class Split:
    outcome_id: int
    lowest: float
    highest: float
    low_group: str
    high_group: str


def consensus_and_contested(
    outcome_ids: Sequence[int], sectors: list[Group], *, broad: float = 0.5, gap: float = 0.5
) -> tuple[list[Split], list[Split]]:
    """Outcomes with broad support in every sector shown, and those on which sectors split widely."""
    consensus, contested = [], []
    if len(sectors) < 2:
        return [], []
    labels = [g.label for g in sectors]  # once each, not once per outcome: a label is a catalogue lookup
    for outcome_id in outcome_ids:
        shares = sorted((g.share(outcome_id), label) for g, label in zip(sectors, labels, strict=True))
        split = Split(outcome_id, shares[0][0], shares[-1][0], shares[0][1], shares[-1][1])
        if split.lowest >= broad:
            consensus.append(split)
        elif split.highest - split.lowest >= gap:
            contested.append(split)
    contested.sort(key=lambda s: s.lowest - s.highest)
    return consensus, contested


def divergent_pairs(outcome_ids: Sequence[int], groups: list[Group], *, limit: int = 5) -> list[Divergence]:
    """Pairs of groups whose support differs most, by mean difference in share across outcomes.

    Vectorised: every pair of 100 agencies on 200 outcomes is two million differences, ~2 s as a
    Python loop and a few tens of milliseconds here. It gives exactly what the loop gave (the loop is
    kept as the oracle in tests/outcomes/test_analysis.py): the mean is a sequential sum (cumsum,
    as Python's sum adds), and the widest outcome on equal differences is the highest id (as
    `max` over (difference, id) pairs chose).
    """
    if not outcome_ids or len(groups) < 2:
        return []
    ids = np.array(outcome_ids, dtype=np.int64)
    shares = np.array([[g.share(o) for o in outcome_ids] for g in groups], dtype=np.float64)
    first, second = np.triu_indices(len(groups), k=1)  # every pair, in the order of combinations()
    diffs = np.abs(shares[first] - shares[second])
    distance = np.cumsum(diffs, axis=1)[:, -1] / len(outcome_ids)
    widest = diffs.max(axis=1)
    widest_id = np.where(diffs == widest[:, None], ids[None, :], np.iinfo(np.int64).min).max(axis=1)
    # The pairs that can be in the first `limit`: all as far apart as the limit-th, ties and all,
    # then ordered as before (farthest first, then by the groups' names).
    cut = np.sort(distance)[::-1][min(limit, len(distance)) - 1]
    pairs = []
    for p in np.flatnonzero(distance >= cut):
        a, b, outcome_id = groups[first[p]], groups[second[p]], int(widest_id[p])
        pairs.append(
            Divergence(
                first=a.label,
                second=b.label,
                distance=float(distance[p]),
                outcome_id=outcome_id,
                first_share=a.share(outcome_id),
                second_share=b.share(outcome_id),
            )
        )
    pairs.sort(key=lambda d: (-d.distance, d.first, d.second))
    return pairs[:limit]
