"""M-2.3: a camera is down from its first failing check until a passing one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def test_down_since_first_failure_up_since_first_pass():
    camera = CameraFactory()
    day1 = timezone.now() - timedelta(days=2)
    day2 = day1 + timedelta(days=1)
    day3 = day2 + timedelta(days=1)
    finished_run({camera: outcome("fault", "refused", at=day1)})
    finished_run({camera: outcome("fault", "refused", at=day2)})
    camera.refresh_from_db()
    assert camera.is_down and camera.down_since == day1
    assert camera.down_episodes.count() == 1
    finished_run({camera: outcome("ok", at=day3)})
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Camera.Health.OK and camera.up_since == day3
    assert (episode.started_at, episode.ended_at) == (day1, day3)
    assert AuditEvent.objects.filter(action="cameras.camera_down").count() == 1
    assert AuditEvent.objects.filter(action="cameras.camera_up").count() == 1


def test_unknown_verdict_leaves_health_alone():
    camera = CameraFactory()
    finished_run({camera: outcome("fault", "refused")})
    finished_run({camera: outcome("unknown", "probe error")})
    camera.refresh_from_db()
    assert camera.is_down
