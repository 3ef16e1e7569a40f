"""The measure of an adopted outcome (issue 12, item 3) and its series export (item 6)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from network.errors import DomainError
from network.models import Alliance
from outcomes.charts import line_chart
from outcomes.models import CandidateOutcome, Indicator, IndicatorUpdate
from outcomes.services.indicators import indicator_create, indicator_update_add
from tests.conftest import Cast
from tests.outcomes.adopted import adopt

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(weeks=53)


@pytest.fixture
def adopted(cast: Cast, candidates: list[CandidateOutcome]) -> tuple[CandidateOutcome, Alliance]:
    return adopt(cast, candidates)


@pytest.fixture
def indicator(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> Indicator:
    return indicator_create(
        outcome=adopted[0],
        membership=cast.enabler,
        name="People sleeping rough",
        unit="people",
        source="Council street count",
        direction="down",
        baseline_value=Decimal(40),
        baseline_on=START,
        target_value=Decimal(10),
        target_on=TODAY + dt.timedelta(days=365),
    )


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_the_enabler_names_one_to_three_indicators(cast: Cast, adopted: tuple[CandidateOutcome, Alliance]) -> None:
    outcome, _ = adopted
    url = reverse("outcomes:measure", args=[cast.site.slug, outcome.pk])
    data = {
        "name": "Rough sleepers",
        "unit": "people",
        "source": "Street count",
        "direction": "down",
        "baseline_value": "40",
        "baseline_on": START.isoformat(),
    }
    assert cast.client_for(cast.leaders[0]).post(url, data).status_code == 403
    for i in range(3):
        assert cast.client_for(cast.enabler).post(url, {**data, "name": f"n{i}"}).status_code == 302
    response = cast.client_for(cast.enabler).post(url, {**data, "name": "fourth"})
    assert response.status_code == 422
    assert "at most three" in response.content.decode()
    assert outcome.indicators.count() == 3


def test_a_candidate_not_adopted_has_no_measure(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    url = reverse("outcomes:measure", args=[cast.site.slug, candidates[1].pk])
    assert cast.client_for(cast.enabler).get(url).status_code == 404
    with pytest.raises(DomainError):
        indicator_create(
            outcome=candidates[1],
            membership=cast.enabler,
            name="x",
            unit="x",
            source="x",
            direction="up",
            baseline_value=Decimal(1),
            baseline_on=START,
        )


def test_an_implausible_value_is_questioned_not_stored(cast: Cast, indicator: Indicator) -> None:
    url = reverse("outcomes:indicator-detail", args=[cast.site.slug, indicator.pk])
    client = cast.client_for(cast.enabler)
    day = (TODAY - dt.timedelta(days=7)).isoformat()
    response = client.post(url, {"measured_on": day, "value": "4000", "note": "typo?"})
    assert response.status_code == 422
    assert "far outside the values so far" in response.content.decode()
    assert not indicator.updates.exists()
    response = client.post(url, {"measured_on": day, "value": "4000", "note": "a real surge", "value_checked": "on"})
    assert response.status_code == 302
    assert indicator.updates.get().value == 4000
    # One value per date, explained next to the date.
    response = client.post(url, {"measured_on": day, "value": "38"})
    assert response.status_code == 422
    assert "already a value for that date" in response.content.decode()


def test_an_upload_is_previewed_row_by_row_and_nothing_saved_until_confirmed(cast: Cast, indicator: Indicator) -> None:
    client = cast.client_for(cast.enabler)
    rows = [["date", "value", "note"]]
    for week in range(52):
        rows.append([(START + dt.timedelta(weeks=week + 1)).isoformat(), str(40 - week // 3), f"week {week}"])
    rows[10][0] = "31/02/2026"  # line 11: no such date
    rows[20][1] = "about 30"  # line 21: not a number
    upload = reverse("outcomes:indicator-upload", args=[cast.site.slug, indicator.pk])
    response = client.post(upload, {"file": _named(_csv(rows), "year.csv")})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "2 rows need fixing" in text
    assert re.search(r"Row 11:.*is not a date we can read", text)
    assert re.search(r"Row 21:.*is not a number", text)
    assert "Save 52 updates" not in text
    assert client.post(response["Location"], {}).status_code == 422
    assert not indicator.updates.exists()

    rows[10][0] = (START + dt.timedelta(weeks=10)).isoformat()
    rows[20][1] = "30"
    rows[30][1] = "900"  # plausible? no: questioned
    response = client.post(upload, {"file": _named(_csv(rows), "year-fixed.csv")})
    preview = client.get(response["Location"])
    assert "1 value looks unlikely" in preview.content.decode()
    assert client.post(response["Location"], {}).status_code == 422  # the question must be answered
    assert not indicator.updates.exists()
    assert client.post(response["Location"], {"checked": "on"}).status_code == 302
    assert indicator.updates.count() == 52
    # The same upload cannot be saved twice.
    assert client.post(response["Location"], {"checked": "on"}).status_code == 422
    assert indicator.updates.count() == 52


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_an_xlsx_upload_reads_dates_and_numbers(cast: Cast, indicator: Indicator) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Value", "Note"])
    sheet.append([dt.datetime.combine(START + dt.timedelta(days=30), dt.time()), 38.0, "Outreach began"])
    sheet.append([START + dt.timedelta(days=60), 35, ""])
    out = io.BytesIO()
    book.save(out)
    client = cast.client_for(cast.enabler)
    response = client.post(
        reverse("outcomes:indicator-upload", args=[cast.site.slug, indicator.pk]),
        {"file": _named(out.getvalue(), "counts.xlsx")},
    )
    assert client.post(response["Location"], {}).status_code == 302
    assert list(indicator.updates.values_list("value", flat=True)) == [38, 35]


def test_the_indicator_page_draws_an_accessible_chart_beside_its_table(
    cast: Cast, indicator: Indicator, django_assert_max_num_queries
) -> None:
    for week in range(1, 30):
        indicator_update_add(
            indicator=indicator,
            membership=cast.enabler,
            measured_on=START + dt.timedelta(weeks=week),
            value=Decimal(40 - week),
            note=f"Week {week}" if week == 29 else "",
        )
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:indicator-detail", args=[cast.site.slug, indicator.pk])
    with django_assert_max_num_queries(6):  # session, user, membership, indicator, series, messages
        response = client.get(url)
    html = response.content.decode()
    assert 'role="img"' in html
    assert '<title id="chart-title">' in html
    assert "The trend is falling" in html
    assert "which is the better direction" in html
    assert html.count('class="chart-point"') == 29
    assert "<td>Week 29</td>" in html
    assert 'class="chart-target"' in html


def test_the_indicator_page_query_count_does_not_grow(
    cast: Cast, indicator: Indicator, django_assert_num_queries
) -> None:
    client = cast.client_for(cast.leaders[0])
    url = reverse("outcomes:indicator-detail", args=[cast.site.slug, indicator.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    IndicatorUpdate.objects.bulk_create(
        IndicatorUpdate(indicator=indicator, measured_on=START + dt.timedelta(days=d), value=Decimal(30))
        for d in range(1, 300)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_chart_puts_points_where_they_belong() -> None:
    day = dt.date(2025, 1, 1)
    chart = line_chart(
        baseline=(day, Decimal(10)),
        target=None,
        series=[(day + dt.timedelta(days=10), Decimal(20)), (day + dt.timedelta(days=20), Decimal(30))],
    )
    (x1, y1), (x2, y2) = chart.markers
    assert chart.baseline[0] < x1 < x2 == chart.plot_right
    assert chart.baseline[1] > y1 > y2  # higher values are higher up
    assert chart.trend_per_year == pytest.approx(365.25)  # 10 a fortnight... 1 a day


def test_outsiders_see_none_of_the_measure(cast: Cast, indicator: Indicator) -> None:
    outsider = cast.client_for(cast.outsider)
    for name, arg in (
        ("outcomes:measure", indicator.outcome_id),
        ("outcomes:indicator-detail", indicator.pk),
        ("outcomes:indicator-csv", indicator.pk),
        ("outcomes:indicator-xlsx", indicator.pk),
        ("outcomes:indicator-upload", indicator.pk),
    ):
        assert outsider.get(reverse(name, args=[cast.site.slug, arg])).status_code == 404, name


def test_the_series_exports_formula_safe(cast: Cast, indicator: Indicator) -> None:
    indicator_update_add(
        indicator=indicator, membership=cast.enabler, measured_on=TODAY, value=Decimal(35), note="=1+1 we did it"
    )
    client = cast.client_for(cast.leaders[0])
    csv_response = client.get(reverse("outcomes:indicator-csv", args=[cast.site.slug, indicator.pk]))
    body = b"".join(csv_response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[1][2:] == [START.isoformat(), "40", "Baseline"]
    assert rows[2][2:] == [TODAY.isoformat(), "35", "'=1+1 we did it"]
    response = client.get(reverse("outcomes:indicator-xlsx", args=[cast.site.slug, indicator.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert book.active.cell(row=3, column=5).value == "'=1+1 we did it"
