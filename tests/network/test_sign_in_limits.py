"""Issue 10 item 11: password sign-in throttled per account and per client address (django-axes), and the
password-reset email rate limited, with no account enumeration (25 wrong passwords in 6 s all answered 200,
and 10 reset posts sent 10 emails)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, Cast

LOCKED = "too many wrong passwords for this account or from this connection"
NO_MATCH = "Your email address and password did not match."


@pytest.fixture(autouse=True)
def _empty_limits() -> None:
    cache.clear()  # the reset limiter lives in the cache (Redis in CI), which outlives a test's transaction


def _sign_in(email: str, password: str, ip: str = "192.0.2.1") -> tuple[int, str]:
    response = Client().post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)
    return response.status_code, response.content.decode()


def _page_text(body: str) -> str:
    """The page without what differs by request: the CSRF token and the address typed in."""
    import re

    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r"hx-headers=\'[^\']*\'", "", body)
    return re.sub(r'name="username" id="id_username"[^>]*>', "", body)


def test_25_wrong_passwords_lock_the_account_with_a_clear_message(cast: Cast) -> None:
    email = cast.enabler.user.email
    answers = [_sign_in(email, f"wrong {i}") for i in range(25)]
    # The tenth wrong password (SIGN_IN_FAILURE_LIMIT) locks the account, and is told so.
    assert [status for status, _ in answers[:9]] == [200] * 9
    assert all(NO_MATCH in body for _, body in answers[:9])
    assert [status for status, _ in answers[9:]] == [429] * 16
    assert all(LOCKED in body and "Try again in 15 minutes" in body for _, body in answers[9:])
    # The right password is refused too while the account is locked, from this address or another.
    assert _sign_in(email, PASSWORD)[0] == 429
    assert _sign_in(email, PASSWORD, ip="198.51.100.7")[0] == 429


def test_other_accounts_and_addresses_are_unaffected(cast: Cast) -> None:
    for i in range(12):
        _sign_in(cast.enabler.user.email, f"wrong {i}")
    status, _ = _sign_in(cast.coordinator.user.email, PASSWORD, ip="198.51.100.7")
    assert status == 302


def test_one_address_trying_many_accounts_is_locked(cast: Cast) -> None:
    for i in range(10):
        _sign_in(f"nobody{i}@example.org", "guess", ip="203.0.113.9")
    assert _sign_in(cast.coordinator.user.email, PASSWORD, ip="203.0.113.9")[0] == 429
    assert _sign_in(cast.coordinator.user.email, PASSWORD, ip="203.0.113.10")[0] == 302


def test_the_lock_reads_the_same_whether_or_not_the_account_exists(cast: Cast) -> None:
    real, fake = cast.enabler.user.email, "no-such-person@ashby.example"
    first_real, first_fake = _sign_in(real, "wrong", ip="192.0.2.50"), _sign_in(fake, "wrong", ip="192.0.2.51")
    assert first_real[0] == first_fake[0] == 200
    assert _page_text(first_real[1]) == _page_text(first_fake[1])
    for i in range(12):
        locked_real = _sign_in(real, f"wrong {i}", ip=f"192.0.2.{60 + i}")
        locked_fake = _sign_in(fake, f"wrong {i}", ip=f"192.0.2.{80 + i}")
    assert locked_real[0] == locked_fake[0] == 429
    assert _page_text(locked_real[1]) == _page_text(locked_fake[1])


def test_the_limit_counts_an_address_whatever_its_case(cast: Cast) -> None:
    email = cast.enabler.user.email
    for i in range(10):
        _sign_in(email.upper() if i % 2 else email, f"wrong {i}", ip=f"192.0.2.{100 + i}")
    assert _sign_in(email, PASSWORD, ip="192.0.2.200")[0] == 429


def _reset(email: str, ip: str = "192.0.2.1") -> tuple[int, str]:
    response = Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, follow=True)
    return response.status_code, response.content.decode()


def test_ten_reset_posts_do_not_send_ten_emails(cast: Cast, mailoutbox: list) -> None:
    answers = [_reset(cast.enabler.user.email) for _ in range(10)]
    assert len(mailoutbox) == 3
    assert len({(status, _page_text(body)) for status, body in answers}) == 1  # the same page every time


def test_reset_posts_from_one_address_are_limited_across_accounts(cast: Cast, mailoutbox: list) -> None:
    people = [cast.enabler, cast.coordinator, *cast.leaders]
    for i in range(12):
        _reset(people[i % len(people)].user.email, ip="203.0.113.5")
    assert len(mailoutbox) == 10
    _reset(cast.enabler.user.email, ip="203.0.113.6")
    assert len(mailoutbox) == 11  # another address is unaffected


def test_the_reset_page_reads_the_same_for_an_unknown_address_past_the_limit(cast: Cast) -> None:
    real = [_reset(cast.enabler.user.email, ip="192.0.2.30") for _ in range(5)]
    fake = [_reset("nobody@ashby.example", ip="192.0.2.31") for _ in range(5)]
    assert {_page_text(body) for _, body in real} == {_page_text(body) for _, body in fake}
