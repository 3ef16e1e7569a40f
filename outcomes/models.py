from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from network.models import Agency, Alliance, Membership, PilotSite, User
from outcomes.tally import SCORE_MAX, SCORE_MIN

#: Dots each leader spreads in a dot-voting round: the default, and the least and most an enabler may choose.
DOT_BUDGET_DEFAULT, DOT_BUDGET_MIN, DOT_BUDGET_MAX = 10, 1, 100
#: "What really matters" needs support from this many sectors and energy from this many leaders, unless the
#: enabler chooses otherwise.
MIN_SECTORS_DEFAULT, MIN_ENERGY_DEFAULT = 2, 2
#: Under a secret ballot no group of voters smaller than a round's minimum is shown: by default this many,
#: and never fewer than the floor.
MIN_GROUP_SIZE_DEFAULT, MIN_GROUP_SIZE_FLOOR = 3, 2


#: Outcomes still candidates for the next round: not adopted, withdrawn or merged (as `CandidateOutcome.is_active`).
STILL_CANDIDATE = models.Q(alliance__isnull=True, withdrawn_at__isnull=True, merged_into__isnull=True)


class CandidateOutcome(models.Model):
    """An outcome a leader thinks might be the one that really matters.

    Outcomes live across rounds: one not yet adopted, withdrawn or merged is a
    candidate in every round the site opens, so the work can emerge over time.
    """

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="candidate_outcomes")
    statement = models.CharField(max_length=200, help_text=_("A short statement of the outcome."))
    why_it_matters = models.TextField(help_text=_("Why this matters to you and to the people you serve."))
    proposed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="proposals")
    # Proposers of duplicates merged into this outcome, so everyone stays credited.
    co_proposers = models.ManyToManyField(Membership, blank=True, related_name="co_proposals")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="outcomes_touching")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    alliance = models.OneToOneField(Alliance, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcome")
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.statement

    @property
    def is_active(self) -> bool:
        """Still a candidate for the next round (see `STILL_CANDIDATE`)."""
        return self.withdrawn_at is None and self.merged_into_id is None and self.alliance_id is None


class Method(models.TextChoices):
    SCHULZE = "schulze", _("Ranked: Schulze (compare every pair)")
    INSTANT_RUNOFF = "irv", _("Ranked: instant runoff (eliminate the least popular)")
    SCORE = "score", format_lazy(_("Score each outcome from {least} to {most}"), least=SCORE_MIN, most=SCORE_MAX)
    DOTS = "dots", _("Dot voting (spread a budget of dots)")
    APPROVAL = "approval", _("Approval (tick every outcome you support)")


RANKED_METHODS = frozenset({Method.SCHULZE, Method.INSTANT_RUNOFF})


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: everyone sees who voted how")
    HIDDEN = "hidden", _("Hidden until close: ballots are shown by name once the round closes")
    SECRET = "secret", _("Secret: enablers see who voted, never how")


class Energy(models.IntegerChoices):
    NONE = 0, pgettext_lazy("energy", "None")
    SOME = 1, pgettext_lazy("energy", "Some")
    A_LOT = 2, pgettext_lazy("energy", "A lot")


class VotingRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("round status", "Draft")
        OPEN = "open", pgettext_lazy("round status", "Open")
        CLOSED = "closed", pgettext_lazy("round status", "Closed")

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="voting_rounds")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.SCHULZE)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.HIDDEN)
    dot_budget = models.PositiveSmallIntegerField(default=DOT_BUDGET_DEFAULT)
    # "What really matters" is named only with support from this many sectors
    # and this many leaders committing some energy to it.
    min_sectors = models.PositiveSmallIntegerField(default=MIN_SECTORS_DEFAULT)
    min_energy = models.PositiveSmallIntegerField(default=MIN_ENERGY_DEFAULT)
    # Under a secret ballot, groups of fewer leaders are merged into "other".
    min_group_size = models.PositiveSmallIntegerField(default=MIN_GROUP_SIZE_DEFAULT)
    candidates = models.ManyToManyField(CandidateOutcome, related_name="rounds")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Filled once, when the round closes: the Schulze ranking as a list of
    # tiers of outcome ids (a tier with more than one id is a tie), and the
    # pairwise preference counts, so the result page never re-tallies.
    ranking = models.JSONField(default=list, blank=True)
    pairwise = models.JSONField(default=dict, blank=True)
    winner = models.ForeignKey(
        CandidateOutcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="rounds_won"
    )
    # Everything else the result and system view pages show, worked out once
    # at close from the ballots (see outcomes/analysis.py): totals, rounds of
    # instant runoff, energy, and support by agency and sector.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site"], condition=models.Q(status="open"), name="one_open_round_per_site"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_ranked(self) -> bool:
        return self.method in RANKED_METHODS

    @property
    def is_secret(self) -> bool:
        return self.visibility == Visibility.SECRET

    @property
    def shows_names(self) -> bool:
        """Whether anyone may see how a named leader voted, now."""
        if self.visibility == Visibility.OPEN:
            return True
        return self.visibility == Visibility.HIDDEN and self.is_closed


