"""Seal the ballots of secret rounds closed before sealing existed (issue 10, item 5).

Closing a secret round now keeps its choices on sealed ballots that name no one,
in a random order, and drops the entries tied to voters. Rounds closed before
still have those entries; this does the same for them. It runs after 0004, so
their stored groups are already merged, and each sealed ballot takes the groups
the stored analysis shows for its voter's agency.
"""

import random

from django.db import migrations

NO_AGENCY = "No agency"
OTHER = "Other"


def _group_of(name, shown):
    for group in shown:
        if name in group["members"] or (group["name"] == name and not group["members"]):
            return group["name"]
    return OTHER


def seal(apps, schema_editor):
    VotingRound = apps.get_model("outcomes", "VotingRound")
    Ballot = apps.get_model("outcomes", "Ballot")
    BallotRank = apps.get_model("outcomes", "BallotRank")
    SealedBallot = apps.get_model("outcomes", "SealedBallot")
    SealedEntry = apps.get_model("outcomes", "SealedEntry")
    shuffle = random.SystemRandom().shuffle
    for voting_round in VotingRound.objects.filter(status="closed", visibility="secret").exclude(result={}):
        if not BallotRank.objects.filter(ballot__round=voting_round).exists():
            continue  # already sealed, or nobody's ballot had an entry
        agencies, sectors = voting_round.result.get("agencies", []), voting_round.result.get("sectors", [])
        ballots = list(Ballot.objects.filter(round=voting_round).select_related("voter__agency"))
        entries = {}
        for entry in BallotRank.objects.filter(ballot__round=voting_round):
            entries.setdefault(entry.ballot_id, []).append(entry)
        shuffle(ballots)
        rows = SealedBallot.objects.bulk_create(
            SealedBallot(
                round=voting_round,
                agency_group=_group_of(b.voter.agency.name if b.voter.agency else NO_AGENCY, agencies),
                sector_group=_group_of(b.voter.agency.name if b.voter.agency else NO_AGENCY, sectors),
            )
            for b in ballots
        )
        SealedEntry.objects.bulk_create(
            SealedEntry(ballot=row, outcome_id=e.outcome_id, rank=e.rank, points=e.points, energy=e.energy)
            for row, b in zip(rows, ballots)
            for e in entries.get(b.pk, [])
        )
        BallotRank.objects.filter(ballot__round=voting_round).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0005_sealed_ballots")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=True)]
