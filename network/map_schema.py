"""The stored shape of a map snapshot (`MapSnapshot.data`): one typed definition for the task that writes it
and the pages and exports that read it.

A snapshot holds three maps of the site, each a `Level` of the analysis: `people` (person-level, for the
enablers only), `agencies` (every tie, for the enablers) and `public` (agencies from the site's records
alone, without the check-in, for everyone else). Each is stored as its own `MapSnapshotLevel` (a `Drawing`,
its SVG and every edge), so a page reads only the level it shows; the `Snapshot` itself keeps the summaries
and the check-in as per-agency counts, which the page merges into groups no smaller than the site's minimum
before anyone but an enabler sees them. Dates are ISO strings.
Version 1 is the only version so far; `snapshot_read` is where an older one would be brought up to date.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

VERSION = 1


class Node(TypedDict):
    key: str  # "p12" for a membership, "a3" for an agency
    label: str
    agency: str  # the agency's name ("" for none)
    sector: str  # a Sector value, or "" for none
    x: float  # layout, in [0, 1]
    y: float
    degree: int
    betweenness: float
    # Alone connects two parts of the map (an articulation point).
    cut_point: bool
    # The most recent meeting or check-in tie (ISO date), or None: what "going quiet" reads.
    last_active: str | None


class Edge(TypedDict):
    a: str
    b: str
    weight: int  # how many ties (meetings, pledges, proposals, answers) make up this one
    sources: dict[str, int]  # tie source key -> count
    last: str  # ISO date of the most recent tie
    trust: float | None  # the mean check-in trust, where there is one (enablers only)


class SectorLink(TypedDict):
    sector: str
    connected: int  # how many other sectors it has a tie to
    with_sectors: list[str]


class Broker(TypedDict):
    key: str
    label: str
    betweenness: float
    cut_point: bool


class Summary(TypedDict):
    tie_count: int
    cross_sector_ties: int
    cross_sector_share: float  # 0..1
    sectors: list[SectorLink]
    isolated_agencies: list[str]
    isolated_sectors: list[str]
    brokers: list[Broker]
    sector_last_active: dict[str, str | None]
    # How betweenness was computed: "exact", or "sampled k=N seed=S" on a large person map.
    betweenness: str


class Level(TypedDict):
    nodes: list[Node]
    edges: list[Edge]
    summary: Summary


class CheckInGroup(TypedDict):
    agency: str
    sector: str
    respondents: int
    answers: int
    trust_total: int


class Drawing(TypedDict):
    """One level as the page draws and lists it (`MapSnapshotLevel.drawing`); every tie is in `.edges`."""

    nodes: list[Node]  # by sector, then label
    edges: list[Edge]  # the strongest EDGES_DRAWN, strongest first
    edge_total: int


class Snapshot(TypedDict):
    """`MapSnapshot.data`: what the page needs besides the level it draws, small whatever the map's size."""

    version: int
    made_at: str
    sources: list[str]
    summaries: dict[str, Summary]  # by level: "people", "agencies", "public"
    # For "agencies" and "public": each tie between agencies as [label, label], to compare snapshots.
    agency_pairs: dict[str, list[list[str]]]
    # Agency label -> its last meeting or check-in tie (every tie: for the enablers' "going quiet").
    agency_last_active: dict[str, str | None]
    checkin: list[CheckInGroup]


LEVELS = ("people", "agencies", "public")
#: The ties a level draws and lists on the page, strongest first; the exports have every one.
EDGES_DRAWN = 1000


def snapshot_read(data: dict[str, Any]) -> Snapshot:
    """A stored snapshot as the current version's shape."""
    if data.get("version") != VERSION:
        raise ValueError(f"Unknown map snapshot version {data.get('version')!r}")
    return cast(Snapshot, data)


def drawing_read(data: dict[str, Any]) -> Drawing:
    return cast(Drawing, data)
