"""Every read of the living map: the page's view of a stored snapshot (never computing the graph), its
comparison with an earlier one, the check-in merged into groups no smaller than the site's minimum, and who
is going quiet (also the seam the digest content calls: `map_going_quiet_for_digest`).

What a person sees depends on `roles.can_see_people_map`: enablers get the person-level map and every
tie; everyone else the agency map drawn from the site's records alone, and the check-in only as groups.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.map_schema import Edge, Level, Snapshot, Summary, snapshot_read
from network.models import (
    MAP_MIN_GROUP_SIZE_DEFAULT,
    MapSettings,
    MapSnapshot,
    Membership,
    PilotSite,
    RelationshipAnswer,
    Sector,
)
from network.roles import can_see_people_map
from network.selectors.map_ties import tie_source_labels

LevelName = Literal["people", "agencies", "public"]
#: The page lists at most this many ties (the strongest); the CSV export has them all.
TIES_LISTED = 1000
#: Person-level labels are drawn only on a map this small (and for brokers on any map); the table has them all.
LABELS_UP_TO = 60
#: About a quarter: what "since last quarter" compares with by default.
QUARTER = dt.timedelta(days=91)
SNAPSHOTS_LISTED = 60
WIDTH, HEIGHT = 800, 560

#: Colour and shape per sector, so the map never relies on colour alone (Okabe-Ito colours, dark outlines).
SECTOR_STYLE: dict[str, tuple[str, str]] = {
    Sector.LOCAL_AUTHORITY: ("#0072B2", "circle"),
    Sector.NHS: ("#56B4E9", "square"),
    Sector.POLICE: ("#1B2A49", "triangle"),
    Sector.FIRE: ("#D55E00", "diamond"),
    Sector.HOUSING: ("#009E73", "pentagon"),
    Sector.EDUCATION: ("#E69F00", "hexagon"),
    Sector.VOLUNTARY: ("#CC79A7", "star"),
    Sector.BUSINESS: ("#F0E442", "down"),
    Sector.ELECTED: ("#882255", "octagon"),
    Sector.OTHER: ("#999999", "cross"),
    "": ("#FFFFFF", "circle"),
}
SHAPE_NAMES = {
    "circle": gettext_lazy("circle"),
    "square": gettext_lazy("square"),
    "triangle": gettext_lazy("triangle"),
    "diamond": gettext_lazy("diamond"),
    "pentagon": gettext_lazy("pentagon"),
    "hexagon": gettext_lazy("hexagon"),
    "star": gettext_lazy("star"),
    "down": gettext_lazy("downward triangle"),
    "octagon": gettext_lazy("octagon"),
    "cross": gettext_lazy("cross"),
}


def sector_label(sector: str) -> str:
    return str(Sector(sector).label) if sector in Sector.values else _("No agency")


def _polygon(shape: str, cx: float, cy: float, r: float) -> str:
    """SVG points of a sector's shape (anything but a circle)."""
    sides = {"triangle": 3, "down": 3, "square": 4, "diamond": 4, "pentagon": 5, "hexagon": 6, "octagon": 8}
    if shape == "star":
        points = [
            (
                cx + (r if i % 2 == 0 else r * 0.45) * math.sin(math.pi * i / 5),
                cy - (r if i % 2 == 0 else r * 0.45) * math.cos(math.pi * i / 5),
            )
            for i in range(10)
        ]
    elif shape == "cross":
        w = r * 0.38
        outline = [
            (-w, -r),
            (w, -r),
            (w, -w),
            (r, -w),
            (r, w),
            (w, w),
            (w, r),
            (-w, r),
            (-w, w),
            (-r, w),
            (-r, -w),
            (-w, -w),
        ]
        points = [(cx + x, cy + y) for x, y in outline]
    else:
        n = sides[shape]
        turn = {"square": math.pi / 4, "down": math.pi, "octagon": math.pi / 8}.get(shape, 0.0)
        points = [
            (cx + r * math.sin(turn + 2 * math.pi * i / n), cy - r * math.cos(turn + 2 * math.pi * i / n))
            for i in range(n)
        ]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


@dataclass(frozen=True)
class DrawnNode:
    key: str
    label: str
    agency: str
    sector: str
    sector_label: str
    colour: str
    shape: str
    points: str  # "" for a circle
    x: float
    y: float
    r: float
    labelled: bool
    degree: int
    betweenness: float
    cut_point: bool
    last_active: str | None


@dataclass(frozen=True)
class DrawnEdge:
    a: str
    b: str
    a_label: str
    b_label: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    weight: int
    sources: list[str]
    last: str
    trust: float | None


