"""Issue 14 §2, M-2.1: the migration that adds a run's kind and day makes the runs of one
camera re-checks and keeps each local day's first scheduled run as that day's (a duplicate of
the old check-then-insert race stays, without the day), so the constraint can be created."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import CameraFactory

BEFORE = ("patrol", "0003_random_image_paths")
AFTER = ("patrol", "0004_run_kind_schedule_day_flagged")


@pytest.fixture(autouse=True)
def _latest_schema_after():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_runs_get_their_kind_and_day():
    camera = CameraFactory()
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    # Other apps as they stand, but for those built on a later patrol (they go back with it).
    later = {n for n in graph.nodes if n[0] == "patrol"} - set(graph.forwards_plan(BEFORE))
    others = [
        node
        for node in graph.leaf_nodes()
        if node[0] != "patrol" and not later & set(graph.forwards_plan(node))
    ]
    executor.migrate([BEFORE])
    OldRun = executor.loader.project_state([BEFORE, *others]).apps.get_model("patrol", "PatrolRun")
    # 08:00 Beijing time on two days; the second day has a duplicate from the race
    day1 = timezone.make_aware(datetime(2026, 3, 1, 8, 0))
    day2 = day1 + timedelta(days=1)
    first = OldRun.objects.create(trigger="schedule", started_at=day1)
    second = OldRun.objects.create(trigger="schedule", started_at=day2)
    duplicate = OldRun.objects.create(trigger="schedule", started_at=day2 + timedelta(seconds=1))
    manual = OldRun.objects.create(trigger="manual", started_at=day2)
    recheck = OldRun.objects.create(trigger="manual", started_at=day2, camera_id=camera.pk)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    # The model as that migration left it (later migrations add columns not there yet).
    NewRun = executor.loader.project_state([AFTER, *others]).apps.get_model("patrol", "PatrolRun")

    runs = {run.pk: run for run in NewRun.objects.all()}
    assert runs[first.pk].scheduled_for == day1.date() and runs[first.pk].kind == "daily"
    assert runs[second.pk].scheduled_for == day2.date()
    assert runs[duplicate.pk].scheduled_for is None and runs[duplicate.pk].kind == "daily"
    assert runs[manual.pk].kind == "daily" and runs[manual.pk].scheduled_for is None
    assert runs[recheck.pk].kind == "recheck"
