"""Long tables' rows are drawn in Python for speed (network/templatetags/tables.py): each must be what its
template drew, cell for cell, in each language, with thousands grouped or not, with text that needs escaping."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from network.models import Agency, Membership, Role, Sector, User
from network.selectors.commitments import AgencyCommitments
from network.templatetags.tables import agency_rows, site_agency_rows, site_people_rows

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
