"""After a meeting: the coordinator records notes, decisions and actions; an owner marks theirs done from a link."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from network import selectors
from network.access import COORDINATORS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.actions import ActionForm, MeetingNotesForm
from network.http import AuthenticatedHttpRequest, HtmxHttpRequest, render_page, token_page
from network.i18n import use_language_of
from network.models import Membership
from network.selectors.actions import action_get, action_link_read, meeting_actions, meeting_record
from network.services.actions import action_add, action_mark_done, meeting_notes_save

GONE = 410


@site_view(COORDINATORS)
def meeting_record_view(request: AuthenticatedHttpRequest, membership: Membership, meeting_id: int) -> HttpResponse:
    """One page, two forms: the meeting's notes and decisions, and a new action. Each posts on its own."""
    site = membership.site
    meeting = selectors.meeting_get(site=site, meeting_id=meeting_id)
    record = meeting_record(meeting=meeting)
    people = selectors.people_for_site(site=site)
    which = request.POST.get("form") if request.method == "POST" else None
    notes_form = MeetingNotesForm(
        request.POST if which == "notes" else None,
        initial={"notes": record.notes, "decisions": record.decisions} if record else None,
    )
    action_form = ActionForm(request.POST if which == "action" else None, people=people, prefix="action")
    bound = notes_form if which == "notes" else action_form if which == "action" else None
    if bound is not None and bound.is_valid():
        try:
            if bound is notes_form:
                meeting_notes_save(meeting=meeting, membership=membership, **notes_form.cleaned_data)
                messages.success(request, _("Notes and decisions saved."))
            else:
                action_add(meeting=meeting, membership=membership, **action_form.cleaned_data)
                messages.success(
                    request,
                    _("Action recorded. Its owner sees it on their home page and in their weekly email (the digest)."),
                )
        except DomainError as error:
            add_domain_error(bound, error)
        else:
            return redirect("network:meeting-record", site_slug=site.slug, meeting_id=meeting.pk)
    context = {
        "membership": membership,
        "site": site,
        "meeting": meeting,
        "notes_form": notes_form,
        "action_form": action_form,
        "actions": meeting_actions(meeting=meeting),
    }
    status = 422 if bound is not None and bound.errors else 200
    return render_page(request, "network/meeting_record.html", context, status=status)


@require_POST
@site_view()
def action_done(request: AuthenticatedHttpRequest, membership: Membership, action_id: int) -> HttpResponse:
    """Mark an action done, signed in: its owner from their home page, or a coordinator from the meeting's record."""
    action = action_get(site_id=membership.site_id, action_id=action_id)
    if action is None:
        raise Http404(_("No such action."))
    try:
        action_mark_done(action=action, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked done: %(action)s") % {"action": action.description})
    if request.POST.get("next") == "record":
        return redirect("network:meeting-record", site_slug=membership.site.slug, meeting_id=action.meeting_id)
    return redirect("network:home")


@token_page
@csrf_exempt  # the signed token is the credential; the link comes from an email
def action_done_link(request: HtmxHttpRequest, token: str) -> HttpResponse:
    link = action_link_read(token)
    if link is None:
        raise Http404(_("This link is not valid."))
    if link.expired or link.action is None or link.owner is None:
        return render_page(request, "network/link_refused.html", {"reason": "expired"}, status=GONE)
    action, owner = link.action, link.owner
    use_language_of(request, owner.user)  # the link was emailed to its owner: answer in their language
    saved = False
    if request.method == "POST" and action.done_at is None:
        action_mark_done(action=action, membership=owner)
        saved = True
    context = {"action": action, "owner": owner, "saved": saved}
    return render_page(request, "network/action_done.html", context)
