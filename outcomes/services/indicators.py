"""Writes: an adopted outcome's measure ("turn the curve"): its indicators and their updates, by form or upload.

An upload is parsed and checked row by row into a stored preview; nothing reaches the series until the
enabler confirms. A value far outside what the indicator has seen so far is questioned, not stored
silently: the form asks for a tick, the upload for a confirmation, before it is saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Membership, User
from network.roles import can_manage_measure
from outcomes.models import INDICATORS_MAX, CandidateOutcome, Direction, Indicator, IndicatorUpdate, IndicatorUpload

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
UPLOAD_COLUMNS = ("date", "value", "note")
# A value is questioned when it lies further outside the range seen so far than this many times its width.
PLAUSIBLE_SPAN = 2


def _check_manager(membership: Membership, site_id: int) -> None:
    if membership.site_id != site_id or not can_manage_measure(membership):
        raise DomainError(_("Only the site's enablers manage the measure."))


@transaction.atomic
def indicator_create(
    *,
    outcome: CandidateOutcome,
    membership: Membership,
    name: str,
    unit: str,
    source: str,
    direction: str,
    baseline_value: Decimal,
    baseline_on: dt.date,
    target_value: Decimal | None = None,
    target_on: dt.date | None = None,
) -> Indicator:
    """Name one of an adopted outcome's one to three indicators."""
    _check_manager(membership, outcome.site_id)
    # Locked so two enablers cannot add a fourth between them.
    outcome = CandidateOutcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.alliance_id is None:
        raise DomainError(_("Only an adopted outcome has a measure."))
    if outcome.indicators.count() >= INDICATORS_MAX:
        raise DomainError(_("An outcome has at most three indicators: keep the measure simple."))
    if direction not in Direction.values:
        raise DomainError(_("Choose which direction is better."), field="direction")
    if (target_value is None) != (target_on is None):
        raise DomainError(_("Give a target with its date, or neither."), field="target_value")
    if target_on is not None and target_on <= baseline_on:
        raise DomainError(_("The target's date must be after the baseline's."), field="target_on")
    return Indicator.objects.create(
        outcome=outcome,
        name=name.strip(),
        unit=unit.strip(),
        source=source.strip(),
        direction=direction,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
        target_value=target_value,
        target_on=target_on,
        created_by=membership,
    )


