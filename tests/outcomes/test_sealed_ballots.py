"""After a secret round closes, the database itself no longer joins a person to how they voted.

Who voted is kept (turnout) and how they voted is kept (the count, and a recount), but a dump of every
table, by raw SQL and by `dumpdata`, finds no row, key, order or time that leads from a voter to a rank,
a score or an energy.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.models import ForeignKey, Model, OneToOneField
from django.urls import reverse

from network.models import Agency, Membership, PilotSite, Sector, User
from network.services import agency_create, member_add
from outcomes import selectors, services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, SealedBallot, SealedEntry, Visibility, VotingRound
from tests.conftest import Cast

Row = dict[str, object]
Node = tuple[str, object]

#: Rows every voter of a site shares (the round, the site, the outcomes, an agency, Django's own catalogue):
#: a path through one of them joins everyone to everything, so it says nothing about one person.
SHARED = {
    VotingRound._meta.db_table,
    PilotSite._meta.db_table,
    CandidateOutcome._meta.db_table,
    Agency._meta.db_table,
    "django_content_type",
    "auth_permission",
    "auth_group",
}


def _dump_every_table() -> dict[str, list[Row]]:
    tables = connection.introspection.table_names()
    dump: dict[str, list[Row]] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- the catalogue's names
            columns = [c.name for c in cursor.description]
            dump[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return dump


def _references() -> dict[str, list[tuple[str, str, str]]]:
    """Table -> (column, table it points into, column there), for every foreign key Django knows."""
    refs: dict[str, list[tuple[str, str, str]]] = {}
    for model in django_apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            target = field.related_model
            if isinstance(field, ForeignKey | OneToOneField) and isinstance(target, type) and issubclass(target, Model):
                refs.setdefault(model._meta.db_table, []).append(
                    (field.column, target._meta.db_table, field.target_field.column)
                )
    return refs


def _components(dump: dict[str, list[Row]]) -> dict[Node, int]:
    """Each row's connected component, joining rows by foreign keys, never through a shared row."""
    refs = _references()
    pk = {table: _primary_key(rows) for table, rows in dump.items()}
    parent: dict[Node, Node] = {}
    by_column: dict[tuple[str, str], dict[object, object]] = {}

    def row_key(table: str, column: str, value: object) -> object:
        """The primary key of the row of `table` whose `column` holds `value` (a key may point at any unique column)."""
        if column == pk[table]:
            return value
        index = by_column.setdefault((table, column), {r[column]: r[pk[table]] for r in dump[table]})
        return index.get(value)

    def find(node: Node) -> Node:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for table, rows in dump.items():
        if table in SHARED:
            continue
        for row in rows:
            here = (table, row[pk[table]])
            find(here)
            for column, target, target_column in refs.get(table, []):
                value = row.get(column)
                if value is None or target in SHARED:
                    continue
                parent[find(here)] = find((target, row_key(target, target_column, value)))
    return {node: hash(find(node)) for node in list(parent)}


def _primary_key(rows: list[Row]) -> str:
    return "id" if not rows or "id" in rows[0] else next(iter(rows[0]))


def _choice_rows(dump: dict[str, list[Row]]) -> Iterator[tuple[str, Row]]:
    """Every row anywhere that holds a rank, a score or an energy."""
    for table, rows in dump.items():
        for row in rows:
            if {"rank", "points", "energy"} & row.keys():
                yield table, row


def _cast_for_the_dump(cast: Cast) -> list[Membership]:
    fire = agency_create(site=cast.site, name="Ashby Fire", sector=Sector.FIRE)
    extras = [
        member_add(
            site=cast.site, name=f"Voter {i:02d}", email=f"v{i}@ashby.example", agency=[*cast.agencies, fire][i % 4]
        )
        for i in range(9)
    ]
    return [*cast.leaders, *extras]


def _signature(ranks: dict[int, int], energy: dict[int, int]) -> tuple[tuple[int, int | None, int], ...]:
    outcomes = sorted(set(ranks) | set(energy))
    return tuple((o, ranks.get(o), energy.get(o, 0)) for o in outcomes)


