"""M-4.2: a target label recorded at event time names the local time the pages show (Beijing
time), not UTC. The labels are str(target) at that moment; old events keep theirs (the chain
is immutable)."""

from datetime import UTC, datetime

import pytest

from apps.audit.services import event_append
from apps.cameras.models import DownEpisode
from apps.patrol.models import FaultRecord, PatrolRun
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC is 07:30 the next day in Asia/Shanghai: the date changes too.
AT = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_patrol_run_label_is_local_time(security_chief):
    run = PatrolRun.objects.create(started_at=AT, trigger=PatrolRun.Trigger.COMMAND)
    assert str(run) == f"#{run.pk} 2026-12-01 07:30"
    event = event_append(actor=security_chief, action="patrol.run_start", target=run)
    assert event.target_label == f"#{run.pk} 2026-12-01 07:30"


def test_down_episode_label_is_local_time():
    camera = CameraFactory(code="TZ-1")
    episode = DownEpisode.objects.create(camera=camera, started_at=AT)
    assert str(episode) == "TZ-1 2026-12-01 07:30"


def test_fault_record_label_is_local_time(duty_operator):
    camera = CameraFactory(code="TZ-2")
    record = FaultRecord(camera=camera, occurred_at=AT, symptom="black", confirmed_at=AT)
    assert str(record) == "TZ-2 2026-12-01 07:30 black"
