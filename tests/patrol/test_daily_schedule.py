"""M-2.1: beat starts one patrol a day of every camera in service, however often it fires; the
schedule exists after migrate and is editable in the admin."""

import pytest
from django_celery_beat.models import PeriodicTask

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