def _vote_distinctly(voting_round: VotingRound, voters: list[Membership], candidates: list[CandidateOutcome]) -> dict:
    """Each voter casts a ballot no one else casts, so the test (not the database) knows whose each one is."""
    a, b, c = (o.pk for o in candidates)
    orders = [(a, b, c), (b, c, a), (c, a, b)]
    cast_by: dict[tuple, int] = {}
    for i, voter in enumerate(voters):
        ranks = {o: n for n, o in enumerate(orders[i % 3], start=1)}
        energy = {o: level for o, level in zip((a, b, c), (i % 3, i // 3 % 3, i // 9 % 3), strict=True) if level}
        services.ballot_submit(voting_round=voting_round, voter=voter, ranks=ranks, energy=energy)
        cast_by[_signature(ranks, energy)] = voter.pk
    assert len(cast_by) == len(voters)
    return cast_by


def _close_as_before_sealing(cast: Cast, voting_round: VotingRound) -> VotingRound:
    """Close the round as the code before sealing did (entries left on the voters' ballots), then migrate."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("outcomes.services.rounds._seal", lambda *args: None)
        voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    assert BallotRank.objects.filter(ballot__round=voting_round).exists()
    importlib.import_module("outcomes.migrations.0006_seal_secret_rounds_closed_before").seal(django_apps, None)
    return voting_round


@pytest.mark.parametrize("closed", ["now", "before sealing, then migrated"])
def test_after_a_secret_round_closes_nothing_in_the_database_joins_a_voter_to_a_choice(
    cast: Cast, candidates: list[CandidateOutcome], closed: str
) -> None:
    voters = _cast_for_the_dump(cast)
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title="Secret", visibility=Visibility.SECRET, min_group_size=3
    )
    cast_by = _vote_distinctly(voting_round, voters, candidates)
    if closed == "now":
        voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    else:
        voting_round = _close_as_before_sealing(cast, voting_round)

    dump = _dump_every_table()

    # Every table is one Django knows, so the keys below are every key there is.
    known = {m._meta.db_table for m in django_apps.get_models(include_auto_created=True)}
    assert set(dump) - known == {"django_migrations"}
    # No chain of keys leads from a voter (their membership or user) to a row with a rank, score or energy.
    component = _components(dump)
    people = {(Membership._meta.db_table, v.pk) for v in voters} | {(User._meta.db_table, v.user_id) for v in voters}
    choices = [(table, row) for table, row in _choice_rows(dump) if table not in SHARED]
    assert choices
    joined = {component[(t, row["id"])] for t, row in choices} & {component[p] for p in people if p in component}
    assert not joined
    # Nor a time: no row joined to a choice carries one (a voter's ballot keeps when they last voted).
    choice_components = {component[(t, row["id"])] for t, row in choices}
    timed = [
        (table, row)
        for table, rows in dump.items()
        if table not in SHARED
        for row in rows
        if component.get((table, row.get(_primary_key(rows)))) in choice_components
        and any(isinstance(v, dt.datetime) for v in row.values())
    ]
    assert not timed
    # Nor an order: read in the order stored, the sealed ballots follow neither the voters nor their ballots.
    sealed = [
        cast_by[_signature(*_entries(ballot.entries.all()))]
        for ballot in SealedBallot.objects.filter(round=voting_round).order_by("pk").prefetch_related("entries")
    ]
    assert sorted(sealed) == sorted(v.pk for v in voters)
    by_ballot = list(Ballot.objects.filter(round=voting_round).order_by("pk").values_list("voter_id", flat=True))
    by_time = list(Ballot.objects.filter(round=voting_round).order_by("updated_at").values_list("voter_id", flat=True))
    by_name = [v.pk for v in sorted(voters, key=lambda v: v.user.name)]
    assert sealed not in (by_ballot, by_time, by_name, sorted(sealed))  # 12 voters: a 1 in 479,001,600 chance each

    # Who voted is kept, and how: the turnout, and a recount that gives the stored result.
    assert set(Ballot.objects.filter(round=voting_round).values_list("voter_id", flat=True)) == set(cast_by.values())
    recount = selectors.round_recount(voting_round=voting_round)
    stored = VotingRound.objects.get(pk=voting_round.pk)
    columns = recount.to_columns()
    assert (columns.ranking, columns.winner_id, columns.pairwise) == (stored.ranking, stored.winner_id, stored.pairwise)
    for key in ("ballot_count", "energy", "supporters"):
        assert columns.result[key] == stored.result[key]
    figures = [(g["name"], g["voters"], g["support"], g["energy"]) for g in stored.result["agencies"]]
    assert sorted(figures) == sorted(
        (g["name"], g["voters"], g["support"], g["energy"]) for g in columns.result["agencies"]
    )


def _entries(entries: Iterable[SealedEntry]) -> tuple[dict[int, int], dict[int, int]]:
    rows = list(entries)
    return {e.outcome_id: e.rank for e in rows if e.rank}, {e.outcome_id: e.energy for e in rows if e.energy}


def test_dumpdata_holds_no_voter_beside_a_choice(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voters = _cast_for_the_dump(cast)
    voting_round = services.round_create_and_open(
        membership=cast.enabler, title="Secret", visibility=Visibility.SECRET, min_group_size=3
    )
    _vote_distinctly(voting_round, voters, candidates)
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    out = io.StringIO()

    call_command("dumpdata", "--format=json", stdout=out)

    objects = json.loads(out.getvalue())
    ballots = {o["pk"] for o in objects if o["model"] == "outcomes.ballot" and o["fields"]["round"] == voting_round.pk}
    assert len(ballots) == len(voters)  # who voted is there
    assert not [o for o in objects if o["model"] == "outcomes.ballotrank" and o["fields"]["ballot"] in ballots]
    sealed = [o for o in objects if o["model"] in ("outcomes.sealedballot", "outcomes.sealedentry")]
    assert Counter(o["model"] for o in sealed) == {"outcomes.sealedballot": 12, "outcomes.sealedentry": 36}
    assert {field for o in sealed for field in o["fields"]} == {
        "round",
        "agency_group",
        "sector_group",
        "ballot",
        "outcome",
        "rank",
        "points",
        "energy",
    }
    # Each sealed ballot names only a group the stored analysis shows: never one smaller than the minimum.
    shown = {g["name"]: g["voters"] for g in VotingRound.objects.get(pk=voting_round.pk).result["agencies"]}
    groups = Counter(o["fields"]["agency_group"] for o in sealed if o["model"] == "outcomes.sealedballot")
    assert groups == shown and min(groups.values()) >= 3


def test_adopting_from_a_secret_round_invites_every_voter_and_says_so(
    cast: Cast, candidates: list[CandidateOutcome], mailoutbox: list
) -> None:
    a, b, c = candidates
    outsider_of_the_vote = member_add(
        site=cast.site, name="Did not vote", email="nv@ashby.example", agency=cast.agencies[0]
    )
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Secret", visibility=Visibility.SECRET)
    # Only the first leader would give c energy; after close, nothing records that.
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1}, energy={c.pk: 2})
    for leader in cast.leaders[1:]:
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks={b.pk: 1})
    voting_round = services.round_close(voting_round=voting_round, membership=cast.enabler)
    adopt = reverse("outcomes:outcome-adopt", args=[cast.site.slug, voting_round.pk])
    page_url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    assert (
        "invites every leader who voted in this round" in cast.client_for(cast.enabler).get(page_url).content.decode()
    )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        response = cast.client_for(cast.enabler).post(adopt, {"outcome": c.pk}, follow=True)

    assert "Every leader who voted in this secret round is invited" in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(leader.user.email for leader in cast.leaders)
    assert all("You voted in the secret round that chose it." in m.body for m in mailoutbox)
    voter_page = cast.client_for(cast.leaders[2]).get(page_url).content.decode()
    assert "You voted in this secret round, so you are invited to join its alliance." in voter_page
    non_voter_page = cast.client_for(outsider_of_the_vote).get(page_url).content.decode()
    assert "you are invited" not in non_voter_page


def test_the_ballot_page_of_a_secret_round_states_the_promise(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    secret = services.round_create_and_open(membership=cast.enabler, title="Secret", visibility=Visibility.SECRET)
    page = cast.client_for(cast.leaders[0]).get(reverse("outcomes:round-detail", args=[cast.site.slug, secret.pk]))

    body = page.content.decode()
    assert "While voting is open, only you can see your ballot" in body
    assert "keep that you voted, but nothing that says how" in body
