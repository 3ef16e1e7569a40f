"""The enabler's digest page: schedule, preview as a member, send now with live progress.

Both kinds of digest can be previewed and sent from here: this week's digest to
the alliance, and the reminder before each upcoming meeting. The digest is
chosen by its key, which must be one the site offers (`digest_choices`).
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from network import selectors
from network.access import ENABLERS, site_view
from network.digests import Digest, digest_parse, digest_preview, digest_recipient, digest_recipients
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.digests import DigestPreviewForm, DigestScheduleForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.digests import digest_choices, digest_progress
from network.services.digests import digest_schedule_get, digest_schedule_set, digest_send_now


def _chosen(request: AuthenticatedHttpRequest, membership: Membership) -> tuple[list[tuple[str, str]], Digest | None]:
    """The digests this site can preview and send, and the one asked for (the first, if none or a foreign one)."""
    choices = digest_choices(site=membership.site, alliance=selectors.alliance_current(site=membership.site))
    keys = [key for key, _ in choices]
    wanted = request.POST.get("digest") or request.GET.get("digest") or ""
    key = wanted if wanted in keys else (keys[0] if keys else "")
    return choices, digest_parse(key) if key else None


def _page_url(membership: Membership, digest: Digest) -> str:
    url = reverse("network:site-digests", kwargs={"site_slug": membership.site.slug})
    return f"{url}?digest={digest.key}#send-heading"


def _preview_form(
    request: AuthenticatedHttpRequest, choices: list[tuple[str, str]], digest: Digest, *, bound: bool = True
) -> DigestPreviewForm:
    members = digest_recipients(digest)
    data = request.GET if bound and "member" in request.GET else None
    initial = {"digest": digest.key, "member": members.first()}
    return DigestPreviewForm(data, choices=choices, members=members, initial=initial)


@site_view(ENABLERS)
def site_digests(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
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
            messages.success(request, gettext("Digest schedule saved."))
            return redirect("network:site-digests", site_slug=site.slug)
    choices, digest = _chosen(request, membership)
    preview_form = _preview_form(request, choices, digest) if digest else None
    if digest and preview_form is not None and preview_form.is_bound and not preview_form.is_valid():
        # Switching to an email the chosen person would not get: preview it as the first who would.
        preview_form = _preview_form(request, choices, digest, bound=False)
    member = None
    if preview_form is not None:
        member = preview_form.cleaned_data["member"] if preview_form.is_bound else preview_form.initial["member"]
    context = {
        "membership": membership,
        "site": site,
        "form": form,
        "digest": digest,
        "digest_label": dict(choices).get(digest.key, "") if digest else "",
        "preview_form": preview_form,
        "preview_member": member,
        "progress": digest_progress(key=digest.key, site_id=site.pk) if digest else None,
    }
    return render_page(request, "network/site_digests.html", context, status=422 if form.errors else 200)


@xframe_options_sameorigin  # shown in an iframe on the digests page
# The same for the Content-Security-Policy, and the email's own inline styles shown as sent; the iframe is
# sandboxed without scripts, so script stays refused.
@csp_replace({"frame-ancestors": [SELF], "style-src": [SELF, UNSAFE_INLINE]})  # type: ignore[arg-type]  # its stubs allow only (request) views
@site_view(ENABLERS)
def digest_preview_email(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """The chosen digest exactly as the chosen member would get it: its HTML part, or its text with ?part=text."""
    _, digest = _chosen(request, membership)
    if digest is None:
        raise Http404(gettext("Nothing to preview"))
    # Only whether the person asked for would get it: the "Preview as" list is the digests page's, not this one's.
    member = digest_recipient(digest, membership_id=request.GET.get("member", ""))
    if member is None:
        raise Http404(gettext("Choose someone who would receive this email"))
    part = "text" if request.GET.get("part") == "text" else "html"
    shown = digest_preview(digest=digest, membership=member, part=part)
    if shown is None:
        body = format_html(
            "<!doctype html><html lang='{}'><title>{}</title><body><p>{}</p></body></html>",
            get_language(),
            gettext("Nothing to send"),
            gettext("Nothing new for this member this week, so no digest would be sent."),
        )
        return HttpResponse(body)
    if part == "text":
        return HttpResponse(shown, content_type="text/plain; charset=utf-8")
    return HttpResponse(shown)


@require_POST
@site_view(ENABLERS)
def digest_send_now_view(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    _, digest = _chosen(request, membership)
    if digest is None:
        raise Http404(gettext("Nothing to send"))
    try:
        digest_send_now(membership=membership, key=digest.key)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("It is being sent. Progress shows below."))
    return redirect(_page_url(membership, digest))


@site_view(ENABLERS)
def digest_progress_view(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    _, digest = _chosen(request, membership)
    if digest is None:
        raise Http404(gettext("Nothing being sent"))
    progress = digest_progress(key=digest.key, site_id=membership.site.pk)
    context = {"membership": membership, "site": membership.site, "digest": digest, "progress": progress}
    if request.htmx:  # polled by the progress region; without script the page shows it
        return render_page(request, "network/site_digests.html", context, partial="progress")
    return redirect(_page_url(membership, digest))
