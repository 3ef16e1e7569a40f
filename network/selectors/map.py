"""Every read of the living map: the page's view of a stored snapshot (never computing the graph), its
comparison with an earlier one, the check-in merged into groups no smaller than the site's minimum, and who
is going quiet (also the seam the digest content calls: `map_going_quiet_for_digest`).

What a person sees depends on `roles.can_see_people_map`: enablers get the person-level map and every
tie; everyone else the agency map drawn from the site's records alone, and the check-in only as groups.
A page reads the snapshot's small summary and the one level it shows (`MapSnapshotLevel`), whose SVG was
drawn when the snapshot was made; its tables are paged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from network.map_drawing import HEIGHT, SHAPE_NAMES, WIDTH, polygon, sector_label, style
from network.map_schema import Drawing, Edge, Node, Snapshot, Summary, drawing_read, snapshot_read
from network.models import (
    MAP_MIN_GROUP_SIZE_DEFAULT,
    MapSettings,
    MapSnapshot,
    MapSnapshotLevel,
    Membership,
    PilotSite,
    RelationshipAnswer,
)
from network.roles import can_see_people_map
from network.selectors.map_ties import tie_source_labels

S = TypeVar("S")
T = TypeVar("T")
LevelName = Literal["people", "agencies", "public"]
#: Rows per page of the map's tables.
ROWS_PER_PAGE = 50
#: About a quarter: what "since last quarter" compares with by default.
QUARTER = dt.timedelta(days=91)
SNAPSHOTS_LISTED = 60
#: Ties listed as new or gone in a comparison, at most.
CHANGES_LISTED = 200


@dataclass(frozen=True)
class NodeRow:
    label: str
    agency: str
    sector_label: str
    degree: int
    betweenness: str  # to three places, formatted here rather than by a template filter per row
    cut_point: bool
    last_active: dt.date | None


@dataclass(frozen=True)
class EdgeRow:
    a_label: str
    b_label: str
    weight: int
    sources: list[str]
    last: dt.date
    trust: float | None


@dataclass(frozen=True)
class Rows(Generic[T]):
    """One page of a table's rows, with what the pagination links need."""

    rows: list[T]
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _rows(items: list[S], wanted: str | None, make: Callable[[S], T]) -> Rows[T]:
    """The wanted page of `items` (the last for too big a number, the first for nonsense), each made a row."""
    page = Paginator(items, ROWS_PER_PAGE).get_page(int(wanted) if wanted and wanted.isdigit() else 1)
    return Rows(rows=[make(item) for item in page.object_list], number=page.number, num_pages=page.paginator.num_pages)


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
    last_active: dt.date


@dataclass(frozen=True)
class Comparison:
    then_id: int
    then_made_at: dt.datetime
    then: Summary
    now: Summary
    sectors: list[tuple[str, int | None, int]]  # label, connected then (None: not there), now
    isolated_then: list[str]  # sector labels
    isolated_now: list[str]
    ties_new: list[tuple[str, str]]  # between agencies, at most CHANGES_LISTED
    ties_gone: list[tuple[str, str]]
    ties_new_count: int
    ties_gone_count: int


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
    svg: SafeString
    node_rows: Rows[NodeRow] | None
    edge_rows: Rows[EdgeRow] | None
    edge_total: int
    edges_drawn: int
    legend: list[LegendItem]
    brokers: list[NodeRow]
    sector_rows: list[tuple[str, int, list[str]]]
    isolated_sectors: list[str]  # their labels
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


def _node_row(node: Node) -> NodeRow:
    return NodeRow(
        label=node["label"],
        agency=node["agency"],
        sector_label=sector_label(node["sector"]),
        degree=node["degree"],
        betweenness=f"{node['betweenness']:.3f}",
        cut_point=node["cut_point"],
        last_active=dt.date.fromisoformat(node["last_active"]) if node["last_active"] else None,
    )


