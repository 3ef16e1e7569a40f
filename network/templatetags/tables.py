"""Long tables' rows, drawn in Python: a row per agency or person through template variables cost a lookup,
a `localize` and an escape per cell, and a `get_FOO_display` per row translated every choice of the field
again (Django hashes the choices, lazy labels and all, on each call). These were most of the pages' time.

Each tag draws what its template did, cell for cell (tests/network/test_tables.py renders both and compares):
text is escaped by the standard library's `html.escape`, which is what django.utils.html.escape calls; numbers
are written as `{{ n }}` writes them (`localize`), which is `str(n)` unless thousands are grouped; a choice's
label is translated once per table; the app's own words are written as `{% translate %}` writes them, unescaped
(the catalogue is ours)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from django import template
from django.conf import settings
from django.db.models import Choices
from django.utils import formats, timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from network.models import (
    Agency,
    Commitment,
    CommitmentStatus,
    InvitationStatus,
    Membership,
    Role,
    Sector,
)
from network.selectors.commitments import AgencyCommitments
from network.selectors.dashboard import AgencyRow, ListedPerson
from network.selectors.people import LogLine

if TYPE_CHECKING:
    from network.selectors.sites import AgencyWithLeaders

register = template.Library()


def number_text(n: int) -> str:
    """An integer as a template's `{{ n }}` writes it, in the active language."""
    return formats.number_format(n) if settings.USE_THOUSAND_SEPARATOR else str(int(n))


def choice_names(choices: type[Choices]) -> dict[str, str]:
    """Each choice's label in the active language, escaped: `get_FOO_display` for a whole table at once."""
    return {str(value): escape(str(label)) for value, label in choices.choices}


class DayAndTime:
    """A moment as `{{ moment|date:"j M Y, H:i" }}` writes it ("5 Mar 2026, 14:05", in the current time zone
    and language): Django's `dateformat` parses its format again for each value, a quarter of a long table's
    time. The month names are translated once, when this is made."""

    def __init__(self) -> None:
        self.months = ["", *(escape(str(MONTHS_3[month]).title()) for month in range(1, 13))]

    def __call__(self, moment: dt.datetime) -> str:
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return f"{local.day} {self.months[local.month]} {local.year:04d}, {local.hour:02d}:{local.minute:02d}"

    def day(self, day: dt.date) -> str:
        """A day as `{{ day|date:"j M Y" }}` writes it: "5 Mar 2026"."""
        return f"{day.day} {self.months[day.month]} {day.year:04d}"


