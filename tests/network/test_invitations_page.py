"""The invitations page at any size: search and pages of people, about the same bytes for 200 people as for 2,000,
while "invite everyone" still invites everyone, not only the page shown."""

from __future__ import annotations

from django.urls import reverse

from network.models import InvitationStatus, Membership
from network.paging import PAGE_SIZE
from tests.conftest import Cast
from tests.network.test_people_page import add_people


def invitations_url(cast: Cast) -> str:
    return reverse("network:site-invitations", args=[cast.site.slug])


def test_it_renders_the_same_bytes_for_200_and_2000_people(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    add_people(cast, 200)
    small = client.get(invitations_url(cast), {"page": "2"}).content
    add_people(cast, 1800, start=200)
    large = client.get(invitations_url(cast), {"page": "2"}).content
    print(f"invitations page 2: {len(small)} bytes at 200 people, {len(large)} at 2,000")
    assert small.count(b"<tr>") == large.count(b"<tr>") == PAGE_SIZE + 1  # and the head
    assert abs(len(large) - len(small)) <= 0.03 * len(small), (len(small), len(large))


def test_invite_everyone_invites_everyone_not_only_the_page_shown(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    add_people(cast, 120)
    client = cast.client_for(cast.enabler)
    page = client.get(invitations_url(cast), {"q": "person 0001", "page": "1"}).content.decode()
    assert "Invite everyone not yet invited (124)" in page  # 120 and the cast's 4, whatever the search
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitations_url(cast) + "?q=person+0001&page=1", {"invite": "all"})
    assert response.status_code == 302 and response["Location"].endswith("?q=person+0001&page=1")
    assert len(mailoutbox) == 124
    pending = Membership.objects.filter(site=cast.site, invitation_status=InvitationStatus.PENDING)
    assert list(pending) == [cast.enabler]


def test_the_rows_shown_poll_with_their_search_and_page_while_sending(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    add_people(cast, 120)
    client = cast.client_for(cast.enabler)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        client.post(invitations_url(cast), {"invite": "all"})
    partial = client.get(invitations_url(cast), {"q": "person", "page": "2"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="invitations"') and "<h1>" not in body
    assert 'hx-trigger="every 2s"' in body
    assert f'hx-get="{invitations_url(cast)}?q=person&amp;page=2"' in body
    assert body.count("Being sent") == PAGE_SIZE
    assert "q=person&amp;page=3" in body and 'aria-current="page">2</a>' in body


def test_it_searches_people_to_invite(cast: Cast) -> None:
    add_people(cast, 120)
    client = cast.client_for(cast.enabler)
    body = client.get(invitations_url(cast), {"q": "person 0011"}).content.decode()
    assert "10 people match “person 0011”" in body and body.count("<tr>") == 10 + 1
    body = client.get(invitations_url(cast), {"q": "brindle"}).content.decode()
    assert "Nobody matches that search" in body  # never another site's people
    for page in ["0", "999", "two", "9" * 40]:
        assert client.get(invitations_url(cast), {"page": page}).status_code == 200
