"""Issue 10 item 8: every CSV the app writes goes through one formula guard.

The test finds the CSV endpoints itself, from the URLconfs, so a new CSV download that this test does not
know how to fill in fails it instead of slipping past.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from network import services
from network.csv_cells import FORMULA_START
from network.models import Alliance
from network.services.commitments import commitment_add
from network.services.meetings import walk_in_record
from outcomes import services as outcome_services
from outcomes.services.indicators import indicator_create, indicator_update_add
from tests.conftest import Cast
from tests.outcomes.adopted import adopt

FORMULAS = ["=1+2", "+3+4", "-5+6", "@SUM(A1)", "\t=7+8", "\r=9+10"]


def _csv_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif "csv" in str(pattern.pattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def _body(response: HttpResponseBase) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def _results_csv(cast: Cast, alliance: Alliance) -> str:
    outcomes = [
        outcome_services.outcome_propose(membership=cast.leaders[i % 3], statement=text, why_it_matters="Because.")
        for i, text in enumerate(FORMULAS)
    ]
    voting_round = outcome_services.round_create_and_open(membership=cast.enabler, title="=Round")
    for leader in cast.leaders:
        outcome_services.ballot_submit(
            voting_round=voting_round, voter=leader, ranks={o.pk: i + 1 for i, o in enumerate(outcomes)}
        )
    outcome_services.round_close(voting_round=voting_round, membership=cast.enabler)
    return reverse("outcomes:round-results-csv", args=[cast.site.slug, voting_round.pk])


def _pairwise_csv(cast: Cast, alliance: Alliance) -> str:
    results = _results_csv(cast, alliance)  # a closed Schulze round whose outcomes look like formulas
    return results.replace("results.csv", "head-to-head.csv")


def _support_csv(cast: Cast, alliance: Alliance) -> str:
    results = _results_csv(cast, alliance)  # the system view's full table: every outcome against every group
    return results.replace("results.csv", "support.csv")


def _attendees_csv(cast: Cast, alliance: Alliance) -> str:
    meeting = services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="Meeting",
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="Library",
    )
    for leader, formula in zip(cast.leaders, FORMULAS, strict=False):
        leader.role_title = formula
        leader.save()
        leader.user.name = formula
        leader.user.save()
    for formula in FORMULAS:
        walk_in_record(meeting=meeting, name=f"{formula} name", email="", agency=formula, recorded_by=cast.coordinator)
    return reverse("network:meeting-attendees-csv", args=[cast.site.slug, meeting.pk])


def _import_template_csv(cast: Cast, alliance: Alliance) -> str:
    return reverse("network:site-import-template", args=[cast.site.slug])  # fixed text, guarded all the same


def _alliance_csv(cast: Cast, alliance: Alliance) -> str:
    for i, formula in enumerate(FORMULAS):
        leader = cast.leaders[i % len(cast.leaders)]
        commitment_add(alliance=alliance, membership=leader, action=formula, due_on=timezone.localdate())
    return reverse("network:alliance-csv", args=[cast.site.slug])


def _indicator_csv(cast: Cast, alliance: Alliance) -> str:
    candidates = [
        outcome_services.outcome_propose(membership=cast.leaders[i], statement=statement, why_it_matters="Because.")
        for i, statement in enumerate(["No one sleeps rough", "Safe streets after dark"])
    ]
    outcome, _ = adopt(cast, candidates)
    indicator = indicator_create(
        outcome=outcome,
        membership=cast.enabler,
        name="=Rough sleepers",
        unit="+people",
        source="@Street count",
        direction="down",
        baseline_value=Decimal(40),
        baseline_on=timezone.localdate() - dt.timedelta(days=400),
    )
    for days, formula in enumerate(FORMULAS, start=1):
        indicator_update_add(
            indicator=indicator,
            membership=cast.enabler,
            measured_on=timezone.localdate() - dt.timedelta(days=days * 7),
            value=Decimal(40 - days),
            note=formula,
        )
    return reverse("outcomes:indicator-csv", args=[cast.site.slug, indicator.pk])


ENDPOINTS = {
    "network:alliance-csv": _alliance_csv,
    "outcomes:indicator-csv": _indicator_csv,
    "outcomes:round-results-csv": _results_csv,
    "outcomes:round-pairwise-csv": _pairwise_csv,
    "outcomes:round-support-csv": _support_csv,
    "network:meeting-attendees-csv": _attendees_csv,
    "network:site-import-template": _import_template_csv,
}


def test_it_knows_every_csv_endpoint() -> None:
    assert _csv_route_names() == set(ENDPOINTS)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_no_cell_of_any_csv_can_start_a_formula(cast: Cast, alliance: Alliance, name: str) -> None:
    url = ENDPOINTS[name](cast, alliance)
    response = cast.client_for(cast.enabler).get(url)
    assert response.status_code == 200
    body = _body(response).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    if name != "network:site-import-template":  # what was put in comes out as text
        for formula in FORMULAS:
            assert any(cell.startswith("'" + formula.strip()) for cell in cells), formula
