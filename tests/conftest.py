"""Shared fixtures: a fixed cast of people in two pilot sites, made through the app's own services.

Service and browser tests skip when their service is missing on a developer's
machine, and fail instead when REQUIRE_SERVICES / REQUIRE_BROWSER is set (CI sets both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from network import services
from network.models import Agency, Alliance, Membership, PilotSite, Role, Sector, User
from outcomes.models import CandidateOutcome

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server runs beside Playwright's event loop

PASSWORD = "correct horse battery staple"


def require(condition: bool, reason: str, *, env: str) -> None:
    """Skip a test whose service is missing, or fail it when `env` says it must run.

    `env` is REQUIRE_SERVICES or REQUIRE_BROWSER; CI sets both.
    """
    if condition:
        return
    if os.environ.get(env):
        pytest.fail(f"{reason} ({env} is set, so this is a failure, not a skip)")
    pytest.skip(f"{reason}; set {env}=1 to make this a failure")  # REQUIRE_ variables turn this into a failure


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Hashing is deliberately slow; tests make many users and need none of that cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A Welsh page activates Welsh in the test's thread; the next test starts in the default language again."""
    yield
    from django.utils import translation

    translation.activate("en-gb")


@pytest.fixture(autouse=True)
def _eager_tasks() -> None:
    """Run Celery tasks in-process in ordinary tests, whatever REDIS_URL says."""
    from systemsleader.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@dataclass
class Cast:
    site: PilotSite
    other_site: PilotSite
    agencies: list[Agency]
    enabler: Membership
    coordinator: Membership
    leaders: list[Membership]
    outsider: Membership  # a leader of the other site

    def client_for(self, membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, name=name, password=PASSWORD)


def make_site(
    prefix: str, leader_count: int = 3
) -> tuple[PilotSite, list[Agency], Membership, Membership, list[Membership]]:
    enabler_user = make_user(f"enabler@{prefix}.example", f"{prefix.title()} Enabler")
    site = services.site_create(creator=enabler_user, name=f"{prefix.title()} Pilot", place=prefix.title())
    agencies = [
        services.agency_create(site=site, name=f"{prefix.title()} Council", sector=Sector.LOCAL_AUTHORITY),
        services.agency_create(site=site, name=f"{prefix.title()} NHS Trust", sector=Sector.NHS),
        services.agency_create(site=site, name=f"{prefix.title()} Police", sector=Sector.POLICE),
    ]
    make_user(f"coordinator@{prefix}.example", f"{prefix.title()} Coordinator")
    coordinator = services.member_add(site=site, name="", email=f"coordinator@{prefix}.example", role=Role.COORDINATOR)
    leaders = []
    for i in range(leader_count):
        make_user(f"leader{i}@{prefix}.example", f"Leader {i} of {prefix.title()}")
        leaders.append(
            services.member_add(
                site=site, name="", email=f"leader{i}@{prefix}.example", agency=agencies[i % 3], role_title="Director"
            )
        )
    return site, agencies, site.memberships.get(user=enabler_user), coordinator, leaders


@pytest.fixture
def cast(db: None) -> Cast:
    site, agencies, enabler, coordinator, leaders = make_site("ashby")
    other_site, _, _, _, other_leaders = make_site("brindle", leader_count=1)
    return Cast(
        site=site,
        other_site=other_site,
        agencies=agencies,
        enabler=enabler,
        coordinator=coordinator,
        leaders=leaders,
        outsider=other_leaders[0],
    )


@pytest.fixture
def alliance(cast: Cast) -> Alliance:
    """The site's alliance: every leader of the cast has committed, each with a pledge."""
    alliance = services.alliance_for_outcome(site=cast.site, purpose="No one sleeps rough")
    for leader in cast.leaders:
        services.alliance_join(alliance=alliance, membership=leader, pledge=f"I bring {leader.user.name}'s team")
    return alliance


@pytest.fixture
def candidates(cast: Cast) -> list[CandidateOutcome]:
    from outcomes.services import outcome_propose

    return [
        outcome_propose(
            membership=cast.leaders[0], statement="No one sleeps rough", why_it_matters="Everyone meets them."
        ),
        outcome_propose(
            membership=cast.leaders[1], statement="Children ready for school", why_it_matters="Early years."
        ),
        outcome_propose(
            membership=cast.leaders[2], statement="Safe streets after dark", why_it_matters="Fear of crime."
        ),
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
