"""Taking attendance on the day, from a phone: search, one tap per person, walk-ins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from network import selectors
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.meetings import WalkInForm
from network.http import AuthenticatedHttpRequest, render_page, render_page_streamed
from network.models import Meeting, Membership
from network.selectors.meetings import (
    meeting_attendee_chunks,
    meeting_invitee_get,
    meeting_presence,
    meeting_walk_ins,
)
from network.services.meetings import attendance_set, walk_in_record
from network.templatetags.attendance import attendee_items


def _page(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int, *, form: WalkInForm, status: int = 200
) -> HttpResponseBase:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    # Raw from the address bar, not through a form: drop NUL, which PostgreSQL cannot compare and a person cannot type.
    search = request.GET.get("q", "").replace("\x00", "")[:100]
    # The search box asks for just the list as you type.
    partial = "attendee-list" if request.GET.get("partial") == "list" else None
    presence = _presence(meeting)
    context = {
        "membership": membership,
        "site": membership.site,
        "meeting": meeting,
        "search": search,
        "walk_ins": list(meeting_walk_ins(meeting=meeting)),
        **presence,
        "form": form,
    }
    if not search and not (partial and request.htmx) and presence["invited"]:
        # The whole list, everyone invited (a tap at the door): streamed, so a worker holds a chunk, not the page.
        fill = (attendee_items(chunk) for chunk in meeting_attendee_chunks(meeting=meeting))
        template = "network/meeting_attendance.html"
        return render_page_streamed(request, template, context, slot="streamed_rows", fill=fill, status=status)
    context["rows"] = selectors.meeting_attendee_rows(meeting=meeting, search=search)
    return render_page(request, "network/meeting_attendance.html", context, partial=partial, status=status)


@site_view(COORDINATORS)
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponseBase:
    """The list, and its one form: each name is a button posting `present` (or `absent`) with the person's id."""
    if request.method == "POST":
        marked = request.POST.get("present") or request.POST.get("absent") or ""
        if not (marked.isascii() and marked.isdigit()):
            return HttpResponseBadRequest(_("Choose a person to mark."))
        return _mark(request, membership, meeting_id, int(marked), present="present" in request.POST)
    return _page(request, membership, meeting_id, form=WalkInForm())


@require_POST
@site_view(COORDINATORS)
def attendance_toggle(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int, member_id: int
) -> HttpResponse:
    """One person's mark by its own address (as the page posted before it had one form for the list)."""
    return _mark(request, membership, meeting_id, member_id, present=request.POST.get("present") == "1")


def _mark(
    request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int, member_id: int, *, present: bool
) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    invitee = meeting_invitee_get(meeting=meeting, membership_id=member_id)
    back = reverse("network:meeting-attendance", args=[membership.site.slug, meeting.pk])
    if request.GET.get("q"):  # the list as it was searched, when the page came back without script
        back += "?" + urlencode({"q": request.GET["q"]})
    try:
        attendance_set(meeting=meeting, membership=invitee, present=present, recorded_by=membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    if request.htmx:
        # Only the one row is read back and re-drawn, however long the list, swapped out of band by its
        # button's id (so focus stays on it); the count of who is here travels with it, so the two stay in step.
        count = render_to_string(
            "network/meeting_attendance.html#present-count",
            {**_presence(meeting), "oob": True},
        )
        rows = selectors.meeting_attendee_rows(meeting=meeting, membership_id=invitee.pk)
        if not rows:
            # Someone removed from the site, kept on the list only because they came, now marked absent.
            return HttpResponse(count)
        row = render_to_string("network/meeting_attendance.html#attendee-button", {"row": rows[0], "oob": True})
        return HttpResponse(row + count)
    return redirect(back)


@require_POST
@site_view(COORDINATORS)
def walk_in_add(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponseBase:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            walk_in_record(meeting=meeting, recorded_by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s is recorded as a walk-in.") % {"name": form.cleaned_data["name"]})
            return redirect("network:meeting-attendance", site_slug=membership.site.slug, meeting_id=meeting.pk)
    return _page(request, membership, meeting_id, form=form, status=422)


def _presence(meeting: Meeting) -> dict[str, int]:
    present, invited = meeting_presence(meeting=meeting)
    return {"present": present, "invited": invited}
