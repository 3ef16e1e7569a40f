"""The living map: ties from the site's records, the check-in, snapshots, the page, exports and privacy."""

from __future__ import annotations

import datetime as dt
import io

import networkx as nx
import pytest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from network import services
from network.errors import DomainError
from network.map_analysis import AgencyInfo, Person, PersonTie, map_analyse
from network.map_schema import snapshot_read
from network.models import Alliance, MapSnapshot, MapSnapshotLevel, MeetingAttendance, RelationshipAnswer
from network.selectors.map import checkin_groups, map_going_quiet_for_digest
from network.selectors.map_ties import tie_sources
from network.services import map as maps
from network.services.commitments import commitment_add
from tests.conftest import Cast
from tests.html import text_of

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def _text(response: HttpResponseBase) -> str:
    text = text_of(response.content)  # type: ignore[attr-defined]
    assert text is not None
    return text


def _level(snapshot: MapSnapshot, level: str) -> MapSnapshotLevel:
    return MapSnapshotLevel.objects.get(snapshot=snapshot, level=level)


def _url(cast: Cast, name: str = "network:site-map", *args: object) -> str:
    return reverse(name, args=[cast.site.slug, *args])


# --- the analysis, on graphs small enough to check by hand -----------------------------------------------------


def _star() -> tuple[list[Person], list[AgencyInfo], list[PersonTie]]:
    """Council sits between the NHS and the police; the school has no tie at all."""
    agencies = [
        AgencyInfo(1, "Council", "local_authority"),
        AgencyInfo(2, "NHS Trust", "nhs"),
        AgencyInfo(3, "Police", "police"),
        AgencyInfo(4, "School", "education"),
    ]
    people = [
        Person(10, "Cara", 1, "local_authority"),
        Person(20, "Nia", 2, "nhs"),
        Person(30, "Pat", 3, "police"),
        Person(40, "Sam", 4, "education"),
        Person(11, "Cole", 1, "local_authority"),
    ]
    ties = [
        PersonTie(10, 20, "meeting", NOW - dt.timedelta(days=3)),
        PersonTie(10, 30, "checkin", NOW - dt.timedelta(days=1), 4),
        PersonTie(10, 11, "alliance", NOW - dt.timedelta(days=200)),
    ]
    return people, agencies, ties


def test_it_names_the_broker_the_isolated_sector_and_the_share_of_ties_crossing_sectors() -> None:
    people, agencies, ties = _star()
    levels = map_analyse(people=people, agencies=agencies, ties=ties)
    summary = levels.agencies["summary"]
    assert summary["isolated_agencies"] == ["School"]
    assert summary["isolated_sectors"] == ["education"]
    assert [b["label"] for b in summary["brokers"]] == ["Council"]
    assert summary["brokers"][0]["cut_point"] is True
    assert summary["tie_count"] == 2 and summary["cross_sector_ties"] == 2
    assert {s["sector"]: s["connected"] for s in summary["sectors"]} == {
        "education": 0,
        "local_authority": 2,
        "nhs": 1,
        "police": 1,
    }
    # Person level: three person ties, one inside the council, so two of three cross sectors.
    people_summary = levels.people["summary"]
    assert people_summary["tie_count"] == 3 and people_summary["cross_sector_ties"] == 2
    assert people_summary["brokers"][0]["label"] == "Cara"


def test_everyone_elses_map_leaves_the_check_in_out() -> None:
    people, agencies, ties = _star()
    levels = map_analyse(people=people, agencies=agencies, ties=ties)
    assert {(e["a"], e["b"]) for e in levels.public["edges"]} == {("a1", "a2")}
    assert all(e["trust"] is None for e in levels.public["edges"])
    assert sorted(levels.public["summary"]["isolated_agencies"]) == ["Police", "School"]
    trust = {(e["a"], e["b"]): e["trust"] for e in levels.agencies["edges"]}
    assert trust[("a1", "a3")] == 4.0


def test_the_layout_is_the_same_every_time() -> None:
    people, agencies, ties = _star()
    first = map_analyse(people=people, agencies=agencies, ties=ties)
    second = map_analyse(people=people, agencies=list(reversed(agencies)), ties=list(reversed(ties)))
    assert first == second


