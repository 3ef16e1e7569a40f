"""The measure of an adopted outcome: its indicators, each with a chart, a table and the story behind the curve."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.access import ENABLERS, require_role, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.views.downloads import csv_response, xlsx_response
from outcomes.forms import IndicatorConfirmForm, IndicatorForm, IndicatorUpdateForm, IndicatorUploadForm
from outcomes.models import INDICATORS_MAX
from outcomes.selectors.indicators import (
    adopted_outcome_get,
    indicator_export_rows,
    indicator_get,
    indicator_page,
    indicators_for_outcome,
    series_export_header,
    upload_get,
)
from outcomes.services.indicators import (
    indicator_create,
    indicator_update_add,
    indicator_upload_confirm,
    indicator_upload_preview,
    upload_check,
)


@site_view()
def outcome_measure(request: AuthenticatedHttpRequest, membership: Membership, outcome_id: int) -> HttpResponse:
    """The outcome's indicators; the enabler names them here, one to three."""
    site = membership.site
    outcome = adopted_outcome_get(site=site, outcome_id=outcome_id)
    indicators = list(indicators_for_outcome(outcome=outcome))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        require_role(membership, ENABLERS)
        if form.is_valid():
            try:
                indicator = indicator_create(outcome=outcome, membership=membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Indicator added. Add its first update below."))
                return redirect("outcomes:indicator-detail", site_slug=site.slug, indicator_id=indicator.pk)
    context = {
        "membership": membership,
        "site": site,
        "outcome": outcome,
        "indicators": indicators,
        "form": form,
        "can_add": membership.can_manage_measure and len(indicators) < INDICATORS_MAX,
    }
    return render_page(request, "outcomes/measure.html", context, status=422 if form.errors else 200)


@site_view()
def indicator_detail(request: AuthenticatedHttpRequest, membership: Membership, indicator_id: int) -> HttpResponse:
    site = membership.site
    indicator = indicator_get(site=site, indicator_id=indicator_id)
    form = IndicatorUpdateForm(request.POST or None)
    if request.method == "POST":
        require_role(membership, ENABLERS)
        if form.is_valid():
            try:
                indicator_update_add(indicator=indicator, membership=membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Update saved."))
                return redirect("outcomes:indicator-detail", site_slug=site.slug, indicator_id=indicator.pk)
    context = {
        "membership": membership,
        "site": site,
        "indicator": indicator,
        "outcome": indicator.outcome,
        "page": indicator_page(indicator=indicator),
        "form": form,
    }
    return render_page(request, "outcomes/indicator_detail.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def indicator_upload(request: AuthenticatedHttpRequest, membership: Membership, indicator_id: int) -> HttpResponse:
    site = membership.site
    indicator = indicator_get(site=site, indicator_id=indicator_id)
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = indicator_upload_preview(
                indicator=indicator, membership=membership, actor=request.user, data=upload.read(), filename=upload.name
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(
                "outcomes:indicator-upload-preview", site_slug=site.slug, indicator_id=indicator.pk, upload_id=batch.pk
            )
    context = {"membership": membership, "site": site, "indicator": indicator, "form": form}
    return render_page(request, "outcomes/indicator_upload.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def indicator_upload_preview_view(
    request: AuthenticatedHttpRequest, membership: Membership, indicator_id: int, upload_id: int
) -> HttpResponse:
    site = membership.site
    indicator = indicator_get(site=site, indicator_id=indicator_id)
    upload = upload_get(indicator=indicator, upload_id=upload_id, user=request.user)
    form = IndicatorConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = indicator_upload_confirm(
                upload=upload, membership=membership, questioned_checked=form.cleaned_data["checked"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, ngettext("%(count)s update saved.", "%(count)s updates saved.", saved) % {"count": saved}
            )
            return redirect("outcomes:indicator-detail", site_slug=site.slug, indicator_id=indicator.pk)
    context = {
        "membership": membership,
        "site": site,
        "indicator": indicator,
        "upload": upload,
        "preview": upload_check(indicator=indicator, rows=upload.rows),
        "form": form,
    }
    return render_page(request, "outcomes/indicator_upload_preview.html", context, status=422 if form.errors else 200)


@site_view()
def indicator_csv(
    request: AuthenticatedHttpRequest, membership: Membership, indicator_id: int
) -> StreamingHttpResponse:
    indicator = indicator_get(site=membership.site, indicator_id=indicator_id)
    rows = indicator_export_rows(indicator=indicator)
    return csv_response(header=series_export_header(), rows=rows, filename=f"indicator-{indicator.pk}.csv")


@site_view()
def indicator_xlsx(
    request: AuthenticatedHttpRequest, membership: Membership, indicator_id: int
) -> StreamingHttpResponse:
    indicator = indicator_get(site=membership.site, indicator_id=indicator_id)
    return xlsx_response(
        sheet_title=_("Indicator"),
        header=series_export_header(),
        rows=indicator_export_rows(indicator=indicator),
        filename=f"indicator-{indicator.pk}.xlsx",
    )
