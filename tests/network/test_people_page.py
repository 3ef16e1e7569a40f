"""The people page at any size: search and pages of people, the same bytes for 200 people as for 2,000."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from network.models import Membership, Role, User
from network.paging import PAGE_SIZE as PEOPLE_PAGE_SIZE
from network.selectors.sites import people_for_site
from tests.conftest import Cast
from tests.html import text_of


def add_people(cast: Cast, count: int, *, start: int = 0) -> None:
    """Many leaders at once (bulk, as an import would leave them): names of one length, so bytes compare."""
    users = User.objects.bulk_create(
        User(email=f"person{i:05d}@ashby.example", name=f"Person {i:05d}") for i in range(start, start + count)
    )
    Membership.objects.bulk_create(
        Membership(site=cast.site, user=user, role=Role.LEADER, agency=cast.agencies[i % 3])
        for i, user in enumerate(users)
    )


def people_url(cast: Cast) -> str:
    return reverse("network:site-people", args=[cast.site.slug])


def test_it_renders_the_same_bytes_for_200_and_2000_people(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    add_people(cast, 200)
    small = client.get(people_url(cast), {"page": "2"}).content
    add_people(cast, 1800, start=200)
    large = client.get(people_url(cast), {"page": "2"}).content
    assert small.count(b"<tr>") == large.count(b"<tr>") == PEOPLE_PAGE_SIZE + 1 + 3 + 1  # people, agencies, heads
    # Only the counts differ ("People (205)" and "People (2005)", the last page's number): a few bytes.
    assert abs(len(large) - len(small)) <= 10, (len(small), len(large))


def test_its_query_count_does_not_grow_with_people(cast: Cast, django_assert_num_queries) -> None:
    client = cast.client_for(cast.enabler)
    add_people(cast, 60)
    # session, user, membership, agencies, the page of people (with their count), agencies for the form
    with django_assert_num_queries(6):
        client.get(people_url(cast), {"q": "person", "page": "2"})
    add_people(cast, 600, start=60)
    with django_assert_num_queries(6):
        client.get(people_url(cast), {"q": "person", "page": "9"})


def test_it_pages_people_with_links_that_work_without_script(cast: Cast) -> None:
    add_people(cast, 120)  # with the 5 of the cast, 125 people: 3 pages of 50
    body = cast.client_for(cast.enabler).get(people_url(cast), {"page": "2"}).content.decode()
    assert text_of(body, id="people-heading") == "People (125)"
    assert 'href="?page=1"' in body and 'href="?page=3"' in body
    assert 'aria-current="page">2</a>' in body
    assert 'rel="prev" href="?page=1"' in body and 'rel="next" href="?page=3"' in body
    last = cast.client_for(cast.enabler).get(people_url(cast), {"page": "3"}).content.decode()
    assert last.count("<tr>") == 25 + 1 + 3 + 1
    assert 'rel="next"' not in last


@pytest.mark.parametrize("page", ["0", "-3", "999", "two", "", "²", "9" * 40])
def test_a_page_out_of_range_shows_the_nearest_page_not_an_error(cast: Cast, page: str) -> None:
    add_people(cast, 120)
    response = cast.client_for(cast.enabler).get(people_url(cast), {"page": page})
    assert response.status_code == 200
    assert 'aria-current="page">' in response.content.decode()


def test_it_searches_by_name_email_role_title_and_agency(cast: Cast) -> None:
    add_people(cast, 120)
    client = cast.client_for(cast.enabler)
    body = client.get(people_url(cast), {"q": "person 0011"}).content.decode()
    assert text_of(body, id="people-heading") == "10 people match “person 0011”"  # 00110 to 00119
    body = client.get(people_url(cast), {"q": "leader1@ashby"}).content.decode()
    assert "Leader 1 of Ashby" in body and "Person 00001" not in body
    body = client.get(people_url(cast), {"q": "DIRECTOR"}).content.decode()
    assert text_of(body, id="people-heading") == "3 people match “DIRECTOR”"
    body = client.get(people_url(cast), {"q": "police", "page": "2"}).content.decode()  # 40 + 1 leader
    assert "People (" not in body and 'aria-current="page">1</a>' not in body
    body = client.get(people_url(cast), {"q": "nobody at all"}).content.decode()
    assert "Nobody matches that search" in body


def test_a_search_never_shows_another_sites_people(cast: Cast) -> None:
    body = cast.client_for(cast.enabler).get(people_url(cast), {"q": "brindle"}).content.decode()
    assert "Leader 0 of Brindle" not in body
    assert "Nobody matches that search" in body


def test_an_htmx_search_swaps_only_the_list(cast: Cast) -> None:
    add_people(cast, 120)
    response = cast.client_for(cast.enabler).get(
        people_url(cast), {"q": "person", "page": "3"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="people-list"')
    assert "<html" not in body and "Add a person" not in body
    assert "page=2" in body and "q=person&amp;page=2" in body


def test_a_leader_sees_names_without_edit_links(cast: Cast) -> None:
    add_people(cast, 10)
    body = cast.client_for(cast.leaders[0]).get(people_url(cast)).content.decode()
    assert "Person 00003" in body
    assert "/people/" not in body.split('id="people-list"')[1]


def test_an_enabler_gets_a_link_to_edit_each_person(cast: Cast) -> None:
    body = cast.client_for(cast.enabler).get(people_url(cast)).content.decode()
    person = cast.leaders[1]
    link = reverse("network:member-edit", args=[cast.site.slug, person.pk])
    assert f'<a href="{link}">{person.user.name}</a>' in body


def test_an_enabler_gets_a_link_to_edit_each_agency(cast: Cast) -> None:
    body = cast.client_for(cast.enabler).get(people_url(cast)).content.decode()
    agency = cast.agencies[2]
    link = reverse("network:agency-edit", args=[cast.site.slug, agency.pk])
    assert f'<a href="{link}">{agency.name}</a>' in body


def test_the_people_order_follows_every_name_however_it_is_written(cast: Cast) -> None:
    """The pages order people by a copy of their name kept by the database (migration 0020's triggers): a
    membership made in bulk, a renamed person and a membership moved to another user all list by their name now,
    in the order of a sort of the join itself."""
    add_people(cast, 60)
    User.objects.filter(email="person00007@ashby.example").update(name="Aaron Early")  # a queryset's update()
    renamed = User.objects.get(email="person00042@ashby.example")
    renamed.name = "Zoe Late"
    renamed.save()  # a model's save
    moved = Membership.objects.get(user__email="person00003@ashby.example")
    moved.user = User.objects.create_user(email="new@ashby.example", name="Person 00030 Moved")
    moved.save()
    sorted_by_join = list(
        cast.site.memberships.filter(archived_at__isnull=True).order_by("role", "user__name", "pk").values_list("pk")
    )
    assert list(people_for_site(site=cast.site).values_list("pk")) == sorted_by_join
    assert not Membership.objects.exclude(user_name=models.F("user__name")).exists()
    body = cast.client_for(cast.enabler).get(people_url(cast)).content.decode()
    assert body.index("Aaron Early") < body.index("Person 00000") < body.index("Person 00030 Moved")
    assert "Zoe Late" not in body  # on the last page now
    assert "Zoe Late" in cast.client_for(cast.enabler).get(people_url(cast), {"page": "2"}).content.decode()


def test_an_update_of_other_columns_leaves_the_name_copy_alone_and_a_save_restores_it(cast: Cast) -> None:
    member = cast.leaders[0]
    Membership.objects.filter(pk=member.pk).update(role_title="Chief")  # the copy's trigger is not run
    member.refresh_from_db()
    assert member.user_name == member.user.name
    stale = Membership.objects.get(pk=member.pk)
    stale.user_name = "Wrong"
    stale.save()  # a model's save writes every column: the copy is taken from the user again
    stale.refresh_from_db()
    assert stale.user_name == member.user.name