def test_betweenness_matches_a_brute_force_count_of_shortest_paths() -> None:
    """The oracle: on a path a-b-c-d, b lies on the shortest paths a-c and a-d, so 2 of the 3 pairs it is
    not part of (normalised: 2/3)."""
    agencies = [AgencyInfo(i, name, "other") for i, name in enumerate("abcd", start=1)]
    people = [Person(i * 10, name.upper(), i, "other") for i, name in enumerate("abcd", start=1)]
    ties = [PersonTie(10, 20, "meeting", NOW), PersonTie(20, 30, "meeting", NOW), PersonTie(30, 40, "meeting", NOW)]
    nodes = {n["label"]: n for n in map_analyse(people=people, agencies=agencies, ties=ties).agencies["nodes"]}
    assert nodes["b"]["betweenness"] == pytest.approx(2 / 3, abs=1e-4)
    assert nodes["a"]["betweenness"] == 0


# --- ties from the site's own records -----------------------------------------------------------------------


def test_every_tie_source_is_listed_once() -> None:
    assert [s.key for s in tie_sources()] == ["meeting", "alliance", "proposal", "checkin", "commitment"]


def test_a_commitment_made_with_someone_is_a_tie_from_the_day_it_was_made(cast: Cast, alliance: Alliance) -> None:
    owner, partner, outsider_agency = cast.leaders[0], cast.leaders[1], cast.agencies[2]
    made = timezone.now() - dt.timedelta(days=40)
    commitment_add(
        alliance=alliance,
        membership=owner,
        action="Share the outreach rota",
        due_on=timezone.localdate(),
        with_members=[partner],
        with_agencies=[outsider_agency],
        now=made,
    )
    source = next(s for s in tie_sources() if s.key == "commitment")
    ties = list(source.collect(cast.site.pk, timezone.now()))
    police = {m.pk for m in cast.leaders if m.agency_id == outsider_agency.pk}
    assert police
    assert {(t.a, t.b) for t in ties} == {(owner.pk, partner.pk)} | {(owner.pk, p) for p in police}
    assert all(t.source == "commitment" and abs(t.when - timezone.now()) < dt.timedelta(minutes=1) for t in ties)
    assert list(source.collect(cast.other_site.pk, timezone.now())) == []
    edges = {(e["a"], e["b"]): e for e in _level(maps.map_snapshot_make(site=cast.site), "people").edges}
    low, high = sorted([owner.pk, partner.pk])
    assert edges[(f"p{low}", f"p{high}")]["sources"] == {"alliance": 1, "commitment": 1}


def test_a_snapshot_ties_the_alliance_and_the_people_at_a_meeting(cast: Cast, alliance: Alliance) -> None:
    meeting = services.meeting_create(
        alliance=None,
        created_by=cast.coordinator,
        title="Open session",
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="Hall",
    )
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.enabler)
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.leaders[0])
    made = maps.map_snapshot_make(site=cast.site)
    edges = {(e["a"], e["b"]): e for e in _level(made, "people").edges}
    l0, l1 = cast.leaders[0].pk, cast.leaders[1].pk
    assert edges[(f"p{min(l0, l1)}", f"p{max(l0, l1)}")]["sources"] == {"alliance": 1}
    low, high = sorted([cast.enabler.pk, l0])
    enabler_pair = (f"p{low}", f"p{high}")
    assert edges[enabler_pair]["sources"] == {"meeting": 1}
    assert snapshot_read(made.data)["summaries"]["agencies"]["isolated_agencies"] == []


def test_proposing_together_is_a_tie(cast: Cast) -> None:
    from outcomes.services import outcome_propose

    outcome = outcome_propose(membership=cast.leaders[0], statement="Warm homes", why_it_matters="Cold kills.")
    outcome.co_proposers.add(cast.leaders[2])
    made = maps.map_snapshot_make(site=cast.site)
    assert [e["sources"] for e in _level(made, "agencies").edges] == [{"proposal": 1}]


# --- the check-in -------------------------------------------------------------------------------------------


