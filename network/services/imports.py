"""Importing agencies and leaders from a spreadsheet: parse, preview row by row, then confirm.

Parsing is left to the csv module and openpyxl; what is written here is the
validation, which is the product: every bad row is reported with its reason,
and nothing is saved until the enabler confirms. Confirming re-checks the rows
against the site as it is then and saves every valid row in one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from network.errors import DomainError
from network.models import Agency, ImportBatch, Membership, PilotSite, Role, Sector, User
from network.services.activity import activity_record
from network.text import one_line

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = [  # name, required, what it holds
    ("name", True, "The leader's full name. Leave name and email empty for a row that only adds an agency."),
    ("email", True, "Their email address; one row per person. Re-importing a file skips people already in the site."),
    ("agency", True, "The agency they lead in. A new agency is created when the row gives its sector."),
    ("sector", False, "Needed only for an agency new to the site. One of: " + ", ".join(Sector.labels) + "."),
    ("role_title", False, "For example: Director of Public Health."),
]
HEADER_ALIASES = {
    "full_name": "name",
    "email_address": "email",
    "e-mail": "email",
    "organisation": "agency",
    "organization": "agency",
    "role": "role_title",
    "title": "role_title",
    "job_title": "role_title",
}
TEMPLATE_ROWS = [
    ["name", "email", "agency", "sector", "role_title"],
    ["Asha Patel", "asha.patel@example.org", "Calder Council", "Local authority", "Director of Housing"],
    ["Ben Okafor", "ben.okafor@example.org", "Calder Valley NHS Trust", "NHS", "Chief Executive"],
]
_SECTORS = {label.casefold(): value for value, label in Sector.choices} | {v.casefold(): v for v in Sector.values}


@dataclass
class PreviewRow:
    line: int
    name: str
    email: str
    agency: str
    sector: str
    role_title: str
    errors: list[str] = field(default_factory=list)
    new_agency: bool = False

    @property
    def is_agency_only(self) -> bool:
        return not self.name and not self.email

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    rows: list[PreviewRow]

    @property
    def valid(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[PreviewRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def new_agencies(self) -> list[str]:
        seen: dict[str, str] = {}
        for row in self.valid:
            if row.new_agency:
                seen.setdefault(row.agency.casefold(), row.agency)
        return list(seen.values())

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.valid if not row.is_agency_only)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise DomainError("That file could not be read as an Excel workbook (.xlsx).", field="file") from error
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's plain "CSV" on Windows
        except UnicodeDecodeError as error:
            raise DomainError("That file is not a CSV or Excel table.", field="file") from error
    if "\x00" in text:
        raise DomainError("That file is not a CSV or Excel table.", field="file")
    first_line = text.lstrip().split("\n", 1)[0]
    # Excel writes semicolons where the decimal separator is a comma.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [
            [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise DomainError(f"That file is not a table we can read: {error}.", field="file") from error


def table_parse(*, data: bytes, filename: str) -> list[dict[str, str]]:
    """Read an uploaded CSV or XLSX file into one dict per row, keyed by the column names in the first row."""
    if not data.strip():
        raise DomainError("That file is empty.", field="file")
    if len(data) > MAX_BYTES:
        raise DomainError("That file is too big: the limit is 5 MB.", field="file")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise DomainError("That file could not be read as an Excel workbook (.xlsx).", field="file")
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    table = [row for row in table if any(row)]
    if not table:
        raise DomainError("That file has no rows.", field="file")
    header = [HEADER_ALIASES.get(key, key) for key in (h.strip().lower().replace(" ", "_") for h in table[0])]
    missing = [name for name, required, _ in COLUMNS if required and name not in header]
    if missing:
        raise DomainError(
            "The first row must name the columns. Missing: "
            + ", ".join(missing)
            + ". Download the template to see how.",
            field="file",
        )
    if len(table) - 1 > MAX_ROWS:
        raise DomainError(f"That file has more than {MAX_ROWS:,} rows. Split it into smaller files.", field="file")
    known = {name for name, _, _ in COLUMNS}
    return [
        {key: (row[i] if i < len(row) else "") for i, key in enumerate(header) if key in known} for row in table[1:]
    ]


def _check_agency(row: PreviewRow, existing: Agency | None, defined: dict[str, str]) -> None:
    """The row's agency: one of the site's (not archived), or a new one the file defines with its sector."""
    if not row.agency:
        row.errors.append("Missing agency.")
    elif existing is not None and existing.archived_at is not None:
        row.errors.append(f"The agency {existing.name} is archived. Restore it first.")
    elif existing is None:
        if row.agency.casefold() in defined:
            row.new_agency = True
            if not row.errors:  # every row of a new agency carries the sector it will be created with
                row.sector = defined[row.agency.casefold()]
        elif not row.sector:
            row.errors.append(f"Unknown agency “{row.agency}”: give its sector to add it.")
    if row.is_agency_only and existing is not None and existing.archived_at is None:
        row.errors.append(f"The agency {existing.name} is already in this site.")


def _check_person(row: PreviewRow, first_line: dict[str, int], in_site: set[str]) -> None:
    """The row's person: named, with a well-formed address that is new to the site and to the file."""
    if not row.name:
        row.errors.append("Missing name.")
    if not row.email:
        row.errors.append("Missing email.")
        return
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(f"Malformed email “{row.email}”.")
    else:
        if row.email in first_line:
            row.errors.append(f"Duplicate: {row.email} is also on row {first_line[row.email]}.")
        elif row.email in in_site:
            row.errors.append(f"{row.email} is already in this site.")
    first_line.setdefault(row.email, row.line)


