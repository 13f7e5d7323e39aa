"""M-4.1a: a camera showing another scene is an alarm for review, unless a vendor engineer's
work order on that camera covers the time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cameras.services import camera_update
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def test_unexplained_scene_change_is_flagged():
    camera = CameraFactory()
    run = finished_run({camera: outcome("ok", scene_changed=True)})
    check = run.checks.get()
    assert check.flagged and check.covered_by_work_order == ""


def test_scene_change_under_a_work_order_is_covered(vendor_engineer, settings):
    camera = CameraFactory(vendor=vendor_engineer.department)
    camera_update(camera=camera, by=vendor_engineer, work_order="WO-42", name="Turned east")
    run = finished_run({camera: outcome("ok", scene_changed=True)})
    check = run.checks.get()
    assert check.covered_by_work_order == "WO-42" and not check.flagged
    later = timezone.now() + timedelta(hours=settings.CAMERA_WORK_ORDER_HOURS + 1)
    run = finished_run({camera: outcome("ok", scene_changed=True, at=later)})
    assert run.checks.get().flagged  # the work order no longer covers it


def test_first_normal_picture_becomes_the_reference():
    from apps.audit.models import AuditEvent

    camera = CameraFactory()
    result = outcome("ok")
    result.snapshot_jpeg = b"\xff\xd8first-picture\xff\xd9"
    finished_run({camera: result})
    camera.refresh_from_db()
    assert camera.reference_snapshot.read() == result.snapshot_jpeg
    assert AuditEvent.objects.filter(action="cameras.reference_set", actor=None).count() == 1
    later = outcome("ok")
    later.snapshot_jpeg = b"\xff\xd8second\xff\xd9"
    finished_run({camera: later})
    camera.refresh_from_db()
    assert camera.reference_snapshot.open("rb").read() == result.snapshot_jpeg  # kept
