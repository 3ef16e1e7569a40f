"""Give every ballot of an open round one entry for every outcome in it (issue 10, item 3).

Ballots now always have one entry per outcome, so a ballot's size says nothing of how it voted (the admin
lists a person's entries when it asks whether to delete them). Ballots cast before in a round still open
are padded with empty entries; closed rounds are left alone (their ballots no longer change, and a closed
secret round's are sealed).
"""

from django.db import migrations


def pad(apps, schema_editor):
    Ballot = apps.get_model("outcomes", "Ballot")
    BallotRank = apps.get_model("outcomes", "BallotRank")
    VotingRound = apps.get_model("outcomes", "VotingRound")
    for voting_round in VotingRound.objects.filter(status="open"):
        candidates = set(voting_round.candidates.values_list("pk", flat=True))
        for ballot in Ballot.objects.filter(round=voting_round):
            missing = candidates - set(BallotRank.objects.filter(ballot=ballot).values_list("outcome_id", flat=True))
            BallotRank.objects.bulk_create(BallotRank(ballot=ballot, outcome_id=o) for o in sorted(missing))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0006_seal_secret_rounds_closed_before")]

    operations = [migrations.RunPython(pad, migrations.RunPython.noop, elidable=True)]
