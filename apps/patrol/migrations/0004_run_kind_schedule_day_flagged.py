"""A run's kind (daily patrol / re-check), the day a scheduled run is for (one per day, kept by
the database), and ``flagged`` computed by the database from one definition (issue 14 §2)."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def kinds_and_days(apps, schema_editor):
    """Runs of one camera were re-checks. Each local day keeps its first scheduled run as the
    day's; a later duplicate (the check-then-insert race this constraint closes) stays a daily
    run without the day, so the constraint can be created."""
    PatrolRun = apps.get_model("patrol", "PatrolRun")
    PatrolRun.objects.exclude(camera=None).update(kind="recheck")
    taken = set()
    for run in PatrolRun.objects.filter(trigger="schedule").order_by("started_at", "pk"):
        day = timezone.localdate(run.started_at)
        if day not in taken:
            taken.add(day)
            PatrolRun.objects.filter(pk=run.pk).update(scheduled_for=day)


class Migration(migrations.Migration):

    dependencies = [
        ('cameras', '0003_credentials_out_of_addresses'),
        ('patrol', '0003_random_image_paths'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='patrolcheck',
            name='flagged',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(('state', 'done'), models.Q(models.Q(('verdict', 'ok'), _negated=True), models.Q(('scene_changed', True), ('covered_by_work_order', '')), _connector='OR')), then=models.Value(True)), default=models.Value(False)), output_field=models.BooleanField(), verbose_name='flagged'),
        ),
        migrations.AddField(
            model_name='patrolrun',
            name='kind',
            field=models.CharField(choices=[('daily', 'Daily patrol'), ('recheck', 'Re-check')], default='daily', max_length=20, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='patrolrun',
            name='scheduled_for',
            field=models.DateField(blank=True, null=True, verbose_name='scheduled for'),
        ),
        migrations.RunPython(kinds_and_days, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='patrolrun',
            constraint=models.UniqueConstraint(condition=models.Q(('trigger', 'schedule')), fields=('scheduled_for',), name='one_scheduled_run_per_day'),
        ),
    ]
