"""Long tables' rows are drawn in Python for speed (network/templatetags/tables.py): each must be what its
template drew, cell for cell, in each language, with thousands grouped or not, with text that needs escaping."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from network import activity_text
from network.models import ActivityEntry, Agency, Alliance, CommitmentStatus, Membership, Role, Sector, User
from network.selectors.commitments import AgencyCommitments, agency_commitments
from network.selectors.dashboard import AgencyRow, ListedPerson
from network.selectors.people import LogLine
from network.services.checkins import commitment_check_in
from network.services.commitments import commitment_add
from network.templatetags.tables import (
    DayAndTime,
    activity_rows,
    agency_items,
    agency_rows,
    archived_items,
    commitment_rows,
    invitation_rows,
    listed_people,
    site_agency_rows,
    site_people_rows,
)
from tests.conftest import Cast

AWKWARD = "Ashby <Council> & \"Partners\" 'Ltd'"

ALLIANCE_AGENCIES = Template(
    "{% for g in agencies %}"
    '<tr><th scope="row"><a href="?agency={{ g.agency_id|default:\'\' }}#commitments"'
    '{% if g is shown %} aria-current="true"{% endif %}>{{ g.agency_name }}</a></th>'
    "{% for n in g.numbers %}<td>{{ n }}</td>{% endfor %}</tr>"
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)
# What templates/network/site_people.html drew before the tags, as it was.
SITE_AGENCIES = Template(
    '{% for agency in agencies %}<tr><td>{% if can_manage %}<a href="{{ agency_url }}{{ agency.pk }}/">'
    "{{ agency.name }}</a>{% else %}{{ agency.name }}{% endif %}</td><td>{{ agency.get_sector_display }}</td>"
    "<td>{{ agency.leader_count }}</td></tr>{% endfor %}"
)
SITE_PEOPLE = Template(
    '{% for person in people %}<tr><td>{% if can_manage %}<a href="{{ member_url }}{{ person.pk }}/">'
    "{{ person.user.name }}</a>{% else %}{{ person.user.name }}{% endif %}{% if person.role_title %}<br>"
    '<span class="hint">{{ person.role_title }}</span>{% endif %}</td><td>{{ person.get_role_display }}</td>'
    '<td>{{ person.agency.name|default:"—" }}</td></tr>{% endfor %}'
)
SETTINGS = pytest.mark.parametrize(
    ("language", "grouped"), [("en-gb", False), ("cy", False), ("en-gb", True), ("cy", True)]
)


def alliance_agencies() -> list[AgencyCommitments]:
    return [
        AgencyCommitments(agency_id=7, agency_name=AWKWARD, members=3, counts={}),
        AgencyCommitments(
            agency_id=12, agency_name="Ashby NHS Trust", members=1250, counts={"done": 1, "dropped": 4000}
        ),
        AgencyCommitments(agency_id=None, agency_name="No agency", members=2, counts={"on_track": 2, "changed": 1}),
    ]


def site_agencies() -> list[Any]:  # Agencies with `leader_count`, as agencies_for_site annotates them
    agencies = []
    for pk, (name, sector) in enumerate([(AWKWARD, Sector.VOLUNTARY), ("Ashby Police", Sector.POLICE)], start=3):
        agency = Agency(pk=pk, name=name, sector=sector)
        agency.leader_count = 1234 if pk == 3 else 0  # type: ignore[attr-defined]
        agencies.append(agency)
    return agencies


def site_people() -> list[Membership]:
    police = Agency(pk=4, name="Ashby <Police>", sector=Sector.POLICE)
    return [
        Membership(pk=10, user=User(name=AWKWARD), role=Role.ENABLER, role_title="Chief & <executive>"),
        Membership(pk=11, user=User(name="Leader 1"), role=Role.LEADER, agency=police),
        Membership(pk=12, user=User(name="Leader 2"), role=Role.LEADER, agency=Agency(pk=5, name="")),
    ]


@SETTINGS
def test_the_alliance_agencies_are_what_the_template_draws(language: str, grouped: bool) -> None:
    rows = alliance_agencies()
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=grouped):
        for shown in (rows[1], None):
            assert agency_rows(rows, shown) == ALLIANCE_AGENCIES.render(Context({"agencies": rows, "shown": shown}))
        drawn = agency_rows(rows, rows[1])
    assert drawn.count("aria-current") == 1
    assert "&lt;Council&gt; &amp; &quot;Partners&quot; &#x27;Ltd&#x27;" in drawn
    assert ("<td>1,250</td>" if grouped else "<td>1250</td>") in drawn


@SETTINGS
@pytest.mark.parametrize("can_manage", [True, False])
def test_the_people_pages_rows_are_what_the_template_draws(language: str, grouped: bool, can_manage: bool) -> None:
    agencies, people = site_agencies(), site_people()
    agency_url, member_url = ("/s/ashby/agencies/", "/s/ashby/people/") if can_manage else ("", "")
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=grouped):
        context = Context(
            {"agencies": agencies, "people": people, "can_manage": can_manage} | {"agency_url": agency_url}
        )
        context["member_url"] = member_url
        assert site_agency_rows(agencies, agency_url) == SITE_AGENCIES.render(context)
        assert site_people_rows(people, member_url) == SITE_PEOPLE.render(context)
        drawn = site_agency_rows(agencies, agency_url) + site_people_rows(people, member_url)
    assert ("Gwirfoddol a chymunedol" if language == "cy" else "Voluntary and community") in drawn
    assert ("Galluogwr" if language == "cy" else "Enabler") in drawn
    assert ("<a href=" in drawn) == can_manage
    assert "—" in drawn


SITE_ACTIVITY = Template(
    '{% for entry in entries %}<tr><td>{{ entry.created_at|date:"j M Y, H:i" }}</td>'
    '<td>{{ entry.actor.name|default:"—" }}</td><td>{{ entry.summary_text }}</td></tr>'
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)
ARCHIVED = Template(
    "{% load i18n %}"
    '{% for person in people %}<li><a href="{{ person_url }}{{ person.pk }}/">'
    '{{ person.user.name|default:person.user.email }}</a> ({% translate "person" %})</li>{% endfor %}'
    '{% for agency in agencies %}<li><a href="{{ agency_url }}{{ agency.pk }}/">{{ agency.name }}</a>'
    ' ({% translate "agency" %})</li>{% endfor %}'
)


def moments() -> list[dt.datetime]:
    """Every month, both sides of each clock change, midnight and the last minute of a year, in UTC."""
    london = zoneinfo.ZoneInfo("Europe/London")
    found = [dt.datetime(2026, month, day, 9, 5, tzinfo=dt.UTC) for month in range(1, 13) for day in (1, 28)]
    found += [dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC), dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)]
    found += [dt.datetime(2026, 10, 25, 0, 59, tzinfo=dt.UTC), dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC)]
    found += [dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime(987, 6, 1, 12, 0, tzinfo=london)]
    return found


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("zone", ["Europe/London", "UTC"])
def test_a_moment_is_written_as_the_date_filter_writes_it(language: str, zone: str) -> None:
    write = Template('{{ moment|date:"j M Y, H:i" }}')
    with translation.override(language), timezone.override(zone):
        when = DayAndTime()
        for moment in moments():
            assert when(moment) == write.render(Context({"moment": moment})), moment


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_a_day_is_written_as_the_date_filter_writes_it(language: str) -> None:
    write = Template('{{ day|date:"j M Y" }}')
    with translation.override(language):
        when = DayAndTime()
        for day in [dt.date(2026, month, 1 + month) for month in range(1, 13)] + [dt.date(987, 12, 31)]:
            assert when.day(day) == write.render(Context({"day": day})), day


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_activity_rows_are_what_the_template_draws(language: str) -> None:
    words = activity_text.words(
        gettext_noop("sector of %(name)s to %(sector)s"), name=AWKWARD, sector=activity_text.label(Sector.HOUSING.label)
    )
    entries = [
        ActivityEntry(actor=User(name=AWKWARD), summary="Old <b>words</b>", created_at=moment) for moment in moments()
    ]
    entries[1].actor = None
    entries[2].actor = User(name="")
    entries[3].params = words
    with translation.override(language), timezone.override("Europe/London"):
        lines = [LogLine(e.created_at, e.actor.name if e.actor else "", e.summary_text) for e in entries]
        drawn = activity_rows(lines)
        assert drawn == SITE_ACTIVITY.render(Context({"entries": entries}))
    assert drawn.count("—") == 2 and "&lt;b&gt;words" in drawn and ("Tai" if language == "cy" else "Housing") in drawn


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_archived_items_are_what_the_template_draws(language: str) -> None:
    people = [
        Membership(pk=3, user=User(name=AWKWARD, email="a@example.org")),
        Membership(pk=4, user=User(name="", email="b&c@example.org")),
    ]
    agencies = [Agency(pk=8, name=AWKWARD)]
    urls = {"person_url": "/s/ashby/people/", "agency_url": "/s/ashby/agencies/"}
    with translation.override(language):
        drawn = archived_items(people, agencies, urls["person_url"], urls["agency_url"])
        assert drawn == ARCHIVED.render(Context({"people": people, "agencies": agencies} | urls))
    assert "b&amp;c@example.org" in drawn and drawn.count("<li>") == 3


def test_who_is_missings_lists_are_what_the_template_draws() -> None:
    people = [ListedPerson(AWKWARD, "Ashby <Police>"), ListedPerson("Leader 2", "")]
    listed = Template("{% for person in people %}<li>{{ person.name }} ({{ person.agency }})</li>{% endfor %}").render(
        Context({"people": people})
    )
    assert listed_people(people) == listed
    agencies = site_agencies()
    items = Template(
        '{% for agency in agencies %}<li><a href="{{ agency_url }}{{ agency.pk }}/">{{ agency.name }}</a>'
        " ({{ agency.get_sector_display }})</li>{% endfor %}"
    )
    for language in ("en-gb", "cy"):
        with translation.override(language):
            context = Context({"agencies": agencies, "agency_url": "/s/ashby/agencies/"})
            rows = [AgencyRow(agency.pk, agency.name, agency.sector) for agency in agencies]
            assert agency_items(rows, "/s/ashby/agencies/") == items.render(context)


def folded(html: str) -> str:
    """White space folded, and none between tags: what a browser shows of both is the same."""
    return re.sub(r">\s+<", "><", " ".join(html.split()))


# What templates/network/site_invitations.html drew a row with, as it was.
INVITATION_ROWS = Template(
    "{% load i18n %}{% for person in people %}"
    '<tr><td>{{ person.user.name }}<br><span class="hint">{{ person.user.email }}</span></td>'
    "<td>{{ person.get_role_display }}{% if person.agency %}, {{ person.agency.name }}{% endif %}</td>"
    '<td>{{ person.get_invitation_status_display }}{% if person.invited_at %}<br><span class="hint">'
    '{{ person.invited_at|date:"j M Y, H:i" }}</span>{% endif %}{% if person.invitation_error %}<br>'
    '<span class="hint">{{ person.invitation_error }}</span>{% endif %}</td>'
    '<td>{% if person.invitation_status == "queued" %}{% translate "Being sent" %}{% else %}'
    '<form method="post" action="{{ list_url }}" hx-post="{{ list_url }}" hx-target="#invitations" '
    'hx-swap="outerHTML">{% csrf_token %}<button type="submit" class="button" name="invite" '
    'value="{{ person.pk }}" id="invite-{{ person.pk }}">{% if person.invitation_status == "pending" %}'
    '{% translate "Invite" %}{% else %}{% translate "Send again" %}{% endif %}<span class="visually-hidden"> '
    "{% blocktranslate with name=person.user.name %}to {{ name }}{% endblocktranslate %}</span></button></form>"
    "{% endif %}</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("token", ["abc<&>123", "NOTPROVIDED", ""])
@pytest.mark.filterwarnings("ignore:Calling format_html")  # Django's own {% csrf_token %}, for NOTPROVIDED
def test_the_invitation_rows_are_what_the_template_draws(language: str, token: str) -> None:
    police = Agency(pk=4, name="Ashby <Police>", sector=Sector.POLICE)
    sent = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
    people = [
        Membership(pk=10, user=User(name=AWKWARD, email="a&b@example.org"), role=Role.ENABLER),
        Membership(pk=11, user=User(name="Leader 1", email="l1@example.org"), agency=police, invitation_status="sent"),
        Membership(pk=12, user=User(name="Leader 2", email="l2@example.org"), invitation_status="queued"),
        Membership(
            pk=13,
            user=User(name="Leader 3", email="l3@example.org"),
            invitation_status="failed",
            invited_at=sent,
            invitation_error="Refused: <550>",
        ),
        Membership(pk=14, user=User(name="Leader 4", email="l4@example.org"), invitation_status="accepted"),
    ]
    list_url = "/s/ashby/invitations/?q=a&page=2"
    with translation.override(language), timezone.override("Europe/London"):
        context = Context({"people": people, "list_url": list_url, "csrf_token": token})
        drawn = invitation_rows(context, people, list_url)
        assert folded(drawn) == folded(INVITATION_ROWS.render(context))
    assert drawn.count("<form") == 4 and drawn.count("csrfmiddlewaretoken") == (4 if token == "abc<&>123" else 0)
    assert "?q=a&amp;page=2" in drawn and "Refused: &lt;550&gt;" in drawn
    assert ("2 Gor 2026, 00:30" if language == "cy" else "2 Jul 2026, 00:30") in drawn  # summer time


# What templates/network/alliance_detail.html drew a commitment with, as it was.
COMMITMENT_ROWS = Template(
    "{% load i18n %}{% for c in agency_commitments %}<tr><td>{{ c.member.membership.user.name }}</td>"
    '<td>{{ c.action }}</td><td>{{ c.due_on|date:"j M Y" }}</td><td>{% with people=c.with_members.all '
    "agencies=c.with_agencies.all %}{% for p in people %}{{ p.user.name }}{% if not forloop.last %}, {% endif %}"
    "{% endfor %}{% if people and agencies %}; {% endif %}{% for a in agencies %}{{ a.name }}"
    "{% if not forloop.last %}, {% endif %}{% endfor %}{% endwith %}</td><td>"
    '<span class="status status-{{ c.status }}">{{ c.get_status_display }}</span>{% if c.status_reason %}<br>'
    '<span class="reason">{% if c.status == "dropped" %}{% translate "Set down, and why:" %}{% else %}'
    '{% translate "Why:" %}{% endif %} {{ c.status_reason }}</span>{% endif %}</td></tr>{% endfor %}'
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_commitment_rows_are_what_the_template_draws(cast: Cast, alliance: Alliance, language: str) -> None:
    soon = dt.date(2027, 2, 3)
    leader, other, third = cast.leaders[0], cast.leaders[1], cast.leaders[2]
    both = commitment_add(
        alliance=alliance,
        membership=leader,
        action='Share <data> & "more"',
        due_on=soon,
        with_members=[other, third],
        with_agencies=cast.agencies[:2],
    )
    commitment_add(alliance=alliance, membership=leader, action="Alone", due_on=soon)
    agencies_only = commitment_add(
        alliance=alliance, membership=leader, action="With agencies", due_on=soon, with_agencies=cast.agencies[1:2]
    )
    commitment_check_in(commitment=both, membership=leader, status=CommitmentStatus.CHANGED, reason="Less <often>")
    commitment_check_in(
        commitment=agencies_only, membership=leader, status=CommitmentStatus.DROPPED, reason="Others do it"
    )
    commitments = agency_commitments(alliance=alliance, agency_id=leader.agency_id)
    with translation.override(language):
        drawn = commitment_rows(commitments)
        assert folded(drawn) == folded(COMMITMENT_ROWS.render(Context({"agency_commitments": commitments})))
    assert drawn.count("<tr>") == 3 and "Less &lt;often&gt;" in drawn and ("; " in drawn)
