"""Inviting a site's people: everyone not yet invited at once, or one person (again)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from network.access import ENABLERS, site_view
from network.errors import DomainError
from network.http import AuthenticatedHttpRequest, render_page
from network.models import InvitationStatus, Membership
from network.selectors.people import invitable_for_site, invitation_list_for_site
from network.services import invitations


def _invite(request: AuthenticatedHttpRequest, membership: Membership) -> None:
    """Queue what was asked for, and say so in a message."""
    site = membership.site
    if request.POST.get("invite") == "all":
        count = invitations.invitations_queue(
            site=site, actor=request.user, memberships=list(invitable_for_site(site=site))
        )
        if count:
            messages.success(
                request,
                ngettext("Sending %(count)d invitation.", "Sending %(count)d invitations.", count) % {"count": count},
            )
        else:
            messages.success(request, _("Everyone has been invited already."))
        return
    try:
        invited = invitations.invitation_queue_one(
            site=site, actor=request.user, membership_id=int(request.POST.get("invite", "0"))
        )
    except (DomainError, ValueError):
        messages.error(request, _("That person is not in this site."))
    else:
        name = invited.user.name or invited.user.email
        messages.success(request, _("Sending an invitation to %(name)s.") % {"name": name})


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_invitations(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    # The page of people shown (its search and number) stays in the address the forms post to and the rows poll.
    shown = {key: request.GET[key] for key in ("q", "page") if request.GET.get(key)}
    list_url = reverse("network:site-invitations", args=[site.slug]) + (f"?{urlencode(shown)}" if shown else "")
    if request.method == "POST":
        _invite(request, membership)
        if not request.htmx:
            return redirect(list_url)
    listing = invitation_list_for_site(
        site=site, viewer=membership, query=request.GET.get("q", ""), page=request.GET.get("page", 1)
    )
    # While anyone's invitation shown is with the worker, the page keeps asking for the rows.
    sending = any(person.invitation_status == InvitationStatus.QUEUED for person in listing.people.rows)
    context = {
        "membership": membership,
        "site": site,
        "people": listing.people,
        "list_url": list_url,
        "invitable": listing.invitable,
        "sending": sending,
    }
    return render_page(request, "network/site_invitations.html", context, partial="invitations")
