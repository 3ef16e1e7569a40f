"""Merge small groups in the stored results of secret rounds closed before (issue 10, item 4).

Version 1 results stored every agency on its own and merged small ones only as
pages read them, so a secret round's stored JSON still held a lone voter's
agency and its support. This rewrites those results in the current version,
whose groups are merged as the pages show them. Other rounds are left as they are
(they read the same either way).
"""

from django.db import migrations

from outcomes.result_schema import StoredResult


def merge(apps, schema_editor):
    VotingRound = apps.get_model("outcomes", "VotingRound")
    secret = VotingRound.objects.filter(status="closed", visibility="secret").exclude(result={})
    for voting_round in secret.iterator():
        if voting_round.result.get("version", 1) != 1:
            continue
        stored = StoredResult.from_columns(
            method=voting_round.method,
            ranking=voting_round.ranking,
            pairwise=voting_round.pairwise,
            winner_id=voting_round.winner_id,
            result=voting_round.result,
            secret=True,
            min_group_size=voting_round.min_group_size,
        )
        voting_round.result = stored.to_columns().result
        voting_round.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_irv_ranking_like_the_count")]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop, elidable=True)]
