"""M-2.1: a patrol checks every active camera once, against real RTSP cameras, and shows
coverage; a second delivery of the same work checks nothing twice."""

import pytest

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.probe import ProbeTimeouts
from apps.cameras.probing import camera_check
from apps.cameras.services import camera_reference_set
from apps.patrol import execution, selectors
from apps.patrol.models import PatrolCheck, PatrolRun
from apps.patrol.services import patrol_run_start
from tests.factories import CameraFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def fleet(rtsp_peer, closed_port, settings):
    settings.PATROL_RETRY_BACKOFF_SECONDS = 0.2
    cameras = {
        mount: CameraFactory(code=mount.upper(), rtsp_main_uri=rtsp_peer.uri(mount))
        for mount in ("normal", "black", "snow", "frozen", "white", "moved")
    }
    cameras["offline"] = CameraFactory(
        code="OFFLINE", rtsp_main_uri=f"rtsp://127.0.0.1:{closed_port}/x"
    )
    cameras["protected"] = CameraFactory(
        code="PROTECTED",
        rtsp_main_uri=rtsp_peer.protected_uri(),
        credential_username=rtsp_peer.user,
        credential_password=rtsp_peer.password,
    )
    cameras["wrong_password"] = CameraFactory(
        code="WRONGPW",
        rtsp_main_uri=rtsp_peer.protected_uri(),
        credential_username=rtsp_peer.user,
        credential_password="not-the-password",
    )
    CameraFactory(
        code="SUSPENDED", status=Camera.Status.SUSPENDED, rtsp_main_uri=rtsp_peer.uri("normal")
    )
    # the moved camera's reference is what it showed before it was turned: the normal scene
    reference = camera_check(cameras["normal"]).snapshot_jpeg
    camera_reference_set(camera=cameras["moved"], by=None, jpeg=reference)
    return cameras


def test_patrol_of_real_cameras(fleet):
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    assert run.active_cameras == 9  # the suspended camera is not due
    assert execution.run_pending_checks(run.pk) == 9
    run.refresh_from_db()
    checks = {c.camera.code: c for c in run.checks.select_related("camera")}
    verdicts = {code: (c.verdict, c.scene_changed) for code, c in checks.items()}
    reasons = {code: c.reason for code, c in checks.items()}
    assert verdicts == {
        "NORMAL": ("ok", False),
        "BLACK": ("fault", False),
        "SNOW": ("fault", False),
        "FROZEN": ("fault", False),
        "WHITE": ("fault", False),
        "MOVED": ("ok", True),
        "OFFLINE": ("fault", False),
        "PROTECTED": ("ok", False),
        "WRONGPW": ("fault", False),
    }, {c: r for c, r in reasons.items() if c in ("NORMAL", "MOVED", "PROTECTED")}
    assert "black" in checks["BLACK"].reason.lower()
    assert "refused" in checks["OFFLINE"].reason and checks["OFFLINE"].failing_layer == "tcp"
    assert "401" in checks["WRONGPW"].reason or "auth" in checks["WRONGPW"].reason.lower()
    assert "not-the-password" not in str(checks["WRONGPW"].reason)
    assert checks["OFFLINE"].attempts == 2  # one retry of a connection failure
    assert checks["NORMAL"].snapshot and checks["NORMAL"].thumbnail
    progress = selectors.run_progress(run=run, user=None)
    assert run.state == PatrolRun.State.FINISHED
    assert (progress["checked"], progress["active_cameras"], progress["faults"]) == (9, 9, 6)
    health = dict(Camera.objects.values_list("code", "health"))
    # streams with an unusable picture are picture faults, no connection or stream is offline
    assert {code: health[code] for code in verdicts} == {
        "NORMAL": "ok",
        "BLACK": "picture_fault",
        "SNOW": "picture_fault",
        "FROZEN": "picture_fault",
        "WHITE": "picture_fault",
        "MOVED": "ok",
        "OFFLINE": "offline",
        "PROTECTED": "ok",
        "WRONGPW": "offline",
    }
    assert Camera.objects.get(code="NORMAL").last_thumbnail
    finish = AuditEvent.objects.get(action="patrol.run_finish")
    assert finish.data["checked"] == 9 and finish.clause == "M-2.1"
    # a redelivered task finds nothing pending: each camera checked exactly once per run
    assert execution.run_pending_checks(run.pk) == 0
    assert PatrolCheck.objects.filter(run=run).count() == 9


def test_resumed_run_checks_only_what_is_still_pending(fleet):
    """A worker killed half-way: its recorded checks stay, the rest are checked on resume."""
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    first_half = list(run.checks.order_by("pk").values_list("pk", flat=True)[:4])
    assert execution.run_pending_checks(run.pk, check_ids=first_half) == 4
    run.refresh_from_db()
    assert run.state == PatrolRun.State.RUNNING
    assert execution.run_pending_checks(run.pk) == 5
    run.refresh_from_db()
    assert run.state == PatrolRun.State.FINISHED
    assert run.checks.filter(state=PatrolCheck.State.DONE).count() == 9


def test_probe_timeouts_bound_a_silent_camera(silent_peer, settings):
    settings.PATROL_RETRIES = 0
    camera = CameraFactory(code="SILENT", rtsp_main_uri=silent_peer.uri())
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, camera=camera, enqueue=False)
    execution.run_pending_checks(run.pk)
    check = run.checks.get()
    bound = ProbeTimeouts()
    assert check.verdict == "fault" and "timed out" in check.reason
    assert check.latency_ms["total"] < 1000 * (bound.connect_s + bound.rtsp_s + bound.read_s) * 1.5
