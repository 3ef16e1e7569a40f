"""What the map says: pure functions from people, agencies and their ties to the stored levels of a snapshot.

No database here, so the benchmark and the tests can feed it any graph. The graph work is networkx's:
betweenness (exact on the agency map; sampled with a fixed seed on a person map larger than
`SAMPLE_ABOVE`, because exact betweenness grows with people x ties), articulation points (who alone
connects two parts) and a seeded spring layout. People are drawn around their agency's place in the
agency layout rather than laid out one by one, which keeps a 2,000-person map fast and readable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import networkx as nx

from network.map_schema import Broker, Edge, Level, Node, SectorLink, Summary

#: The layout's seed: the same ties always give the same picture.
SEED = 13
#: Above this many people, betweenness is estimated from SAMPLE_K sampled sources (seeded), not exact:
#: exact betweenness costs one breadth-first search per person (173-447 s for 2,000 people and 50,000 ties
#: on the shared benchmark machine, bench/bench_map.py), a sample of 32 a second or two. Where someone really
#: does link parts of the map the sample names them (tests/network/test_map.py); on the benchmark's random
#: ties, where nobody stands out, its top ten differ from the exact top ten.
SAMPLE_ABOVE, SAMPLE_K = 300, 32
#: Ties that show a relationship is alive now: the other sources (pledges, proposals) are one-off.
ACTIVE_SOURCES = frozenset({"meeting", "checkin"})
#: Ties only the enablers see as such: everyone else's map is drawn from the site's records alone.
PRIVATE_SOURCES = frozenset({"checkin"})
BROKERS_SHOWN = 3
NO_AGENCY = 0  # the group of people without an agency (enablers, coordinators), in the person layout


class Person(NamedTuple):
    id: int  # membership id
    name: str
    agency_id: int | None
    sector: str  # "" without an agency


class AgencyInfo(NamedTuple):
    id: int
    name: str
    sector: str


class PersonTie(NamedTuple):
    """Two people tied by one record: `source` is a key of the tie sources (services/map.py)."""

    a: int
    b: int
    source: str
    when: dt.datetime
    trust: int | None = None


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


class _Acc:
    """Ties added up: a plain class with slots and a plain dict, as this runs once per tie and per person pair
    (a dataclass with a Counter took twice as long on the benchmark's 50,000 ties)."""

    __slots__ = ("last", "sources", "trust_n", "trust_sum", "weight")

    def __init__(self) -> None:
        self.weight = 0
        self.sources: dict[str, int] = {}
        self.last = _NEVER  # every edge has at least one tie, so this is always replaced
        self.trust_sum = 0
        self.trust_n = 0

    def add(self, source: str, when: dt.datetime, trust: int | None) -> None:
        self.weight += 1
        self.sources[source] = self.sources.get(source, 0) + 1
        if when > self.last:
            self.last = when
        if trust is not None:
            self.trust_sum += trust
            self.trust_n += 1

    def merge(self, other: _Acc) -> None:
        self.weight += other.weight
        sources = self.sources
        for key, count in other.sources.items():
            sources[key] = sources.get(key, 0) + count
        if other.last > self.last:
            self.last = other.last
        self.trust_sum += other.trust_sum
        self.trust_n += other.trust_n

    def edge(self, a: str, b: str, *, with_trust: bool) -> Edge:
        trust = round(self.trust_sum / self.trust_n, 2) if with_trust and self.trust_n else None
        return Edge(
            a=a,
            b=b,
            weight=self.weight,
            # One source is the common case; sorting a one-entry dict 50,000 times is a measurable cost.
            sources=self.sources if len(self.sources) == 1 else dict(sorted(self.sources.items())),
            last=self.last.date().isoformat(),
            trust=trust,
        )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _person_edges(
    ties: Iterable[PersonTie], known: dict[int, Person], exclude: frozenset[str]
) -> tuple[dict[tuple[int, int], _Acc], dict[int, dt.datetime]]:
    """Ties added up per pair of (current) people, and each person's last active tie."""
    edges: dict[tuple[int, int], _Acc] = {}
    active: dict[int, dt.datetime] = {}
    for tie in ties:
        if tie.source in exclude or tie.a == tie.b or tie.a not in known or tie.b not in known:
            continue
        pair = _pair(tie.a, tie.b)
        acc = edges.get(pair)
        if acc is None:
            acc = edges[pair] = _Acc()
        acc.add(tie.source, tie.when, tie.trust)
        if tie.source in ACTIVE_SOURCES:
            for person in pair:
                seen = active.get(person)
                if seen is None or tie.when > seen:
                    active[person] = tie.when
    return edges, active


def _group_edges(person_edges: dict[tuple[int, int], _Acc], known: dict[int, Person]) -> dict[tuple[int, int], _Acc]:
    """Person ties added up between their agencies, people without one counted as the group NO_AGENCY (ties
    inside one agency are not an agency tie)."""
    group_of = {p.id: p.agency_id or NO_AGENCY for p in known.values()}
    groups: dict[tuple[int, int], _Acc] = {}
    for (a, b), acc in person_edges.items():
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        pair = _pair(ga, gb)
        total = groups.get(pair)
        if total is None:
            total = groups[pair] = _Acc()
        total.merge(acc)
    return groups


def _agencies_only(groups: dict[tuple[int, int], _Acc]) -> dict[tuple[int, int], _Acc]:
    return {pair: acc for pair, acc in groups.items() if NO_AGENCY not in pair}


#: Where the layout puts things, in [0, 1]: the tied part of the map, and a column on the right for those with
#: no tie (spring layout would fling them far off and squash everything else into a corner).
_LOW, _HIGH, _ALONE_X = 0.08, 0.92, 0.93


def _scaled(values: list[float], low: float, high: float) -> list[float]:
    least, most = min(values), max(values)
    if most - least < 1e-9:
        return [round((low + high) / 2, 4)] * len(values)
    return [round(low + (high - low) * (v - least) / (most - least), 4) for v in values]


def _layout(group_ids: Sequence[int], edges: Iterable[tuple[int, int]]) -> dict[int, tuple[float, float]]:
    """A seeded spring layout of the tied groups, spread wide enough to read (k), and the untied ones in a
    column on the right, in order."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(group_ids))
    graph.add_edges_from(sorted(edges))
    tied = [n for n in graph if graph.degree(n) > 0]
    alone = sorted(n for n in graph if graph.degree(n) == 0)
    pos: dict[int, tuple[float, float]] = {}
    if len(tied) > 1:
        raw = nx.spring_layout(graph.subgraph(tied), seed=SEED, k=2.5 / math.sqrt(len(tied)), iterations=100)
        order = sorted(raw)
        xs = _scaled([float(raw[n][0]) for n in order], _LOW, 0.78 if alone else _HIGH)
        ys = _scaled([float(raw[n][1]) for n in order], _LOW, _HIGH)
        pos.update({n: (x, y) for n, x, y in zip(order, xs, ys, strict=True)})
    for i, n in enumerate(alone):
        pos[n] = (_ALONE_X if tied else 0.5, round(_LOW + (_HIGH - _LOW) * (i + 0.5) / len(alone), 4))
    return pos


def _centrality(graph: nx.Graph, *, sample: bool) -> tuple[dict[str, float], set[str], str]:
    if sample and len(graph) > SAMPLE_ABOVE:
        between = nx.betweenness_centrality(graph, k=SAMPLE_K, seed=SEED)
        how = f"sampled k={SAMPLE_K} seed={SEED}"
    else:
        between = nx.betweenness_centrality(graph)
        how = "exact"
    return between, set(nx.articulation_points(graph)), how


def _summary(
    nodes: list[Node],
    edges: list[Edge],
    agency_edges: dict[tuple[int, int], _Acc],
    agencies: Sequence[AgencyInfo],
    how: str,
) -> Summary:
    by_key = {n["key"]: n for n in nodes}
    sectors = sorted({a.sector for a in agencies})
    sector_of = {a.id: a.sector for a in agencies}
    name_of = {a.id: a.name for a in agencies}
    linked: dict[str, set[str]] = {s: set() for s in sectors}
    tied_agencies: set[int] = set()
    for a, b in agency_edges:
        tied_agencies.update((a, b))
        sa, sb = sector_of[a], sector_of[b]
        if sa != sb:
            linked[sa].add(sb)
            linked[sb].add(sa)
    with_sector = [e for e in edges if by_key[e["a"]]["sector"] and by_key[e["b"]]["sector"]]
    crossing = sum(1 for e in with_sector if by_key[e["a"]]["sector"] != by_key[e["b"]]["sector"])
    brokers = sorted((n for n in nodes if n["betweenness"] > 0), key=lambda n: (-n["betweenness"], n["label"]))
    last_active: dict[str, str | None] = {s: None for s in sectors}
    for node in nodes:
        if node["sector"] and node["last_active"] is not None:
            seen = last_active.get(node["sector"])
            if seen is None or node["last_active"] > seen:
                last_active[node["sector"]] = node["last_active"]
    return Summary(
        tie_count=len(edges),
        cross_sector_ties=crossing,
        cross_sector_share=round(crossing / len(with_sector), 4) if with_sector else 0.0,
        sectors=[SectorLink(sector=s, connected=len(linked[s]), with_sectors=sorted(linked[s])) for s in sectors],
        isolated_agencies=sorted(name_of[a.id] for a in agencies if a.id not in tied_agencies),
        isolated_sectors=[s for s in sectors if not linked[s]] if len(sectors) > 1 else [],
        brokers=[
            Broker(key=n["key"], label=n["label"], betweenness=round(n["betweenness"], 4), cut_point=n["cut_point"])
            for n in brokers[:BROKERS_SHOWN]
        ],
        sector_last_active=last_active,
        betweenness=how,
    )


def _iso(when: dt.datetime | None) -> str | None:
    return when.date().isoformat() if when is not None else None


def _agency_level(
    agencies: Sequence[AgencyInfo],
    group_edges: dict[tuple[int, int], _Acc],
    agency_active: dict[int, dt.datetime],
    *,
    with_trust: bool,
) -> Level:
    pos = _layout([a.id for a in agencies], group_edges)
    graph = nx.Graph()
    graph.add_nodes_from(f"a{a.id}" for a in agencies)
    graph.add_edges_from((f"a{a}", f"a{b}") for a, b in sorted(group_edges))
    between, cuts, how = _centrality(graph, sample=False)
    nodes = [
        Node(
            key=f"a{a.id}",
            label=a.name,
            agency=a.name,
            sector=a.sector,
            x=pos[a.id][0],
            y=pos[a.id][1],
            degree=graph.degree(f"a{a.id}"),
            betweenness=round(between.get(f"a{a.id}", 0.0), 4),
            cut_point=f"a{a.id}" in cuts,
            last_active=_iso(agency_active.get(a.id)),
        )
        for a in agencies
    ]
    edges = [acc.edge(f"a{a}", f"a{b}", with_trust=with_trust) for (a, b), acc in sorted(group_edges.items())]
    return Level(nodes=nodes, edges=edges, summary=_summary(nodes, edges, group_edges, agencies, how))


def _person_level(
    people: Sequence[Person],
    agencies: Sequence[AgencyInfo],
    person_edges: dict[tuple[int, int], _Acc],
    active: dict[int, dt.datetime],
    with_none: dict[tuple[int, int], _Acc],
) -> Level:
    agency_name = {a.id: a.name for a in agencies}
    agency_edges = _agencies_only(with_none)
    groups = sorted({p.agency_id or NO_AGENCY for p in people})
    centre = _layout(groups, with_none)
    members: dict[int, list[Person]] = {}
    for person in sorted(people, key=lambda p: (p.name, p.id)):
        members.setdefault(person.agency_id or NO_AGENCY, []).append(person)
    graph = nx.Graph()
    graph.add_nodes_from(f"p{p.id}" for p in people)
    graph.add_edges_from((f"p{a}", f"p{b}") for a, b in person_edges)
    between, cuts, how = _centrality(graph, sample=True)
    nodes: list[Node] = []
    for group, group_people in members.items():
        cx, cy = centre[group]
        radius = 0.0 if len(group_people) == 1 else min(0.07, 0.012 * math.sqrt(len(group_people)))
        for i, person in enumerate(group_people):
            angle = 2 * math.pi * i / len(group_people)
            key = f"p{person.id}"
            nodes.append(
                Node(
                    key=key,
                    label=person.name,
                    agency=agency_name.get(person.agency_id or NO_AGENCY, ""),
                    sector=person.sector,
                    x=round(cx + radius * math.cos(angle), 4),
                    y=round(cy + radius * math.sin(angle), 4),
                    degree=graph.degree(key),
                    betweenness=round(between.get(key, 0.0), 4),
                    cut_point=key in cuts,
                    last_active=_iso(active.get(person.id)),
                )
            )
    edges = [acc.edge(f"p{a}", f"p{b}", with_trust=True) for (a, b), acc in sorted(person_edges.items())]
    return Level(nodes=nodes, edges=edges, summary=_summary(nodes, edges, agency_edges, agencies, how))


def _agency_active(known: dict[int, Person], active: dict[int, dt.datetime]) -> dict[int, dt.datetime]:
    out: dict[int, dt.datetime] = {}
    for person_id, when in active.items():
        agency = known[person_id].agency_id
        if agency is not None and (agency not in out or when > out[agency]):
            out[agency] = when
    return out


class Levels(NamedTuple):
    people: Level
    agencies: Level
    public: Level


def map_analyse(*, people: Sequence[Person], agencies: Sequence[AgencyInfo], ties: Iterable[PersonTie]) -> Levels:
    """The three maps of a snapshot: people (every tie), agencies (every tie) and public (records only)."""
    known = {p.id: p for p in people}
    agencies = sorted(agencies, key=lambda a: (a.name, a.id))
    ties = list(ties)
    person_edges, active = _person_edges(ties, known, frozenset())
    with_none = _group_edges(person_edges, known)
    agency_edges = _agencies_only(with_none)
    public_person_edges, public_active = _person_edges(ties, known, PRIVATE_SOURCES)
    public_edges = _agencies_only(_group_edges(public_person_edges, known))
    return Levels(
        people=_person_level(people, agencies, person_edges, active, with_none),
        agencies=_agency_level(agencies, agency_edges, _agency_active(known, active), with_trust=True),
        public=_agency_level(agencies, public_edges, _agency_active(known, public_active), with_trust=False),
    )
