"""Django's own words that people here read and that Django's Welsh catalogue leaves in English.

Django ships Welsh for most of what its sign-in and password forms say, and that is used as it is. Where its
catalogue has no Welsh (the password rules, and messages whose English changed after the Welsh was written, such
as "didn’t" now spelt with a curly apostrophe), listing the exact English here puts it in our catalogue
(locale/cy), which Django reads before its own. Nothing imports this module: `makemessages` only reads it.
The admin is for staff and stays in English.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_GAPS = (
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,  # any number: Django has no ngettext_noop, and a lazy string is never evaluated here
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        8,
    ),
)
