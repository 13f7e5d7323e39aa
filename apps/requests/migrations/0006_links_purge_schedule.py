"""Beat schedule deleting the kept files of expired footage download links (M-3.4)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name="Purge expired footage download links",
        defaults={"task": "apps.requests.tasks.footage_links_purge", "interval": hourly},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("footage_requests", "0005_download_links"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
