from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from network import selectors, services
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import MeetingForm, RsvpForm, add_domain_error
from network.models import Membership


@site_view()
def alliance_detail(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        "members": selectors.alliance_members(alliance=alliance) if alliance else [],
        "meetings": selectors.meetings_for_alliance(alliance=alliance) if alliance else [],
    }
    return render(request, "network/alliance_detail.html", context)


@site_view(COORDINATORS)
def meeting_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    form = MeetingForm(request.POST or None)
    if alliance is None:
        messages.error(request, "There is no alliance yet: meetings follow once leaders commit to an outcome.")
        return redirect("network:site-detail", site_slug=site.slug)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(alliance=alliance, created_by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Meeting created. The alliance is being sent a digest.")
            return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
    return render(request, "network/meeting_create.html", {"membership": membership, "site": site, "form": form})


@site_view()
def meeting_detail(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    site = membership.site
    meeting = selectors.meeting_get(site=site, meeting_id=meeting_id)
    member = selectors.alliance_member_for(alliance=meeting.alliance, membership=membership)
    rows = selectors.meeting_attendee_rows(meeting=meeting)
    form = None
    if member is not None:
        current = next((row.rsvp for row in rows if row.member_id == member.pk), "")
        form = RsvpForm(request.POST or None, initial={"rsvp": current or None})
        if request.method == "POST" and form.is_valid():
            services.meeting_respond(meeting=meeting, member=member, rsvp=form.cleaned_data["rsvp"])
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, "Thanks, your reply is saved.")
                return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
            rows = selectors.meeting_attendee_rows(meeting=meeting)
    elif request.method == "POST":
        return HttpResponse("Only members of the alliance can reply.", status=403)
    context = {
        "membership": membership,
        "site": site,
        "meeting": meeting,
        "rows": rows,
        "going": sum(1 for row in rows if row.rsvp == "going"),
        "form": form,
        "saved": request.method == "POST",
    }
    template = "network/meeting_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#rsvp"
    return render(request, template, context)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv."""

    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    # A spreadsheet treats a cell starting with these as a formula; a leading
    # apostrophe makes it plain text (OWASP's CSV injection advice).
    return "'" + value if value.startswith(_FORMULA_START) else value


@site_view(COORDINATORS)
def meeting_attendees_csv(request: HttpRequest, membership: Membership, meeting_id: int) -> StreamingHttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    rows = selectors.meeting_attendee_rows(meeting=meeting)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(["Name", "Email", "Agency", "Sector", "Role", "RSVP"])
        for row in rows:
            yield writer.writerow(
                [_cell(v) for v in (row.name, row.email, row.agency, row.sector, row.role_title, row.rsvp_label)]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-attendees.csv"'
    return response
