"""Beat schedule queueing again the exports a killed worker or a lost message left (issue 15)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_10_min, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Resume stalled exports",
        defaults={"task": "apps.exports.tasks.export_resume_stale", "interval": every_10_min},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0003_job_language"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
