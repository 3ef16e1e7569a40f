"""Meetings as iCalendar: one file per meeting, and a feed of all a site's meetings.

The words in them are in the active language: the caller renders a file for someone else inside
`network.i18n.language_of(person)`."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from network.models import Meeting, PilotSite
from network.text import one_line


def meeting_url(*, meeting: Meeting) -> str:
    return settings.SITE_URL + reverse(
        "network:meeting-detail", kwargs={"site_slug": meeting.site.slug, "meeting_id": meeting.pk}
    )


def _event(meeting: Meeting) -> Event:
    event = Event()
    host = urlsplit(settings.SITE_URL).hostname or "systemsleader"
    page = meeting_url(meeting=meeting)
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    if meeting.ends_at:
        event.add("dtend", meeting.ends_at)
    # one_line: a title saved before line breaks were refused must not break the file.
    event.add("summary", one_line(meeting.title))
    event.add("sequence", meeting.revision)
    event.add("url", page)
    if meeting.place:
        event.add("location", one_line(meeting.place))
    elif meeting.online_link:
        event.add("location", one_line(meeting.online_link))
    lines = []
    if meeting.agenda:
        lines += [meeting.agenda, ""]
    if meeting.online_link:
        lines.append(gettext("Join online: %(link)s") % {"link": meeting.online_link})
    lines.append(gettext("Meeting page: %(link)s") % {"link": page})
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Systems Leader//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(name))
    return calendar


def _ical(calendar: Calendar) -> bytes:
    body: bytes = calendar.to_ical()  # icalendar leaves its return untyped
    return body


def meeting_ics(*, meeting: Meeting) -> bytes:
    calendar = _calendar(meeting.title)
    calendar.add("method", "CANCEL" if meeting.cancelled_at else "PUBLISH")
    calendar.add_component(_event(meeting))
    return _ical(calendar)


def site_calendar_ics(*, site: PilotSite, meetings: Iterable[Meeting]) -> bytes:
    calendar = _calendar(gettext("%(site)s meetings") % {"site": site.name})
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return _ical(calendar)