@dataclass(frozen=True)
class LegendItem:
    sector: str
    label: str
    colour: str
    shape: str
    shape_name: str
    points: str


@dataclass(frozen=True)
class CheckInRow:
    name: str
    respondents: int
    answers: int
    mean_trust: float | None
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuietItem:
    kind: Literal["agency", "sector"]
    name: str
    last_active: str


@dataclass(frozen=True)
class Comparison:
    then_id: int
    then_made_at: dt.datetime
    then: Summary
    now: Summary
    sectors: list[tuple[str, int | None, int]]  # label, connected then (None: not there), now
    ties_new: list[tuple[str, str]]
    ties_gone: list[tuple[str, str]]


@dataclass(frozen=True)
class SnapshotChoice:
    pk: int
    made_at: dt.datetime


@dataclass(frozen=True)
class MapPage:
    snapshot_id: int | None
    made_at: dt.datetime | None
    level_name: LevelName
    summary: Summary | None
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    edge_total: int
    legend: list[LegendItem]
    brokers: list[DrawnNode]
    sector_rows: list[tuple[str, int, list[str]]]
    checkin_agencies: list[CheckInRow]
    checkin_sectors: list[CheckInRow]
    quiet: list[QuietItem]
    comparison: Comparison | None
    choices: list[SnapshotChoice]
    settings: MapSettings
    width: int = WIDTH
    height: int = HEIGHT


def map_settings_for_site(*, site: PilotSite) -> MapSettings:
    """The site's map settings, or the defaults (unsaved) when the enabler has set none. One query."""
    return MapSettings.objects.filter(site=site).first() or MapSettings(site=site)


def level_for(*, membership: Membership, wanted: str | None) -> LevelName:
    """The level a person sees: enablers choose people or agencies; everyone else always sees `public`."""
    if not can_see_people_map(membership):
        return "public"
    return "agencies" if wanted == "agencies" else "people"


def _level(snapshot: Snapshot, name: LevelName) -> Level:
    return snapshot[name]


def _draw(level: Level, level_name: LevelName) -> tuple[list[DrawnNode], list[DrawnEdge], int]:
    brokers = {b["key"] for b in level["summary"]["brokers"]}
    many = len(level["nodes"]) > LABELS_UP_TO
    r = 6.0 if level_name == "people" and many else 11.0
    nodes: dict[str, DrawnNode] = {}
    for node in level["nodes"]:
        colour, shape = SECTOR_STYLE.get(node["sector"], SECTOR_STYLE[""])
        x, y = round(node["x"] * WIDTH, 1), round(node["y"] * HEIGHT, 1)
        nodes[node["key"]] = DrawnNode(
            key=node["key"],
            label=node["label"],
            agency=node["agency"],
            sector=node["sector"],
            sector_label=sector_label(node["sector"]),
            colour=colour,
            shape=shape,
            points="" if shape == "circle" else _polygon(shape, x, y, r),
            x=x,
            y=y,
            r=r,
            labelled=not many or node["key"] in brokers,
            degree=node["degree"],
            betweenness=node["betweenness"],
            cut_point=node["cut_point"],
            last_active=node["last_active"],
        )
    labels = tie_source_labels()
    strongest: list[Edge] = sorted(level["edges"], key=lambda e: (-e["weight"], e["a"], e["b"]))[:TIES_LISTED]
    edges = [
        DrawnEdge(
            a=e["a"],
            b=e["b"],
            a_label=nodes[e["a"]].label,
            b_label=nodes[e["b"]].label,
            x1=nodes[e["a"]].x,
            y1=nodes[e["a"]].y,
            x2=nodes[e["b"]].x,
            y2=nodes[e["b"]].y,
            width=round(min(6.0, 1.0 + math.log2(e["weight"])), 1),
            weight=e["weight"],
            sources=[str(labels.get(k, k)) + (f" ×{n}" if n > 1 else "") for k, n in e["sources"].items()],
            last=e["last"],
            trust=e["trust"],
        )
        for e in strongest
    ]
    ordered = sorted(nodes.values(), key=lambda n: (n.sector_label, n.label))
    return ordered, edges, len(level["edges"])


def _legend(nodes: list[DrawnNode]) -> list[LegendItem]:
    sectors = sorted({n.sector for n in nodes}, key=sector_label)
    items = []
    for sector in sectors:
        colour, shape = SECTOR_STYLE.get(sector, SECTOR_STYLE[""])
        items.append(
            LegendItem(
                sector,
                sector_label(sector),
                colour,
                shape,
                str(SHAPE_NAMES[shape]),
                "" if shape == "circle" else _polygon(shape, 10, 10, 8),
            )
        )
    return items


