"""Beat schedule of maintenance: the safety net that opens the ticket of every confirmed
patrol fault a lost message missed (M-2.3). Editable by the security chief in the admin."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_min, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Open fault tickets from confirmed patrol faults (M-2.3)",
        defaults={
            "task": "apps.maintenance.tasks.maintenance_tickets_sync",
            "interval": every_5_min,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
