"""Forms for convening a site: sign-in links, the profile, import, and changing people and agencies."""

from __future__ import annotations

from typing import Any

from django import forms

from network.models import Agency, DigestPreference, Membership, PilotSite, Role


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"}))


class SitePreferenceForm(forms.Form):
    role_title = forms.CharField(max_length=200, required=False, label="Role title")
    digest_preference = forms.ChoiceField(choices=DigestPreference.choices, label="Email from this site")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"role_title": membership.role_title, "digest_preference": membership.digest_preference}
        )
        kwargs["prefix"] = f"site-{membership.pk}"
        super().__init__(*args, **kwargs)
        self.membership = membership


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel .xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="No agency")
    role_title = forms.CharField(max_length=200, required=False, label="Role title")

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = site.agencies.filter(archived_at__isnull=True).order_by("name")  # type: ignore[attr-defined]