def test_a_leader_answers_changes_and_withdraws_the_check_in(cast: Cast) -> None:
    leader, partner = cast.leaders[0], cast.leaders[1]
    client = cast.client_for(leader)
    url = _url(cast, "network:map-checkin")
    response = client.post(url, {"action": "save", "partner": partner.pk, "frequency": "monthly", "trust": "4"})
    assert response.status_code == 302
    client.post(url, {"action": "save", "partner": partner.pk, "frequency": "weekly", "trust": "2"})
    answer = RelationshipAnswer.objects.get()
    assert (answer.frequency, answer.trust) == ("weekly", 2)
    page = _text(client.get(url))
    assert "Every week or more" in page
    client.post(url, {"action": "withdraw", "answer": answer.pk})
    assert not RelationshipAnswer.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"frequency": "monthly", "trust": "4"}, "Choose someone you work with."),
        ({"partner": "PARTNER", "frequency": "daily", "trust": "4"}, "Select a valid choice"),
        ({"partner": "PARTNER", "frequency": "monthly", "trust": "9"}, "from 1 to 5"),
        ({"partner": "OUTSIDER", "frequency": "monthly", "trust": "3"}, "Choose someone in this site."),
    ],
)
def test_bad_check_in_answers_are_explained_and_nothing_is_saved(cast: Cast, data: dict, message: str) -> None:
    ids = {"PARTNER": str(cast.leaders[1].pk), "OUTSIDER": str(cast.outsider.pk)}
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = cast.client_for(cast.leaders[0]).post(_url(cast, "network:map-checkin"), {"action": "save", **data})
    assert response.status_code == 422
    assert message in _text(response)
    assert not RelationshipAnswer.objects.exists()


def test_a_leader_cannot_withdraw_someone_elses_answer(cast: Cast) -> None:
    answer = maps.checkin_answer_save(respondent=cast.leaders[0], partner=cast.leaders[1], frequency="weekly", trust=5)
    cast.client_for(cast.leaders[1]).post(
        _url(cast, "network:map-checkin"), {"action": "withdraw", "answer": answer.pk}
    )
    assert RelationshipAnswer.objects.filter(pk=answer.pk).exists()
    with pytest.raises(DomainError):
        maps.checkin_answer_save(respondent=cast.leaders[0], partner=cast.leaders[0], frequency="weekly", trust=5)


def test_only_leaders_answer_the_check_in(cast: Cast) -> None:
    assert cast.client_for(cast.coordinator).get(_url(cast, "network:map-checkin")).status_code == 403
    assert cast.client_for(cast.outsider).get(_url(cast, "network:map-checkin")).status_code == 404


def test_check_in_groups_smaller_than_the_minimum_are_merged() -> None:
    snapshot = {
        "checkin": [
            {"agency": "Council", "sector": "local_authority", "respondents": 4, "answers": 8, "trust_total": 32},
            {"agency": "NHS Trust", "sector": "nhs", "respondents": 1, "answers": 2, "trust_total": 2},
            {"agency": "Police", "sector": "police", "respondents": 1, "answers": 1, "trust_total": 5},
            {"agency": "Fire", "sector": "fire", "respondents": 3, "answers": 3, "trust_total": 9},
        ]
    }
    agencies, sectors = checkin_groups(snapshot, min_size=3)  # type: ignore[arg-type]
    # NHS and police (1 each) are too few together, so the smallest big group (fire) joins them.
    assert [(r.name, r.respondents) for r in agencies] == [("Council", 4), ("Other", 5)]
    assert [(r.name, r.respondents) for r in sectors] == [("Local authority", 4), ("Other", 5)]
    assert all(r.respondents >= 3 for r in [*agencies, *sectors])


# --- the page and privacy -----------------------------------------------------------------------------------


@pytest.fixture
def mapped(cast: Cast, alliance: Alliance) -> MapSnapshot:
    maps.checkin_answer_save(respondent=cast.leaders[0], partner=cast.leaders[2], frequency="weekly", trust=3)
    return maps.map_snapshot_make(site=cast.site)


def test_an_enabler_sees_people_and_every_tie(cast: Cast, mapped: MapSnapshot) -> None:
    page = _text(cast.client_for(cast.enabler).get(_url(cast)))
    assert cast.leaders[0].user.name in page
    assert "Relationship check-in" in page


