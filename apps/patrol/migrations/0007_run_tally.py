# Finished runs keep their progress counts (issue 15): the field, and the counts of the runs
# that finished before it, computed once from their checks as patrol_run_finish now does.

from django.db import migrations, models
from django.db.models import Count, Q


def _tally_finished_runs(apps, schema_editor):
    PatrolRun = apps.get_model("patrol", "PatrolRun")
    done = Q(state="done")
    counts = {
        "total": Count("pk"),
        "checked": Count("pk", filter=done),
        "pending": Count("pk", filter=Q(state="pending")),
        "not_checked": Count("pk", filter=Q(state="not_checked")),
        "ok": Count("pk", filter=done & Q(verdict="ok")),
        "degraded": Count("pk", filter=done & Q(verdict="degraded")),
        "faults": Count("pk", filter=done & Q(verdict="fault")),
        "unknown": Count("pk", filter=done & Q(verdict="unknown")),
        "scene_changed": Count("pk", filter=done & Q(scene_changed=True)),
    }
    for run in PatrolRun.objects.exclude(state="running").filter(tally=None).iterator():
        run.tally = run.checks.aggregate(**counts)
        run.save(update_fields=["tally"])


class Migration(migrations.Migration):
    dependencies = [
        ("patrol", "0006_list_orderings_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="patrolrun",
            name="tally",
            field=models.JSONField(
                blank=True, editable=False, null=True, verbose_name="counts at finish"
            ),
        ),
        migrations.RunPython(_tally_finished_runs, migrations.RunPython.noop, elidable=True),
    ]
