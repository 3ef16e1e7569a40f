"""Reads: an adopted outcome's measure, its indicators, their series and the rows of their export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext

from network.models import PilotSite, User
from outcomes.charts import LineChart, line_chart
from outcomes.models import CandidateOutcome, Direction, Indicator, IndicatorUpdate, IndicatorUpload

#: How many of the newest updates the indicator page lists; the export has them all.
TABLE_ROWS = 52


def adopted_outcome_get(*, site: PilotSite, outcome_id: int) -> CandidateOutcome:
    """An outcome of the site with an alliance (adopted by the enabler, or the winner leaders committed to),
    or a 404: another site's outcome is as if it did not exist."""
    outcome = (
        CandidateOutcome.objects.select_related("site", "alliance", "proposed_by__user")
        .filter(site=site, pk=outcome_id, alliance__isnull=False)
        .first()
    )
    if outcome is None:
        raise Http404(gettext("No such adopted outcome."))
    return outcome


def indicators_for_outcome(*, outcome: CandidateOutcome) -> QuerySet[Indicator]:
    return outcome.indicators.order_by("created_at", "pk")


def indicator_get(*, site: PilotSite, indicator_id: int) -> Indicator:
    indicator = Indicator.objects.select_related("outcome").filter(pk=indicator_id, outcome__site=site).first()
    if indicator is None:
        raise Http404(gettext("No such indicator."))
    return indicator


@dataclass(frozen=True)
class IndicatorPage:
    """What an indicator's page shows: the chart of the whole series, and the newest updates as a table."""

    chart: LineChart
    newest: list[IndicatorUpdate]
    count: int
    latest: IndicatorUpdate | None
    summary: str  # the chart in words: its SVG description


def _summary(indicator: Indicator, latest: IndicatorUpdate | None, chart: LineChart) -> str:
    words = [
        gettext("Baseline %(value)s %(unit)s on %(date)s.")
        % {
            "value": _plain(indicator.baseline_value),
            "unit": indicator.unit,
            "date": date_format(indicator.baseline_on),
        }
    ]
    if latest is not None:
        words.append(
            gettext("Latest %(value)s %(unit)s on %(date)s.")
            % {"value": _plain(latest.value), "unit": indicator.unit, "date": date_format(latest.measured_on)}
        )
    if indicator.target_value is not None and indicator.target_on is not None:
        words.append(
            gettext("Target %(value)s %(unit)s by %(date)s.")
            % {
                "value": _plain(indicator.target_value),
                "unit": indicator.unit,
                "date": date_format(indicator.target_on),
            }
        )
    if chart.trend_per_year is not None:
        rising = chart.trend_per_year > 0
        better = rising == (indicator.direction == Direction.UP)
        per_year = f"{abs(chart.trend_per_year):,.2f}"
        if rising:
            text = gettext("The trend is rising by %(amount)s %(unit)s a year")
        else:
            text = gettext("The trend is falling by %(amount)s %(unit)s a year")
        words.append(
            (text % {"amount": per_year, "unit": indicator.unit})
            + ", "
            + (gettext("which is the better direction.") if better else gettext("which is the worse direction."))
        )
    return " ".join(words)


def indicator_page(*, indicator: Indicator) -> IndicatorPage:
    """The chart and table in one query for the series, whatever its length."""
    series = list(indicator.updates.order_by("measured_on", "pk"))
    chart = line_chart(
        baseline=(indicator.baseline_on, indicator.baseline_value),
        target=(indicator.target_on, indicator.target_value)
        if indicator.target_on is not None and indicator.target_value is not None
        else None,
        series=[(u.measured_on, u.value) for u in series],
    )
    latest = series[-1] if series else None
    return IndicatorPage(
        chart=chart,
        newest=series[::-1][:TABLE_ROWS],
        count=len(series),
        latest=latest,
        summary=_summary(indicator, latest, chart),
    )


def upload_get(*, indicator: Indicator, upload_id: int, user: User) -> IndicatorUpload:
    """An upload is seen only by the enabler who made it, on its own indicator."""
    upload = IndicatorUpload.objects.filter(pk=upload_id, indicator=indicator, created_by=user).first()
    if upload is None:
        raise Http404(gettext("No such upload."))
    return upload


def series_export_header() -> list[str]:
    """The series export's column headers, in the reader's language (the active one)."""
    return [gettext("Indicator"), gettext("Unit"), gettext("Date"), gettext("Value"), gettext("Story behind the curve")]


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def indicator_export_rows(*, indicator: Indicator) -> Iterator[list[str]]:
    """The baseline, then every update. "Baseline" is translated now, in the reader's language: the rows are
    streamed after the view returns."""
    return _series_rows(indicator, gettext("Baseline"))


def _series_rows(indicator: Indicator, baseline: str) -> Iterator[list[str]]:
    yield [
        indicator.name,
        indicator.unit,
        indicator.baseline_on.isoformat(),
        _plain(indicator.baseline_value),
        baseline,
    ]
    for update in indicator.updates.order_by("measured_on", "pk").iterator(chunk_size=2000):
        yield [indicator.name, indicator.unit, update.measured_on.isoformat(), _plain(update.value), update.note]
