"""Commitments: a leader adds one to their pledge; the enabler sets how often owners check in; the alliance's export."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from network import selectors
from network.access import ENABLERS, LEADERS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.commitments import CheckinIntervalForm, CommitmentForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Alliance, Membership
from network.selectors.commitments import alliance_export_header, alliance_export_rows
from network.services.commitments import alliance_checkins_every, commitment_add
from network.views.downloads import csv_response, xlsx_response


def _alliance_or_404(membership: Membership) -> Alliance:
    alliance = selectors.alliance_current(site=membership.site)
    if alliance is None:
        raise Http404(_("This site has no alliance yet."))
    return alliance


@site_view(LEADERS)
def commitment_create(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = _alliance_or_404(membership)
    form = CommitmentForm(
        request.POST or None,
        partners=selectors.people_for_site(site=site).exclude(pk=membership.pk),
        agencies=selectors.agencies_for_site(site=site),
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitment_add(alliance=alliance, membership=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your commitment is added to the alliance."))
            return redirect("network:alliance-detail", site_slug=site.slug)
    context = {"membership": membership, "site": site, "alliance": alliance, "form": form}
    return render_page(request, "network/commitment_create.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def alliance_checkins(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = _alliance_or_404(membership)
    form = CheckinIntervalForm(request.POST or None, initial={"weeks": alliance.checkin_every_weeks})
    if request.method == "POST" and form.is_valid():
        try:
            alliance_checkins_every(alliance=alliance, membership=membership, weeks=form.cleaned_data["weeks"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved. Owners are asked how their commitments are going at this interval."))
            return redirect("network:alliance-detail", site_slug=site.slug)
    context = {"membership": membership, "site": site, "alliance": alliance, "form": form}
    return render_page(request, "network/alliance_checkins.html", context, status=422 if form.errors else 200)


@site_view()
def alliance_export_csv(request: AuthenticatedHttpRequest, membership: Membership) -> StreamingHttpResponse:
    alliance = _alliance_or_404(membership)
    return csv_response(
        header=alliance_export_header(),
        rows=alliance_export_rows(alliance=alliance),
        filename=f"alliance-{membership.site.slug}.csv",
    )


@site_view()
def alliance_export_xlsx(request: AuthenticatedHttpRequest, membership: Membership) -> StreamingHttpResponse:
    alliance = _alliance_or_404(membership)
    return xlsx_response(
        sheet_title=_("Alliance"),
        header=alliance_export_header(),
        rows=alliance_export_rows(alliance=alliance),
        filename=f"alliance-{membership.site.slug}.xlsx",
    )
