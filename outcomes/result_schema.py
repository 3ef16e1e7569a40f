"""The one definition of what a closed round stores, for the code that writes it and the code that reads it.

A round's result lives in four columns of `VotingRound`: the ranking (tiers of
outcome ids, best first), the Schulze pairwise counts, the winner, and `result`,
a JSON object holding everything else. `StoredResult` is that whole record,
typed; `to_columns` gives the four values to save and `from_round` reads them
back. Outcome ids are ints here and strings only inside the JSON (JSON object
keys are strings).

The JSON carries a version, so rounds closed by older code still read:

- Version 1: the shape written before this module existed (no "version" key).
  Agencies are stored one by one ("groups"), even those too small to show under
  a secret ballot, and secrecy is applied as they are read.
- Version 2: agencies and sectors are stored as the pages show them
  ("agencies", "sectors"): under a secret ballot, groups smaller than the
  round's minimum are merged into "Other" before anything is stored, so the
  stored analysis itself never holds a small group's votes.
- Version 3: adds "divergent", the pairs of agencies (as shown) whose support
  differs most, computed when the round closes so no page computes it on a
  request. Rounds closed before have it added by migration 0008.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from outcomes.groups import Group, shown_groups, shown_sector_groups
from outcomes.models import Method, VotingRound
from outcomes.tally import IrvReason

RESULT_VERSION = 3

Json = dict[str, Any]


class TieKind(StrEnum):
    """Which kind of count ended in a tie at the top, and so how to explain it."""

    SCHULZE = "schulze"
    IRV = "irv"
    TOTALS = "totals"


@dataclass(frozen=True)
class Tie:
    kind: TieKind
    #: The outcomes tied: at the top (Schulze, totals), or for fewest votes where the count stopped (IRV).
    ids: list[int]
    #: Instant runoff only: every outcome that wins under some order the tie rule allows.
    could_win: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class IrvRoundRecord:
    """One round of an instant-runoff count, as `tally.IrvRound` reported it."""

    counts: dict[int, int]
    continuing: int
    exhausted: int
    set_aside: int
    majority: int
    reason: IrvReason
    eliminated: list[int]
    tied: list[int]


@dataclass(frozen=True)
class Pairwise:
    """Schulze's head-to-head counts: counts[i][j] ballots prefer candidates[i] to candidates[j]."""

    candidates: list[int]
    counts: list[list[int]]


@dataclass(frozen=True)
class Count:
    """What the count decided, by the round's method, and the figures behind it."""

    #: The ranking, best first; a tier of several ids is a tie.
    tiers: list[list[int]]
    #: None when the top is tied, or nobody voted.
    winner: int | None
    tie: Tie | None = None
    #: Instant runoff: every round of the count.
    irv: list[IrvRoundRecord] = field(default_factory=list)
    #: Score, dots and approval: each outcome's total.
    totals: dict[int, int] | None = None
    #: Schulze: the head-to-head counts.
    pairwise: Pairwise | None = None


@dataclass(frozen=True)
class EnergyCounts:
    """How many leaders would commit no, some, or a lot of energy to one outcome."""

    none: int = 0
    some: int = 0
    a_lot: int = 0

    @property
    def given(self) -> int:
        """Leaders committing some energy or a lot."""
        return self.some + self.a_lot


@dataclass(frozen=True)
class Support:
    """Who supports what, and with how much energy, overall and by group."""

    energy: dict[int, EnergyCounts]
    supporters: dict[int, int]
    #: Voters by agency, and by sector, as they may be shown: under a secret ballot no group is smaller than the
    #: round's minimum (see `groups.shown_groups` and `groups.shown_sector_groups`).
    agencies: list[Group]
    sectors: list[Group]
    #: The sector labels of the site's agencies when the round closed, voters or not.
    site_sectors: list[str]
    #: The agencies (as shown) that differ most, most first; None for a result stored without them.
    divergent: list[Divergence] | None = None


@dataclass(frozen=True)
class Divergence:
    """Two groups whose support differs most: mean difference in share across the outcomes."""

    first: str
    second: str
    distance: float
    #: The outcome on which they differ most, and each one's share of support for it.
    outcome_id: int
    first_share: float
    second_share: float


class Columns(NamedTuple):
    """The values of `VotingRound`'s result columns, ready to save."""

    ranking: list[list[int]]
    pairwise: Json
    winner_id: int | None
    result: Json


