"""A check-in from its emailed link, with no sign-in: the signed token is the credential.

A GET only shows the choice, the answer clicked already chosen (mail scanners follow links); the
POST saves it. Changed and dropped ask for one line of why on the same small page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.checkins import CheckInForm
from network.http import HtmxHttpRequest, render_page
from network.models import CommitmentStatus
from network.selectors.checkins import checkin_link_read
from network.services.checkins import commitment_check_in

GONE = 410

P = ParamSpec("P")


def secret_url_page(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """For a page whose URL carries its credential: no cache keeps it, and no link on it sends the URL on.

    (main's network.http.token_page does the same for the RSVP and sign-in pages; these can move to it.)
    """

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        response = view(*args, **kwargs)
        add_never_cache_headers(response)  # includes no-store
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@secret_url_page
@csrf_exempt  # the signed token is the credential, and the page is opened from an email, often signed out
def commitment_checkin(request: HtmxHttpRequest, token: str) -> HttpResponse:
    link = checkin_link_read(token)
    if link is None:
        raise Http404("This link is not valid.")
    if link.expired or link.commitment is None or link.owner is None:
        return render_page(request, "network/link_refused.html", {"reason": "expired"}, status=GONE)
    commitment, owner = link.commitment, link.owner
    if commitment.is_closed:
        context = {"reason": "closed", "commitment": commitment}
        return render_page(request, "network/link_refused.html", context, status=GONE)
    answer = request.GET.get("answer", "")
    form = CheckInForm(request.POST or None, initial={"status": answer if answer in CommitmentStatus.values else None})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                checkin = commitment_check_in(commitment=commitment, membership=owner, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                context = {"commitment": commitment, "checkin": checkin, "owner": owner}
                return render_page(request, "network/commitment_checked_in.html", context)
        status = 422
    context = {"commitment": commitment, "owner": owner, "form": form, "answer": answer}
    return render_page(request, "network/commitment_checkin.html", context, status=status)
