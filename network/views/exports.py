"""Downloads for coordinators: attendee lists (CSV, XLSX), a printable sign-in sheet, and calendars."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from network import calendars, selectors
from network.access import COORDINATORS, site_view
from network.csv_cells import SafeWriter
from network.http import AuthenticatedHttpRequest, HtmxHttpRequest, render_page, token_page
from network.models import Membership
from network.selectors.meetings import (
    EXPORT_HEADER,
    calendar_owner_for_token,
    meeting_export_rows,
    meetings_for_membership,
)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def attendee_csv_lines(*, rows: Iterator[list[str]]) -> Iterator[str]:
    writer = SafeWriter(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for row in rows:
        yield writer.writerow(row)


@site_view(COORDINATORS)
def meeting_attendees_csv(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int
) -> StreamingHttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    response = StreamingHttpResponse(
        attendee_csv_lines(rows=meeting_export_rows(meeting=meeting)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-attendees.csv"'
    return response


@site_view(COORDINATORS)
def meeting_attendees_xlsx(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> FileResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    # A write-only workbook streams rows to a temporary file, so memory stays flat for long lists.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Attendees")
    sheet.append(EXPORT_HEADER)
    for row in meeting_export_rows(meeting=meeting):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            # openpyxl stores text starting with "=" as a formula; keep every value as plain text instead.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download is done
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"meeting-{meeting.pk}-attendees.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@site_view(COORDINATORS)
def meeting_sign_in_sheet(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    rows = selectors.meeting_attendee_rows(meeting=meeting)
    context = {"membership": membership, "site": membership.site, "meeting": meeting, "rows": rows}
    return render_page(request, "network/meeting_sign_in_sheet.html", context)


@site_view()
def meeting_ics(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    response = HttpResponse(calendars.meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@token_page
def site_calendar(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """One person's meetings in a site as a calendar feed; the signed token in the URL is the only key.

    The token names a membership and its calendar key, so the feed closes when that person is removed
    from the site or asks for a new address.
    """
    membership = calendar_owner_for_token(token)
    if membership is None:
        raise Http404("No such calendar")
    meetings = meetings_for_membership(membership=membership)
    body = calendars.site_calendar_ics(site=membership.site, meetings=meetings)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
