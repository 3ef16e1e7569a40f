"""Invitations and passwordless sign-in for leaders."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from network.models import InvitationStatus, Membership
from network.services import invitations
from tests.conftest import Cast
from tests.html import text_of

REDIS_DB = 7  # a Redis database of these tests' own, so clearing it touches nobody else's keys


@pytest.fixture(autouse=True)
def _rate_limit_cache(settings) -> None:
    """Rate limits live in the cache: Redis when REDIS_URL is set (as in CI), else memory."""
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        location = redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}"
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def link_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/link/\S+/)", body)
    assert match, body
    return match.group(1)


def invite(cast: Cast, captured, target: str | int) -> Client:
    client = cast.client_for(cast.enabler)
    with captured(execute=True):
        response = client.post(reverse("network:site-invitations", args=[cast.site.slug]), {"invite": target})
    assert response.status_code == 302
    return client


def test_it_invites_one_leader_and_the_link_signs_them_in_on_their_site(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    leader = cast.leaders[0]
    invite(cast, django_capture_on_commit_callbacks, leader.pk)
    assert [m.to for m in mailoutbox] == [[leader.user.email]]
    leader.refresh_from_db()
    assert leader.invitation_status == InvitationStatus.SENT
    assert leader.invited_at is not None

    client = Client()
    path = link_path(mailoutbox[0].body)
    page = client.get(path)
    assert page.status_code == 200
    assert "Sign in to Systems Leader" in page.content.decode()
    assert "_auth_user_id" not in client.session  # looking at the link does not use it
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:site-detail", args=[cast.site.slug])
    assert int(client.session["_auth_user_id"]) == leader.user_id
    leader.refresh_from_db()
    assert leader.invitation_status == InvitationStatus.ACCEPTED


def test_it_refuses_a_used_link_and_offers_a_fresh_one(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    invite(cast, django_capture_on_commit_callbacks, cast.leaders[0].pk)
    path = link_path(mailoutbox[0].body)
    assert Client().post(path).status_code == 302
    again = Client()
    page = again.post(path)
    assert page.status_code == 410
    assert "This link has been used" in page.content.decode()
    assert "_auth_user_id" not in again.session
    with django_capture_on_commit_callbacks(execute=True):
        fresh = again.post(path, {"action": "fresh"})
    assert fresh["Location"] == reverse("network:sign-in-link-sent")
    assert mailoutbox[-1].to == [cast.leaders[0].user.email]
    assert again.post(link_path(mailoutbox[-1].body)).status_code == 302


def test_it_refuses_an_expired_link_and_offers_a_fresh_one(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    invite(cast, django_capture_on_commit_callbacks, cast.leaders[0].pk)
    path = link_path(mailoutbox[0].body)
    later = invitations.INVITATION_MAX_AGE + timedelta(minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + later.total_seconds()):
        page = Client().post(path)
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert "Email me a fresh link" in page.content.decode()


def test_it_refuses_a_tampered_link(cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks) -> None:
    invite(cast, django_capture_on_commit_callbacks, cast.leaders[0].pk)
    path = link_path(mailoutbox[0].body)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    client = Client()
    assert client.post(tampered).status_code == 404
    assert client.get("/accounts/link/not-a-token/").status_code == 404
    assert "_auth_user_id" not in client.session


def test_a_link_is_bound_to_its_user(cast: Cast) -> None:
    token = invitations.sign_in_token_make(user=cast.leaders[0].user)
    check = invitations.sign_in_token_check(token=token)
    assert check.state is invitations.LinkState.VALID
    assert check.user == cast.leaders[0].user


def test_it_makes_older_links_useless_once_one_is_used(cast: Cast) -> None:
    user = cast.leaders[0].user
    first, second = invitations.sign_in_token_make(user=user), invitations.sign_in_token_make(user=user)
    assert invitations.sign_in_link_accept(token=second).state is invitations.LinkState.VALID
    assert invitations.sign_in_token_check(token=first).state is invitations.LinkState.USED


def test_it_resends_safely(cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks) -> None:
    leader = cast.leaders[0]
    invite(cast, django_capture_on_commit_callbacks, leader.pk)
    invite(cast, django_capture_on_commit_callbacks, leader.pk)
    assert len(mailoutbox) == 2
    assert Client().post(link_path(mailoutbox[1].body)).status_code == 302
    leader.refresh_from_db()
    assert leader.invitation_status == InvitationStatus.ACCEPTED
    invite(cast, django_capture_on_commit_callbacks, leader.pk)  # resending after acceptance keeps it accepted
    leader.refresh_from_db()
    assert leader.invitation_status == InvitationStatus.ACCEPTED


def test_it_invites_everyone_pending_at_once(cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks) -> None:
    invite(cast, django_capture_on_commit_callbacks, "all")
    expected = {cast.coordinator.user.email, *(leader.user.email for leader in cast.leaders)}
    assert {m.to[0] for m in mailoutbox} == expected  # the enabler does not invite themself
    invite(cast, django_capture_on_commit_callbacks, "all")
    assert len(mailoutbox) == len(expected)  # nobody pending the second time


def test_it_records_a_failed_invitation(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks, settings
) -> None:
    leader = cast.leaders[0]
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    client = invite(cast, django_capture_on_commit_callbacks, leader.pk)
    leader.refresh_from_db()
    assert leader.invitation_status == InvitationStatus.FAILED
    assert "No such user" in leader.invitation_error
    page = client.get(reverse("network:site-invitations", args=[cast.site.slug]))
    assert "Sending failed" in page.content.decode()


def test_it_shows_invitation_status_as_a_page_and_as_an_htmx_partial(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-invitations", args=[cast.site.slug])
    page = client.get(url).content.decode()
    assert page.count("<h1>") == 1
    assert "Not invited yet" in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in partial
    assert 'id="invitations"' in partial


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_it_lets_only_enablers_invite(cast: Cast, who: str) -> None:
    member = cast.coordinator if who == "coordinator" else cast.leaders[0]
    url = reverse("network:site-invitations", args=[cast.site.slug])
    assert cast.client_for(member).get(url).status_code == 403
    assert cast.client_for(member).post(url, {"invite": "all"}).status_code == 403


def test_it_hides_invitations_from_an_outsider(cast: Cast, mailoutbox: list) -> None:
    url = reverse("network:site-invitations", args=[cast.site.slug])
    assert cast.client_for(cast.outsider).get(url).status_code == 404


def test_an_enabler_cannot_invite_someone_from_another_site(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    invite(cast, django_capture_on_commit_callbacks, cast.outsider.pk)
    assert mailoutbox == []


def test_it_emails_a_sign_in_link_on_request_without_revealing_who_has_an_account(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    url = reverse("network:sign-in-link-request")
    client = Client()
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": cast.leaders[1].user.email.upper()})
        unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox] == [[cast.leaders[1].user.email]]
    response = Client().post(link_path(mailoutbox[0].body))
    assert response["Location"] == reverse("network:site-detail", args=[cast.site.slug])


def test_it_rate_limits_a_burst_of_requests(cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks) -> None:
    url = reverse("network:sign-in-link-request")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(invitations.RATE_PER_EMAIL + 2):
            assert client.post(url, {"email": cast.leaders[0].user.email}).status_code == 302
    assert len(mailoutbox) == invitations.RATE_PER_EMAIL  # quietly: the answer looks the same
    for i in range(invitations.RATE_PER_IP - invitations.RATE_PER_EMAIL - 2):
        client.post(url, {"email": f"someone{i}@example.org"})
    refused = client.post(url, {"email": "another@example.org"})
    assert refused.status_code == 429
    assert "Too many sign-in links" in refused.content.decode()


def test_it_shows_a_bad_email_next_to_the_field() -> None:
    response = Client().post(reverse("network:sign-in-link-request"), {"email": "not an email"})
    assert response.status_code == 422
    expected = "Error: Enter an email address in the correct format, like name@council.gov.uk"
    assert text_of(response.content, id="id_email_error") == expected


def test_enablers_still_sign_in_with_a_password(cast: Cast) -> None:
    from tests.conftest import PASSWORD

    client = Client()
    response = client.post(reverse("login"), {"username": cast.enabler.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_removed_member_cannot_sign_in_to_the_site(cast: Cast) -> None:
    from network.services.people import member_archive

    leader = cast.leaders[0]
    member_archive(membership=leader, actor=cast.enabler.user)
    client = cast.client_for(leader)
    assert client.get(reverse("network:site-detail", args=[cast.site.slug])).status_code == 404
    assert Membership.objects.filter(pk=leader.pk).exists()


def test_inviting_by_htmx_returns_the_invitations_partial(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-invitations", args=[cast.site.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"invite": cast.leaders[2].pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    partial = response.content.decode()
    assert "<h1>" not in partial and 'id="invitations"' in partial
    assert f"Sending an invitation to {cast.leaders[2].user.name}." in partial  # the message, swapped out of band
    assert [m.to for m in mailoutbox] == [[cast.leaders[2].user.email]]


def test_the_invitations_page_query_count_does_not_grow(cast: Cast, django_assert_num_queries) -> None:
    from network.services import member_add

    client = cast.client_for(cast.enabler)
    url = reverse("network:site-invitations", args=[cast.site.slug])
    with django_assert_num_queries(5):  # session, user, membership, people, count
        client.get(url)
    for i in range(30):
        member_add(site=cast.site, name=f"Extra {i}", email=f"extra{i}@example.org", agency=cast.agencies[i % 3])
    with django_assert_num_queries(5):  # session, user, membership, people, count
        assert "Extra 29" in client.get(url).content.decode()


def test_pressing_invite_again_while_the_worker_sends_invites_nobody_twice(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-invitations", args=[cast.site.slug])
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the worker has not run yet
        client.post(url, {"invite": "all"})
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    # Each person shows as being sent, and the rows keep refreshing themselves until the worker is done.
    assert partial.count("Being sent") == 4 and 'hx-trigger="every 2s"' in partial
    assert "Invite everyone not yet invited (0)" in partial
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.post(url, {"invite": "all"})
        client.post(url, {"invite": cast.leaders[0].pk})
    for callback in [*queued, *again]:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [cast.coordinator.user.email, *(leader.user.email for leader in cast.leaders)]
    )
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Being sent" not in done and "hx-trigger" not in done
    assert done.count("Invited") >= 4