def test_a_leader_sees_agencies_and_no_person_or_check_in_tie(cast: Cast, mapped: MapSnapshot) -> None:
    client = cast.client_for(cast.leaders[1])
    for url in (_url(cast), _url(cast) + "?level=people"):
        page = _text(client.get(url))
        assert "Ashby Council" in page
        # Their own name is in the page's header; nobody else's is anywhere.
        assert all(leader.user.name not in page for leader in (cast.leaders[0], cast.leaders[2]))
        assert "Trust (check-in" not in page
    for fmt in ("nodes.csv", "edges.csv", "graphml", "gexf"):
        body = client.get(_url(cast, "network:map-export", fmt) + "?level=people").content.decode()
        assert all(leader.user.name not in body for leader in cast.leaders), fmt
        assert "checkin" not in body, fmt


def test_another_site_sees_nothing(cast: Cast, mapped: MapSnapshot) -> None:
    client = cast.client_for(cast.outsider)
    assert client.get(_url(cast)).status_code == 404
    assert client.get(_url(cast, "network:map-export", "xlsx")).status_code == 404
    assert client.post(_url(cast, "network:map-snapshot-new")).status_code == 404
    other = client.get(reverse("network:site-map", args=[cast.other_site.slug]))
    assert "Ashby" not in _text(other)


def test_only_enablers_make_a_map_or_change_its_settings(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    assert client.post(_url(cast, "network:map-snapshot-new")).status_code == 403
    assert client.post(_url(cast, "network:map-settings"), {"quiet_days": 30, "min_group_size": 3}).status_code == 403


def test_an_enabler_asks_for_a_new_map_and_it_is_made(
    cast: Cast, alliance: Alliance, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.enabler).post(_url(cast, "network:map-snapshot-new"))
    assert response.status_code == 302
    assert MapSnapshot.objects.filter(site=cast.site).count() == 1


def test_a_request_run_twice_makes_one_snapshot(cast: Cast) -> None:
    requested_at = timezone.now()
    assert maps.map_snapshot_make_if_needed(site=cast.site, requested_at=requested_at) is not None
    assert maps.map_snapshot_make_if_needed(site=cast.site, requested_at=requested_at) is None


def test_the_monthly_beat_makes_one_snapshot_a_month_per_site(cast: Cast) -> None:
    from network.tasks import map_snapshots_monthly

    assert sorted(map_snapshots_monthly.delay().get()) == sorted([cast.site.pk, cast.other_site.pk])
    assert map_snapshots_monthly.delay().get() == []
    assert MapSnapshot.objects.count() == 2


def test_bad_settings_are_explained(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).post(
        _url(cast, "network:map-settings"), {"quiet_days": 2, "min_group_size": 1}
    )
    assert response.status_code == 422
    assert "between 7 and 730 days" in _text(response)


def test_going_quiet_and_the_digest_seam(cast: Cast) -> None:
    old = timezone.now() - dt.timedelta(days=200)
    meeting = services.meeting_create(
        alliance=None, created_by=cast.coordinator, title="Long ago", starts_at=old, place="Hall"
    )
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.leaders[0])
    MeetingAttendance.objects.create(meeting=meeting, membership=cast.leaders[1])
    maps.map_snapshot_make(site=cast.site)
    quiet = {(q.kind, q.name) for q in map_going_quiet_for_digest(site_id=cast.site.pk)}
    assert ("agency", "Ashby Council") in quiet and ("sector", "NHS") in quiet
    page = _text(cast.client_for(cast.enabler).get(_url(cast)))
    assert "Going quiet" in page
    assert "Going quiet" not in _text(cast.client_for(cast.leaders[0]).get(_url(cast)))


def test_compare_with_an_earlier_snapshot(cast: Cast, alliance: Alliance) -> None:
    first = maps.map_snapshot_make(site=cast.site, now=timezone.now() - dt.timedelta(days=90))
    maps.checkin_answer_save(respondent=cast.leaders[0], partner=cast.enabler, frequency="weekly", trust=5)
    maps.map_snapshot_make(site=cast.site)
    page = _text(cast.client_for(cast.enabler).get(_url(cast) + f"?against={first.pk}"))
    assert "Change since" in page and "New ties" in page
    other = maps.map_snapshot_make(site=cast.other_site)
    assert cast.client_for(cast.enabler).get(_url(cast) + f"?against={other.pk}").status_code == 404