def _preview_row(line: int, raw: dict[str, str]) -> PreviewRow:
    return PreviewRow(
        line=line,
        name=one_line(raw.get("name", ""))[:150],
        email=raw.get("email", "").strip().lower(),
        agency=one_line(raw.get("agency", ""))[:200],
        sector=raw.get("sector", "").strip(),
        role_title=one_line(raw.get("role_title", ""))[:200],
    )


def rows_validate(*, site: PilotSite, rows: list[dict[str, str]]) -> Preview:
    """Check every row against the site as it is now and against the rows before it."""
    agencies = {a.name.casefold(): a for a in Agency.objects.filter(site=site)}
    in_site = set(Membership.objects.filter(site=site, archived_at__isnull=True).values_list("user__email", flat=True))
    in_site = {email.lower() for email in in_site}
    # Agencies the file itself creates: the first row naming a new agency with a known sector defines it.
    defined: dict[str, str] = {}
    for raw in rows:
        agency, sector = one_line(raw.get("agency", ""))[:200], raw.get("sector", "").strip()
        if agency and agency.casefold() not in agencies and sector.casefold() in _SECTORS:
            defined.setdefault(agency.casefold(), _SECTORS[sector.casefold()])

    result: list[PreviewRow] = []
    first_line: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):  # row 1 is the header
        row = _preview_row(index, raw)
        if row.sector and row.sector.casefold() not in _SECTORS:
            row.errors.append(f"Unknown sector “{row.sector}”.")
        existing = agencies.get(row.agency.casefold())
        _check_agency(row, existing, defined)
        if not row.is_agency_only:
            _check_person(row, first_line, in_site)
        if existing is not None:
            row.agency = existing.name
        result.append(row)
    return Preview(rows=result)


def import_preview(*, site: PilotSite, actor: User, data: bytes, filename: str) -> ImportBatch:
    """Parse and check an upload, and keep it for the enabler to confirm. Nothing in the site changes."""
    rows = table_parse(data=data, filename=filename)
    preview = rows_validate(site=site, rows=rows)
    # Only this enabler's unconfirmed uploads for this site are kept; older ones go.
    ImportBatch.objects.filter(site=site, created_by=actor, confirmed_at__isnull=True).delete()
    return ImportBatch.objects.create(
        site=site, created_by=actor, filename=filename[:255], rows=[asdict(row) for row in preview.rows]
    )


def batch_preview(*, batch: ImportBatch) -> Preview:
    return Preview(rows=[PreviewRow(**row) for row in batch.rows])


@transaction.atomic
def import_confirm(*, batch: ImportBatch, actor: User) -> tuple[int, int]:
    """Save every row that is still valid, all at once. Returns (agencies added, people added).

    Running it twice changes nothing the second time: the batch is marked confirmed,
    and its people are then already in the site.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.confirmed_at is not None:
        return (0, 0)
    site = batch.site
    raw_rows = [{k: str(row[k]) for k in ("name", "email", "agency", "sector", "role_title")} for row in batch.rows]
    preview = rows_validate(site=site, rows=raw_rows)
    valid = preview.valid

    agencies = {a.name.casefold(): a for a in Agency.objects.filter(site=site, archived_at__isnull=True)}
    new_agencies = []
    for row in valid:
        key = row.agency.casefold()
        if row.new_agency and key not in agencies:
            agency = Agency(site=site, name=row.agency, sector=_SECTORS[row.sector.casefold()])
            agencies[key] = agency
            new_agencies.append(agency)
    Agency.objects.bulk_create(new_agencies)
    if any(a.pk is None for a in new_agencies):  # a backend without RETURNING: read them back
        agencies = {a.name.casefold(): a for a in Agency.objects.filter(site=site, archived_at__isnull=True)}

    people = [row for row in valid if not row.is_agency_only]
    emails = [row.email for row in people]
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    new_users = []
    for row in people:
        if row.email not in users:
            user = User(email=row.email, name=row.name)
            user.set_unusable_password()
            users[row.email] = user
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=1000)
    if any(u.pk is None for u in new_users):
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}

    archived = {
        m.user_id: m for m in Membership.objects.filter(site=site, user__in=[users[e] for e in emails])
    }  # only archived ones remain: active ones failed validation
    memberships, restored = [], []
    for row in people:
        user, agency = users[row.email], agencies[row.agency.casefold()]
        if user.pk in archived:
            membership = archived[user.pk]
            membership.archived_at, membership.role = None, Role.LEADER
            membership.agency, membership.role_title = agency, row.role_title
            restored.append(membership)
        else:
            memberships.append(
                Membership(site=site, user=user, role=Role.LEADER, agency=agency, role_title=row.role_title)
            )
    Membership.objects.bulk_create(memberships, batch_size=1000)
    Membership.objects.bulk_update(restored, ["archived_at", "role", "agency", "role_title"], batch_size=1000)

    batch.confirmed_at = timezone.now()
    batch.rows = []  # the preview has done its job; keep no copy of people's details
    batch.save(update_fields=["confirmed_at", "rows"])
    activity_record(
        site=site,
        actor=actor,
        action="import",
        summary=f"Imported {batch.filename}: {len(new_agencies)} agencies and {len(people)} people added",
    )
    return (len(new_agencies), len(people))
