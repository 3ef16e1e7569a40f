from __future__ import annotations

from django.contrib import admin

from outcomes.models import Ballot, CandidateOutcome, VotingRound


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


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin[Ballot]):
    # Who voted is visible to staff; what they chose is not shown here.
    list_display = ["round", "voter", "updated_at"]
    list_filter = ["round__site"]
    raw_id_fields = ["round", "voter"]
