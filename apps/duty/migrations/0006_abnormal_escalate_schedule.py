"""Beat schedule of duty: escalate every minute the abnormal-event reports nobody acknowledged
within DUTY_ABNORMAL_ESCALATE_MINUTES (M-1.4). Editable by the security chief in the admin."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Escalate unacknowledged abnormal events to the security chief (M-1.4)",
        defaults={"task": "apps.duty.tasks.duty_abnormal_escalate", "interval": every_minute},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0005_handover_abnormal_events"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
