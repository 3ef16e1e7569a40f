"""Every write of the living map: snapshots (made by a task, asked for by the enabler or the monthly beat),
the relationship check-in (saved, edited, withdrawn by the leader who gave it) and the map's settings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from network import dispatch
from network.errors import DomainError
from network.map_analysis import map_analyse
from network.map_drawing import svg_markup
from network.map_schema import EDGES_DRAWN, VERSION, CheckInGroup, Drawing, Level, Snapshot
from network.models import (
    MAP_MIN_GROUP_SIZE_FLOOR,
    TRUST_MAX,
    TRUST_MIN,
    Frequency,
    MapSettings,
    MapSnapshot,
    MapSnapshotLevel,
    Membership,
    PilotSite,
    RelationshipAnswer,
)
from network.roles import can_check_in, can_manage_map
from network.selectors.map_ties import map_people, tie_sources, ties_for_site

QUIET_DAYS_MIN, QUIET_DAYS_MAX = 7, 730


def _checkin_groups(*, site_id: int) -> list[CheckInGroup]:
    """The check-in counted per respondent's agency: never a person, and merged further before anyone but an
    enabler sees it (selectors/map.py). One query."""
    rows = (
        RelationshipAnswer.objects.filter(respondent__site_id=site_id)
        .values("respondent__agency__name", "respondent__agency__sector")
        .annotate(respondents=Count("respondent", distinct=True), answers=Count("pk"), trust_total=Sum("trust"))
        .order_by("respondent__agency__name")
    )
    return [
        CheckInGroup(
            agency=row["respondent__agency__name"] or "",
            sector=row["respondent__agency__sector"] or "",
            respondents=row["respondents"],
            answers=row["answers"],
            trust_total=row["trust_total"] or 0,
        )
        for row in rows
    ]


def _stored_level(snapshot: MapSnapshot, name: str, level: Level) -> MapSnapshotLevel:
    nodes = sorted(level["nodes"], key=lambda n: (n["sector"], n["label"], n["key"]))
    strongest = sorted(level["edges"], key=lambda e: (-e["weight"], e["a"], e["b"]))[:EDGES_DRAWN]
    brokers = {b["key"] for b in level["summary"]["brokers"]}
    return MapSnapshotLevel(
        snapshot=snapshot,
        level=name,
        drawing=Drawing(nodes=nodes, edges=strongest, edge_total=len(level["edges"])),
        svg=svg_markup(nodes, strongest, brokers, people=name == "people"),
        edges=level["edges"],
    )


def _agency_pairs(level: Level) -> list[list[str]]:
    label = {n["key"]: n["label"] for n in level["nodes"]}
    return sorted([label[e["a"]], label[e["b"]]] for e in level["edges"])


@transaction.atomic
def map_snapshot_make(*, site: PilotSite, now: dt.datetime | None = None) -> MapSnapshot:
    """Read every tie of the site, analyse the graph and store it, each level apart: the only place the graph
    is computed, and the map drawn."""
    now = now or timezone.now()
    people, agencies = map_people(site_id=site.pk)
    # Only what had happened by `now`, so a snapshot dated in the past (the demo's) shows the site as it was.
    ties = [tie for tie in ties_for_site(site_id=site.pk, now=now) if tie.when <= now]
    levels = map_analyse(people=people, agencies=agencies, ties=ties)
    by_name = {"people": levels.people, "agencies": levels.agencies, "public": levels.public}
    data = Snapshot(
        version=VERSION,
        made_at=now.isoformat(),
        sources=[source.key for source in tie_sources()],
        summaries={name: level["summary"] for name, level in by_name.items()},
        agency_pairs={name: _agency_pairs(by_name[name]) for name in ("agencies", "public")},
        agency_last_active={n["label"]: n["last_active"] for n in levels.agencies["nodes"]},
        checkin=_checkin_groups(site_id=site.pk),
    )
    snapshot = MapSnapshot.objects.create(site=site, made_at=now, data=data)
    MapSnapshotLevel.objects.bulk_create([_stored_level(snapshot, name, level) for name, level in by_name.items()])
    return snapshot


def map_snapshot_make_if_needed(*, site: PilotSite, requested_at: dt.datetime) -> MapSnapshot | None:
    """Make a snapshot unless one was made at or after `requested_at`: a task that runs twice makes one."""
    with transaction.atomic():
        # The site's row lock keeps two workers running the same request from both making one.
        PilotSite.objects.select_for_update().filter(pk=site.pk).first()
        if MapSnapshot.objects.filter(site=site, made_at__gte=requested_at).exists():
            return None
        return map_snapshot_make(site=site)


def map_snapshot_request(*, site: PilotSite, by: Membership) -> dt.datetime:
    """Queue a new snapshot of the site (the enabler's "make a new snapshot now"); returns the request's time."""
    if not can_manage_map(by) or by.site_id != site.pk:
        raise DomainError(_("Only the site's enablers can make a new map."))
    requested_at = timezone.now()
    dispatch.map_snapshot_make.after_commit(site.pk, requested_at.isoformat())
    return requested_at


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    """The start of this calendar month, UK time."""
    return timezone.localtime(now or timezone.now()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def map_snapshots_due(*, now: dt.datetime | None = None) -> list[int]:
    """The sites with no snapshot yet this calendar month (UK time): what the monthly beat makes."""
    made = MapSnapshot.objects.filter(made_at__gte=month_start(now)).values("site_id")
    return list(PilotSite.objects.exclude(pk__in=made).order_by("pk").values_list("pk", flat=True))


def _check_answer(*, respondent: Membership, partner: Membership, frequency: str, trust: int) -> None:
    if not can_check_in(respondent):
        raise DomainError(_("Only the site's leaders answer the relationship check-in."))
    if partner.site_id != respondent.site_id or partner.archived_at is not None:
        raise DomainError(_("Choose someone in this site."), field="partner")
    if partner.pk == respondent.pk:
        raise DomainError(_("Choose someone other than yourself."), field="partner")
    if frequency not in Frequency.values:
        raise DomainError(_("Choose how often you work together."), field="frequency")
    if not TRUST_MIN <= trust <= TRUST_MAX:
        raise DomainError(
            _("Trust must be a whole number from %(low)s to %(high)s.") % {"low": TRUST_MIN, "high": TRUST_MAX},
            field="trust",
        )


def checkin_answer_save(
    *, respondent: Membership, partner: Membership, frequency: str, trust: int
) -> RelationshipAnswer:
    """Add or change the respondent's answer about one person (one answer per person: a second replaces it)."""
    _check_answer(respondent=respondent, partner=partner, frequency=frequency, trust=trust)
    answer, _created = RelationshipAnswer.objects.update_or_create(
        respondent=respondent, partner=partner, defaults={"frequency": frequency, "trust": trust}
    )
    return answer


def checkin_answer_withdraw(*, respondent: Membership, answer_id: int) -> None:
    """Withdraw one of the respondent's own answers; anyone else's is not found."""
    deleted, _by_model = RelationshipAnswer.objects.filter(respondent=respondent, pk=answer_id).delete()
    if not deleted:
        raise DomainError(_("That answer is not yours, or has already been withdrawn."))


def checkin_withdraw_all(*, respondent: Membership) -> int:
    """Withdraw every answer the respondent gave; returns how many. The next snapshot no longer holds them."""
    deleted, _by_model = RelationshipAnswer.objects.filter(respondent=respondent).delete()
    return deleted


def map_settings_update(*, site: PilotSite, by: Membership, quiet_days: int, min_group_size: int) -> MapSettings:
    if not can_manage_map(by) or by.site_id != site.pk:
        raise DomainError(_("Only the site's enablers can change the map's settings."))
    if not QUIET_DAYS_MIN <= quiet_days <= QUIET_DAYS_MAX:
        raise DomainError(
            _("Going quiet must be between %(low)s and %(high)s days.")
            % {"low": QUIET_DAYS_MIN, "high": QUIET_DAYS_MAX},
            field="quiet_days",
        )
    if min_group_size < MAP_MIN_GROUP_SIZE_FLOOR:
        raise DomainError(
            _("The smallest group shown must be at least %(floor)s.") % {"floor": MAP_MIN_GROUP_SIZE_FLOOR},
            field="min_group_size",
        )
    settings, _created = MapSettings.objects.update_or_create(
        site=site, defaults={"quiet_days": quiet_days, "min_group_size": min_group_size}
    )
    return settings
