"""M-2.1: beat starts one patrol a day of every camera in service, however often it fires; the
schedule exists after migrate and is editable in the admin; two deliveries racing start one run
(the database's one-scheduled-run-per-day constraint)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.audit.models import AuditEvent
from apps.patrol import tasks
from apps.patrol.models import PatrolRun
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def test_daily_task_starts_one_run_per_day():
    CameraFactory.create_batch(3)
    first = tasks.patrol_daily()
    second = tasks.patrol_daily()
    assert first == second
    run = PatrolRun.objects.get()
    assert run.trigger == PatrolRun.Trigger.SCHEDULE and run.active_cameras == 3


def test_daily_task_without_cameras_does_nothing():
    assert tasks.patrol_daily() is None
    assert not PatrolRun.objects.exists()


def test_schedule_is_installed_by_migrate(settings):
    task = PeriodicTask.objects.get(task="apps.patrol.tasks.patrol_daily")
    hour, minute = settings.PATROL_DAILY_AT.split(":")
    assert (task.crontab.hour, task.crontab.minute) == (str(int(hour)), str(int(minute)))
    assert task.enabled


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions serialise the two deliveries: no window to race in",
)
def test_two_deliveries_racing_start_one_run():
    """Both deliveries look for today's run before either inserts one (a barrier holds each
    after its look). The database's constraint refuses the second insert; that task answers
    with the run the first started."""
    CameraFactory.create_batch(2)
    both_looked = threading.Barrier(2, timeout=20)
    results, errors = [], []

    def delivery():
        looked = []

        def hold_after_the_first_look(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            first_look = sql.lstrip().upper().startswith("SELECT") and not looked
            if first_look and '"scheduled_for" =' in sql:
                looked.append(sql)
                both_looked.wait()
            return result

        try:
            with connection.execute_wrapper(hold_after_the_first_look):
                results.append(tasks.patrol_daily())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=delivery) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    run = PatrolRun.objects.get()
    assert results == [run.pk, run.pk]
    assert run.scheduled_for == timezone.localdate() and run.checks.count() == 2
    assert AuditEvent.objects.filter(action="patrol.run_start").count() == 1
