"""Beat schedule re-queueing notification deliveries a lost worker left pending (issue 16)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15_min, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Resend pending notifications",
        defaults={"task": "apps.core.tasks.notification_resend_due", "interval": every_15_min},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
