"""Pages reached from a signed link in an email, with no sign-in: RSVP, unsubscribe and preferences."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.digests import DigestPreferenceForm
from network.forms.meetings import RsvpForm
from network.http import HtmxHttpRequest, render_page, token_page
from network.i18n import use_language_of
from network.models import DigestPreference, Rsvp
from network.selectors.meetings import (
    meeting_is_open_for_replies,
    meeting_places,
    member_rsvp,
    rsvp_invitee_for_token,
)
from network.selectors.people import membership_for_unsubscribe_token
from network.services.digests import digest_preference_set
from network.services.meetings import meeting_respond


@token_page
def meeting_rsvp(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Reply to a meeting from the email. A GET only shows the choice (mail scanners follow links); a POST saves it."""
    found = rsvp_invitee_for_token(token)
    if found is None:
        raise Http404(gettext("This link is not valid."))
    meeting, invitee = found
    use_language_of(request, invitee.user)
    response = member_rsvp(meeting=meeting, membership=invitee)
    answer = request.GET.get("answer", "")
    initial = answer if answer in Rsvp.values else (response.rsvp if response else None)
    form = RsvpForm(request.POST or None, initial={"rsvp": initial})
    saved = False
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            response = meeting_respond(meeting=meeting, membership=invitee, rsvp=form.cleaned_data["rsvp"])
        except DomainError as error:
            add_domain_error(form, error)
            status = 422
        else:
            saved = True
    elif request.method == "POST":
        status = 422
    context = {
        "meeting": meeting,
        "invitee": invitee,
        "form": form,
        "response": response,
        "saved": saved,
        "open_for_replies": meeting_is_open_for_replies(meeting=meeting),
        # Places are shown only for a meeting with a limit: a meeting without one counts nobody.
        "places": meeting_places(meeting=meeting) if meeting.capacity is not None else None,
    }
    return render_page(request, "network/meeting_rsvp.html", context, status=status)


@token_page
@csrf_exempt  # the signed token is the credential; mail clients POST here for one-click unsubscribe (RFC 8058)
def digest_unsubscribe(request: HtmxHttpRequest, token: str) -> HttpResponse:
    membership = membership_for_unsubscribe_token(token)
    if membership is None:
        raise Http404(gettext("This link is not valid."))
    use_language_of(request, membership.user)
    status = 200
    form = DigestPreferenceForm(initial={"digest_preference": membership.digest_preference})
    saved = False
    if request.method == "POST":
        if "digest_preference" not in request.POST:
            # One-click unsubscribe: the mail client posts List-Unsubscribe=One-Click and nothing else.
            digest_preference_set(membership=membership, preference=DigestPreference.NONE)
            if request.POST.get("List-Unsubscribe") == "One-Click":
                return HttpResponse(gettext("Unsubscribed."), content_type="text/plain; charset=utf-8")
            return redirect("network:digest-unsubscribe", token=token)
        form = DigestPreferenceForm(request.POST)
        if form.is_valid():
            digest_preference_set(membership=membership, preference=form.cleaned_data["digest_preference"])
            saved = True
        else:
            status = 422
    context = {"membership_shown": membership, "form": form, "saved": saved}
    return render_page(request, "network/digest_unsubscribe.html", context, status=status)