def _safe(rows: Iterable[str]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - every text in the rows is escaped where they are drawn


@register.simple_tag
def agency_rows(agencies: list[AgencyCommitments], shown: AgencyCommitments | None) -> SafeString:
    """The alliance page: one `<tr>` per agency, its name a link that shows its members and commitments below
    (the one shown marked current), then its numbers (`AgencyCommitments.numbers`), one cell each."""
    rows = []
    for group in agencies:
        current = ' aria-current="true"' if group is shown else ""
        key = "" if group.agency_id is None else str(int(group.agency_id))
        cells = "".join(f"<td>{number_text(n)}</td>" for n in group.numbers)
        rows.append(
            f'<tr><th scope="row"><a href="?agency={key}#commitments"{current}>{escape(group.agency_name)}</a></th>'
            f"{cells}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it escaped above


@register.simple_tag
def site_agency_rows(agencies: Iterable[AgencyWithLeaders], link_to: str) -> SafeString:
    """The people page's agencies: name (a link to edit it when `link_to`, the address less the agency's id,
    is given), sector, and how many leaders."""
    sectors = choice_names(Sector)
    rows = []
    for agency in agencies:
        name = escape(agency.name)
        if link_to:
            name = f'<a href="{escape(link_to)}{int(agency.pk)}/">{name}</a>'
        sector = sectors.get(agency.sector, escape(agency.sector))
        rows.append(f"<tr><td>{name}</td><td>{sector}</td><td>{number_text(agency.leader_count)}</td></tr>")
    return _safe(rows)


@register.simple_tag
def site_people_rows(people: Iterable[Membership], link_to: str) -> SafeString:
    """The people page's people (with their user and agency): name (a link to edit them when `link_to`, the
    address less the person's id, is given) and role title, role, and agency or a dash."""
    roles = choice_names(Role)
    rows = []
    for person in people:
        name = escape(person.user.name)
        if link_to:
            name = f'<a href="{escape(link_to)}{int(person.pk)}/">{name}</a>'
        if person.role_title:
            name += f'<br><span class="hint">{escape(person.role_title)}</span>'
        role = roles.get(person.role, escape(person.role))
        agency = escape(person.agency.name) if person.agency and person.agency.name else "—"
        rows.append(f"<tr><td>{name}</td><td>{role}</td><td>{agency}</td></tr>")
    return _safe(rows)


@register.simple_tag
def activity_rows(lines: Iterable[LogLine]) -> SafeString:
    """The activity log: when, who (or a dash), and what, in the reader's language."""
    when = DayAndTime()
    rows = []
    for line in lines:
        who = escape(line.actor_name) if line.actor_name else "—"
        rows.append(f"<tr><td>{when(line.created_at)}</td><td>{who}</td><td>{escape(line.summary_text)}</td></tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it escaped above


@register.simple_tag
def archived_items(
    people: Iterable[Membership], agencies: Iterable[Agency], person_url: str, agency_url: str
) -> SafeString:
    """The activity page's removed people (with their user; by name, else email) and archived agencies: each a
    link to where it is restored (`person_url` and `agency_url`: the addresses less the id), and what it is."""
    person, agency = gettext("person"), gettext("agency")  # as `{% translate %}` writes them, not escaped
    items = [
        f'<li><a href="{escape(person_url)}{int(p.pk)}/">{escape(p.user.name or p.user.email)}</a> ({person})</li>'
        for p in people
    ]
    items += [f'<li><a href="{escape(agency_url)}{int(a.pk)}/">{escape(a.name)}</a> ({agency})</li>' for a in agencies]
    return _safe(items)


@register.simple_tag
def listed_people(people: Iterable[ListedPerson]) -> SafeString:
    """Who is missing's lists of leaders: each name, and their agency's in brackets."""
    return _safe(f"<li>{escape(person.name)} ({escape(person.agency)})</li>" for person in people)


@register.simple_tag
def agency_items(agencies: Iterable[AgencyRow], link_to: str) -> SafeString:
    """Who is missing's agencies with no leader: each a link to edit it (`link_to`: the address less the id), and
    its sector."""
    sectors, link_to = choice_names(Sector), escape(link_to)
    return _safe(
        f'<li><a href="{link_to}{int(a.pk)}/">{escape(a.name)}</a> ({sectors.get(a.sector, escape(a.sector))})</li>'
        for a in agencies
    )


def _csrf_input(context: template.Context) -> str:
    """What `{% csrf_token %}` writes, for a form in a row."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker for "no token here", not a password
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag(takes_context=True)
def invitation_rows(context: template.Context, people: Iterable[Membership], list_url: str) -> SafeString:
    """The invitations page's people (with their user and agency): name and email, role and agency, where their
    invitation is (when sent, why it failed), and a button to invite them, or send it again, unless it is
    being sent. Each button posts to `list_url`, the page as shown."""
    roles, statuses, when = choice_names(Role), choice_names(InvitationStatus), DayAndTime()
    # Written as `{% translate %}` writes them: the catalogue's words are the app's own, not escaped.
    being_sent, invite, again = gettext("Being sent"), gettext("Invite"), gettext("Send again")
    to_name = gettext("to %(name)s")
    url, csrf = escape(list_url), _csrf_input(context)
    rows = []
    for person in people:
        name = escape(person.user.name)
        role = roles.get(person.role, escape(person.role))
        if person.agency:
            role += f", {escape(person.agency.name)}"
        status = statuses.get(person.invitation_status, escape(person.invitation_status))
        if person.invited_at:
            status += f'<br><span class="hint">{when(person.invited_at)}</span>'
        if person.invitation_error:
            status += f'<br><span class="hint">{escape(person.invitation_error)}</span>'
        if person.invitation_status == InvitationStatus.QUEUED:
            action = being_sent
        else:
            label = invite if person.invitation_status == InvitationStatus.PENDING else again
            pk = int(person.pk)
            action = (
                f'<form method="post" action="{url}" hx-post="{url}" hx-target="#invitations" hx-swap="outerHTML">'
                f'{csrf}<button type="submit" class="button" name="invite" value="{pk}" id="invite-{pk}">{label}'
                f'<span class="visually-hidden"> {to_name % {"name": name}}</span></button></form>'
            )
        rows.append(
            f'<tr><td>{name}<br><span class="hint">{escape(person.user.email)}</span></td><td>{role}</td>'
            f"<td>{status}</td><td>{action}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it escaped above


@register.simple_tag
def commitment_rows(commitments: Iterable[Commitment]) -> SafeString:
    """The alliance page's commitments of one agency (with their member's user, and with whom, prefetched): who,
    what they will do differently, by when, with whom (people; agencies), and how it is going (and why)."""
    statuses, when = choice_names(CommitmentStatus), DayAndTime()
    # Written as `{% translate %}` writes them: the catalogue's words are the app's own, not escaped.
    why_dropped, why = gettext("Set down, and why:"), gettext("Why:")
    rows = []
    for c in commitments:
        people = ", ".join(escape(p.user.name) for p in c.with_members.all())
        agencies = ", ".join(escape(a.name) for a in c.with_agencies.all())
        status = escape(c.status)
        shown = f'<span class="status status-{status}">{statuses.get(c.status, status)}</span>'
        if c.status_reason:
            reason = why_dropped if c.status == CommitmentStatus.DROPPED else why
            shown += f'<br><span class="reason">{reason} {escape(c.status_reason)}</span>'
        rows.append(
            f"<tr><td>{escape(c.member.membership.user.name)}</td><td>{escape(c.action)}</td>"
            f"<td>{when.day(c.due_on)}</td><td>{people}{'; ' if people and agencies else ''}{agencies}</td>"
            f"<td>{shown}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it escaped above
