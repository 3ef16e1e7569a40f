"""Tallying 100,000 ranked ballots over 50 candidates: Schulze and instant runoff, against votelib and pyrankvote.

Run from the project root: .venv/bin/python bench/bench_tally.py
Options: --ballots N, --candidates N, --seed N, --repeats N (ours, best of),
--reference-ballots N (time the references on the first N ballots and
extrapolate linearly; the default is all of them), --no-reference.

Needs no database. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Imported after the repo root is on sys.path, so the script runs from anywhere.
from outcomes.tally import (
    instant_runoff,
    instant_runoff_from_ranks,
    rank_matrix,
    schulze,
    schulze_from_ranks,
)

FIRST_CANDIDATE_ID = 1001  # database-like ids, not column numbers


def make_ballots(n_ballots: int, n_candidates: int, seed: int) -> list[dict[int, int]]:
    """Strict rankings of 5 to all candidates each, some candidates far more popular than others.

    Popularity is drawn from a Dirichlet(0.5) distribution, and each ballot
    is a Plackett–Luce draw from it (Gumbel noise on log popularity), cut at
    a length chosen uniformly from 5 to n_candidates.
    """
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(n_candidates, 0.5))
    lengths = rng.integers(min(5, n_candidates), n_candidates + 1, size=n_ballots)
    noisy = np.log(popularity)[None, :] + rng.gumbel(size=(n_ballots, n_candidates))
    orders = np.argsort(-noisy, axis=1).tolist()
    return [
        {FIRST_CANDIDATE_ID + c: rank for rank, c in enumerate(order[:length], start=1)}
        for order, length in zip(orders, lengths.tolist(), strict=True)
    ]


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest wall-clock time of `repeats` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def votelib_schulze(ballots: list[dict[int, int]]) -> Callable[[], Any]:
    from votelib.convert import RankedToCondorcetVotes
    from votelib.evaluate.condorcet import Schulze

    # votelib takes each distinct ranking once with its count.
    votes = Counter(tuple(sorted(ballot, key=ballot.__getitem__)) for ballot in ballots)

    def run() -> Any:
        pairs = RankedToCondorcetVotes(unranked_at_bottom=True).convert(votes)
        return Schulze().evaluate(pairs, n_seats=1)[0]

    return run


def pyrankvote_irv(candidates: list[int], ballots: list[dict[int, int]]) -> Callable[[], Any]:
    import pyrankvote

    people = {c: pyrankvote.Candidate(str(c)) for c in candidates}
    prepared = [pyrankvote.Ballot([people[c] for c in sorted(ballot, key=ballot.__getitem__)]) for ballot in ballots]

    def run() -> Any:
        return int(pyrankvote.instant_runoff_voting(list(people.values()), prepared).get_winners()[0].name)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20_240_611)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-ballots", type=int, default=None)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()

    candidates = list(range(FIRST_CANDIDATE_ID, FIRST_CANDIDATE_ID + args.candidates))
    ballots = make_ballots(args.ballots, args.candidates, args.seed)
    mean_length = sum(map(len, ballots)) / len(ballots)
    print(
        f"{len(ballots):,} ranked ballots over {len(candidates)} candidates (seed {args.seed}); "
        f"each ranks 5-{len(candidates)}, mean {mean_length:.1f}; a few candidates are far more popular."
    )
    print(f"Ours: best of {args.repeats} wall-clock runs, from the list of dict ballots unless marked.\n")

    t_matrix, ranks = best_of(args.repeats, lambda: rank_matrix(candidates, ballots))
    t_schulze, schulze_result = best_of(args.repeats, lambda: schulze(candidates, ballots))
    t_schulze_ranks, _ = best_of(args.repeats, lambda: schulze_from_ranks(candidates, ranks))
    t_irv, irv_result = best_of(args.repeats, lambda: instant_runoff(candidates, ballots))
    t_irv_ranks, _ = best_of(args.repeats, lambda: instant_runoff_from_ranks(candidates, ranks))
    rows = [
        ("rank_matrix (dicts -> matrix)", t_matrix),
        ("schulze", t_schulze),
        ("schulze_from_ranks (matrix ready)", t_schulze_ranks),
        ("instant_runoff", t_irv),
        ("instant_runoff_from_ranks (matrix ready)", t_irv_ranks),
    ]
    for label, seconds in rows:
        print(f"  {label:<42} {seconds:8.3f} s")
    print(
        f"  Schulze winners {schulze_result.winners}; instant-runoff winner {irv_result.winner} "
        f"after {len(irv_result.rounds)} rounds"
    )
    if args.no_reference:
        return

    n_reference = min(args.reference_ballots or len(ballots), len(ballots))
    subset = ballots[:n_reference]
    scale = len(ballots) / n_reference
    if n_reference == len(ballots):
        print(f"\nReferences: one wall-clock run each on the same {len(ballots):,} ballots", end="")
    else:
        print(
            f"\nReferences: one wall-clock run each on the first {n_reference:,} ballots only, "
            f"EXTRAPOLATED linearly (x{scale:g}) to {len(ballots):,}",
            end="",
        )
    print(" (building their input objects is not timed; ours includes building the rank matrix).\n")

    full = n_reference == len(ballots)
    # Who our functions elect on the ballots the reference saw, to show they agree.
    our_schulze_winners = schulze_result.winners if full else schulze(candidates, subset).winners
    our_irv_winner = irv_result.winner if full else instant_runoff(candidates, subset).winner
    references = [
        (f"votelib {version('votelib')} Schulze", votelib_schulze(subset), t_schulze, "schulze", our_schulze_winners),
        (
            f"pyrankvote {version('pyrankvote')} instant runoff",
            pyrankvote_irv(candidates, subset),
            t_irv,
            "instant_runoff",
            our_irv_winner,
        ),
    ]
    reference_seconds = {}
    for label, run, ours, our_name, our_winner in references:
        seconds, winner = best_of(1, run)
        seconds *= scale
        reference_seconds[our_name] = seconds
        figure = f"{seconds:8.3f} s" + ("" if full else " (extrapolated)")
        print(f"  {label:<42} {figure}   {seconds / ours:6.1f}x the time of {our_name}")
        print(f"    reference winner {winner}; ours on the same ballots {our_winner}")
    # Like for like: each side's input preparation either counted on both sides or on neither.
    prep_seconds, _ = best_of(1, lambda: pyrankvote_irv(candidates, subset))
    prep_seconds *= scale
    irv_reference = reference_seconds["instant_runoff"]
    print(
        f"\n  Instant runoff like for like:"
        f"\n    both counting input preparation: pyrankvote {prep_seconds + irv_reference:.3f} s"
        f" vs ours {t_irv:.3f} s = {(prep_seconds + irv_reference) / t_irv:.1f}x"
        f"\n    neither counting it (their prepared objects, our ready matrix): pyrankvote {irv_reference:.3f} s"
        f" vs ours {t_irv_ranks:.3f} s = {irv_reference / t_irv_ranks:.1f}x"
    )
    if not full:
        print(
            "\n  Linear extrapolation misleads for pyrankvote: its time goes mostly on breaking ties between"
            "\n  equal vote counts (each comparison scans every ballot), and small subsets have many more of"
            "\n  those. Run without --reference-ballots for its real figure."
        )


if __name__ == "__main__":
    main()
