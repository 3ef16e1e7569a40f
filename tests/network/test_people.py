"""Changing roles, removing and restoring people and agencies, the activity log, and the profile page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models import ActivityEntry, Agency, Membership, Role
from network.services.people import member_archive
from tests.conftest import Cast
from tests.html import text_of


def member_url(cast: Cast, membership: Membership) -> str:
    return reverse("network:member-edit", args=[cast.site.slug, membership.pk])


def agency_url(cast: Cast, agency: Agency) -> str:
    return reverse("network:agency-edit", args=[cast.site.slug, agency.pk])


def test_an_enabler_changes_a_role_and_it_is_logged(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    leader = cast.leaders[0]
    assert client.get(member_url(cast, leader)).status_code == 200
    response = client.post(
        member_url(cast, leader), {"role": Role.COORDINATOR, "agency": leader.agency_id, "role_title": "Lead"}
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.role == Role.COORDINATOR and leader.role_title == "Lead"
    log = client.get(reverse("network:site-activity", args=[cast.site.slug])).content.decode()
    assert "role from leader to coordinator" in log
    assert cast.enabler.user.name in log


def test_a_leader_needs_an_agency(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).post(
        member_url(cast, cast.leaders[0]), {"role": Role.LEADER, "agency": "", "role_title": ""}
    )
    assert response.status_code == 422
    assert text_of(response.content, id="id_agency_error") == "Error: A leader needs an agency."


def test_the_last_enabler_cannot_be_demoted(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).post(
        member_url(cast, cast.enabler), {"role": Role.LEADER, "agency": cast.agencies[0].pk, "role_title": ""}
    )
    assert response.status_code == 422
    assert "at least one enabler" in response.content.decode()


def test_removing_a_leader_keeps_their_ballot_counted(cast: Cast, candidates) -> None:
    from outcomes.models import Ballot
    from outcomes.services import ballot_submit, round_create_and_open

    voting_round = round_create_and_open(membership=cast.enabler, title="Round")
    leader = cast.leaders[0]
    ballot_submit(voting_round=voting_round, voter=leader, ranks={candidates[0].pk: 1})
    client = cast.client_for(cast.enabler)
    remove_url = reverse("network:member-remove", args=[cast.site.slug, leader.pk])
    asked = client.post(member_url(cast, leader), {"action": "remove"})
    assert asked["Location"] == remove_url  # the Remove button asks first, and removes nobody
    assert "Are you sure you want to remove" in client.get(remove_url).content.decode()
    leader.refresh_from_db()
    assert leader.archived_at is None
    response = client.post(remove_url, {"confirm": "yes"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.archived_at is not None
    assert Ballot.objects.filter(round=voting_round, voter=leader).exists()
    people = client.get(reverse("network:site-people", args=[cast.site.slug])).content.decode()
    assert leader.user.name not in (text_of(people, aria_labelledby="people-heading") or "")
    assert cast.client_for(leader).get(reverse("network:site-detail", args=[cast.site.slug])).status_code == 404
    assert client.post(member_url(cast, leader), {"action": "restore"}).status_code == 302
    leader.refresh_from_db()
    assert leader.archived_at is None
    actions = list(ActivityEntry.objects.filter(site=cast.site).values_list("action", flat=True))
    assert actions[:2] == ["person-restore", "person-remove"]


def test_an_enabler_cannot_remove_themself(cast: Cast) -> None:
    remove_url = reverse("network:member-remove", args=[cast.site.slug, cast.enabler.pk])
    response = cast.client_for(cast.enabler).post(remove_url, {"confirm": "yes"})
    assert response.status_code == 422
    assert "You cannot remove yourself." in (text_of(response.content, role="alert") or "")
    assert b"<title>Error: " in response.content
    assert Membership.objects.get(pk=cast.enabler.pk).archived_at is None


def test_re_adding_a_removed_person_restores_them(cast: Cast) -> None:
    from network.services import member_add

    leader = cast.leaders[0]
    member_archive(membership=leader, actor=cast.enabler.user)
    again = member_add(site=cast.site, name="", email=leader.user.email, agency=cast.agencies[2])
    assert again.pk == leader.pk and again.archived_at is None and again.agency == cast.agencies[2]


def test_agencies_are_edited_archived_and_restored(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    council = cast.agencies[0]
    assert (
        client.post(
            agency_url(cast, council), {"name": "Ashby Borough Council", "sector": "local_authority"}
        ).status_code
        == 302
    )
    council.refresh_from_db()
    assert council.name == "Ashby Borough Council"
    refused = client.post(agency_url(cast, council), {"action": "archive"})
    assert refused.status_code == 422
    assert "still has people" in refused.content.decode()
    member_archive(membership=cast.leaders[0], actor=cast.enabler.user)
    assert client.post(agency_url(cast, council), {"action": "archive"}).status_code == 302
    people = client.get(reverse("network:site-people", args=[cast.site.slug])).content.decode()
    # Neither in the table nor among the choices for a new leader.
    assert "Ashby Borough Council" not in (text_of(people, id="people-setup") or "")
    activity = client.get(reverse("network:site-activity", args=[cast.site.slug])).content.decode()
    assert "Archived the agency Ashby Borough Council" in activity
    assert client.post(agency_url(cast, council), {"action": "restore"}).status_code == 302
    council.refresh_from_db()
    assert council.archived_at is None


def test_an_agency_name_clash_is_shown_next_to_the_field(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).post(
        agency_url(cast, cast.agencies[0]), {"name": "ashby police", "sector": "police"}
    )
    assert response.status_code == 422
    assert text_of(response.content, id="id_name_error") == "Error: ashby police is already an agency in this site."


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_only_enablers_manage_people_and_agencies(cast: Cast, who: str) -> None:
    client = cast.client_for(cast.coordinator if who == "coordinator" else cast.leaders[0])
    assert client.get(member_url(cast, cast.leaders[1])).status_code == 403
    assert client.post(member_url(cast, cast.leaders[1]), {"action": "remove"}).status_code == 403
    remove_url = reverse("network:member-remove", args=[cast.site.slug, cast.leaders[1].pk])
    assert client.get(remove_url).status_code == 403
    assert client.post(remove_url, {"confirm": "yes"}).status_code == 403
    assert client.get(agency_url(cast, cast.agencies[0])).status_code == 403
    assert client.get(reverse("network:site-activity", args=[cast.site.slug])).status_code == 403


def test_another_sites_people_and_agencies_are_404(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    assert client.get(member_url(cast, cast.outsider)).status_code == 404
    other_agency = Agency.objects.filter(site=cast.other_site).first()
    assert other_agency is not None
    assert client.get(agency_url(cast, other_agency)).status_code == 404
    outsider = cast.client_for(cast.outsider)
    assert outsider.get(member_url(cast, cast.leaders[0])).status_code == 404
    assert outsider.get(reverse("network:site-activity", args=[cast.site.slug])).status_code == 404


def test_a_person_can_have_different_roles_in_different_sites(cast: Cast) -> None:
    from network.services import member_add

    member_add(site=cast.other_site, name="", email=cast.leaders[0].user.email, role=Role.ENABLER)
    client = cast.client_for(cast.leaders[0])
    assert client.get(reverse("network:site-dashboard", args=[cast.other_site.slug])).status_code == 200
    assert client.get(reverse("network:site-dashboard", args=[cast.site.slug])).status_code == 403


def test_the_profile_updates_name_role_titles_and_email_preferences(cast: Cast) -> None:
    leader = cast.leaders[0]
    client = cast.client_for(leader)
    url = reverse("network:profile")
    page = client.get(url).content.decode()
    assert page.count("<h1>") == 1 and cast.site.name in page
    prefix = f"site-{leader.pk}"
    response = client.post(
        url,
        {
            "name": "Leader Renamed",
            "language": "en-gb",
            f"{prefix}-role_title": "Chief Executive",
            f"{prefix}-digest_preference": "none",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    leader.user.refresh_from_db()
    assert leader.user.name == "Leader Renamed"
    assert (leader.role_title, leader.digest_preference) == ("Chief Executive", "none")
    bad = client.post(url, {"name": "", f"{prefix}-role_title": "", f"{prefix}-digest_preference": "hourly"})
    assert bad.status_code == 422
    assert text_of(bad.content, id="id_name_error") == "Error: Enter your name"


def test_the_profile_needs_a_sign_in(db: None) -> None:
    from django.test import Client

    assert Client().get(reverse("network:profile")).status_code == 302


def test_staff_can_search_and_filter_in_the_admin(cast: Cast) -> None:
    from network.models import User

    admin = User.objects.create_superuser(email="staff@example.org", password="x-long-password", name="Staff")
    from django.test import Client

    client = Client()
    client.force_login(admin)
    for model, query in [
        ("membership", "?q=Leader+0&role__exact=leader&invitation_status__exact=pending"),
        ("agency", "?q=Council&sector__exact=local_authority"),
        ("user", "?q=ashby"),
        ("pilotsite", "?q=Ashby"),
        ("activityentry", "?q=Added"),
        ("importbatch", ""),
    ]:
        response = client.get(f"/admin/network/{model}/{query}")
        assert response.status_code == 200, model


def test_the_activity_page_query_count_does_not_grow(cast: Cast, django_assert_num_queries) -> None:
    from network.services import agency_create, member_add

    client = cast.client_for(cast.enabler)
    url = reverse("network:site-activity", args=[cast.site.slug])
    agency_create(site=cast.site, name="Ashby Fire", sector="fire", actor=cast.enabler.user)
    with django_assert_num_queries(6):  # session, user, membership, log, removed people, archived agencies
        client.get(url)
    for i in range(30):
        person = member_add(
            site=cast.site, name=f"P{i}", email=f"p{i}@example.org", agency=cast.agencies[0], actor=cast.enabler.user
        )
        member_archive(membership=person, actor=cast.coordinator.user)
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert "Removed P29" in page and cast.coordinator.user.name in page


def test_an_enabler_sets_a_persons_language(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    leader = cast.leaders[0]
    form = client.get(member_url(cast, leader)).content.decode()
    assert 'name="language"' in form and "Cymraeg" in form
    data = {"role": Role.LEADER, "agency": leader.agency_id, "role_title": "", "language": "cy"}
    assert client.post(member_url(cast, leader), data).status_code == 302
    leader.user.refresh_from_db()
    assert leader.user.language == "cy"
    assert ActivityEntry.objects.filter(site=cast.site, summary__contains="language to Cymraeg").exists()
    bad = client.post(member_url(cast, leader), {**data, "language": "fr"})
    assert bad.status_code == 422
    leader.user.refresh_from_db()
    assert leader.user.language == "cy"


def test_a_leader_cannot_set_another_persons_language(cast: Cast) -> None:
    other = cast.leaders[1]
    data = {"role": Role.LEADER, "agency": other.agency_id, "role_title": "", "language": "cy"}
    assert cast.client_for(cast.leaders[0]).post(member_url(cast, other), data).status_code == 403
    other.user.refresh_from_db()
    assert other.user.language == "en-gb"


def test_the_activity_log_reads_in_each_readers_language(cast: Cast) -> None:
    from network.services.agencies import agency_update
    from network.services.people import member_update

    leader = cast.leaders[0]
    member_update(membership=leader, actor=cast.enabler.user, role=Role.COORDINATOR, agency=None, role_title="")
    agency_update(agency=cast.agencies[0], actor=cast.enabler.user, name="Ashby Borough Council", sector="housing")
    entry = ActivityEntry.objects.filter(site=cast.site, action="person-edit").get()
    assert "role from leader to coordinator; agency to none" in entry.summary  # kept in English for the admin
    url = reverse("network:site-activity", args=[cast.site.slug])
    english = cast.client_for(cast.enabler).get(url).content.decode()
    assert "role from leader to coordinator" in english
    assert "sector of Ashby Borough Council to Housing" in english
    cast.enabler.user.language = "cy"
    cast.enabler.user.save(update_fields=["language"])
    welsh = cast.client_for(cast.enabler).get(url).content.decode()
    assert "rôl: arweinydd → cydlynydd; asiantaeth: dim" in welsh
    assert "sector Ashby Borough Council: Tai" in welsh
    assert "role from" not in welsh and "Changed" not in welsh


def test_the_activity_page_lists_removed_people_a_page_at_a_time(cast: Cast) -> None:
    """A site removes people over the years: the page shows 50 of them, with pages, whatever their number."""
    from network.services import member_add

    client = cast.client_for(cast.enabler)
    url = reverse("network:site-activity", args=[cast.site.slug])

    def remove(start: int, count: int) -> None:
        for i in range(start, start + count):
            person = member_add(
                site=cast.site, name=f"Gone {i:03}", email=f"gone{i}@example.org", agency=cast.agencies[0]
            )
            member_archive(membership=person, actor=cast.enabler.user)

    def archived(body: str) -> str:
        return body[body.index('id="archived"') :]

    def listed(body: str) -> int:
        return archived(body).count("(person)")

    remove(0, 55)
    first = client.get(url).content.decode()
    assert listed(first) == 50 and "Gone 000" in archived(first) and "Gone 054" not in archived(first)
    assert 'href="?page=2"' in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert listed(second) == 5 and "Gone 054" in archived(second)
    partial = client.get(url, {"page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="archived">') and "Gone 054" in partial and "<h1>" not in partial
    remove(55, 60)  # the first page of 115 removed people: the list as long as before
    assert listed(client.get(url).content.decode()) == 50
    assert listed(client.get(url, {"page": "99"}).content.decode()) == 15  # past the end: the last page
