"""A server-rendered line chart of an indicator: pure arithmetic, no queries, drawn by a template as SVG.

The page puts a data table beside it, so a screen reader user gets the same facts; the SVG has
role="img" with a title and a description that says where the curve started, where it is and
which way it is heading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
# Markers are drawn only while they stay readable; beyond this the line alone shows the series.
MARKERS_MAX = 60


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    line: str  # the SVG polyline's points, "x,y x,y ..."
    markers: list[tuple[float, float]]
    baseline: tuple[float, float]
    target: tuple[float, float] | None
    trend: tuple[float, float, float, float] | None  # x1, y1, x2, y2
    trend_per_year: float | None  # the trend's slope, in the indicator's unit per year
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _trend(series: list[tuple[dt.date, Decimal]]) -> tuple[float, float] | None:
    """Least squares through the updates: (slope per day, intercept at day 0), or None for under two points."""
    if len(series) < 2:
        return None
    xs = [d.toordinal() for d, _ in series]
    ys = [float(v) for _, v in series]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return slope, my - slope * mx


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    raw = span / count
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (low // step) * step
    ticks = []
    value = first
    while value <= high + step / 2:
        if value >= low - step / 2:
            ticks.append(value)
        value += step
    return ticks


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def line_chart(
    *,
    baseline: tuple[dt.date, Decimal],
    target: tuple[dt.date, Decimal] | None,
    series: list[tuple[dt.date, Decimal]],
) -> LineChart:
    """Place the baseline, the target, every update and the trend line on one chart."""
    dates = [baseline[0], *(d for d, _ in series)] + ([target[0]] if target else [])
    values = [float(baseline[1]), *(float(v) for _, v in series)] + ([float(target[1])] if target else [])
    x_low, x_high = min(dates).toordinal(), max(dates).toordinal()
    if x_high == x_low:
        x_high = x_low + 1
    ticks = _nice_ticks(min(values), max(values))
    y_low, y_high = min(ticks[0], min(values)), max(ticks[-1], max(values))
    if y_high == y_low:
        y_high = y_low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: dt.date | float) -> float:
        ordinal = day.toordinal() if isinstance(day, dt.date) else day
        return round(LEFT + (ordinal - x_low) / (x_high - x_low) * plot_w, 1)

    def y_of(value: float | Decimal) -> float:
        return round(TOP + plot_h - (float(value) - y_low) / (y_high - y_low) * plot_h, 1)

    points = [(x_of(d), y_of(v)) for d, v in series]
    fit = _trend(series)
    trend = None
    if fit is not None:
        first, last = series[0][0].toordinal(), series[-1][0].toordinal()
        slope, intercept = fit
        trend = (x_of(first), y_of(slope * first + intercept), x_of(last), y_of(slope * last + intercept))
    years = range(dt.date.fromordinal(x_low).year, dt.date.fromordinal(x_high).year + 1)
    step = max(1, len(years) // 8)
    x_ticks = [
        Tick(x_of(dt.date(year, 1, 1)), str(year))
        for year in years[::step]
        if x_low <= dt.date(year, 1, 1).toordinal() <= x_high
    ]
    if not x_ticks:
        x_ticks = [Tick(x_of(x_low), date_format(dt.date.fromordinal(x_low), "M Y"))]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        line=" ".join(f"{x},{y}" for x, y in points),
        markers=points if len(points) <= MARKERS_MAX else [],
        baseline=(x_of(baseline[0]), y_of(baseline[1])),
        target=(x_of(target[0]), y_of(target[1])) if target else None,
        trend=trend,
        trend_per_year=fit[0] * 365.25 if fit else None,
        y_ticks=[Tick(y_of(t), _label(t)) for t in ticks if y_low <= t <= y_high],
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )
