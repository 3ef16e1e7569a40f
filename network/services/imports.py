"""Importing agencies and leaders from a spreadsheet: parse, preview row by row, then confirm.

Parsing is left to the csv module and openpyxl; what is written here is the
validation, which is the product: every bad row is reported with its reason,
and nothing is saved until the enabler confirms. Confirming re-checks the rows
against the site as it is then and saves every valid row in one transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import asdict, dataclass, field

from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from network import activity_text
from network.errors import DomainError
from network.models import Agency, ImportBatch, Membership, PilotSite, Role, Sector, User
from network.services.activity import activity_record
from network.text import one_line

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


def _sector_list() -> str:
    return ", ".join(str(label) for label in Sector.labels)


_sector_names = lazy(_sector_list, str)
COLUMNS = [  # name, required, what it holds (read in the language of the page that shows it)
    ("name", True, _("The leader's full name. Leave name and email empty for a row that only adds an agency.")),
    (
        "email",
        True,
        _("Their email address; one row per person. Re-importing a file skips people already in the site."),
    ),
    ("agency", True, _("The agency they lead in. A new agency is created when the row gives its sector.")),
    (
        "sector",
        False,
        format_lazy(_("Needed only for an agency new to the site. One of: {sectors}."), sectors=_sector_names()),
    ),
    ("role_title", False, _("For example: Director of Public Health.")),
    (
        "language",
        False,
        _(
            "The language of the emails and pages a new person gets: en or English, cy or Cymraeg. "
            "English when left empty. People already on Systems Leader keep their own choice."
        ),
    ),
]
# What the language column may say, in either language, and the code each stands for (settings.LANGUAGES).
LANGUAGE_VALUES = {
    "en": "en-gb",
    "en-gb": "en-gb",
    "eng": "en-gb",
    "english": "en-gb",
    "saesneg": "en-gb",
    "cy": "cy",
    "cym": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
}
LANGUAGE_NAMES = {"en-gb": "English", "cy": "Cymraeg"}  # each in its own language, as the switcher names them
HEADER_ALIASES = {
    "full_name": "name",
    "email_address": "email",
    "e-mail": "email",
    "organisation": "agency",
    "organization": "agency",
    "role": "role_title",
    "title": "role_title",
    "job_title": "role_title",
    "iaith": "language",
}
TEMPLATE_ROWS = [
    ["name", "email", "agency", "sector", "role_title", "language"],
    ["Asha Patel", "asha.patel@example.org", "Calder Council", "Local authority", "Director of Housing", "en"],
    ["Ben Okafor", "ben.okafor@example.org", "Calder Valley NHS Trust", "NHS", "Chief Executive", "cy"],
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
    language: str = ""  # a code of settings.LANGUAGES, or "" for the default; older batches have none

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, "")

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


@dataclass
class Table:
    """An uploaded table: its rows keyed by column, each row's number in the spreadsheet, and how it was read."""

    rows: list[dict[str, str]]
    lines: list[int]  # the spreadsheet's own row number for each of `rows`, blank rows counted
    encoding: str  # as the preview names it: "UTF-8", "UTF-16", "Windows-1252" or "Excel workbook"


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows, filled = [], 0
        # min_row=1: every row from the first, blank ones too, so a row's index is its number in Excel.
        for values in sheet.iter_rows(min_row=1, values_only=True):
            rows.append([_cell(value) for value in values])
            filled += any(rows[-1])
            if filled > MAX_ROWS + 1:  # enough to say the file is too long
                break
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise DomainError(gettext("That file could not be read as an Excel workbook (.xlsx)."), field="file") from error
    return rows


_NOT_A_TABLE = _("That file is not a CSV or Excel table.")


