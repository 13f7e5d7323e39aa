"""M-1.4, M-2.2, M-2.3: the duty operator confirms flagged results, a confirmed fault opens one
fault record per episode, a security-office staffer countersigns, and a signed run is fixed."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.patrol.models import FaultRecord, PatrolRun
from apps.patrol.services import patrol_check_review, patrol_run_sign
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def cameras(db):
    return CameraFactory(code="OK1"), CameraFactory(code="BAD1")


def _run(cameras):
    good, bad = cameras
    return finished_run({good: outcome("ok"), bad: outcome("fault", "Picture is black.")})


def test_only_flagged_results_await_review(cameras):
    run = _run(cameras)
    flagged = [c.camera.code for c in run.checks.all() if c.flagged]
    assert flagged == ["BAD1"]


def test_sign_waits_for_reviews_then_fixes_the_run(cameras, duty_operator, security_staff):
    run = _run(cameras)
    with pytest.raises(RuleViolation, match="1 flagged result"):
        patrol_run_sign(run=run, by=security_staff)
    check = run.checks.get(camera__code="BAD1")
    patrol_check_review(check=check, by=duty_operator, outcome="confirmed_fault", note="")
    patrol_run_sign(run=run, by=security_staff, note="checked")
    run.refresh_from_db()
    assert run.state == PatrolRun.State.SIGNED and run.signed_by == security_staff
    with pytest.raises(RuleViolation):
        patrol_check_review(check=check, by=duty_operator, outcome="false_alarm", note="x")
    sign = AuditEvent.objects.get(action="patrol.run_sign")
    assert sign.clause == "M-2.2" and len(sign.data["checks_sha256"]) == 64


def test_operator_cannot_sign_and_vendor_cannot_review(cameras, duty_operator, vendor_engineer):
    run = _run(cameras)
    with pytest.raises(RuleViolation, match="security-office staff"):
        patrol_run_sign(run=run, by=duty_operator)
    with pytest.raises(RuleViolation):
        patrol_check_review(
            check=run.checks.get(camera__code="BAD1"),
            by=vendor_engineer,
            outcome="confirmed_fault",
            note="",
        )


def test_false_alarm_needs_a_note(cameras, duty_operator):
    run = _run(cameras)
    check = run.checks.get(camera__code="BAD1")
    with pytest.raises(RuleViolation, match="why"):
        patrol_check_review(check=check, by=duty_operator, outcome="false_alarm", note=" ")


def test_one_fault_record_per_episode_not_per_day(cameras, duty_operator, security_staff):
    good, bad = cameras
    for _day in range(2):
        run = _run(cameras)
        patrol_check_review(
            check=run.checks.get(camera=bad), by=duty_operator, outcome="confirmed_fault", note=""
        )
        patrol_run_sign(run=run, by=security_staff)
    record = FaultRecord.objects.get(camera=bad)
    assert record.episode is not None and record.cleared_at is None
    assert record.symptom == "Picture is black."
    # the camera comes back: the episode ends and the record has its time cleared (M-2.3)
    finished_run({good: outcome("ok"), bad: outcome("ok")})
    record.refresh_from_db()
    bad.refresh_from_db()
    assert record.cleared_at is not None and bad.health == "ok" and bad.up_since
    # a new failure is a new episode, so a new record
    run = _run(cameras)
    patrol_check_review(
        check=run.checks.get(camera=bad), by=duty_operator, outcome="confirmed_fault", note=""
    )
    assert FaultRecord.objects.filter(camera=bad).count() == 2


def test_vendor_may_recheck_own_camera_only(vendor_engineer, other_vendor_engineer):
    from apps.patrol.models import PatrolRun
    from apps.patrol.services import patrol_run_start

    own = CameraFactory(vendor=vendor_engineer.department)
    with pytest.raises(RuleViolation):
        patrol_run_start(by=vendor_engineer, trigger=PatrolRun.Trigger.MANUAL, enqueue=False)
    with pytest.raises(RuleViolation):
        patrol_run_start(
            by=other_vendor_engineer, trigger=PatrolRun.Trigger.MANUAL, camera=own, enqueue=False
        )
    run = patrol_run_start(
        by=vendor_engineer, trigger=PatrolRun.Trigger.MANUAL, camera=own, enqueue=False
    )
    assert run.active_cameras == 1
