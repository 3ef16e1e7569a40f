"""Taking attendance on the day, from a phone: search, one tap per person, walk-ins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from network import selectors
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.meeting_forms import WalkInForm
from network.models import Membership
from network.selectors.meetings import meeting_invitees, meeting_present_count, meeting_walk_ins
from network.services.meetings import attendance_set, walk_in_record


def _page(
    request: HttpRequest, membership: Membership, meeting_id: int, *, form: WalkInForm, status: int = 200
) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    # Raw from the address bar, not through a form: drop NUL, which PostgreSQL cannot compare and a person cannot type.
    search = request.GET.get("q", "").replace("\x00", "")[:100]
    rows = selectors.meeting_attendee_rows(meeting=meeting, search=search)
    walk_ins = list(meeting_walk_ins(meeting=meeting))
    context = {
        "membership": membership,
        "site": membership.site,
        "meeting": meeting,
        "rows": rows,
        "search": search,
        "walk_ins": walk_ins,
        "present": meeting_present_count(meeting=meeting),
        "form": form,
    }
    template = "network/meeting_attendance.html"
    if request.htmx and request.GET.get("partial") == "list":  # type: ignore[attr-defined]
        template += "#attendee-list"
    return render(request, template, context, status=status)


@site_view(COORDINATORS)
def meeting_attendance(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    return _page(request, membership, meeting_id, form=WalkInForm())


@require_POST
@site_view(COORDINATORS)
def attendance_toggle(request: HttpRequest, membership: Membership, meeting_id: int, member_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    invitee = meeting_invitees(meeting=meeting).filter(pk=member_id).first()
    if invitee is None:
        raise Http404("Not invited to this meeting")
    present = request.POST.get("present") == "1"
    try:
        attendance_set(meeting=meeting, membership=invitee, present=present, recorded_by=membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("network:meeting-attendance", site_slug=membership.site.slug, meeting_id=meeting.pk)
    if request.htmx:  # type: ignore[attr-defined]
        # Only the one row is read back and re-drawn, however long the list.
        # The count of who is here travels with it, out of band, so the two stay in step.
        count = render_to_string(
            "network/meeting_attendance.html#present-count",
            {"present": meeting_present_count(meeting=meeting), "oob": True},
        )
        rows = selectors.meeting_attendee_rows(meeting=meeting, membership_id=invitee.pk)
        if not rows:
            # Someone removed from the site, kept on the list only because they came, now marked absent.
            return HttpResponse(count)
        context = {"row": rows[0], "meeting": meeting, "site": membership.site, "search": ""}
        row = render_to_string("network/meeting_attendance.html#attendee-row", context, request=request)
        return HttpResponse(row + count)
    return redirect("network:meeting-attendance", site_slug=membership.site.slug, meeting_id=meeting.pk)


@require_POST
@site_view(COORDINATORS)
def walk_in_add(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            walk_in_record(meeting=meeting, recorded_by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} is recorded as a walk-in.")
            return redirect("network:meeting-attendance", site_slug=membership.site.slug, meeting_id=meeting.pk)
    return _page(request, membership, meeting_id, form=form, status=422)
