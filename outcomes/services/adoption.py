"""Adoption: an outcome becomes an alliance's purpose, and leaders commit to it with a pledge."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Alliance, AllianceMember, Membership
from network.services import alliance_for_outcome, alliance_join
from outcomes.access import MANAGERS, VOTERS, check_role
from outcomes.models import CandidateOutcome, VotingRound
from outcomes.selectors.ballots import adoption_invitees
from outcomes.services.mail import mail_send


def _ensure_alliance(outcome: CandidateOutcome) -> Alliance:
    """The outcome's alliance, formed now if it has none yet."""
    if outcome.alliance is None:
        outcome.alliance = alliance_for_outcome(site=outcome.site, purpose=outcome.statement)
        outcome.save(update_fields=["alliance"])
    return outcome.alliance


@transaction.atomic
def outcome_adopt(*, voting_round: VotingRound, outcome_id: int, membership: Membership) -> CandidateOutcome:
    """An enabler adopts an outcome of a closed round and invites leaders to its alliance (see `adoption_invitees`)."""
    check_role(membership, MANAGERS, _("Your role in this site does not allow you to adopt an outcome."))
    fresh = VotingRound.objects.filter(pk=voting_round.pk, site=membership.site).first()
    if fresh is None or not fresh.is_closed:
        raise DomainError(_("Outcomes are adopted from a closed round."))
    outcome = (
        CandidateOutcome.objects.select_for_update(of=("self",))
        .select_related("site")
        .filter(pk=outcome_id, rounds=voting_round)
        .first()
    )
    if outcome is None:
        raise DomainError(_("That outcome is not in this round."))
    if outcome.adopted_at is not None:
        raise DomainError(_("That outcome has already been adopted."))
    _ensure_alliance(outcome)
    outcome.adopted_at = timezone.now()
    outcome.save(update_fields=["adopted_at"])
    # One email per invited leader, to that leader alone, queued through the email ledger with this commit.
    mail_send(
        site=outcome.site,
        name="adoption_invitation",
        context=_adoption_context(voting_round, outcome),
        recipients=list(adoption_invitees(voting_round=voting_round, outcome=outcome)),
    )
    return outcome


def _adoption_context(voting_round: VotingRound, outcome: CandidateOutcome) -> dict[str, object]:
    url = settings.SITE_URL + reverse("outcomes:round-detail", args=[voting_round.site.slug, voting_round.pk])
    return {"round": voting_round, "outcome": outcome, "url": url}


def adoption_invitation_send(*, voting_round: VotingRound, outcome: CandidateOutcome, membership: Membership) -> None:
    """Invite one leader, alone, to join the alliance of an outcome adopted from the round (for tasks queued
    before invitations went through the email ledger)."""
    context = _adoption_context(voting_round, outcome)
    mail_send(site=voting_round.site, name="adoption_invitation", context=context, recipients=[membership])


@transaction.atomic
def outcome_commit(
    *, voting_round: VotingRound, membership: Membership, pledge: str = "", outcome_id: int | None = None
) -> AllianceMember:
    """Commit a leader to the round's winner, or to an outcome of the round an enabler adopted.

    The outcome's alliance is formed on the first commitment; committing again updates the pledge.
    """
    check_role(membership, VOTERS, _("Your role in this site does not allow you to commit to an outcome."))
    voting_round = VotingRound.objects.get(pk=voting_round.pk)  # its state as it is now, not as the caller saw it
    if not voting_round.is_closed:
        raise DomainError(_("There is no chosen outcome to commit to in this round."))
    if outcome_id is None or outcome_id == voting_round.winner_id:
        if voting_round.winner_id is None:
            raise DomainError(_("There is no chosen outcome to commit to in this round."))
        outcome = CandidateOutcome.objects.select_for_update().select_related("site").get(pk=voting_round.winner_id)
    else:
        found = (
            CandidateOutcome.objects.select_for_update(of=("self",))
            .select_related("site")
            .filter(pk=outcome_id, rounds=voting_round, adopted_at__isnull=False)
            .first()
        )
        if found is None:
            raise DomainError(_("That outcome has not been adopted."))
        outcome = found
    return alliance_join(alliance=_ensure_alliance(outcome), membership=membership, pledge=pledge)
