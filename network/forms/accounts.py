"""Signing in and one's own profile: sign-in links, choosing a password, name and email preferences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.i18n import language_of
from network.models import DigestPreference, Membership, User


class SignInForm(AuthenticationForm):
    """Django's password sign-in, with messages that say what to do (GOV.UK) for the page's own error summary.

    A wrong address and a wrong password get the same message, so the page gives away nothing about who has
    an account."""

    error_messages = {
        "invalid_login": _("Your email address and password did not match. Check them and try again."),
        "inactive": _("Your email address and password did not match. Check them and try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].error_messages["required"] = _("Enter your email address")
        self.fields["password"].label = _("Password")
        self.fields["password"].error_messages["required"] = _("Enter your password")


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The words of the sign-in page, not Django's "Email" (whose Welsh, "Ebost", is not the glossary's).
        email = self.fields["email"]
        email.label = _("Email address")
        email.error_messages["required"] = _("Enter your email address, like name@council.gov.uk")
        email.error_messages["invalid"] = _("Enter an email address in the correct format, like name@council.gov.uk")

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # In the reader's own language, whatever the language of the page the request came from.
        with language_of(context.get("user")):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
            )


class LanguageRadioSelect(forms.RadioSelect):
    option_template_name = "forms/widgets/language_option.html"


class ProfileForm(forms.Form):
    name = SingleLineField(
        max_length=150,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name")},
    )
    # Each language named in its own language, as the switcher names them (settings.LANGUAGES).
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label=_("Language"),
        help_text=_("The language of these pages once you sign in, and of the email we send you."),
        widget=LanguageRadioSelect,
        error_messages={"required": _("Choose a language"), "invalid_choice": _("Choose a language")},
    )


class SitePreferenceForm(forms.Form):
    role_title = SingleLineField(max_length=200, required=False, label=_("Role title"))
    digest_preference = forms.ChoiceField(choices=DigestPreference.choices, label=_("Email from this site"))

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"role_title": membership.role_title, "digest_preference": membership.digest_preference}
        )
        kwargs["prefix"] = f"site-{membership.pk}"
        super().__init__(*args, **kwargs)
        self.membership = membership
