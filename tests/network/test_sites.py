from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from network.models import Agency, Membership, PilotSite, Role
from tests.conftest import Cast, make_user
from tests.html import text_of


def test_it_creates_a_site_with_its_creator_as_enabler(db: None) -> None:
    user = make_user("new@example.org", "New Enabler")
    user.is_staff = True  # staff may set up sites; so may enablers (see test_starting.py)
    user.save()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("network:site-create"), {"name": "Calder Valley Together", "place": "Calder Valley", "description": ""}
    )
    site = PilotSite.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:site-people", args=[site.slug])
    assert site.slug == "calder-valley-together"
    assert Membership.objects.get(site=site).role == Role.ENABLER


def test_it_explains_a_missing_field_and_saves_nothing(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    response = client.post(reverse("network:site-create"), {"name": "", "place": "Leeds"})
    assert response.status_code == 200
    assert "Enter the name of the pilot" in (text_of(response.content, role="alert") or "")
    assert PilotSite.objects.count() == 2  # the cast's two, and no new one


def test_it_gives_each_site_a_unique_slug(cast: Cast) -> None:
    from network.services import site_create

    again = site_create(creator=cast.enabler.user, name=cast.site.name, place="Elsewhere")
    assert again.slug == f"{cast.site.slug}-2"


def test_a_site_named_new_is_not_hidden_by_the_create_page(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    response = client.post(reverse("network:site-create"), {"name": "New", "place": "Leeds"})
    site = PilotSite.objects.get(name="New")
    assert site.slug == "new-2"
    assert response["Location"] == reverse("network:site-people", args=[site.slug])
    assert client.get(reverse("network:site-detail", args=[site.slug])).context["site"] == site


def test_it_asks_anonymous_visitors_to_sign_in(cast: Cast) -> None:
    response = Client().get(reverse("network:site-detail", args=[cast.site.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["enabler", "coordinator", "leader"])
def test_it_shows_the_site_to_each_role(cast: Cast, who: str) -> None:
    membership = {"enabler": cast.enabler, "coordinator": cast.coordinator, "leader": cast.leaders[0]}[who]
    response = cast.client_for(membership).get(reverse("network:site-detail", args=[cast.site.slug]))
    assert response.status_code == 200
    assert cast.site.name in response.content.decode()


@pytest.mark.parametrize("url_name", ["network:site-detail", "network:site-people", "network:alliance-detail"])
def test_it_hides_a_site_from_an_outsider(cast: Cast, url_name: str) -> None:
    response = cast.client_for(cast.outsider).get(reverse(url_name, args=[cast.site.slug]))
    assert response.status_code == 404


def test_it_lists_only_the_users_own_sites_on_home(cast: Cast) -> None:
    body = cast.client_for(cast.outsider).get(reverse("network:home")).content.decode()
    assert cast.other_site.name in body
    assert cast.site.name not in body


def test_it_adds_an_agency_by_full_page_post(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(url, {"agency-name": "Ashby Fire", "agency-sector": "fire"})
    assert response.status_code == 302
    assert Agency.objects.filter(site=cast.site, name="Ashby Fire", sector="fire").exists()


def test_it_adds_an_agency_by_htmx_and_returns_the_partial(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(
        url, {"agency-name": "Ashby Fire", "agency-sector": "fire"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="people-setup"')
    assert "<html" not in body
    assert "Ashby Fire" in body


def test_it_rejects_a_duplicate_agency_next_to_the_name(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(url, {"agency-name": "ashby council", "agency-sector": "nhs"})
    assert response.status_code == 422
    assert (
        text_of(response.content, id="id_agency-name_error")
        == "Error: ashby council is already an agency in this site."
    )
    assert Agency.objects.filter(site=cast.site).count() == 3


def test_it_rejects_an_unknown_sector(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(url, {"agency-name": "Ashby Fire", "agency-sector": "army"})
    assert response.status_code == 422
    assert not Agency.objects.filter(name="Ashby Fire").exists()


def test_it_adds_a_leader_without_emailing_them(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.enabler).post(
            url,
            {
                "member-name": "Zara Quinn",
                "member-email": "Zara.Quinn@Example.org",
                "member-role": "leader",
                "member-agency": cast.agencies[1].pk,
                "member-role_title": "Chief Nurse",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(site=cast.site, user__email="zara.quinn@example.org")
    assert membership.agency == cast.agencies[1]
    assert membership.role_title == "Chief Nurse"
    assert membership.invitation_status == "pending"
    assert mailoutbox == []  # inviting is a separate, deliberate step (tests/network/test_invitations.py)


def test_it_refuses_a_leader_without_an_agency(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(
        url, {"member-name": "No Agency", "member-email": "na@example.org", "member-role": "leader"}
    )
    assert response.status_code == 422
    assert text_of(response.content, id="id_member-agency_error") == "Error: A leader needs an agency."
    assert not Membership.objects.filter(user__email="na@example.org").exists()


def test_it_refuses_someone_already_in_the_site(cast: Cast) -> None:
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(
        url,
        {
            "member-name": "Again",
            "member-email": cast.leaders[0].user.email,
            "member-role": "leader",
            "member-agency": cast.agencies[0].pk,
        },
    )
    assert response.status_code == 422
    assert "already in this site" in response.content.decode()


def test_it_refuses_another_sites_agency(cast: Cast) -> None:
    other_agency = cast.other_site.agencies.all()[0]
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(cast.enabler).post(
        url,
        {
            "member-name": "X",
            "member-email": "x@example.org",
            "member-role": "leader",
            "member-agency": other_agency.pk,
        },
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user__email="x@example.org").exists()


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_it_lets_only_enablers_change_people(cast: Cast, who: str) -> None:
    membership = cast.coordinator if who == "coordinator" else cast.leaders[0]
    url = reverse("network:site-people", args=[cast.site.slug])
    response = cast.client_for(membership).post(url, {"agency-name": "Sneaky", "agency-sector": "fire"})
    assert response.status_code == 403
    assert not Agency.objects.filter(name="Sneaky").exists()


def test_it_pins_the_people_page_query_count(cast: Cast, django_assert_num_queries) -> None:
    from network.services import agency_create, member_add

    for i in range(30):
        agency = agency_create(site=cast.site, name=f"Agency {i}", sector="other")
        member_add(site=cast.site, name=f"Extra {i}", email=f"extra{i}@example.org", agency=agency)
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-people", args=[cast.site.slug])
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert "Extra 29" in response.content.decode()


def test_a_coordinator_added_without_a_password_can_choose_one(cast: Cast, mailoutbox: list) -> None:
    from network.services import member_add

    member_add(site=cast.site, name="Dana Reid", email="dana@example.org", role=Role.COORDINATOR)
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "DANA@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/set-password/" in line)
    form_page = client.get(urlsplit(link.strip()).path, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"})
    assert done["Location"] == reverse("password_reset_complete")
    # Through the sign-in form: django-axes counts sign-ins per request, so Client.login (no request) is refused.
    signed_in = Client().post(reverse("login"), {"username": "dana@example.org", "password": "a-long-new-passphrase"})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("network:home")


def test_asking_for_a_password_link_does_not_reveal_who_has_an_account(db: None, mailoutbox: list) -> None:
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert unknown.status_code == 302
    assert unknown["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_the_agencies_table_counts_only_leaders(cast: Cast) -> None:
    from network.selectors import agencies_for_site
    from network.services import member_add

    member_add(
        site=cast.site, name="Dana Reid", email="dana@example.org", role=Role.COORDINATOR, agency=cast.agencies[0]
    )
    counts = {agency.name: agency.leader_count for agency in agencies_for_site(site=cast.site)}
    assert counts["Ashby Council"] == 1  # leader0; the coordinator in the same agency is not a leader


def test_error_pages_explain_and_lead_back(cast: Cast, settings) -> None:
    settings.DEBUG = False
    leader = cast.client_for(cast.leaders[0])
    forbidden = leader.get(reverse("network:site-digests", args=[cast.site.slug]))
    assert forbidden.status_code == 403
    assert "This page is not for your role" in forbidden.content.decode()
    assert 'href="/"' in forbidden.content.decode()
    missing = leader.get(reverse("network:site-detail", args=[cast.other_site.slug]))
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()


def test_home_and_overview_say_who_you_are_in_the_site(cast: Cast) -> None:
    leader = cast.leaders[0]
    assert leader.agency is not None
    sentence = f"You are a leader for {leader.agency.name} in {cast.site.name}."
    client = cast.client_for(leader)
    assert sentence in " ".join(client.get(reverse("network:home")).content.decode().split())
    overview = client.get(reverse("network:site-detail", args=[cast.site.slug])).content.decode()
    assert sentence in " ".join(overview.split())
    enabler_home = cast.client_for(cast.enabler).get(reverse("network:home")).content.decode()
    assert f"You are the enabler of {cast.site.name}" in " ".join(enabler_home.split())


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("network:site-dashboard", "Who is missing"),
        ("network:site-people", "Agencies and leaders"),
        ("network:site-import", "Import agencies and leaders"),
        ("network:site-invitations", "Invitations"),
        ("network:site-activity", "Activity"),
        ("network:site-settings", "Site settings"),
    ],
)
def test_each_page_title_starts_with_its_heading(cast: Cast, url_name: str, heading: str) -> None:
    page = cast.client_for(cast.enabler).get(reverse(url_name, args=[cast.site.slug])).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f"<title>{heading} · {cast.site.name} · Systems Leader</title>" in page


def test_the_home_page_query_count_does_not_grow_with_sites(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from network.services import agency_create, member_add, site_create
    from tests.conftest import make_user

    person = make_user("many@example.org", "Many Sites")
    client = Client()
    client.force_login(person)

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("network:home")).status_code == 200
        return len(queries)

    owner = make_user("owner@example.org", "Owner")
    for n in range(1, 5):
        site = site_create(creator=owner, name=f"Site {n}", place=f"Place {n}")
        agency = agency_create(site=site, name=f"Agency {n}", sector="nhs")
        member_add(site=site, name=person.name, email=person.email, agency=agency)
        if n == 1:
            one = home_queries()
    page = client.get(reverse("network:home")).content.decode()
    assert "You are a leader for Agency 4 in Site 4." in " ".join(page.split())
    assert home_queries() == one


def test_it_pins_the_home_page_query_count(cast: Cast, settings, django_assert_num_queries) -> None:
    """Session, user, the person's sites (which also say whether they may set up a new one), their actions."""
    settings.SELF_SERVICE_SITES = False
    for member, may_create in [(cast.enabler, True), (cast.leaders[0], False)]:
        client = cast.client_for(member)
        with django_assert_num_queries(4):
            page = client.get(reverse("network:home")).content.decode()
        assert cast.site.name in page
        assert ("Set up a new pilot site" in page) == may_create
