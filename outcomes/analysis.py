"""What a closed round's ballots say, beyond who won: energy, support by agency and sector, splits.

Pure functions. `round_analysis` runs once, when a round closes, and its
result is stored on the round (`VotingRound.result`), so the result and system
view pages never re-read the ballots. The other functions turn that stored
analysis into what the pages show, applying the secrecy rule: under a secret
ballot no group smaller than the round's `min_group_size` is ever shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from outcomes import tally
from outcomes.models import Energy, Method

NO_AGENCY = "No agency"
OTHER = "Other"


@dataclass(frozen=True)
class Entry:
    rank: int | None = None
    points: int | None = None
    energy: int = Energy.NONE


@dataclass(frozen=True)
class BallotData:
    agency_id: int | None
    entries: dict[int, Entry]


@dataclass(frozen=True)
class AgencyData:
    name: str
    sector: str
    sector_label: str


def support_threshold(n_candidates: int) -> int:
    """In a ranked round a leader supports the outcomes in the top third of their ranking."""
    return max(1, math.ceil(n_candidates / 3))


def supports(method: str, entry: Entry, n_candidates: int) -> bool:
    """Whether one ballot entry counts as support for its outcome, by the round's method."""
    if method in (Method.SCHULZE, Method.INSTANT_RUNOFF):
        return entry.rank is not None and entry.rank <= support_threshold(n_candidates)
    if method == Method.SCORE:
        return (entry.points or 0) >= 4
    return (entry.points or 0) >= 1  # dots placed, or approved


SUPPORT_RULE = {
    Method.SCHULZE: "ranked it in the top third of their ballot",
    Method.INSTANT_RUNOFF: "ranked it in the top third of their ballot",
    Method.SCORE: "scored it 4 or 5",
    Method.DOTS: "placed at least one dot on it",
    Method.APPROVAL: "approved it",
}


def round_analysis(
    *,
    method: str,
    candidates: Sequence[int],
    ballots: Sequence[BallotData],
    agencies: dict[int, AgencyData],
    dot_budget: int,
) -> dict[str, Any]:
    """Tally the ballots by `method` and gather energy and support, as JSON-ready data."""
    candidates = list(candidates)
    n = len(candidates)
    result: dict[str, Any] = {"method": method, "ballot_count": len(ballots), "candidates": candidates}
    if method in (Method.SCHULZE, Method.INSTANT_RUNOFF):
        ranked = [{o: e.rank for o, e in b.entries.items() if e.rank is not None} for b in ballots]
        ranked = [r for r in ranked if r]
        if method == Method.SCHULZE:
            schulze = tally.schulze(candidates, ranked)
            result["pairwise"] = {"candidates": schulze.candidates, "counts": schulze.pairwise}
            result["tiers"] = schulze.tiers
            result["winner"] = schulze.winners[0] if ranked and len(schulze.winners) == 1 else None
            if ranked and len(schulze.winners) > 1:
                result["tie"] = {"ids": schulze.winners, "kind": "schulze"}
        else:
            irv = tally.instant_runoff(candidates, ranked)
            result["irv"] = [
                {
                    "counts": {str(k): v for k, v in r.counts.items()},
                    "continuing": r.continuing,
                    "exhausted": r.exhausted,
                    "set_aside": r.set_aside,
                    "majority": r.majority,
                    "reason": str(r.reason),
                    "eliminated": r.eliminated,
                    "tied": r.tied,
                }
                for r in irv.rounds
            ]
            result["winner"] = irv.winner if ranked else None
            result["tiers"] = _irv_tiers(candidates, irv)
            if ranked and irv.winner is None:
                result["tie"] = {"ids": irv.tied, "could_win": irv.could_win, "kind": "irv"}
    else:
        totals: tally.TotalsResult
        points = [{o: e.points or 0 for o, e in b.entries.items() if e.points is not None} for b in ballots]
        if method == Method.SCORE:
            totals = tally.score(candidates, points)
        elif method == Method.DOTS:
            totals = tally.dot_vote(candidates, points, dot_budget)
        else:
            totals = tally.approval(candidates, [[o for o, v in p.items() if v] for p in points])
        result["totals"] = {str(k): v for k, v in totals.totals.items()}
        result["tiers"] = totals.tiers
        has_points = any(totals.totals.values())
        result["winner"] = totals.winners[0] if has_points and len(totals.winners) == 1 else None
        if has_points and len(totals.winners) > 1:
            result["tie"] = {"ids": totals.winners, "kind": "totals"}

    energy = {str(o): [0, 0, 0] for o in candidates}
    supporters = {str(o): 0 for o in candidates}
    groups: dict[str, dict[str, Any]] = {}
    for ballot in ballots:
        key = str(ballot.agency_id) if ballot.agency_id in agencies else ""
        group = groups.get(key)
        if group is None:
            agency = agencies.get(ballot.agency_id) if ballot.agency_id is not None else None
            group = groups[key] = {
                "name": agency.name if agency else NO_AGENCY,
                "sector": agency.sector if agency else "",
                "sector_label": agency.sector_label if agency else NO_AGENCY,
                "voters": 0,
                "support": {},
                "energy": {},
            }
        group["voters"] += 1
        for outcome_id, entry in ballot.entries.items():
            if str(outcome_id) not in energy:
                continue
            if entry.energy:
                energy[str(outcome_id)][entry.energy] += 1
                group["energy"][str(outcome_id)] = group["energy"].get(str(outcome_id), 0) + 1
            if supports(method, entry, n):
                supporters[str(outcome_id)] += 1
                group["support"][str(outcome_id)] = group["support"].get(str(outcome_id), 0) + 1
    for counts in energy.values():
        counts[0] = len(ballots) - counts[1] - counts[2]
    result["energy"] = energy
    result["supporters"] = supporters
    result["groups"] = sorted(groups.values(), key=lambda g: (g["name"] == NO_AGENCY, g["name"]))
    return result


