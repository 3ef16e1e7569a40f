"""Downloads for coordinators: attendee lists (CSV, XLSX), a printable sign-in sheet, and calendars."""

from __future__ import annotations

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext

from network import calendars, selectors
from network.access import COORDINATORS, site_view
from network.http import AuthenticatedHttpRequest, HtmxHttpRequest, render_page_streamed, token_page
from network.i18n import language_of
from network.models import Membership
from network.selectors.meetings import (
    calendar_owner_for_token,
    export_header,
    meeting_attendee_chunks,
    meeting_export_rows,
    meetings_for_calendar,
)
from network.templatetags.attendance import sign_in_rows
from network.views.downloads import csv_response, xlsx_response


@site_view(COORDINATORS)
def meeting_attendees_csv(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int
) -> StreamingHttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    return csv_response(
        header=export_header(),
        rows=meeting_export_rows(meeting=meeting),
        filename=f"meeting-{meeting.pk}-attendees.csv",
    )


@site_view(COORDINATORS)
def meeting_attendees_xlsx(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int
) -> StreamingHttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    return xlsx_response(
        sheet_title=gettext("Attendees"),
        header=export_header(),
        rows=meeting_export_rows(meeting=meeting),
        filename=f"meeting-{meeting.pk}-attendees.xlsx",
    )


@site_view(COORDINATORS)
def meeting_sign_in_sheet(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int
) -> StreamingHttpResponse:
    """Everyone invited, with space to sign, streamed (network.http.render_page_streamed): it lists them all."""
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    context = {"membership": membership, "site": membership.site, "meeting": meeting}
    fill = (sign_in_rows(chunk) for chunk in meeting_attendee_chunks(meeting=meeting))
    return render_page_streamed(request, "network/meeting_sign_in_sheet.html", context, slot="sign_in_rows", fill=fill)


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
        raise Http404(gettext("No such calendar"))
    meetings = meetings_for_calendar(membership=membership)
    with language_of(membership.user):  # a calendar app asks with no language of its own: the feed's owner's
        body = calendars.site_calendar_ics(site=membership.site, meetings=meetings)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