@dataclass(frozen=True)
class StoredResult:
    method: Method
    ballot_count: int
    candidates: list[int]
    count: Count
    support: Support

    def to_columns(self) -> Columns:
        count = self.count
        result: Json = {
            "version": RESULT_VERSION,
            "method": str(self.method),
            "ballot_count": self.ballot_count,
            "candidates": self.candidates,
        }
        if self.method == Method.INSTANT_RUNOFF:
            result["irv"] = [_irv_round_to_json(r) for r in count.irv]
        if count.totals is not None:
            result["totals"] = _keyed(count.totals)
        if count.tie is not None:
            result["tie"] = {"ids": count.tie.ids, "kind": str(count.tie.kind)}
            if count.tie.kind == TieKind.IRV:
                result["tie"]["could_win"] = count.tie.could_win
        support = self.support
        result["energy"] = {str(k): [e.none, e.some, e.a_lot] for k, e in support.energy.items()}
        result["supporters"] = _keyed(support.supporters)
        result["agencies"] = [_group_to_json(g) for g in support.agencies]
        result["sectors"] = [_group_to_json(g) for g in support.sectors]
        result["site_sectors"] = support.site_sectors
        if support.divergent is not None:
            result["divergent"] = [_divergence_to_json(d) for d in support.divergent]
        pairwise: Json = (
            {"candidates": count.pairwise.candidates, "counts": count.pairwise.counts} if count.pairwise else {}
        )
        return Columns(ranking=count.tiers, pairwise=pairwise, winner_id=count.winner, result=result)

    @classmethod
    def from_columns(
        cls,
        *,
        method: str,
        ranking: list[list[int]],
        pairwise: Json,
        winner_id: int | None,
        result: Json,
        secret: bool,
        min_group_size: int,
        agencies: bool = True,
    ) -> StoredResult:
        """The stored result from its columns; `secret` and `min_group_size` show version 1's groups as they may be.

        `agencies=False` leaves the agencies' support unread (an empty list), for a reader that shows none of it:
        a hundred agencies' figures for every outcome were most of the time of reading a result.
        """
        version = result.get("version", 1)
        if version not in (1, 2, 3):
            raise ValueError(f"A round's result has version {version!r}; this code reads versions 1 to 3.")
        tie = result.get("tie")
        count = Count(
            tiers=[list(tier) for tier in ranking],
            winner=winner_id,
            tie=Tie(kind=TieKind(tie["kind"]), ids=list(tie["ids"]), could_win=list(tie.get("could_win", [])))
            if tie
            else None,
            irv=[_irv_round_from_json(r) for r in result.get("irv", [])],
            totals=_unkeyed(result["totals"]) if "totals" in result else None,
            pairwise=Pairwise(candidates=list(pairwise["candidates"]), counts=pairwise["counts"])
            if pairwise.get("candidates")
            else None,
        )
        if version == 1:
            every_agency = [_agency_from_json(g) for g in result.get("groups", [])]
            shown_agencies = shown_groups(every_agency, secret=secret, min_size=min_group_size) if agencies else []
            sectors = shown_sector_groups(every_agency, secret=secret, min_size=min_group_size)
        else:
            shown_agencies = [_group_from_json(g) for g in result["agencies"]] if agencies else []
            sectors = [_group_from_json(g) for g in result["sectors"]]
        support = Support(
            energy={int(k): EnergyCounts(*v) for k, v in result.get("energy", {}).items()},
            supporters=_unkeyed(result.get("supporters", {})),
            agencies=shown_agencies,
            sectors=sectors,
            site_sectors=list(result.get("site_sectors", [])),
            divergent=[_divergence_from_json(d) for d in result["divergent"]] if "divergent" in result else None,
        )
        return cls(
            method=Method(result.get("method", method)),
            ballot_count=result.get("ballot_count", 0),
            candidates=list(result.get("candidates", [])),
            count=count,
            support=support,
        )

    @classmethod
    def from_round(cls, voting_round: VotingRound, *, agencies: bool = True) -> StoredResult:
        """The stored result of a closed round, whichever version wrote it (see `from_columns` for `agencies`).

        Without `agencies`, a round read by `round_get(agencies=False)` gives its result without them."""
        shortened = None if agencies else getattr(voting_round, "result_without_agencies", None)
        return cls.from_columns(
            method=voting_round.method,
            ranking=voting_round.ranking,
            pairwise=voting_round.pairwise,
            winner_id=voting_round.winner_id,
            result=voting_round.result if shortened is None else shortened,
            secret=voting_round.is_secret,
            min_group_size=voting_round.min_group_size,
            agencies=agencies,
        )


def _keyed(values: Mapping[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in values.items()}


def _unkeyed(values: Mapping[str, int]) -> dict[int, int]:
    return {int(k): v for k, v in values.items()}


def _irv_round_to_json(r: IrvRoundRecord) -> Json:
    return {
        "counts": _keyed(r.counts),
        "continuing": r.continuing,
        "exhausted": r.exhausted,
        "set_aside": r.set_aside,
        "majority": r.majority,
        "reason": str(r.reason),
        "eliminated": r.eliminated,
        "tied": r.tied,
    }


def _irv_round_from_json(r: Json) -> IrvRoundRecord:
    return IrvRoundRecord(
        counts=_unkeyed(r["counts"]),
        continuing=r["continuing"],
        exhausted=r["exhausted"],
        set_aside=r["set_aside"],
        majority=r["majority"],
        reason=IrvReason(r["reason"]),
        eliminated=list(r["eliminated"]),
        tied=list(r["tied"]),
    )


def _group_to_json(g: Group) -> Json:
    return {
        "name": g.name,
        "voters": g.voters,
        "support": _keyed(g.support),
        "energy": _keyed(g.energy),
        "members": g.members,
    }


def _group_from_json(g: Json) -> Group:
    return Group(
        name=g["name"],
        voters=g["voters"],
        support=_unkeyed(g["support"]),
        energy=_unkeyed(g["energy"]),
        members=list(g["members"]),
    )


def _divergence_to_json(d: Divergence) -> Json:
    return {
        "first": d.first,
        "second": d.second,
        "distance": d.distance,
        "outcome_id": d.outcome_id,
        "first_share": d.first_share,
        "second_share": d.second_share,
    }


def _divergence_from_json(d: Json) -> Divergence:
    return Divergence(
        first=d["first"],
        second=d["second"],
        distance=d["distance"],
        outcome_id=d["outcome_id"],
        first_share=d["first_share"],
        second_share=d["second_share"],
    )


def _agency_from_json(g: Json) -> Group:
    """An agency as version 1 stored it (its "sector" code is not needed: the label groups sectors)."""
    return Group(
        name=g["name"],
        voters=g["voters"],
        support=_unkeyed(g["support"]),
        energy=_unkeyed(g.get("energy", {})),
        sector=g["sector_label"],
    )
