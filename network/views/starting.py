"""Starting a pilot site oneself, when settings.SELF_SERVICE_SITES allows it: ask, confirm the email, confirm."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.starting import SiteStartForm
from network.http import HtmxHttpRequest, render_page
from network.services import starting


def _require_self_service() -> None:
    if not settings.SELF_SERVICE_SITES:
        raise Http404(_("Starting a pilot site yourself is not switched on"))


@require_http_methods(["GET", "POST"])
def site_start(request: HtmxHttpRequest) -> HttpResponse:
    _require_self_service()
    form = SiteStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            starting.site_start_request(
                start=starting.SiteStart(**form.cleaned_data), ip=str(request.META.get("REMOTE_ADDR", "unknown"))
            )
        except starting.StartRateLimitedError:
            form.add_error(None, _("Too many sites have been asked for from here. Please try again in an hour."))
            return render_page(request, "network/site_start.html", {"form": form}, status=429)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session["site_start_email"] = form.cleaned_data["email"]
            return redirect("network:site-start-sent")
    status = 422 if form.errors else 200
    return render_page(request, "network/site_start.html", {"form": form}, status=status)


def site_start_sent(request: HtmxHttpRequest) -> HttpResponse:
    _require_self_service()
    return render_page(request, "network/site_start_sent.html", {"email": request.session.get("site_start_email", "")})


@require_http_methods(["GET", "POST"])
def site_start_confirm(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET shows what will be set up and a button; only the POST saves, so a mail scanner cannot."""
    _require_self_service()
    start = starting.site_start_token_read(token=token)
    if start is None:
        return render_page(request, "network/site_start_confirm.html", {"start": None}, status=400)
    if request.method == "POST":
        membership = starting.site_start_confirm(start=start)
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        if not membership.user.has_usable_password():
            messages.success(
                request,
                _("%(site)s is set up and you are its enabler. Choose a password so you can sign in again.")
                % {"site": membership.site.name},
            )
            return redirect(starting.password_set_url(user=membership.user))
        messages.success(request, _("%(site)s is set up and you are its enabler.") % {"site": membership.site.name})
        return redirect("network:site-people", site_slug=membership.site.slug)
    return render_page(request, "network/site_start_confirm.html", {"start": start})
