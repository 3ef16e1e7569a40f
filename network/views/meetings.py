"""Meetings: the alliance page, the site's meetings and calendar feed, calling, editing, cancelling and replying."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from network import selectors, services, tokens
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.meetings import MeetingForm, RsvpForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Alliance, Meeting, Membership
from network.selectors.commitments import (
    agency_commitments,
    agency_members,
    alliance_agencies,
    commitments_of,
    status_totals,
)
from network.selectors.meetings import (
    AttendeeRow,
    OwnReply,
    Places,
    meeting_is_invited,
    meeting_is_open_for_replies,
    meeting_own_reply,
    meeting_places,
    meeting_with_places_get,
    meetings_for_site,
)
from network.services.meetings import NotInvitedError, meeting_reply, meeting_update
from network.services.meetings import meeting_cancel as cancel
from network.services.people import calendar_feed_new_address
from outcomes.selectors import for_network

RECENT_MEETINGS = 12


def _commitments_context(
    request: AuthenticatedHttpRequest, membership: Membership, alliance: Alliance | None
) -> dict[str, object]:
    """The alliance's commitments, grouped by agency: each agency's counts, and one agency's commitments at a time
    (the one asked for, else the viewer's own, else the first), so the page does not grow with the alliance."""
    if alliance is None:
        return {
            "agencies": [],
            "member_count": 0,
            "status_counts": {},
            "shown_agency": None,
            "agency_commitments": [],
            "agency_members": [],
        }
    agencies = alliance_agencies(alliance=alliance)
    wanted = request.GET.get("agency", "")
    by_id = {str(a.agency_id): a for a in agencies}
    shown = by_id.get(wanted) or by_id.get(str(membership.agency_id)) or (agencies[0] if agencies else None)
    return {
        "agencies": agencies,
        "member_count": sum(a.members for a in agencies),
        "status_counts": status_totals(agencies),
        "shown_agency": shown,
        "agency_commitments": agency_commitments(alliance=alliance, agency_id=shown.agency_id) if shown else [],
        "agency_members": agency_members(alliance=alliance, agency_id=shown.agency_id) if shown else [],
    }


@site_view()
def alliance_detail(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        # The most recent, upcoming first: ten years of monthly meetings are on the Meetings page, not here.
        "meetings": list(selectors.meetings_for_alliance(alliance=alliance).order_by("-starts_at")[:RECENT_MEETINGS])
        if alliance
        else [],
        # Built once, not per meeting: a meeting's link is this and its id.
        "meeting_url": reverse("network:meeting-detail", args=[site.slug, 0]).removesuffix("0/"),
        **_commitments_context(request, membership, alliance),
        "outcome": for_network.alliance_outcome(alliance_id=alliance.pk) if alliance else None,
        # The viewer's own open commitments check in through the same page as the emailed link.
        "checkin_urls": [
            (
                c,
                reverse(
                    "network:commitment-checkin",
                    kwargs={"token": tokens.checkin_token_make(commitment_id=c.pk, membership_id=membership.pk)},
                ),
            )
            for c in commitments_of(alliance=alliance, membership=membership).filter(closed_at__isnull=True)
        ]
        if alliance
        else [],
    }
    return render_page(request, "network/alliance_detail.html", context)


@site_view()
def meeting_list(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """Every meeting of the site, so everyone sees what is being convened, and their own calendar feed."""
    site = membership.site
    token = tokens.calendar_token_make(membership_id=membership.pk, key=membership.calendar_key)
    context = {
        "membership": membership,
        "site": site,
        "meetings": meetings_for_site(site=site),
        "calendar_url": request.build_absolute_uri(reverse("network:site-calendar", kwargs={"token": token})),
    }
    return render_page(request, "network/meeting_list.html", context)


@require_POST
@site_view()
def calendar_feed_renew(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """Give the person a new calendar feed address; the old one stops working at once."""
    calendar_feed_new_address(membership=membership)
    messages.success(
        request,
        _(
            "Your calendar feed has a new address, below. The old one no longer works: "
            "subscribe again with the new one in your calendar app."
        ),
    )
    return redirect(reverse("network:meeting-list", kwargs={"site_slug": membership.site.slug}) + "#calendar")


@site_view(COORDINATORS)
def meeting_create(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    form = MeetingForm(request.POST or None, invitees_from=alliance, ask_invitees=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for_alliance = data.pop("invitees") == MeetingForm.ALLIANCE
        try:
            meeting = services.meeting_create(
                alliance=alliance if for_alliance else None, created_by=membership, **data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if for_alliance:
                messages.success(request, _("Meeting created. The alliance is being emailed its details."))
            else:
                messages.success(request, _("Meeting created. Everyone in the site is being emailed its details."))
            return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
    context = {"membership": membership, "site": site, "form": form, "alliance": alliance}
    return render_page(request, "network/meeting_create.html", context, status=422 if form.errors else 200)


@site_view(COORDINATORS)
def meeting_edit(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    site = membership.site
    meeting = selectors.meeting_get(site=site, meeting_id=meeting_id)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, updated_by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Meeting saved. Everyone invited is being told what changed."))
            return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
    context = {"membership": membership, "site": site, "form": form, "meeting": meeting}
    return render_page(request, "network/meeting_edit.html", context, status=422 if form.errors else 200)


@site_view(COORDINATORS)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    """GET asks "Are you sure"; only a POST from that page (confirm=yes) cancels. Any other POST shows the question."""
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    detail = reverse("network:meeting-detail", args=[membership.site.slug, meeting.pk])
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            cancel(meeting=meeting, cancelled_by=membership)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Meeting cancelled. Everyone invited is being told."))
        return redirect(detail)
    if request.method == "POST":
        return redirect("network:meeting-cancel", site_slug=membership.site.slug, meeting_id=meeting.pk)
    if meeting.cancelled_at is not None:
        return redirect(detail)
    context = {
        "membership": membership,
        "site": membership.site,
        "caption": meeting.title,
        "heading": _("Are you sure you want to cancel this meeting?"),
        "consequences": [
            _("everyone invited is emailed at once to say the meeting is cancelled"),
            _("nobody can reply to it any more, and it is shown as cancelled"),
        ],
        "warning": _("You cannot undo this: to meet after all, call a new meeting."),
        "action_url": request.path,
        "button_label": _("Yes, cancel the meeting and tell everyone"),
        "back_url": detail,
        "back_label": _("No, keep the meeting"),
    }
    return render_page(request, "confirm.html", context)


@dataclass
class _ReplyState:
    """The reply form (None if the person may not reply now) and their own reply; whether a posted one was saved."""

    form: RsvpForm | None = None
    current: AttendeeRow | OwnReply | None = None
    saved: bool = False
    refused: bool = False
    places: Places | None = None  # the meeting's places after a reply, when the reply counted them


def _reply_state(
    request: AuthenticatedHttpRequest, membership: Membership, meeting: Meeting, open_for_replies: bool
) -> _ReplyState | HttpResponse:
    """The reply as it stands (a GET) or once the posted one is saved or refused; or the answer to a post that
    cannot be made (403 for someone not invited, 409 once replies are closed), or the redirect after a plain post."""
    state = _ReplyState()
    if request.method != "POST":
        # Found exactly when the person is invited: one query, not two.
        state.current = meeting_own_reply(meeting=meeting, membership=membership)
        if state.current is not None and open_for_replies:
            state.form = RsvpForm(initial={"rsvp": state.current.rsvp or None})
        return state
    # A valid reply goes straight to the service, which asks whether the person is invited as it locks the
    # meeting (one query, not two); anything else asks here first.
    state.form = RsvpForm(request.POST)
    if not (open_for_replies and state.form.is_valid()):
        if not meeting_is_invited(meeting=meeting, membership=membership):
            return _not_invited()
        if not open_for_replies:
            return HttpResponse(_("Replies to this meeting are closed."), status=409)
    else:
        try:
            reply = meeting_reply(meeting=meeting, membership=membership, rsvp=state.form.cleaned_data["rsvp"])
        except NotInvitedError:
            return _not_invited()
        except DomainError as error:
            add_domain_error(state.form, error)
            state.refused = True
        else:
            if not request.htmx:
                messages.success(request, _("Thanks, your reply is saved."))
                return redirect("network:meeting-detail", site_slug=meeting.site.slug, meeting_id=meeting.pk)
            state.saved = True
            state.current = OwnReply.of(reply.response)
            state.places = reply.places
            return state
    state.current = meeting_own_reply(meeting=meeting, membership=membership)  # as it stands, under the error
    return state


def _not_invited() -> HttpResponse:
    return HttpResponse(_("Only those invited to this meeting can reply."), status=403)


@site_view()
def meeting_detail(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    """The meeting, with everyone's replies; an invitee replies here (the `rsvp` region, by htmx or a plain post)."""
    site = membership.site
    posted = request.method == "POST"
    if posted:  # a reply counts the places as it saves, where it can
        meeting, places = selectors.meeting_get(site=site, meeting_id=meeting_id), None
    else:
        meeting, places = meeting_with_places_get(site=site, meeting_id=meeting_id)
    open_for_replies = meeting_is_open_for_replies(meeting=meeting)
    state = _reply_state(request, membership, meeting, open_for_replies)
    if isinstance(state, HttpResponse):
        return state
    # A reply by htmx re-draws only the reply region, the counts and the person's own row (out of band),
    # so it reads one row, not the whole list of invitees; a page shows 50 of them, whatever their number.
    region_only = posted and bool(request.htmx)
    replies = (
        None
        if region_only
        else selectors.meeting_attendee_page(
            meeting=meeting, query=request.GET.get("q", ""), page=request.GET.get("page", 1)
        )
    )
    context = {
        "membership": membership,
        "site": site,
        "meeting": meeting,
        "replies": replies,
        "places": state.places or places or meeting_places(meeting=meeting),
        "mine": state.current,
        "form": state.form,
        "open_for_replies": open_for_replies,
        "saved": state.saved,
        "oob": region_only,
    }
    # A refusal by the service is a 422; a choice the form does not offer shows its error with a 200.
    status = 422 if state.refused else 200
    if region_only:  # rendered at once, so the context processors run once, not for each part
        return render(request, "network/meeting_detail.html#reply-region", context, status=status)
    # A search or a page link sent by htmx swaps only the list of replies; a reply, the reply region.
    partial = "replies-list" if request.method == "GET" else "rsvp"
    return render_page(request, "network/meeting_detail.html", context, partial=partial, status=status)
