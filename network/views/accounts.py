"""Signing in without a password, and the profile page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.accounts import PasswordChooseForm, ProfileForm, SignInForm, SignInLinkForm, SitePreferenceForm
from network.http import AuthenticatedHttpRequest, HtmxHttpRequest, client_ip, render_page, token_page
from network.i18n import remember_language
from network.selectors.people import landing_site_for
from network.selectors.sites import memberships_for_user
from network.services import invitations, people


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a password sign-in is for, as django-axes counts failures: one count per address,
    whatever its case (an address with no account is counted the same, so nothing is given away)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def sign_in_client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes stores it: REMOTE_ADDR, or nothing (a test client signing in)."""
    return request.META.get("REMOTE_ADDR") or None


def sign_in_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page, saying sign-in is paused; the same words whether or not the account exists."""
    form = SignInForm(request, data=request.POST or None)
    context = {"form": form, "locked_out": True, "cooloff_minutes": _cooloff_minutes(), "next": ""}
    return render(request, "registration/login.html", context, status=429)


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, rate limited: past the limit nothing more is sent, and the page says the same."""

    form_class = PasswordChooseForm

    def form_valid(self, form: PasswordChooseForm) -> HttpResponse:
        if not invitations.password_reset_allowed(email=form.cleaned_data["email"], ip=client_ip(self.request)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def sign_in_link_request(request: HtmxHttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.sign_in_link_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except invitations.RateLimitedError:
            form.add_error(None, _("Too many sign-in links have been asked for from here. Please try again later."))
            return render_page(request, "accounts/sign_in_link_request.html", {"form": form}, status=429)
        return redirect("network:sign-in-link-sent")
    status = 422 if form.errors else 200
    return render_page(request, "accounts/sign_in_link_request.html", {"form": form}, status=status)


def sign_in_link_sent(request: HtmxHttpRequest) -> HttpResponse:
    # The same page whether or not the address has an account.
    return render_page(request, "accounts/sign_in_link_sent.html", {})


@token_page
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET shows a button rather than signing in, so a mail scanner that fetches links cannot use one up."""
    if request.method == "POST" and request.POST.get("action") == "fresh":
        invitations.fresh_link_send(check=invitations.sign_in_token_check(token=token))
        return redirect("network:sign-in-link-sent")
    if request.method == "POST":
        with transaction.atomic():
            check = invitations.sign_in_link_accept(token=token)
            if check.state is invitations.LinkState.VALID and check.user is not None:
                login(request, check.user, backend="django.contrib.auth.backends.ModelBackend")
        if check.state is invitations.LinkState.VALID and check.user is not None:
            name = check.user.name or check.user.email
            messages.success(request, _("Welcome, %(name)s. You are signed in.") % {"name": name})
            landing = landing_site_for(user=check.user, site_slug=check.site_slug)
            if landing is not None:
                return redirect("network:site-detail", site_slug=landing.slug)
            return redirect("network:home")
    else:
        check = invitations.sign_in_token_check(token=token)
    status = {"valid": 200, "expired": 410, "used": 410, "invalid": 404}[check.state.value]
    return render_page(
        request, "accounts/sign_in_link.html", {"check": check, "state": check.state.value}, status=status
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = list(memberships_for_user(user=user))
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, initial={"name": user.name, "language": user.language})
    site_forms = [SitePreferenceForm(data, membership=m) for m in memberships]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in site_forms):
        try:
            with transaction.atomic():
                people.profile_update(
                    user=user,
                    name=form.cleaned_data["name"],
                    memberships=[
                        (f.membership, f.cleaned_data["role_title"], f.cleaned_data["digest_preference"])
                        for f in site_forms
                    ],
                )
                people.user_set_language(user=user, language=form.cleaned_data["language"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # Said, and the page after it shown, in the language just chosen.
            translation.activate(user.language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("network:profile")
            remember_language(response, user.language)
            return response
    invalid = request.method == "POST"
    return render_page(
        request, "accounts/profile.html", {"form": form, "site_forms": site_forms}, status=422 if invalid else 200
    )
