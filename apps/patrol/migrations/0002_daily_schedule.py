"""Beat schedules of the patrol, editable by the security chief in the admin (M-2.1)."""

from django.conf import settings
from django.db import migrations


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hour, minute = settings.PATROL_DAILY_AT.split(":")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(int(minute)), hour=str(int(hour)), day_of_week="*", day_of_month="*",
        month_of_year="*", timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name="Daily patrol of every camera (M-2.1)",
        defaults={"task": "apps.patrol.tasks.patrol_daily", "crontab": crontab},
    )
    every_10_min, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Resume stalled patrol runs",
        defaults={"task": "apps.patrol.tasks.patrol_resume_stale", "interval": every_10_min},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("patrol", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
