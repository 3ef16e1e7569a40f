"""The frame's links: each marked aria-current="page" on its own page (and on the pages it stands for).

Every page draws them, so they cost little: an address is reversed once per process (for each site, URLconf,
script prefix and language), not once per link per request, and the site's navigation is one tag, drawn in
Python from the list below, rather than a template tag per link.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class SiteLink:
    view_name: str
    label: str | Promise
    also: frozenset[str] = frozenset()  # other pages this link stands for, where it is current too
    managers_only: bool = False  # shown to those who manage the site's people (Membership.can_manage_people)

    @property
    def current_on(self) -> frozenset[str]:
        return self.also | {self.view_name}


# A site's navigation, in order. Each view takes the site's slug and nothing else.
SITE_LINKS = (
    SiteLink("network:site-detail", _("Overview")),
    SiteLink("network:site-people", _("People")),
    SiteLink("outcomes:outcome-list", _("Outcomes")),
    SiteLink("network:alliance-detail", _("Alliance")),
    SiteLink("network:meeting-list", _("Meetings"), also=frozenset({"network:meeting-create"})),
    SiteLink("network:site-map", _("Map"), also=frozenset({"network:map-checkin"})),
    SiteLink("network:site-dashboard", _("Who is missing"), managers_only=True),
    SiteLink("network:site-import", _("Import"), managers_only=True),
    SiteLink("network:site-invitations", _("Invitations"), managers_only=True),
    SiteLink("network:site-activity", _("Activity"), managers_only=True),
    SiteLink("network:site-digests", _("Digests"), managers_only=True),
)


@lru_cache(maxsize=4096)
def _reversed(view_name: str, args: tuple[str, ...], urlconf: str, prefix: str, language: str | None) -> str:
    # The script prefix and language are not passed on: reverse() reads them itself, and they are in the key
    # only so that an address made under one is never served under another.
    return reverse(view_name, urlconf=urlconf, args=args)


def href(view_name: str, *args: str) -> str:
    """reverse(), remembered: an address depends only on these arguments, the URLconf, the prefix and language.

    Only the frame's own links come here, and a site's pages' links to its other pages (each taking the site's
    slug and nothing else): a handful per site, so the cache stays small. Not for a link per meeting or person.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(view_name, args, urlconf, get_script_prefix(), get_language())


def _current_view(context: template.Context) -> str | None:
    match = getattr(context.get("request"), "resolver_match", None)
    return match.view_name if match is not None else None


def _item(url: str, label: str, current: bool) -> str:
    if current:
        return f'<li><a href="{conditional_escape(url)}" aria-current="page">{conditional_escape(label)}</a></li>'
    return f'<li><a href="{conditional_escape(url)}">{conditional_escape(label)}</a></li>'


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, view_name: str, label: str, *args: str, also: str = "") -> SafeString:
    """`<li><a>` to `view_name` (reversed with `args`); current when this page is that view or one of `also`."""
    current = _current_view(context) in {view_name, *also.split()}
    return mark_safe(_item(href(view_name, *args), label, current))  # noqa: S308 - every part escaped by _item


@register.simple_tag(takes_context=True)
def site_navigation(context: template.Context) -> SafeString:
    """The `<li>` links of the site in `site_nav` (the membership `site_view` resolved), those of its role only."""
    membership = context.get("site_nav")
    if membership is None:
        return SafeString("")
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    items = _site_items(
        membership.site.slug,
        membership.can_manage_people,
        _current_view(context),
        get_language(),
        urlconf,
        get_script_prefix(),
    )
    return mark_safe(items)  # noqa: S308 - every part escaped by _item


@lru_cache(maxsize=4096)
def _site_items(slug: str, manages: bool, current: str | None, language: str | None, urlconf: str, prefix: str) -> str:
    """The list's HTML, which depends on nothing but these (labels in the active language, which is `language`);
    nothing from the database but the slug, and nothing of the person but whether they manage the site's people."""
    items = []
    for link in SITE_LINKS:
        if manages or not link.managers_only:
            url = _reversed(link.view_name, (slug,), urlconf, prefix, language)
            items.append(_item(url, str(link.label), current in link.current_on))
    return "\n      ".join(items)


@register.simple_tag
def frame_url(view_name: str, *args: str) -> str:
    """`{% url %}`, remembered, for the frame's links and a site's links to its pages by slug (see `href`);
    autoescaped where it is printed, as `{% url %}` is."""
    return href(view_name, *args)


__all__ = ["SITE_LINKS", "SiteLink", "frame_url", "href", "nav_link", "site_navigation"]
