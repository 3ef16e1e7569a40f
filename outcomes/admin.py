from __future__ import annotations

from django.contrib import admin

from outcomes.models import Ballot, CandidateOutcome, Indicator, IndicatorUpdate, VotingRound


@admin.register(CandidateOutcome)
class CandidateOutcomeAdmin(admin.ModelAdmin[CandidateOutcome]):
    list_display = ["statement", "site", "created_at"]
    list_filter = ["site"]
    search_fields = ["statement", "why_it_matters"]


@admin.register(VotingRound)
class VotingRoundAdmin(admin.ModelAdmin[VotingRound]):
    list_display = ["title", "site", "status", "opened_at", "closed_at", "winner"]
    list_filter = ["status", "site"]
    filter_horizontal = ["candidates"]
    # What closing stored (outcomes/result_schema.py): a closed round never changes. A secret round's stored
    # groups are merged to its minimum size before they are stored, so showing them reveals no one.
    readonly_fields = ["ranking", "pairwise", "winner", "result"]


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin[Ballot]):
    # Who voted is visible to staff; what they chose is never shown here. Ballot entries, and a secret round's
    # sealed ballots, have no admin pages, and an entry's name says nothing of what it holds.
    list_display = ["round", "voter", "updated_at"]
    list_filter = ["round__site"]
    readonly_fields = ["round", "voter", "updated_at"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["name", "outcome", "unit", "direction", "baseline_value", "target_value"]
    raw_id_fields = ["outcome", "created_by"]
    list_select_related = ["outcome"]


@admin.register(IndicatorUpdate)
class IndicatorUpdateAdmin(admin.ModelAdmin[IndicatorUpdate]):
    list_display = ["indicator", "measured_on", "value", "note"]
    raw_id_fields = ["indicator", "created_by"]
    list_select_related = ["indicator"]
    date_hierarchy = "measured_on"
