"""People in a site: the people page (agencies and people, and adding them) and changing one person."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network import selectors, services
from network.access import ENABLERS, require_role, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.agencies import AgencyForm
from network.forms.people import MemberEditForm, MemberForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.people import people_page_for_site, site_member_get
from network.services import people


def _agency_added(request: AuthenticatedHttpRequest, membership: Membership) -> AgencyForm | None:
    """Add the agency posted; None once it is added, or the form with its errors."""
    form = AgencyForm(request.POST, prefix="agency")
    if form.is_valid():
        try:
            agency = services.agency_create(site=membership.site, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Added %(agency)s.") % {"agency": agency.name})
            return None
    return form


def _member_added(request: AuthenticatedHttpRequest, membership: Membership) -> MemberForm | None:
    """Add the person posted; None once they are added, or the form with its errors."""
    form = MemberForm(request.POST, site=membership.site, prefix="member")
    if form.is_valid():
        try:
            added = services.member_add(site=membership.site, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Added %(name)s. Invite them when you are ready.") % {"name": added.user.name})
            return None
    return form


@site_view()
def site_people(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """Everyone sees the agencies and people; an enabler adds them here too (by htmx, or a plain post)."""
    site = membership.site
    agency_form = AgencyForm(prefix="agency")
    member_form = MemberForm(site=site, prefix="member")
    status = 200
    if request.method == "POST":
        require_role(membership, ENABLERS)
        if "agency-name" in request.POST:
            agency_form = _agency_added(request, membership) or agency_form
            added = not agency_form.is_bound
        else:
            member_form = _member_added(request, membership) or member_form
            added = not member_form.is_bound
        if added and not request.htmx:
            return redirect("network:site-people", site_slug=site.slug)
        status = 200 if added else 422
    manages = membership.can_manage_people
    context = {
        "membership": membership,
        "site": site,
        "agencies": selectors.agencies_for_site(site=site),
        "people": people_page_for_site(site=site, query=request.GET.get("q", ""), page=request.GET.get("page", 1)),
        # Built once, not per row: a person's link is this and their id; only an enabler's rows are links.
        "member_url": reverse("network:member-edit", args=[site.slug, 0]).removesuffix("0/") if manages else "",
        "agency_url": reverse("network:agency-edit", args=[site.slug, 0]).removesuffix("0/") if manages else "",
        "agency_form": agency_form,
        "member_form": member_form,
    }
    # A search or a page link sent by htmx swaps only the list of people; a form post, the whole region.
    partial = "people-list" if request.htmx and request.method == "GET" else "people-setup"
    return render_page(request, "network/site_people.html", context, partial=partial, status=status)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, membership: Membership, membership_id: int) -> HttpResponse:
    site = membership.site
    person = site_member_get(site=site, membership_id=membership_id)
    initial = {
        "role": person.role,
        "agency": person.agency,
        "role_title": person.role_title,
        "language": person.user.language,
    }
    form = MemberEditForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "remove":  # asked first, on its own page: only that page's POST removes
                return redirect("network:member-remove", site_slug=site.slug, membership_id=person.pk)
            if action == "restore":
                people.member_restore(membership=person, actor=request.user)
                messages.success(request, _("Restored %(name)s.") % {"name": person.user.name})
                return redirect("network:member-edit", site_slug=site.slug, membership_id=person.pk)
            if form.is_valid():
                people.member_update(membership=person, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Saved the changes to %(name)s.") % {"name": person.user.name})
                return redirect("network:member-edit", site_slug=site.slug, membership_id=person.pk)
        except DomainError as error:
            add_domain_error(form, error)
    context = {"membership": membership, "site": site, "person": person, "form": form}
    return render_page(request, "network/member_edit.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, membership: Membership, membership_id: int) -> HttpResponse:
    """GET asks "Are you sure"; only a POST from that page (confirm=yes) removes the person."""
    site = membership.site
    person = site_member_get(site=site, membership_id=membership_id)
    name = person.user.name or person.user.email
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            people.member_archive(membership=person, actor=request.user)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("Removed %(name)s. Their past votes still count.") % {"name": name})
            return redirect("network:site-people", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "error": error,
        "caption": site.name,
        "heading": _("Are you sure you want to remove %(name)s?") % {"name": name},
        "consequences": [
            _("%(name)s can no longer see %(site)s or sign in to it") % {"name": name, "site": site.name},
            _("they stop getting its emails, meeting invitations among them"),
            _("any votes they have cast still count"),
        ],
        "warning": _("You can restore them later from their page."),
        "action_url": request.path,
        "button_label": _("Yes, remove %(name)s") % {"name": name},
        "back_url": reverse("network:member-edit", args=[site.slug, person.pk]),
        "back_label": _("No, keep them"),
    }
    return render_page(request, "confirm.html", context, status=422 if error else 200)