def _csv_rows(text: str) -> list[list[str]]:
    first_line = text.lstrip().split("\n", 1)[0]
    # Excel writes semicolons where the decimal separator is a comma, and tabs in "Unicode text".
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        # One record is one spreadsheet row, even when a quoted cell holds a line break; blank lines count.
        return [
            [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise DomainError(
            gettext("That file is not a table we can read: %(error)s.") % {"error": error}, field="file"
        ) from error


def _is_escaped(cell: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in cell)


def _decode_not_utf8(data: bytes) -> tuple[list[list[str]], str]:
    """A file that is not UTF-8 throughout: Windows-1252 if all of it reads so, or a clear refusal.

    The bytes that are not UTF-8 are kept as escapes while the rows are split, so the first row holding one
    can be named. If other rows hold characters that are valid UTF-8 beyond ASCII, the file mixes encodings
    (often rows pasted from two sources) and guessing would garble one half of it.
    """
    rows = _csv_rows(data.decode("utf-8", errors="surrogateescape"))
    first_bad = next((n for n, row in enumerate(rows, start=1) if any(_is_escaped(cell) for cell in row)), 1)
    utf8_elsewhere = any(not cell.isascii() and not _is_escaped(cell) for row in rows for cell in row)
    if utf8_elsewhere:
        raise DomainError(
            gettext(
                "Row %(row)s is in a different text encoding from the rest of the file, so its letters "
                "would come out garbled. Save the whole file again as “CSV UTF-8” and upload that."
            )
            % {"row": first_bad},
            field="file",
        )
    # Not UTF-8 anywhere: Excel's plain "CSV" on Windows. charset-normalizer checks the text it gives is
    # plausible (not a binary file or another code page read wrongly) rather than trusting any byte soup.
    match = from_bytes(data, cp_isolation=["cp1252"]).best()
    if match is None:
        raise DomainError(
            gettext("Row %(row)s has characters that could not be read. Save the file as “CSV UTF-8” and upload that.")
            % {"row": first_bad},
            field="file",
        )
    return _csv_rows(str(match)), "Windows-1252"


def _read_csv(data: bytes) -> tuple[list[list[str]], str]:
    """The rows of a CSV or tab-separated file and the encoding they were read in.

    UTF-8 always wins when the whole file is valid UTF-8 (with or without Excel's byte order mark);
    UTF-16 is read when it starts with its byte order mark (Excel's "Unicode text").
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise DomainError(str(_NOT_A_TABLE), field="file") from error
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            if b"\x00" in data:
                raise DomainError(str(_NOT_A_TABLE), field="file") from None
            return _decode_not_utf8(data)
    if "\x00" in text:
        raise DomainError(str(_NOT_A_TABLE), field="file")
    return _csv_rows(text), encoding


def table_read(*, data: bytes, filename: str) -> Table:
    """Read an uploaded CSV or XLSX file: one dict per row, keyed by the column names in the first row."""
    if not data.strip():
        raise DomainError(gettext("That file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise DomainError(gettext("That file is too big: the limit is 5 MB."), field="file")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise DomainError(gettext("That file could not be read as an Excel workbook (.xlsx)."), field="file")
        table, encoding = _read_xlsx(data), "Excel workbook"
    else:
        table, encoding = _read_csv(data)
    # Each row keeps its number in the spreadsheet (from 1, blank rows counted) before blank rows go.
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise DomainError(gettext("That file has no rows."), field="file")
    header_row = numbered[0][1]
    header = [HEADER_ALIASES.get(key, key) for key in (h.strip().lower().replace(" ", "_") for h in header_row)]
    missing = [name for name, required, _help in COLUMNS if required and name not in header]
    if missing:
        raise DomainError(
            gettext("The first row must name the columns. Missing: %(columns)s. Download the template to see how.")
            % {"columns": ", ".join(missing)},
            field="file",
        )
    if len(numbered) - 1 > MAX_ROWS:
        raise DomainError(
            gettext("That file has more than %(limit)s rows. Split it into smaller files.")
            % {"limit": f"{MAX_ROWS:,}"},
            field="file",
        )
    known = {column[0] for column in COLUMNS}
    rows = [
        {key: (row[i] if i < len(row) else "") for i, key in enumerate(header) if key in known}
        for _number, row in numbered[1:]
    ]
    return Table(rows=rows, lines=[number for number, _row in numbered[1:]], encoding=encoding)


def table_parse(*, data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of an uploaded file, keyed by column (see `table_read` for their row numbers)."""
    return table_read(data=data, filename=filename).rows


def _check_agency(row: PreviewRow, existing: Agency | None, defined: dict[str, str]) -> None:
    """The row's agency: one of the site's (not archived), or a new one the file defines with its sector."""
    if not row.agency:
        row.errors.append(gettext("Missing agency."))
    elif existing is not None and existing.archived_at is not None:
        row.errors.append(gettext("The agency %(name)s is archived. Restore it first.") % {"name": existing.name})
    elif existing is None:
        if row.agency.casefold() in defined:
            row.new_agency = True
            if not row.errors:  # every row of a new agency carries the sector it will be created with
                row.sector = defined[row.agency.casefold()]
        elif not row.sector:
            row.errors.append(gettext("Unknown agency “%(name)s”: give its sector to add it.") % {"name": row.agency})
    if row.is_agency_only and existing is not None and existing.archived_at is None:
        row.errors.append(gettext("The agency %(name)s is already in this site.") % {"name": existing.name})


def _check_person(row: PreviewRow, first_line: dict[str, int], in_site: set[str]) -> None:
    """The row's person: named, with a well-formed address that is new to the site and to the file."""
    if not row.name:
        row.errors.append(gettext("Missing name."))
    if not row.email:
        row.errors.append(gettext("Missing email."))
        return
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(gettext("Malformed email “%(email)s”.") % {"email": row.email})
    else:
        if row.email in first_line:
            row.errors.append(
                gettext("Duplicate: %(email)s is also on row %(row)s.")
                % {"email": row.email, "row": first_line[row.email]}
            )
        elif row.email in in_site:
            row.errors.append(gettext("%(email)s is already in this site.") % {"email": row.email})
    first_line.setdefault(row.email, row.line)


def _preview_row(line: int, raw: dict[str, str]) -> PreviewRow:
    return PreviewRow(
        line=line,
        name=one_line(raw.get("name", ""))[:150],
        email=raw.get("email", "").strip().lower(),
        agency=one_line(raw.get("agency", ""))[:200],
        sector=raw.get("sector", "").strip(),
        role_title=one_line(raw.get("role_title", ""))[:200],
        language=raw.get("language", "").strip(),
    )


def rows_validate(*, site: PilotSite, rows: list[dict[str, str]], lines: list[int] | None = None) -> Preview:
    """Check every row against the site as it is now and against the rows before it.

    `lines` are the rows' numbers in the spreadsheet, for every message; without them, rows are
    numbered from 2 (row 1 is the header).
    """
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
    numbers = lines if lines is not None else list(range(2, len(rows) + 2))
    for number, raw in zip(numbers, rows, strict=True):
        row = _preview_row(number, raw)
        if row.sector and row.sector.casefold() not in _SECTORS:
            row.errors.append(gettext("Unknown sector “%(sector)s”.") % {"sector": row.sector})
        if row.language:
            code = LANGUAGE_VALUES.get(row.language.casefold())
            if code is None:
                row.errors.append(
                    gettext("Unknown language “%(language)s”: write en or English, cy or Cymraeg.")
                    % {"language": row.language}
                )
            else:
                row.language = code
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
    table = table_read(data=data, filename=filename)
    preview = rows_validate(site=site, rows=table.rows, lines=table.lines)
    # Only this enabler's unconfirmed uploads for this site are kept; older ones go.
    ImportBatch.objects.filter(site=site, created_by=actor, confirmed_at__isnull=True).delete()
    return ImportBatch.objects.create(
        site=site,
        created_by=actor,
        filename=filename[:255],
        encoding=table.encoding,
        rows=[asdict(row) for row in preview.rows],
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
    raw_rows = [
        {k: str(row.get(k, "")) for k in ("name", "email", "agency", "sector", "role_title", "language")}
        for row in batch.rows
    ]
    preview = rows_validate(site=site, rows=raw_rows, lines=[int(row["line"]) for row in batch.rows])
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
            user = User(email=row.email, name=row.name, language=row.language or settings.LANGUAGE_CODE)
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
        # No plural: the words are translated when read, and a stored text cannot carry ngettext's two forms.
        words=activity_text.words(
            gettext_noop("Imported %(file)s. Agencies added: %(agencies)d. People added: %(count)d."),
            file=batch.filename,
            agencies=len(new_agencies),
            count=len(people),
        ),
    )
    return (len(new_agencies), len(people))