def plausible_range(*, known: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The values an update may take without being questioned, from the values seen so far."""
    low, high = min(known), max(known)
    width = max(high - low, abs(high), abs(low), Decimal(1))
    return low - PLAUSIBLE_SPAN * width, high + PLAUSIBLE_SPAN * width


def value_question(*, indicator: Indicator, value: Decimal, known: list[Decimal]) -> str:
    """Why this value looks wrong, or "" when it does not. `known` is the baseline, target and values so far."""
    if indicator.unit.strip() == "%" and not Decimal(0) <= value <= Decimal(100):
        return _("A percentage is between 0 and 100.")
    low, high = plausible_range(known=known)
    if not low <= value <= high:
        return _("%(value)s is far outside the values so far (%(low)s to %(high)s). Is it right?") % {
            "value": _number(value),
            "low": _number(min(known)),
            "high": _number(max(known)),
        }
    return ""


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def known_values(indicator: Indicator) -> list[Decimal]:
    values = [indicator.baseline_value, *indicator.updates.values_list("value", flat=True)]
    if indicator.target_value is not None:
        values.append(indicator.target_value)
    return values


def indicator_update_add(
    *,
    indicator: Indicator,
    membership: Membership,
    measured_on: dt.date,
    value: Decimal,
    note: str = "",
    value_checked: bool = False,
) -> IndicatorUpdate:
    """Add one value with its note. A questioned value needs `value_checked`; one date has one value."""
    _check_manager(membership, indicator.outcome.site_id)
    if measured_on > timezone.localdate():
        raise DomainError(_("A measurement cannot be in the future."), field="measured_on")
    question = value_question(indicator=indicator, value=value, known=known_values(indicator))
    if question and not value_checked:
        raise DomainError(question + " " + _("Tick the box to confirm it."), field="value")
    try:
        with transaction.atomic():
            return IndicatorUpdate.objects.create(
                indicator=indicator, measured_on=measured_on, value=value, note=note.strip(), created_by=membership
            )
    except IntegrityError as error:
        raise DomainError(_("There is already a value for that date."), field="measured_on") from error


# --- Uploads -----------------------------------------------------------------------------------------


@dataclass
class UploadRow:
    line: int
    date: str
    value: str
    note: str
    errors: list[str] = field(default_factory=list)
    question: str = ""
    measured_on: dt.date | None = None
    number: Decimal | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class UploadPreview:
    rows: list[UploadRow]

    @property
    def bad(self) -> list[UploadRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def questioned(self) -> list[UploadRow]:
        return [row for row in self.rows if row.ok and row.question]

    @property
    def can_confirm(self) -> bool:
        return bool(self.rows) and not self.bad


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(data: bytes, filename: str) -> list[list[str]]:
    if not data.strip():
        raise DomainError(_("That file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise DomainError(_("That file is too big: the limit is 5 MB."), field="file")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise DomainError(_("That file could not be read as an Excel workbook (.xlsx)."), field="file")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [[_cell(v) for v in values] for values in book.worksheets[0].iter_rows(values_only=True)]
            book.close()
        except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
            raise DomainError(_("That file could not be read as an Excel workbook (.xlsx)."), field="file") from error
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        if "\x00" in text:
            raise DomainError(_("That file is not a CSV or Excel table."), field="file")
        first = text.lstrip().split("\n", 1)[0]
        delimiter = max([",", ";", "\t"], key=first.count)
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return [row for row in rows if any(row)]


def upload_parse(*, data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of an uploaded CSV or XLSX with the columns date, value and (optionally) note."""
    table = _table(data, filename)
    if not table:
        raise DomainError(_("That file has no rows."), field="file")
    header = [h.strip().lower() for h in table[0]]
    if "date" not in header or "value" not in header:
        raise DomainError(_("The first row must name the columns: date, value and, if you like, note."), field="file")
    if len(table) - 1 > MAX_ROWS:
        raise DomainError(_("That file has more than 5,000 rows. Split it into smaller files."), field="file")
    return [
        {key: (row[i] if i < len(row) else "") for i, key in enumerate(header) if key in UPLOAD_COLUMNS}
        for row in table[1:]
    ]


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")


def _parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _parse_value(text: str) -> Decimal | None:
    cleaned = text.strip().rstrip("%").strip()
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e12") else None


def _check_row(row: UploadRow, indicator: Indicator, today: dt.date, seen: dict[dt.date, int]) -> None:
    row.measured_on = _parse_date(row.date)
    if row.measured_on is None:
        row.errors.append(_("“%(date)s” is not a date we can read: use YYYY-MM-DD.") % {"date": row.date})
    elif row.measured_on > today:
        row.errors.append(_("The date is in the future."))
    elif row.measured_on in seen:
        row.errors.append(_("Row %(line)s has the same date.") % {"line": seen[row.measured_on]})
    else:
        seen[row.measured_on] = row.line
    row.number = _parse_value(row.value)
    if row.number is None:
        row.errors.append(_("“%(value)s” is not a number.") % {"value": row.value})
    if len(row.note) > 500:
        row.errors.append(_("The note is longer than 500 characters."))


def upload_check(*, indicator: Indicator, rows: list[dict[str, str]]) -> UploadPreview:
    """Check every row against the indicator as it is now: bad rows with their reasons, odd values questioned."""
    today = timezone.localdate()
    existing = dict(indicator.updates.values_list("measured_on", "value"))
    known = known_values(indicator)
    seen: dict[dt.date, int] = {}
    checked = []
    for i, raw in enumerate(rows):
        row = UploadRow(line=i + 2, date=raw.get("date", ""), value=raw.get("value", ""), note=raw.get("note", ""))
        _check_row(row, indicator, today, seen)
        if row.measured_on in existing:
            row.errors.append(_("There is already a value for this date."))
        checked.append(row)
    # Each value is questioned against what is known plus the file's other good values, trimmed of their
    # top and bottom tenth: a steady series that moves far from the baseline over ten years is not
    # questioned row by row, while a stray typo (or two) still stands out.
    good = sorted(r.number for r in checked if r.ok and r.number is not None)
    trim = len(good) // 10
    middle = good[trim : len(good) - trim] if trim else []  # under ten rows: against what is known only
    for row in checked:
        if row.ok and row.number is not None:
            row.question = value_question(indicator=indicator, value=row.number, known=known + middle)
    return UploadPreview(rows=checked)


def indicator_upload_preview(
    *, indicator: Indicator, membership: Membership, actor: User, data: bytes, filename: str
) -> IndicatorUpload:
    _check_manager(membership, indicator.outcome.site_id)
    rows = upload_parse(data=data, filename=filename)
    return IndicatorUpload.objects.create(indicator=indicator, created_by=actor, filename=filename[:255], rows=rows)


@transaction.atomic
def indicator_upload_confirm(*, upload: IndicatorUpload, membership: Membership, questioned_checked: bool) -> int:
    """Save every row of a previewed upload, or none: refused while any row is bad or a question is unanswered."""
    _check_manager(membership, upload.indicator.outcome.site_id)
    upload = IndicatorUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.confirmed_at is not None:
        raise DomainError(_("This upload has already been saved."))
    preview = upload_check(indicator=upload.indicator, rows=upload.rows)
    if not preview.can_confirm:
        raise DomainError(_("Fix the rows listed and upload the file again: nothing has been saved."))
    if preview.questioned and not questioned_checked:
        raise DomainError(_("Confirm the questioned values are right, or fix them and upload again."), field="checked")
    IndicatorUpdate.objects.bulk_create(
        IndicatorUpdate(
            indicator=upload.indicator, measured_on=day, value=number, note=row.note.strip(), created_by=membership
        )
        for row in preview.rows
        if (day := row.measured_on) is not None and (number := row.number) is not None
    )
    upload.confirmed_at = timezone.now()
    upload.save(update_fields=["confirmed_at"])
    return len(preview.rows)
