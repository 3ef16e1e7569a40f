"""The living map: the page (from the latest stored snapshot), a new snapshot on demand, its settings, its
exports, and the leaders' relationship check-in."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network import map_exports
from network.access import ENABLERS, EVERYONE, LEADERS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.map import CheckInForm, MapSettingsForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.map import (
    checkin_answers,
    checkin_partners,
    map_level_for_export,
    map_page,
)
from network.selectors.map_ties import tie_source_labels
from network.services import map as maps


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _render_map(
    request: AuthenticatedHttpRequest, membership: Membership, settings_form: MapSettingsForm | None = None
) -> HttpResponse:
    page = map_page(
        membership=membership,
        wanted_level=request.GET.get("level"),
        against=_int_or_none(request.GET.get("against")),
        nodes_page=request.GET.get("nodes"),
        ties_page=request.GET.get("ties"),
    )
    if settings_form is None and membership.is_enabler:
        settings_form = MapSettingsForm(
            initial={"quiet_days": page.settings.quiet_days, "min_group_size": page.settings.min_group_size}
        )
    context = {"membership": membership, "site": membership.site, "page": page, "settings_form": settings_form}
    status = 422 if settings_form is not None and settings_form.errors else 200
    return render_page(request, "network/map.html", context, partial="map-region", status=status)


@site_view(EVERYONE)
@require_GET
def site_map(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    return _render_map(request, membership)


@site_view(ENABLERS)
@require_POST
def map_snapshot_new(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    try:
        maps.map_snapshot_request(site=membership.site, by=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new map is being made from the site's records. Reload this page in a minute."))
    return redirect("network:site-map", site_slug=membership.site.slug)


@site_view(ENABLERS)
@require_POST
def map_settings(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    form = MapSettingsForm(request.POST)
    if form.is_valid():
        try:
            maps.map_settings_update(site=membership.site, by=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved the map's settings."))
            return redirect("network:site-map", site_slug=membership.site.slug)
    return _render_map(request, membership, settings_form=form)


EXPORTS = {
    "nodes.csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@site_view(EVERYONE)
@require_GET
def map_export(request: AuthenticatedHttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404(_("No such export."))
    found = map_level_for_export(membership=membership, wanted_level=request.GET.get("level"))
    if found is None:
        raise Http404(_("This site has no map yet."))
    nodes, edges, level_name = found
    source_labels = {key: str(label) for key, label in tie_source_labels().items()}
    if fmt == "nodes.csv":
        body: str | bytes = map_exports.nodes_csv(nodes)
    elif fmt == "edges.csv":
        body = map_exports.edges_csv(edges, source_labels=source_labels)
    elif fmt == "graphml":
        body = map_exports.graphml(nodes, edges)
    elif fmt == "gexf":
        body = map_exports.gexf(nodes, edges)
    else:
        body = map_exports.kumu_xlsx(nodes, edges, people=level_name == "people", source_labels=source_labels)
    name = f"{membership.site.slug}-map-{level_name}.{fmt.replace('.csv', '')}"
    if fmt.endswith(".csv"):
        name = f"{membership.site.slug}-map-{level_name}-{fmt}"
    response = HttpResponse(body, content_type=EXPORTS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@site_view(LEADERS)
@require_http_methods(["GET", "POST"])
def map_checkin(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    partners = checkin_partners(membership=membership)
    by_id = {p.pk: p for p in partners}
    action = request.POST.get("action", "save")
    initial = {}
    editing = _int_or_none(request.GET.get("partner"))
    answers = checkin_answers(membership=membership)
    for answer in answers:
        if answer.partner_id == editing:
            initial = {"partner": answer.partner_id, "frequency": answer.frequency, "trust": answer.trust}
    data = request.POST if request.method == "POST" and action == "save" else None
    form = CheckInForm(data, initial=initial, partners=partners)
    if request.method == "POST":
        try:
            if action == "withdraw":
                maps.checkin_answer_withdraw(
                    respondent=membership, answer_id=_int_or_none(request.POST.get("answer")) or 0
                )
                messages.success(request, _("Withdrew that answer."))
                return redirect("network:map-checkin", site_slug=membership.site.slug)
            if action == "withdraw_all" and request.POST.get("confirm") != "yes":
                # Withdrawing every answer cannot be undone: ask first, as GOV.UK's "are you sure" does.
                context = {
                    "membership": membership,
                    "site": membership.site,
                    "form": form,
                    "answers": answers,
                    "confirm_withdraw_all": True,
                }
                return render_page(request, "network/map_checkin.html", context)
            if action == "withdraw_all":
                maps.checkin_withdraw_all(respondent=membership)
                messages.success(request, _("Withdrew all your answers."))
                return redirect("network:map-checkin", site_slug=membership.site.slug)
            if form.is_valid():
                maps.checkin_answer_save(
                    respondent=membership,
                    partner=by_id[form.cleaned_data["partner"]],
                    frequency=form.cleaned_data["frequency"],
                    trust=form.cleaned_data["trust"],
                )
                messages.success(request, _("Saved your answer. You can change or withdraw it at any time."))
                return redirect("network:map-checkin", site_slug=membership.site.slug)
        except DomainError as error:
            if action != "save":
                messages.error(request, error.message)
                return redirect("network:map-checkin", site_slug=membership.site.slug)
            add_domain_error(form, error)
    context = {"membership": membership, "site": membership.site, "form": form, "answers": answers}
    return render_page(request, "network/map_checkin.html", context, status=422 if form.errors else 200)
