from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from network import selectors, services, tokens
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import MeetingForm, RsvpForm, add_domain_error
from network.models import Membership
from network.selectors.meetings import meeting_is_invited, meeting_is_open_for_replies, meetings_for_site
from network.services.meetings import meeting_cancel as cancel
from network.services.meetings import meeting_update
from network.services.people import calendar_feed_new_address


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


@site_view()
def meeting_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every meeting of the site, so everyone sees what is being convened, and their own calendar feed."""
    site = membership.site
    token = tokens.calendar_token_make(membership_id=membership.pk, key=membership.calendar_key)
    context = {
        "membership": membership,
        "site": site,
        "meetings": meetings_for_site(site=site),
        "calendar_url": request.build_absolute_uri(reverse("network:site-calendar", kwargs={"token": token})),
    }
    return render(request, "network/meeting_list.html", context)


@require_POST
@site_view()
def calendar_feed_renew(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Give the person a new calendar feed address; the old one stops working at once."""
    calendar_feed_new_address(membership=membership)
    messages.success(
        request,
        "Your calendar feed has a new address, below. The old one no longer works: "
        "subscribe again with the new one in your calendar app.",
    )
    return redirect(reverse("network:meeting-list", kwargs={"site_slug": membership.site.slug}) + "#calendar")


@site_view(COORDINATORS)
def meeting_create(request: HttpRequest, membership: Membership) -> HttpResponse:
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
            who = "The alliance" if for_alliance else "Everyone in the site"
            messages.success(request, f"Meeting created. {who} is being emailed its details.")
            return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
    context = {"membership": membership, "site": site, "form": form, "alliance": alliance}
    return render(request, "network/meeting_create.html", context, status=422 if form.errors else 200)


@site_view(COORDINATORS)
def meeting_edit(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    site = membership.site
    meeting = selectors.meeting_get(site=site, meeting_id=meeting_id)
    initial = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "agenda": meeting.agenda,
        "capacity": meeting.capacity,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, updated_by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Meeting saved. Everyone invited is being told what changed.")
            return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
    context = {"membership": membership, "site": site, "form": form, "meeting": meeting}
    return render(request, "network/meeting_edit.html", context, status=422 if form.errors else 200)


@require_POST
@site_view(COORDINATORS)
def meeting_cancel(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(site=membership.site, meeting_id=meeting_id)
    try:
        cancel(meeting=meeting, cancelled_by=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting cancelled. Everyone invited is being told.")
    return redirect("network:meeting-detail", site_slug=membership.site.slug, meeting_id=meeting.pk)


@site_view()
def meeting_detail(request: HttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    site = membership.site
    meeting = selectors.meeting_get(site=site, meeting_id=meeting_id)
    invited = meeting_is_invited(meeting=meeting, membership=membership)
    rows = selectors.meeting_attendee_rows(meeting=meeting)
    form = None
    status = 200
    open_for_replies = meeting_is_open_for_replies(meeting=meeting)
    if invited and open_for_replies:
        current = next((row.rsvp for row in rows if row.member_id == membership.pk), "")
        form = RsvpForm(request.POST or None, initial={"rsvp": current or None})
        if request.method == "POST" and form.is_valid():
            try:
                services.meeting_respond(meeting=meeting, membership=membership, rsvp=form.cleaned_data["rsvp"])
            except DomainError as error:
                add_domain_error(form, error)
                status = 422
            else:
                if not request.htmx:  # type: ignore[attr-defined]
                    messages.success(request, "Thanks, your reply is saved.")
                    return redirect("network:meeting-detail", site_slug=site.slug, meeting_id=meeting.pk)
                rows = selectors.meeting_attendee_rows(meeting=meeting)
    elif request.method == "POST":
        if not invited:
            return HttpResponse("Only those invited to this meeting can reply.", status=403)
        return HttpResponse("Replies to this meeting are closed.", status=409)
    mine = next((row for row in rows if invited and row.member_id == membership.pk), None)
    going = sum(1 for row in rows if row.rsvp == "going" and not row.waitlisted)
    context = {
        "membership": membership,
        "site": site,
        "meeting": meeting,
        "rows": rows,
        "going": going,
        "places_left": max(meeting.capacity - going, 0) if meeting.capacity else None,
        "waiting": sum(1 for row in rows if row.waitlisted),
        "mine": mine,
        "form": form,
        "open_for_replies": open_for_replies,
        "saved": request.method == "POST" and status == 200,
    }
    template = "network/meeting_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#rsvp"
    return render(request, template, context, status=status)
