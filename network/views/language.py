"""The language switcher on every page ("English | Cymraeg")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from network.i18n import LANGUAGE_CODES, remember_language
from network.services.people import user_set_language


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch to the chosen language and go back to the page the switch was made on.

    Remembered in a cookie, and on the account of whoever is signed in, so emails follow it too."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("network:home")
    response = HttpResponseRedirect(next_url)
    if language not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    remember_language(response, language)
    return response
