"""An enabler convening a site: the dashboard, invitations, import, people and agencies, and the activity log."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from network.access import ENABLERS, site_view
from network.errors import DomainError
from network.forms import AgencyForm, add_domain_error
from network.models import Membership, User
from network.people_forms import ImportForm, MemberEditForm
from network.selectors.dashboard import LIST_LIMIT, dashboard_for_site
from network.selectors.people import (
    activity_for_site,
    archived_agencies_for_site,
    archived_people_for_site,
    import_batch_get,
    site_agency_get,
    site_member_get,
)
from network.selectors.sites import people_for_site
from network.services import imports, invitations, people


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@site_view(ENABLERS)
def site_dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = {
        "membership": membership,
        "site": membership.site,
        "dashboard": dashboard_for_site(site=membership.site),
        "limit": LIST_LIMIT,
    }
    return render(request, "network/site_dashboard.html", context)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_invitations(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    if request.method == "POST":
        if request.POST.get("invite") == "all":
            count = invitations.invitations_queue(
                site=site, actor=_actor(request), memberships=list(invitations.invitable_for_site(site=site))
            )
            messages.success(
                request,
                f"Sending {count} invitation{'s' if count != 1 else ''}."
                if count
                else "Everyone has been invited already.",
            )
        else:
            try:
                invited = invitations.invitation_queue_one(
                    site=site, actor=_actor(request), membership_id=int(request.POST.get("invite", "0"))
                )
            except (DomainError, ValueError):
                messages.error(request, "That person is not in this site.")
            else:
                messages.success(request, f"Sending an invitation to {invited.user.name or invited.user.email}.")
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("network:site-invitations", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "people": people_for_site(site=site).exclude(pk=membership.pk),
        "invitable": invitations.invitable_for_site(site=site).exclude(pk=membership.pk).count(),
    }
    template = "network/site_invitations.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#invitations"
    return render(request, template, context)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_preview(
                site=site, actor=_actor(request), data=upload.read(imports.MAX_BYTES + 1), filename=upload.name or ""
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("network:site-import-preview", site_slug=site.slug, batch_id=batch.pk)
    context = {"membership": membership, "site": site, "form": form, "columns": imports.COLUMNS}
    return render(request, "network/site_import.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def site_import_template(request: HttpRequest, membership: Membership) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leaders-template.csv"'
    response.write("\ufeff")  # so Excel opens it as UTF-8
    csv.writer(response).writerows(imports.TEMPLATE_ROWS)
    return response


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_import_preview(request: HttpRequest, membership: Membership, batch_id: int) -> HttpResponse:
    site = membership.site
    batch = import_batch_get(site=site, user=_actor(request), batch_id=batch_id)
    if request.method == "POST":
        agencies, added = imports.import_confirm(batch=batch, actor=_actor(request))
        people_word = "person" if added == 1 else "people"
        agency_word = "agency" if agencies == 1 else "agencies"
        messages.success(request, f"Imported {added} {people_word} and {agencies} new {agency_word}.")
        return redirect("network:site-invitations", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "batch": batch,
        "preview": imports.batch_preview(batch=batch),
        "form": ImportForm(),
        "columns": imports.COLUMNS,
    }
    return render(request, "network/site_import_preview.html", context)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, membership: Membership, membership_id: int) -> HttpResponse:
    site = membership.site
    person = site_member_get(site=site, membership_id=membership_id)
    initial = {"role": person.role, "agency": person.agency, "role_title": person.role_title}
    form = MemberEditForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "remove":
                people.member_archive(membership=person, actor=_actor(request))
                messages.success(request, f"Removed {person.user.name}. Their past votes still count.")
                return redirect("network:site-people", site_slug=site.slug)
            if action == "restore":
                people.member_restore(membership=person, actor=_actor(request))
                messages.success(request, f"Restored {person.user.name}.")
                return redirect("network:member-edit", site_slug=site.slug, membership_id=person.pk)
            if form.is_valid():
                people.member_update(membership=person, actor=_actor(request), **form.cleaned_data)
                messages.success(request, f"Saved the changes to {person.user.name}.")
                return redirect("network:member-edit", site_slug=site.slug, membership_id=person.pk)
        except DomainError as error:
            add_domain_error(form, error)
    context = {"membership": membership, "site": site, "person": person, "form": form}
    return render(request, "network/member_edit.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, membership: Membership, agency_id: int) -> HttpResponse:
    site = membership.site
    agency = site_agency_get(site=site, agency_id=agency_id)
    form = AgencyForm(request.POST or None, initial={"name": agency.name, "sector": agency.sector})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "archive":
                people.agency_archive(agency=agency, actor=_actor(request))
                messages.success(request, f"Archived {agency.name}.")
                return redirect("network:site-people", site_slug=site.slug)
            if action == "restore":
                people.agency_restore(agency=agency, actor=_actor(request))
                messages.success(request, f"Restored {agency.name}.")
                return redirect("network:agency-edit", site_slug=site.slug, agency_id=agency.pk)
            if form.is_valid():
                people.agency_update(agency=agency, actor=_actor(request), **form.cleaned_data)
                messages.success(request, f"Saved the changes to {agency.name}.")
                return redirect("network:agency-edit", site_slug=site.slug, agency_id=agency.pk)
        except DomainError as error:
            add_domain_error(form, error)
    context = {"membership": membership, "site": site, "agency": agency, "form": form}
    return render(request, "network/agency_edit.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def site_activity(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    context = {
        "membership": membership,
        "site": site,
        "entries": activity_for_site(site=site),
        "archived_people": archived_people_for_site(site=site),
        "archived_agencies": archived_agencies_for_site(site=site),
    }
    return render(request, "network/site_activity.html", context)