@pytest.mark.parametrize(("who", "level"), [("enabler", "people"), ("enabler", "agencies"), ("leader", "")])
def test_the_page_reads_a_snapshot_in_constant_queries(
    cast: Cast, alliance: Alliance, django_assert_num_queries, who: str, level: str
) -> None:
    maps.map_snapshot_make(site=cast.site, now=timezone.now() - dt.timedelta(days=90))
    # Enough people, ties and snapshots that a query per row, tie or snapshot would show.
    meeting = services.meeting_create(
        alliance=None,
        created_by=cast.coordinator,
        title="Everyone",
        starts_at=timezone.now() - dt.timedelta(days=2),
        place="Hall",
    )
    for i in range(20):
        member = services.member_add(
            site=cast.site, name=f"Extra {i}", email=f"extra{i}@ashby.example", agency=cast.agencies[i % 3]
        )
        MeetingAttendance.objects.create(meeting=meeting, membership=member)
        maps.checkin_answer_save(respondent=member, partner=cast.enabler, frequency="weekly", trust=4)
    for _ in range(3):
        maps.map_snapshot_make(site=cast.site)
    client = cast.client_for(cast.enabler if who == "enabler" else cast.leaders[0])
    # session, user, membership with site, settings, snapshot list, two snapshots' summaries, one level
    with django_assert_num_queries(7):
        assert client.get(_url(cast) + f"?level={level}").status_code == 200


def test_the_page_never_computes_the_graph(cast: Cast, alliance: Alliance, monkeypatch: pytest.MonkeyPatch) -> None:
    maps.map_snapshot_make(site=cast.site)

    def refuse(**kwargs: object) -> None:
        raise AssertionError("the page computed the graph")

    for name in ("network.services.map.map_analyse", "network.map_analysis.map_analyse"):
        monkeypatch.setattr(name, refuse)
    for name in ("betweenness_centrality", "spring_layout", "articulation_points", "Graph"):
        monkeypatch.setattr(f"networkx.{name}", refuse)
    client = cast.client_for(cast.enabler)
    for level in ("people", "agencies"):
        assert client.get(_url(cast) + f"?level={level}").status_code == 200
    assert cast.client_for(cast.leaders[0]).get(_url(cast)).status_code == 200


# --- exports ------------------------------------------------------------------------------------------------


def test_the_exports_read_back(cast: Cast, mapped: MapSnapshot) -> None:
    client = cast.client_for(cast.enabler)
    book = load_workbook(io.BytesIO(client.get(_url(cast, "network:map-export", "xlsx")).content))
    assert book.sheetnames == ["Elements", "Connections"]
    elements = list(book["Elements"].values)
    connections = list(book["Connections"].values)
    assert elements[0][:2] == ("Label", "Type") and connections[0][:2] == ("From", "To")
    labels = {row[0] for row in elements[1:]}
    assert {row[0] for row in connections[1:]} | {row[1] for row in connections[1:]} <= labels
    graph = nx.read_graphml(io.BytesIO(client.get(_url(cast, "network:map-export", "graphml")).content))
    people = _level(mapped, "people")
    assert graph.number_of_nodes() == len(people.drawing["nodes"])
    assert graph.number_of_edges() == len(people.edges) > 0
    gexf = nx.read_gexf(io.BytesIO(client.get(_url(cast, "network:map-export", "gexf")).content))
    assert gexf.number_of_edges() == len(people.edges)
    nodes_csv = client.get(_url(cast, "network:map-export", "nodes.csv")).content.decode()
    assert nodes_csv.splitlines()[0].startswith("id,label,agency,sector")
    assert client.get(_url(cast, "network:map-export", "nope")).status_code == 404


def test_the_command_makes_the_months_snapshots_once(cast: Cast) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("make_map_snapshots", stdout=out)
    call_command("make_map_snapshots", stdout=out)
    assert MapSnapshot.objects.count() == 2
    assert "Every site has this month's map." in out.getvalue()
    call_command("make_map_snapshots", "--site", cast.site.slug, stdout=out)
    assert MapSnapshot.objects.filter(site=cast.site).count() == 2


