from __future__ import annotations

from django.db import models

from network.models import Alliance, Membership, PilotSite


class CandidateOutcome(models.Model):
    """An outcome a leader thinks might be the one that really matters."""

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="candidate_outcomes")
    statement = models.CharField(max_length=200, help_text="A short statement of the outcome.")
    why_it_matters = models.TextField(help_text="Why this matters to you and to the people you serve.")
    proposed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="proposals")
    created_at = models.DateTimeField(auto_now_add=True)
    alliance = models.OneToOneField(Alliance, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcome")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.statement


class VotingRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="voting_rounds")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    candidates = models.ManyToManyField(CandidateOutcome, related_name="rounds")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Filled once, when the round closes: the Schulze ranking as a list of
    # tiers of outcome ids (a tier with more than one id is a tie), and the
    # pairwise preference counts, so the result page never re-tallies.
    ranking = models.JSONField(default=list, blank=True)
    pairwise = models.JSONField(default=dict, blank=True)
    winner = models.ForeignKey(
        CandidateOutcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="rounds_won"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site"], condition=models.Q(status="open"), name="one_open_round_per_site"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Ballot(models.Model):
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="ballots")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="one_ballot_per_leader_per_round")]

    def __str__(self) -> str:
        return f"Ballot {self.pk} in round {self.round_id}"


class BallotRank(models.Model):
    """One outcome's place on one ballot: 1 is the leader's first choice.

    Outcomes a leader leaves unranked have no row and count below every
    ranked one. Equal ranks are allowed and mean "I cannot choose between these".
    """

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="ranks")
    outcome = models.ForeignKey(CandidateOutcome, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "outcome"], name="ballot_rank_unique")]

    def __str__(self) -> str:
        return f"{self.rank}: outcome {self.outcome_id}"