def _merge_small(rows: list[CheckInRow], min_size: int) -> list[CheckInRow]:
    """Groups smaller than `min_size` merged into "Other", which takes the smallest others until it is not
    small itself, as secret rounds do (outcomes/groups.py), so no group can be worked out by subtraction."""
    big = sorted((r for r in rows if r.respondents >= min_size), key=lambda r: (r.respondents, r.name))
    small = [r for r in rows if r.respondents < min_size]
    while small and sum(r.respondents for r in small) < min_size and big:
        small.append(big.pop(0))
    shown = sorted(big, key=lambda r: r.name)
    if small:
        shown.append(_merged(_("Other"), small))
    return shown


def _merged(name: str, parts: list[CheckInRow]) -> CheckInRow:
    respondents = sum(p.respondents for p in parts)
    answers = sum(p.answers for p in parts)
    trust_total = sum((p.mean_trust or 0) * p.answers for p in parts)
    return CheckInRow(
        name=name,
        respondents=respondents,
        answers=answers,
        mean_trust=round(trust_total / answers, 1) if answers else None,
        members=sorted(m for p in parts for m in (p.members or [p.name])),
    )


def checkin_groups(snapshot: Snapshot, *, min_size: int) -> tuple[list[CheckInRow], list[CheckInRow]]:
    """The check-in by agency and by sector, no group smaller than `min_size`; a sector is built only from
    agencies shown on their own (and "Other" stays "Other")."""
    rows = [
        CheckInRow(
            name=g["agency"] or _("No agency"),
            respondents=g["respondents"],
            answers=g["answers"],
            mean_trust=round(g["trust_total"] / g["answers"], 1) if g["answers"] else None,
        )
        for g in snapshot["checkin"]
    ]
    sector_of = {g["agency"] or _("No agency"): g["sector"] for g in snapshot["checkin"]}
    agencies = _merge_small(rows, min_size)
    by_sector: dict[str, list[CheckInRow]] = {}
    for row in agencies:
        label = sector_label(sector_of[row.name]) if not row.members else _("Other")
        by_sector.setdefault(label, []).append(row)
    sectors = _merge_small([_merged(label, parts) for label, parts in sorted(by_sector.items())], min_size)
    return agencies, sectors


def going_quiet(snapshot: Snapshot, *, quiet_days: int, today: dt.date) -> list[QuietItem]:
    """Agencies and sectors whose last meeting or check-in tie is older than `quiet_days` (every tie counts:
    this is for the enablers)."""
    cutoff = (today - dt.timedelta(days=quiet_days)).isoformat()
    level = snapshot["agencies"]
    items = [
        QuietItem("sector", sector_label(sector), last)
        for sector, last in sorted(level["summary"]["sector_last_active"].items())
        if last is not None and last < cutoff
    ]
    items += [
        QuietItem("agency", n["label"], n["last_active"])
        for n in sorted(level["nodes"], key=lambda n: n["label"])
        if n["last_active"] is not None and n["last_active"] < cutoff
    ]
    return items