def _edge_row(edge: Edge, labels: dict[str, str], source_labels: dict[str, str]) -> EdgeRow:
    return EdgeRow(
        a_label=labels[edge["a"]],
        b_label=labels[edge["b"]],
        weight=edge["weight"],
        sources=[source_labels.get(k, k) + (f" ×{n}" if n > 1 else "") for k, n in edge["sources"].items()],
        last=dt.date.fromisoformat(edge["last"]),
        trust=edge["trust"],
    )


def _legend(nodes: list[Node]) -> list[LegendItem]:
    items = []
    for sector in sorted({n["sector"] for n in nodes}, key=sector_label):
        colour, shape = style(sector)
        points = "" if shape == "circle" else polygon(shape, 10, 10, 8)
        items.append(LegendItem(sector, sector_label(sector), colour, shape, str(SHAPE_NAMES[shape]), points))
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
    agencies shown on their own (and "Other" stays "Other"). Nothing at all while fewer than `min_size` people
    have answered: "Other" would then be a group too small to show."""
    if sum(g["respondents"] for g in snapshot["checkin"]) < min_size:
        return [], []
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
    items = [
        QuietItem("sector", sector_label(sector), dt.date.fromisoformat(last))
        for sector, last in sorted(snapshot["summaries"]["agencies"]["sector_last_active"].items())
        if last is not None and last < cutoff
    ]
    items += [
        QuietItem("agency", label, dt.date.fromisoformat(last))
        for label, last in sorted(snapshot["agency_last_active"].items())
        if last is not None and last < cutoff
    ]
    return items


def _compare(then_id: int, then_made_at: dt.datetime, then: Snapshot, now: Snapshot, level: LevelName) -> Comparison:
    then_summary, now_summary = then["summaries"][level], now["summaries"][level]
    then_sectors = {s["sector"]: s["connected"] for s in then_summary["sectors"]}
    # Ties are compared between agencies: everyone's own level, and the enablers' every tie.
    pairs = "public" if level == "public" else "agencies"
    then_pairs = {(a, b) for a, b in then["agency_pairs"][pairs]}
    now_pairs = {(a, b) for a, b in now["agency_pairs"][pairs]}
    return Comparison(
        then_id=then_id,
        then_made_at=then_made_at,
        then=then_summary,
        now=now_summary,
        sectors=[
            (sector_label(s["sector"]), then_sectors.get(s["sector"]), s["connected"]) for s in now_summary["sectors"]
        ],
        isolated_then=[sector_label(s) for s in then_summary["isolated_sectors"]],
        isolated_now=[sector_label(s) for s in now_summary["isolated_sectors"]],
        ties_new=sorted(now_pairs - then_pairs)[:CHANGES_LISTED],
        ties_gone=sorted(then_pairs - now_pairs)[:CHANGES_LISTED],
        ties_new_count=len(now_pairs - then_pairs),
        ties_gone_count=len(then_pairs - now_pairs),
    )


def _choose_then(choices: list[SnapshotChoice], latest: SnapshotChoice, against: int | None) -> SnapshotChoice | None:
    if against is not None:
        chosen = next((c for c in choices if c.pk == against), None)
        if chosen is None:
            raise Http404(_("No such snapshot of this site."))
        return chosen
    earlier = [c for c in choices if c.pk != latest.pk and c.made_at <= latest.made_at]
    if not earlier:
        return None
    target = latest.made_at - QUARTER
    return min(earlier, key=lambda c: abs((c.made_at - target).total_seconds()))


def map_page(
    *,
    membership: Membership,
    wanted_level: str | None,
    against: int | None,
    nodes_page: str | None = None,
    ties_page: str | None = None,
) -> MapPage:
    """Everything the map page shows, from stored snapshots: four queries whatever the size of the map."""
    site = membership.site
    settings = map_settings_for_site(site=site)
    choices = [
        SnapshotChoice(pk, made_at)
        for pk, made_at in MapSnapshot.objects.filter(site=site).values_list("pk", "made_at")[:SNAPSHOTS_LISTED]
    ]
    level_name = level_for(membership=membership, wanted=wanted_level)
    if not choices:
        return MapPage(
            snapshot_id=None,
            made_at=None,
            level_name=level_name,
            summary=None,
            svg=mark_safe(""),
            node_rows=None,
            edge_rows=None,
            isolated_sectors=[],
            edge_total=0,
            edges_drawn=0,
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
    latest = choices[0]
    then = _choose_then(choices, latest, against)
    stored = {
        pk: snapshot_read(data)
        for pk, data in MapSnapshot.objects.filter(
            pk__in=[latest.pk] + ([then.pk] if then is not None else [])
        ).values_list("pk", "data")
    }
    snapshot = stored[latest.pk]
    drawing_data, svg = (
        MapSnapshotLevel.objects.filter(snapshot_id=latest.pk, level=level_name).values_list("drawing", "svg").get()
    )
    drawing: Drawing = drawing_read(drawing_data)
    summary = snapshot["summaries"][level_name]
    labels = {n["key"]: n["label"] for n in drawing["nodes"]}
    by_key = {n["key"]: n for n in drawing["nodes"]}
    source_labels = {k: str(v) for k, v in tie_source_labels().items()}
    # Only the rows on the page become rows: the rest of a 2,000-person map stays as it was read.
    node_rows = _rows(drawing["nodes"], nodes_page, _node_row)
    edge_rows = _rows(drawing["edges"], ties_page, lambda e: _edge_row(e, labels, source_labels))
    agencies, sectors = checkin_groups(snapshot, min_size=settings.min_group_size or MAP_MIN_GROUP_SIZE_DEFAULT)
    enabler = can_see_people_map(membership)
    return MapPage(
        snapshot_id=latest.pk,
        made_at=latest.made_at,
        level_name=level_name,
        summary=summary,
        # Drawn by network/map_drawing.py when the snapshot was made, every label escaped there.
        svg=mark_safe(svg),  # noqa: S308
        node_rows=node_rows,
        edge_rows=edge_rows,
        edge_total=drawing["edge_total"],
        edges_drawn=len(drawing["edges"]),
        legend=_legend(drawing["nodes"]),
        brokers=[_node_row(by_key[b["key"]]) for b in summary["brokers"]],
        sector_rows=[
            (sector_label(s["sector"]), s["connected"], [sector_label(w) for w in s["with_sectors"]])
            for s in summary["sectors"]
        ],
        isolated_sectors=[sector_label(s) for s in summary["isolated_sectors"]],
        checkin_agencies=agencies,
        checkin_sectors=sectors,
        quiet=going_quiet(snapshot, quiet_days=settings.quiet_days, today=timezone.localdate()) if enabler else [],
        comparison=_compare(then.pk, then.made_at, stored[then.pk], snapshot, level_name) if then is not None else None,
        choices=choices,
        settings=settings,
    )


def map_level_for_export(
    *, membership: Membership, wanted_level: str | None
) -> tuple[list[Node], list[Edge], LevelName] | None:
    """The latest snapshot's level this person may take away (the same rule as the page), with every tie.
    One query."""
    level_name = level_for(membership=membership, wanted=wanted_level)
    row = (
        MapSnapshotLevel.objects.filter(snapshot__site_id=membership.site_id, level=level_name)
        .order_by("-snapshot__made_at", "-snapshot_id")
        .values_list("drawing", "edges")
        .first()
    )
    if row is None:
        return None
    drawing, edges = row
    return drawing_read(drawing)["nodes"], edges, level_name


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


def map_checkin_last_answered(*, site_id: int, respondent_id: int | None = None) -> dict[int, dt.datetime]:
    """For the digest: when each of the site's people (or the one of `respondent_id`) last answered or changed
    the relationship check-in, by membership id (nobody who never answered, or withdrew every answer). One query."""
    answers = RelationshipAnswer.objects.filter(respondent__site_id=site_id)
    if respondent_id is not None:
        answers = answers.filter(respondent_id=respondent_id)
    return dict(answers.values("respondent_id").annotate(last=Max("updated_at")).values_list("respondent_id", "last"))


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
