"""Signing in and one's own profile: sign-in links, choosing a password, name and email preferences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.models import DigestPreference, Membership, User


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address, like name@council.gov.uk"),
            "invalid": _("Enter an email address in the correct format, like name@council.gov.uk"),
        },
    )


class PasswordChooseForm(PasswordResetForm):
    """Django's reset form, also for people who have never chosen a password.

    Django leaves out accounts with an unusable password; here that only means
    an enabler added the person and they have not chosen one yet, and a
    coordinator or enabler needs one to sign in.
    """

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))


class ProfileForm(forms.Form):
    name = SingleLineField(
        max_length=150,
        label="Your name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name")},
    )


class SitePreferenceForm(forms.Form):
    role_title = SingleLineField(max_length=200, required=False, label="Role title")
    digest_preference = forms.ChoiceField(choices=DigestPreference.choices, label="Email from this site")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"role_title": membership.role_title, "digest_preference": membership.digest_preference}
        )
        kwargs["prefix"] = f"site-{membership.pk}"
        super().__init__(*args, **kwargs)
        self.membership = membership