def _compare(then_id: int, then_made_at: dt.datetime, then: Level, now: Level) -> Comparison:
    then_sectors = {s["sector"]: s["connected"] for s in then["summary"]["sectors"]}
    labels = {n["key"]: n["label"] for n in [*then["nodes"], *now["nodes"]]}
    then_pairs = {(e["a"], e["b"]) for e in then["edges"]}
    now_pairs = {(e["a"], e["b"]) for e in now["edges"]}

    def named(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted((labels[a], labels[b]) for a, b in pairs)[:TIES_LISTED]

    return Comparison(
        then_id=then_id,
        then_made_at=then_made_at,
        then=then["summary"],
        now=now["summary"],
        sectors=[
            (sector_label(s["sector"]), then_sectors.get(s["sector"]), s["connected"])
            for s in now["summary"]["sectors"]
        ],
        ties_new=named(now_pairs - then_pairs),
        ties_gone=named(then_pairs - now_pairs),
    )


def _choose_then(choices: list[SnapshotChoice], latest: SnapshotChoice, against: int | None) -> SnapshotChoice | None:
    earlier = [c for c in choices if c.pk != latest.pk and c.made_at <= latest.made_at]
    if against is not None:
        chosen = next((c for c in choices if c.pk == against), None)
        if chosen is None:
            raise Http404("No such snapshot of this site.")
        return chosen
    if not earlier:
        return None
    target = latest.made_at - QUARTER
    return min(earlier, key=lambda c: abs((c.made_at - target).total_seconds()))


def map_page(*, membership: Membership, wanted_level: str | None, against: int | None) -> MapPage:
    """Everything the map page shows, from stored snapshots: four queries whatever the size of the map."""
    site = membership.site
    settings = map_settings_for_site(site=site)
    choices = [
        SnapshotChoice(pk, made_at)
        for pk, made_at in MapSnapshot.objects.filter(site=site).values_list("pk", "made_at")[:SNAPSHOTS_LISTED]
    ]
    level_name = level_for(membership=membership, wanted=wanted_level)
    empty = MapPage(
        snapshot_id=None,
        made_at=None,
        level_name=level_name,
        summary=None,
        nodes=[],
        edges=[],
        edge_total=0,
        legend=[],
        brokers=[],
        sector_rows=[],
        checkin_agencies=[],
        checkin_sectors=[],
        quiet=[],
        comparison=None,
        choices=choices,
        settings=settings,
    )
    if not choices:
        return empty
    latest = choices[0]
    then = _choose_then(choices, latest, against)
    wanted_ids = [latest.pk] + ([then.pk] if then is not None else [])
    stored = {
        pk: snapshot_read(data) for pk, data in MapSnapshot.objects.filter(pk__in=wanted_ids).values_list("pk", "data")
    }
    snapshot = stored[latest.pk]
    level = _level(snapshot, level_name)
    nodes, edges, edge_total = _draw(level, level_name)
    by_key = {n.key: n for n in nodes}
    agencies, sectors = checkin_groups(snapshot, min_size=settings.min_group_size or MAP_MIN_GROUP_SIZE_DEFAULT)
    enabler = can_see_people_map(membership)
    return MapPage(
        snapshot_id=latest.pk,
        made_at=latest.made_at,
        level_name=level_name,
        summary=level["summary"],
        nodes=nodes,
        edges=edges,
        edge_total=edge_total,
        legend=_legend(nodes),
        brokers=[by_key[b["key"]] for b in level["summary"]["brokers"]],
        sector_rows=[
            (sector_label(s["sector"]), s["connected"], [sector_label(w) for w in s["with_sectors"]])
            for s in level["summary"]["sectors"]
        ],
        checkin_agencies=agencies,
        checkin_sectors=sectors,
        quiet=going_quiet(snapshot, quiet_days=settings.quiet_days, today=timezone.localdate()) if enabler else [],
        comparison=_compare(then.pk, then.made_at, _level(stored[then.pk], level_name), level)
        if then is not None
        else None,
        choices=choices,
        settings=settings,
    )


def map_snapshot_for_export(*, membership: Membership, wanted_level: str | None) -> tuple[Level, LevelName] | None:
    """The latest snapshot's level this person may take away (the same rule as the page). One query."""
    data = MapSnapshot.objects.filter(site_id=membership.site_id).values_list("data", flat=True).first()
    if data is None:
        return None
    level_name = level_for(membership=membership, wanted=wanted_level)
    return _level(snapshot_read(data), level_name), level_name


def map_going_quiet_for_digest(*, site_id: int) -> list[QuietItem]:
    """For the enablers' digest: the agencies and sectors going quiet in the latest snapshot. Two queries.

    The seam the digest content may call; it reads only stored snapshots and the site's settings.
    """
    data = MapSnapshot.objects.filter(site_id=site_id).values_list("data", flat=True).first()
    if data is None:
        return []
    settings = MapSettings.objects.filter(site_id=site_id).first()
    quiet_days = settings.quiet_days if settings is not None else MapSettings().quiet_days
    return going_quiet(snapshot_read(data), quiet_days=quiet_days, today=timezone.localdate())


def checkin_partners(*, membership: Membership) -> list[Membership]:
    """Everyone else current in the site, whom a leader may name in the check-in. One query."""
    return list(
        Membership.objects.filter(site_id=membership.site_id, archived_at__isnull=True)
        .exclude(pk=membership.pk)
        .select_related("user", "agency")
        .order_by("user__name", "pk")
    )


def checkin_answers(*, membership: Membership) -> list[RelationshipAnswer]:
    """The person's own check-in answers (nobody else's). One query."""
    return list(
        RelationshipAnswer.objects.filter(respondent=membership)
        .select_related("partner__user", "partner__agency")
        .order_by("partner__user__name", "pk")
    )
