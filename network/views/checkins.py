"""A check-in from its emailed link, with no sign-in: the signed token is the credential.

A GET only shows the choice, the answer clicked already chosen (mail scanners follow links); the
POST saves it. Changed and dropped ask for one line of why on the same small page.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.checkins import CheckInForm
from network.http import HtmxHttpRequest, render_page, token_page
from network.i18n import use_language_of
from network.models import CommitmentStatus
from network.selectors.checkins import checkin_link_read
from network.services.checkins import commitment_check_in

GONE = 410


@token_page
@csrf_exempt  # the signed token is the credential, and the page is opened from an email, often signed out
def commitment_checkin(request: HtmxHttpRequest, token: str) -> HttpResponse:
    link = checkin_link_read(token)
    if link is None:
        raise Http404(_("This link is not valid."))
    if link.expired or link.commitment is None or link.owner is None:
        return render_page(request, "network/link_refused.html", {"reason": "expired"}, status=GONE)
    commitment, owner = link.commitment, link.owner
    use_language_of(request, owner.user)  # the link was emailed to its owner: answer in their language
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