class Ballot(models.Model):
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="ballots")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="one_ballot_per_leader_per_round")]

    def __str__(self) -> str:
        return f"Ballot {self.pk} in round {self.round_id}"


class BallotRank(models.Model):
    """One outcome on one ballot: its rank, or its points, and the energy the leader would commit.

    Every ballot has one row for every outcome in its round. In a ranked round
    `rank` is the outcome's place, 1 being the first choice; an outcome left
    unranked has no rank and counts below every ranked one. Equal ranks are
    allowed and mean "I cannot choose between these". In other rounds `points`
    holds the score, the dots, or 1 for an approval (none when not given).
    """

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="ranks")
    outcome = models.ForeignKey(CandidateOutcome, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    energy = models.PositiveSmallIntegerField(choices=Energy.choices, default=Energy.NONE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "outcome"], name="ballot_rank_unique")]

    def __str__(self) -> str:
        # Never the rank, points, energy or outcome: the admin lists entries by this, under their voter's name,
        # when it asks whether to delete a person.
        return f"Entry {self.pk} on ballot {self.ballot_id}"


class SealedBallot(models.Model):
    """How one leader voted in a closed secret round, kept for the count and recounts, with nothing to say who.

    Made when a secret round closes, from its ballots in a random order, so that neither ids nor the order of
    rows follow who voted or when. It has no timestamp and no key to a person; the round's `Ballot` rows stay,
    without their entries, to say who voted. `agency_group` and `sector_group` are the voter's agency and
    sector as the round's stored analysis shows them, so never a group smaller than its minimum ("Other").
    """

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="sealed_ballots")
    agency_group = models.CharField(max_length=200)
    sector_group = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Sealed ballot {self.pk} in round {self.round_id}"


class SealedEntry(models.Model):
    """One outcome on a sealed ballot: as `BallotRank`, but on a ballot that names no one."""

    ballot = models.ForeignKey(SealedBallot, on_delete=models.CASCADE, related_name="entries")
    outcome = models.ForeignKey(CandidateOutcome, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    energy = models.PositiveSmallIntegerField(choices=Energy.choices, default=Energy.NONE)

    class Meta:
        verbose_name_plural = "sealed entries"
        constraints = [models.UniqueConstraint(fields=["ballot", "outcome"], name="sealed_entry_unique")]

    def __str__(self) -> str:
        return f"Sealed entry {self.pk}"


#: An adopted outcome's measure has one to this many indicators.
INDICATORS_MAX = 3


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Indicator(models.Model):
    """One of an adopted outcome's measures: how the alliance will know the curve is turning."""

    outcome = models.ForeignKey(CandidateOutcome, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, help_text=_("For example: people, %, per 1,000 residents."))
    source = models.CharField(max_length=300, help_text=_("Where the figures come from."))
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline_value = models.DecimalField(max_digits=16, decimal_places=4)
    baseline_on = models.DateField()
    target_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class IndicatorUpdate(models.Model):
    """One value of an indicator on a date, with the story behind it: what changed, and why."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="updates")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="indicator_update_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} on {self.measured_on}: {self.value}"


class IndicatorUpload(models.Model):
    """A previewed upload of updates, kept until the enabler who made it confirms it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} for {self.indicator_id}"
