"""The enabler's digest page: schedule, preview as a member, send now with live progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from network import selectors
from network.access import ENABLERS, site_view
from network.digests import Digest, digest_preview, weekly_key
from network.errors import DomainError
from network.forms import add_domain_error
from network.meeting_forms import DigestPreviewForm, DigestScheduleForm
from network.models import Alliance, DigestDelivery, Membership
from network.selectors.digests import digest_progress
from network.services.digests import digest_schedule_get, digest_schedule_set, weekly_digest_send_now


def _alliance_or_404(membership: Membership) -> Alliance:
    alliance = selectors.alliance_current(site=membership.site)
    if alliance is None:
        raise Http404("No alliance yet")
    return alliance


def _preview_form(request: HttpRequest, alliance: Alliance) -> DigestPreviewForm:
    members = selectors.alliance_members(alliance=alliance)
    return DigestPreviewForm(request.GET or None, members=members, initial={"member": members.first()})


@site_view(ENABLERS)
def site_digests(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    schedule = digest_schedule_get(membership=membership)
    form = DigestScheduleForm(
        request.POST or None,
        initial={
            "weekday": schedule.weekday,
            "send_time": schedule.send_time,
            "days_before_meeting": schedule.days_before_meeting,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            digest_schedule_set(membership=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Digest schedule saved.")
            return redirect("network:site-digests", site_slug=site.slug)
    preview_form = _preview_form(request, alliance) if alliance else None
    member = None
    if preview_form is not None:
        member = preview_form.cleaned_data["member"] if preview_form.is_valid() else preview_form.initial["member"]
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        "form": form,
        "preview_form": preview_form,
        "preview_member": member,
        "progress": digest_progress(key=weekly_key(alliance=alliance, when=timezone.now()), site_id=site.pk)
        if alliance
        else None,
    }
    return render(request, "network/site_digests.html", context, status=422 if form.errors else 200)


@xframe_options_sameorigin  # shown in an iframe on the digests page
@site_view(ENABLERS)
def digest_preview_email(request: HttpRequest, membership: Membership) -> HttpResponse:
    """This week's digest exactly as the chosen member would get it: its HTML part, or its text with ?part=text."""
    alliance = _alliance_or_404(membership)
    form = _preview_form(request, alliance)
    if not form.is_valid():
        raise Http404("Choose a member of the alliance")
    member = form.cleaned_data["member"]
    digest = Digest(
        key=weekly_key(alliance=alliance, when=timezone.now()), kind=DigestDelivery.Kind.WEEKLY, alliance=alliance
    )
    message = digest_preview(digest=digest, member=member)
    if message is None:
        body = (
            "<!doctype html><html lang='en-GB'><title>Nothing to send</title><body>"
            "<p>Nothing new for this member this week, so no digest would be sent.</p></body></html>"
        )
        return HttpResponse(body)
    if request.GET.get("part") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    html = message.alternatives[0][0]
    return HttpResponse(html)


@require_POST
@site_view(ENABLERS)
def digest_send_now(request: HttpRequest, membership: Membership) -> HttpResponse:
    alliance = _alliance_or_404(membership)
    weekly_digest_send_now(membership=membership, alliance=alliance)
    messages.success(request, "This week's digest is being sent. Progress shows below.")
    return redirect("network:site-digests", site_slug=membership.site.slug)


@site_view(ENABLERS)
def digest_progress_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    alliance = _alliance_or_404(membership)
    progress = digest_progress(key=weekly_key(alliance=alliance, when=timezone.now()), site_id=membership.site.pk)
    context = {"membership": membership, "site": membership.site, "alliance": alliance, "progress": progress}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "network/site_digests.html#progress", context)
    return redirect("network:site-digests", site_slug=membership.site.slug)
