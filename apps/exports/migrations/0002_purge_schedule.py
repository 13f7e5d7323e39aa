"""Beat schedule deleting the files of expired exports (issue 15; EXPORT_TTL_HOURS)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name="Purge expired exports",
        defaults={"task": "apps.exports.tasks.export_purge_expired", "interval": hourly},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
