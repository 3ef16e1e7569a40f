"""The voters page's line per choice ("Unranked: …", "3 dots: …", "; a lot of energy") is in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from outcomes.models import Energy, Method, VotingRound
from outcomes.selectors.ballots import _Describer, _Entry

OUTCOMES = {1: "Fewer people sleep rough"}


@pytest.mark.parametrize(
    ("method", "entry", "english"),
    [
        (Method.SCHULZE, _Entry(1, 2, None, Energy.A_LOT), "2. Fewer people sleep rough; a lot of energy"),
        (Method.SCHULZE, _Entry(1, None, None, Energy.SOME), "Unranked: Fewer people sleep rough; some energy"),
        (Method.APPROVAL, _Entry(1, None, 1, Energy.NONE), "Approved: Fewer people sleep rough"),
        (Method.DOTS, _Entry(1, None, 1, Energy.NONE), "1 dot: Fewer people sleep rough"),
        (Method.DOTS, _Entry(1, None, 3, Energy.NONE), "3 dots: Fewer people sleep rough"),
        (Method.SCORE, _Entry(1, None, 4, Energy.NONE), "Score 4: Fewer people sleep rough"),
    ],
)
def test_each_kind_of_choice_reads_in_english_and_in_welsh(method: Method, entry: _Entry, english: str) -> None:
    voting_round = VotingRound(method=method)
    with translation.override("en-gb"):
        assert _Describer(voting_round, OUTCOMES)(entry) == english
    with translation.override("cy"):
        in_welsh = _Describer(voting_round, OUTCOMES)(entry)
    assert OUTCOMES[1] in in_welsh
    for word in ("Unranked", "Approved", "dots", "Score", "energy"):  # none of our English words left
        assert word not in in_welsh, in_welsh