def _irv_tiers(candidates: list[int], irv: tally.IrvResult) -> list[list[int]]:
    """A ranking from an instant-runoff count: the winner, then by the round each was eliminated, latest first."""
    tiers: list[list[int]] = []
    if irv.winner is not None:
        tiers.append([irv.winner])
    elif irv.rounds:
        tiers.append(list(irv.rounds[-1].counts))  # still continuing when the count stopped on a tie
    for r in reversed(irv.rounds):
        if r.eliminated:
            tiers.append(list(r.eliminated))
    placed = {c for tier in tiers for c in tier}
    rest = [c for c in candidates if c not in placed]
    if rest:
        tiers.append(rest)
    return tiers


# --------------------------------------------------------------------------
# Groups as shown: agencies and sectors, with small groups merged under secrecy
# --------------------------------------------------------------------------


@dataclass
class Group:
    name: str
    voters: int
    support: dict[int, int] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)

    def share(self, outcome_id: int) -> float:
        return self.support.get(outcome_id, 0) / self.voters if self.voters else 0.0


def _merge(name: str, parts: Iterable[Group]) -> Group:
    merged = Group(name=name, voters=0)
    for part in parts:
        merged.voters += part.voters
        merged.members.extend(part.members or [part.name])
        for outcome_id, count in part.support.items():
            merged.support[outcome_id] = merged.support.get(outcome_id, 0) + count
    return merged


def shown_groups(groups: list[Group], *, secret: bool, min_size: int) -> list[Group]:
    """The groups a page may show: under secrecy, small groups are merged into "Other".

    If "Other" is still smaller than `min_size`, the smallest shown groups join
    it until it is not, so no one can subtract the shown groups from the
    totals and recover a small group's votes.
    """
    groups = [g for g in groups if g.voters]
    if not secret:
        return groups
    big = sorted((g for g in groups if g.voters >= min_size), key=lambda g: (g.voters, g.name))
    small = [g for g in groups if g.voters < min_size]
    while small and sum(g.voters for g in small) < min_size and big:
        small.append(big.pop(0))
    shown = sorted(big, key=lambda g: g.name)
    if small:
        shown.append(_merge(OTHER, small))
    return shown


