"""Re-rank instant-runoff rounds closed before the ranking read like the count (issue 10, item 1).

Their stored ranking put the last round's runner-up after every eliminated
outcome. The stored count (`result["irv"]`) has all it takes to rank them as
closing now does: the winner, the runner-up, then the eliminated, latest first.
"""

from types import SimpleNamespace

from django.db import migrations

from outcomes.tally import irv_ranking


def rerank(apps, schema_editor):
    VotingRound = apps.get_model("outcomes", "VotingRound")
    closed = VotingRound.objects.filter(status="closed", method="irv").exclude(result={})
    for voting_round in closed.iterator():
        rounds = [
            SimpleNamespace(counts={int(k): v for k, v in r["counts"].items()}, eliminated=r["eliminated"])
            for r in voting_round.result.get("irv", [])
        ]
        if not rounds:
            continue  # nobody ranked anything: the stored ranking is every candidate level, as it should be
        ranking = irv_ranking(voting_round.result.get("candidates", []), rounds, voting_round.winner_id)
        if ranking != voting_round.ranking:
            voting_round.ranking = ranking
            voting_round.save(update_fields=["ranking"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_rounds_in_depth")]

    operations = [migrations.RunPython(rerank, migrations.RunPython.noop, elidable=True)]
