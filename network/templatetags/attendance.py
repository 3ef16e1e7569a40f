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


def escape_each(texts: list[str]) -> list[str]:
    """`html.escape` of each text, in one call for them all: a thousand rows' names escaped one by one were a
    third of the list's time. Text read from PostgreSQL holds no NUL (it refuses one), so NUL parts them;
    a list with one of its own is escaped text by text."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [escape(text) for text in texts]
    return escape(joined).split("\x00") if texts else []


def _buttons(rows: list[AttendeeRow], words: _Words, *, oob: bool) -> list[str]:
    """Each person's button: it posts their id as `present`, or as `absent` once they are marked here."""
    names = escape_each([row.name for row in rows])
    agencies = escape_each([row.agency for row in rows])
    replies = {label: escape(label) for label in {row.rsvp_label for row in rows}}
    swap = ' hx-swap-oob="true"' if oob else ""
    here = f'name="absent" value="{{0:d}}" aria-pressed="true"{swap}>'
    not_here = f'name="present" value="{{0:d}}" aria-pressed="false"{swap}>'
    return [
        f'<button id="a{row.member_id:d}" {(here if row.attended else not_here).format(row.member_id)}'
        f"<b>{name}</b> <small>{agency or words.no_agency} · {replies[row.rsvp_label]}</small> "
        f"<span>{words.here if row.attended else words.not_marked}</span></button>"
        for row, name, agency in zip(rows, names, agencies, strict=True)
    ]


@register.simple_tag
def attendee_items(rows: Iterable[AttendeeRow]) -> SafeString:
    """Every row of the list as `<li>`s, each holding its person's button."""
    buttons = _buttons(list(rows), _Words(), oob=False)
    return mark_safe("".join(f"<li>{button}</li>" for button in buttons))  # noqa: S308 - escaped


def sign_in_rows(rows: Iterable[AttendeeRow]) -> str:
    """Rows of the printed sign-in sheet: name, agency, reply, and an empty cell to sign in."""
    rows = list(rows)
    names = escape_each([row.name for row in rows])
    agencies = escape_each([row.agency for row in rows])
    replies = {label: escape(label) for label in {row.rsvp_label for row in rows}}
    return "".join(
        f"<tr><td>{name}</td><td>{agency or '—'}</td><td>{replies[row.rsvp_label]}</td><td></td></tr>"
        for row, name, agency in zip(rows, names, agencies, strict=True)
    )


@register.simple_tag
def attendee_button(row: AttendeeRow, oob: bool = False) -> SafeString:
    """One person's button; `oob` swaps it in place of the one on the page (after a tap by htmx)."""
    return mark_safe(_buttons([row], _Words(), oob=oob)[0])  # noqa: S308 - escaped