def agency_groups(stored: list[dict[str, Any]]) -> list[Group]:
    return [
        Group(name=g["name"], voters=g["voters"], support={int(k): v for k, v in g["support"].items()}) for g in stored
    ]


def sector_groups(stored: list[dict[str, Any]]) -> list[Group]:
    by_sector: dict[str, list[Group]] = {}
    for g in stored:
        by_sector.setdefault(g["sector_label"], []).append(
            Group(name=g["name"], voters=g["voters"], support={int(k): v for k, v in g["support"].items()})
        )
    return sorted((_merge(label, parts) for label, parts in by_sector.items()), key=lambda g: g.name)


def shown_sector_groups(stored: list[dict[str, Any]], *, secret: bool, min_size: int) -> list[Group]:
    """Sectors as a page may show them.

    Under secrecy a sector is built only from the agencies shown on their own:
    otherwise a sector's row minus its shown agencies' rows would give away a
    hidden agency's votes. Hidden agencies' sectors join "Other", by label, so
    `what_really_matters` still knows those sectors took part.
    """
    if not secret:
        return shown_groups(sector_groups(stored), secret=False, min_size=min_size)
    agencies = shown_groups(agency_groups(stored), secret=True, min_size=min_size)
    hidden = {name for g in agencies if g.name == OTHER for name in g.members}
    shown = shown_groups(sector_groups([g for g in stored if g["name"] not in hidden]), secret=True, min_size=min_size)
    gone = [
        Group(name=s.name, voters=s.voters, support=s.support)
        for s in sector_groups([g for g in stored if g["name"] in hidden])
    ]
    if not gone:
        return shown
    others = [g for g in shown if g.name == OTHER]
    return [g for g in shown if g.name != OTHER] + [_merge(OTHER, others + gone)]


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


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


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
        need = f"support from at least {min_sectors} sectors (so far {len(supporting)})"
        reasons.append(f"{need}: no support yet from the {_join(missing)}" if missing else need)
    if energy < min_energy:
        reasons.append(f"at least {min_energy} leaders committing energy to it (so far {energy})")
    return Verdict(named=not reasons, supporting=supporting, missing=missing, energy=energy, reasons=reasons)


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
    for outcome_id in outcome_ids:
        shares = sorted((g.share(outcome_id), g.name) for g in sectors)
        split = Split(outcome_id, shares[0][0], shares[-1][0], shares[0][1], shares[-1][1])
        if split.lowest >= broad:
            consensus.append(split)
        elif split.highest - split.lowest >= gap:
            contested.append(split)
    contested.sort(key=lambda s: s.lowest - s.highest)
    return consensus, contested


@dataclass(frozen=True)
class Divergence:
    first: str
    second: str
    distance: float
    #: The outcome on which they differ most, and each one's share of support for it.
    outcome_id: int
    first_share: float
    second_share: float


def divergent_pairs(outcome_ids: Sequence[int], groups: list[Group], *, limit: int = 5) -> list[Divergence]:
    """Pairs of groups whose support differs most, by mean difference in share across outcomes."""
    if not outcome_ids:
        return []
    pairs = []
    for a, b in combinations(groups, 2):
        diffs = [(abs(a.share(o) - b.share(o)), o) for o in outcome_ids]
        widest = max(diffs)
        pairs.append(
            Divergence(
                first=a.name,
                second=b.name,
                distance=sum(d for d, _ in diffs) / len(diffs),
                outcome_id=widest[1],
                first_share=a.share(widest[1]),
                second_share=b.share(widest[1]),
            )
        )
    pairs.sort(key=lambda p: (-p.distance, p.first, p.second))
    return pairs[:limit]
