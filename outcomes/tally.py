"""Tallying ranked ballots.

This is the product's own arithmetic, so it is written here rather than taken
from a library; tests cross-check it against worked examples. Ballots are
mappings of candidate id to rank, 1 being best. A candidate missing from a
ballot is ranked below every candidate on it. Equal ranks are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

UNRANKED = np.iinfo(np.int32).max


@dataclass(frozen=True)
class SchulzeResult:
    candidates: list[int]
    #: pairwise[i][j]: how many ballots prefer candidates[i] to candidates[j].
    pairwise: list[list[int]]
    #: strongest[i][j]: strength of the strongest path from i to j.
    strongest: list[list[int]]
    #: The ranking, best first, as tiers of candidate ids; a tier of more than
    #: one id is a tie that the ballots cannot break.
    tiers: list[list[int]]
    ballot_count: int

    @property
    def winners(self) -> list[int]:
        return self.tiers[0] if self.tiers else []


def rank_matrix(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> npt.NDArray[np.int32]:
    """Ballots as a (ballots × candidates) array of ranks, unranked as a large number."""
    index = {candidate: i for i, candidate in enumerate(candidates)}
    rows: list[list[int]] = []
    for ballot in ballots:
        row = [int(UNRANKED)] * len(candidates)
        for candidate, rank in ballot.items():
            if candidate in index:
                row[index[candidate]] = rank
        rows.append(row)
    return np.array(rows, dtype=np.int32).reshape(len(rows), len(candidates))


def pairwise_counts(ranks: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """d[i, j]: how many ballots rank candidate i strictly above candidate j."""
    n_candidates = ranks.shape[1]
    if ranks.shape[0] == 0:
        return np.zeros((n_candidates, n_candidates), dtype=np.int64)
    # Identical ballots are common in real rounds; counting each distinct
    # ballot once, weighted, keeps the work proportional to distinct ballots.
    distinct, weights = np.unique(ranks, axis=0, return_counts=True)
    d = np.empty((n_candidates, n_candidates), dtype=np.int64)
    for i in range(n_candidates):
        d[i] = weights @ (distinct[:, i : i + 1] < distinct)
    return d


def schulze(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> SchulzeResult:
    candidates = list(candidates)
    ranks = rank_matrix(candidates, ballots)
    d = pairwise_counts(ranks)
    n = len(candidates)
    # Strongest paths (Floyd–Warshall over the widest-path semiring), with
    # links only where i beats j head to head.
    p = np.where(d > d.T, d, 0)
    np.fill_diagonal(p, 0)
    for k in range(n):
        through_k = np.minimum(p[:, k : k + 1], p[k : k + 1, :])
        p = np.maximum(p, through_k)
        np.fill_diagonal(p, 0)
    beats = p > p.T
    remaining = list(range(n))
    tiers: list[list[int]] = []
    while remaining:
        tier = [i for i in remaining if not any(beats[j, i] for j in remaining)]
        tiers.append([candidates[i] for i in tier])
        remaining = [i for i in remaining if i not in tier]
    return SchulzeResult(
        candidates=candidates,
        pairwise=d.tolist(),
        strongest=p.tolist(),
        tiers=tiers,
        ballot_count=int(ranks.shape[0]),
    )
