"""The attendance list's buttons, drawn in Python: a list of 2,000 invitees through template tags
(a partial, two translations and four conditions a row) took most of the page's time.

Text is escaped by the standard library's `html.escape`, which is what django.utils.html.escape calls, without
its wrapping for lazy strings and SafeString: three of those a row were most of what was left."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from network.selectors.meetings import AttendeeRow

register = template.Library()


class _Words:
    """The words every row uses, translated once per list rather than once per row."""

    def __init__(self) -> None:
        self.here = escape(gettext("Here"))
        self.not_marked = escape(gettext("Not marked"))
        self.no_agency = escape(gettext("No agency"))


def _button(row: AttendeeRow, words: _Words, *, oob: bool) -> str:
    """One person's button: it posts their id as `present`, or as `absent` once they are marked here."""
    pk = int(row.member_id)
    action, pressed, state = ("absent", "true", words.here) if row.attended else ("present", "false", words.not_marked)
    agency = escape(row.agency) if row.agency else words.no_agency
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<button id="a{pk}" name="{action}" value="{pk}" aria-pressed="{pressed}"{swap}>'
        f"<b>{escape(row.name)}</b> <small>{agency} · {escape(row.rsvp_label)}</small> <span>{state}</span></button>"
    )


@register.simple_tag
def attendee_items(rows: Iterable[AttendeeRow]) -> SafeString:
    """Every row of the list as `<li>`s, each holding its person's button."""
    words = _Words()
    return mark_safe("".join(f"<li>{_button(row, words, oob=False)}</li>" for row in rows))  # noqa: S308 - escaped


def sign_in_rows(rows: Iterable[AttendeeRow]) -> str:
    """Rows of the printed sign-in sheet: name, agency, reply, and an empty cell to sign in."""
    return "".join(
        f"<tr><td>{escape(row.name)}</td><td>{escape(row.agency) if row.agency else '—'}</td>"
        f'<td>{escape(row.rsvp_label)}</td><td class="signature"></td></tr>'
        for row in rows
    )


@register.simple_tag
def attendee_button(row: AttendeeRow, oob: bool = False) -> SafeString:
    """One person's button; `oob` swaps it in place of the one on the page (after a tap by htmx)."""
    return mark_safe(_button(row, _Words(), oob=oob))  # noqa: S308 - escaped
