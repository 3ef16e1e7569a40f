"""Store the most divergent pairs of agencies in the results of rounds closed before (issue 16).

The system view used to compare every pair of agencies on every outcome on each
request; a round closed now stores those pairs with its result (version 3). This
adds them to every round closed before, computed from the groups as stored (as
the page computed them), so the page never computes them.
"""

from django.db import migrations

from outcomes.analysis import divergent_pairs
from outcomes.result_schema import StoredResult


def store(apps, schema_editor):
    VotingRound = apps.get_model("outcomes", "VotingRound")
    for voting_round in VotingRound.objects.filter(status="closed").exclude(result={}).iterator():
        if "divergent" in voting_round.result:
            continue
        stored = StoredResult.from_columns(
            method=voting_round.method,
            ranking=voting_round.ranking,
            pairwise=voting_round.pairwise,
            winner_id=voting_round.winner_id,
            result=voting_round.result,
            secret=voting_round.visibility == "secret",
            min_group_size=voting_round.min_group_size,
        )
        ranked = [outcome_id for tier in stored.count.tiers for outcome_id in tier]
        pairs = divergent_pairs(stored.candidates or ranked, stored.support.agencies)
        # Only the new key: the rest of the result stays exactly as it was written.
        voting_round.result = voting_round.result | {
            "divergent": [
                {
                    "first": d.first,
                    "second": d.second,
                    "distance": d.distance,
                    "outcome_id": d.outcome_id,
                    "first_share": d.first_share,
                    "second_share": d.second_share,
                }
                for d in pairs
            ]
        }
        voting_round.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0008_the_measure")]

    operations = [migrations.RunPython(store, migrations.RunPython.noop, elidable=True)]