def test_the_map_region_is_its_own_partial_for_htmx(cast: Cast, mapped: MapSnapshot) -> None:
    response = cast.client_for(cast.enabler).get(_url(cast) + "?level=agencies", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="map-region">')
    assert "<h1>" not in body


def test_the_stored_drawing_escapes_every_label(cast: Cast, alliance: Alliance) -> None:
    services.agency_create(site=cast.site, name='<script>alert("x")</script> Trust', sector="nhs")
    maps.map_snapshot_make(site=cast.site)
    body = cast.client_for(cast.enabler).get(_url(cast) + "?level=agencies").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_the_tables_are_paged_and_nonsense_pages_are_the_first(cast: Cast) -> None:
    from network.selectors.map import ROWS_PER_PAGE, _rows

    items = list(range(ROWS_PER_PAGE * 2 + 5))
    second = _rows(items, "2", str)
    assert second.rows[0] == str(ROWS_PER_PAGE) and second.num_pages == 3
    assert second.has_previous and second.has_next
    assert _rows(items, "nonsense", str).number == 1
    assert _rows(items, "99", str).number == 3


def test_exported_names_are_never_formulas(cast: Cast, alliance: Alliance) -> None:
    services.agency_create(site=cast.site, name='=HYPERLINK("http://evil.example","x")', sector="fire")
    maps.map_snapshot_make(site=cast.site)
    client = cast.client_for(cast.enabler)
    nodes = client.get(_url(cast, "network:map-export", "nodes.csv") + "?level=agencies").content.decode()
    assert "'=HYPERLINK" in nodes
    book = load_workbook(io.BytesIO(client.get(_url(cast, "network:map-export", "xlsx") + "?level=agencies").content))
    cells = [row[0] for row in book["Elements"].iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"


def test_a_large_person_map_samples_betweenness_and_still_finds_the_broker() -> None:
    """Past SAMPLE_ABOVE people betweenness is sampled (seeded); where a map has a real broker (one person
    alone linking ten groups) the sample names them, as exact betweenness would."""
    from network.map_analysis import SAMPLE_ABOVE

    groups, size = 10, 40
    agencies = [AgencyInfo(g + 1, f"Agency {g}", "other") for g in range(groups)] + [AgencyInfo(99, "Hub", "nhs")]
    people = [Person(g * 100 + i, f"P{g}-{i}", g + 1, "other") for g in range(groups) for i in range(size)]
    people.append(Person(9999, "Broker", 99, "nhs"))
    assert len(people) > SAMPLE_ABOVE
    ties = [
        PersonTie(g * 100 + i, g * 100 + j, "meeting", NOW)
        for g in range(groups)
        for i in range(size)
        for j in range(i + 1, size)
    ]
    ties += [PersonTie(9999, g * 100, "checkin", NOW, 3) for g in range(groups)]
    summary = map_analyse(people=people, agencies=agencies, ties=ties).people["summary"]
    assert summary["betweenness"].startswith("sampled")
    assert summary["brokers"][0]["label"] == "Broker" and summary["brokers"][0]["cut_point"]


def test_no_check_in_totals_until_enough_people_have_answered() -> None:
    one = {"checkin": [{"agency": "Police", "sector": "police", "respondents": 2, "answers": 2, "trust_total": 2}]}
    assert checkin_groups(one, min_size=3) == ([], [])  # type: ignore[arg-type]
    assert checkin_groups(one, min_size=2)[0][0].respondents == 2  # type: ignore[arg-type]


def test_withdrawing_every_answer_asks_first(cast: Cast) -> None:
    for partner in (cast.leaders[1], cast.leaders[2]):
        maps.checkin_answer_save(respondent=cast.leaders[0], partner=partner, frequency="weekly", trust=4)
    client = cast.client_for(cast.leaders[0])
    url = _url(cast, "network:map-checkin")
    asked = client.post(url, {"action": "withdraw_all"})
    assert asked.status_code == 200
    assert "Are you sure you want to withdraw all your answers?" in _text(asked)
    assert RelationshipAnswer.objects.count() == 2
    assert client.post(url, {"action": "withdraw_all", "confirm": "yes"}).status_code == 302
    assert not RelationshipAnswer.objects.exists()
