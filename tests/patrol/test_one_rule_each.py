"""Issue 14 §2: each rule written once. The camera's re-check action is what the start service
allows (M-2.1, M-1.3); `flagged` is one database expression (M-1.4); a result is reviewed once
(M-1.4); one scheduled run per day is kept by the database (M-2.1); a fault record's time
cleared is recorded with its own audit event (M-2.3)."""

import itertools

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.selectors import camera_actions
from apps.core.exceptions import RuleViolation
from apps.patrol import tasks
from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun
from apps.patrol.selectors import check_actions, checks_flagged
from apps.patrol.services import patrol_check_review, patrol_run_start
from tests.factories import CameraFactory, UserFactory, VendorFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db

ROLES = ["duty_operator", "security_staff", "security_chief", "vendor_engineer", "auditor"]


def _start(user, camera):
    try:
        patrol_run_start(by=user, trigger=PatrolRun.Trigger.MANUAL, camera=camera, enqueue=False)
    except RuleViolation:
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_the_recheck_offered_is_the_recheck_the_service_allows(role):
    company = VendorFactory(name="Own company")
    user = UserFactory(roles=[role], department=company if role == "vendor_engineer" else None)
    cameras = {
        "own company": CameraFactory(vendor=company),
        "another company": CameraFactory(vendor=VendorFactory(name="Another")),
        "no vendor": CameraFactory(vendor=None),
        "out of service": CameraFactory(vendor=company, status=Camera.Status.SUSPENDED),
    }
    for label, camera in cameras.items():
        offered = "recheck" in camera_actions(user=user, camera=camera)
        with transaction.atomic():
            allowed = _start(user, camera)
            transaction.set_rollback(True)
        assert offered == allowed, f"{role} on a camera of {label}"
    if role == "vendor_engineer":  # the case that drifted: a camera without a vendor
        assert "recheck" not in camera_actions(user=user, camera=cameras["no vendor"])


def test_flagged_is_one_definition_for_filter_and_instance():
    """Every state × verdict × scene × work-order combination: the instance's value and the
    selector's filter agree, and both say what M-1.4 asks the operator to confirm."""
    camera = CameraFactory()
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    run.checks.all().delete()
    combinations = list(
        itertools.product(
            PatrolCheck.State.values, PatrolCheck.Verdict.values, (False, True), ("", "WO-1")
        )
    )
    for state, verdict, scene, covered in combinations:
        PatrolCheck.objects.create(
            run=run,
            camera=CameraFactory(),
            state=state,
            verdict=verdict,
            scene_changed=scene,
            covered_by_work_order=covered,
        )
    in_filter = set(checks_flagged(run=run, user=None).values_list("pk", flat=True))
    checks = list(run.checks.all())
    assert len(checks) == len(combinations) == 48
    for check in checks:
        expected = check.state == "done" and (
            check.verdict != "ok" or (check.scene_changed and not check.covered_by_work_order)
        )
        assert check.flagged is expected, (check.state, check.verdict, check.scene_changed)
        assert (check.pk in in_filter) is expected
    assert camera  # the run's own camera is not among the combinations


def test_two_reviewers_racing_the_first_wins_and_the_second_is_told(duty_operator):
    camera = CameraFactory(code="RACE")
    run = finished_run({camera: outcome("fault", "Picture is black.")})
    other = UserFactory(roles=["security_staff"], full_name="Second Reviewer")
    mine = run.checks.get()
    theirs = PatrolCheck.objects.get(pk=mine.pk)  # both loaded the page before either wrote
    assert check_actions(user=duty_operator, check=mine) == {"review"}
    assert check_actions(user=other, check=theirs) == {"review"}
    patrol_check_review(check=mine, by=duty_operator, outcome="confirmed_fault", note="")
    with pytest.raises(RuleViolation, match="has already reviewed this result") as late:
        patrol_check_review(check=theirs, by=other, outcome="false_alarm", note="looks fine")
    assert str(duty_operator) in late.value.message
    stored = PatrolCheck.objects.get(pk=mine.pk)
    assert stored.review == "confirmed_fault" and stored.reviewed_by == duty_operator
    assert stored.review_note == ""
    assert AuditEvent.objects.filter(action="patrol.check_review").count() == 1
    # fresh from the database, the result offers no second review
    assert check_actions(user=other, check=stored) == set()


def test_a_second_review_through_the_page_changes_nothing(client, duty_operator):
    camera = CameraFactory(code="TWICE")
    run = finished_run({camera: outcome("fault", "Picture is black.")})
    check = run.checks.get()
    patrol_check_review(check=check, by=duty_operator, outcome="confirmed_fault", note="")
    second = UserFactory(roles=["duty_operator"], username="operator2")
    client.force_login(second)
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert 'data-testid="review-form"' not in page  # the page loops over check_actions
    assert 'data-testid="review-done"' in page
    response = client.post(
        f"/patrol/checks/{check.pk}/review/", {"outcome": "false_alarm", "note": "x"}, follow=True
    )
    assert "has already reviewed this result" in response.content.decode()
    check.refresh_from_db()
    assert check.review == "confirmed_fault" and check.reviewed_by == duty_operator


def test_the_review_form_is_offered_where_check_actions_offers_review(
    client, duty_operator, vendor_engineer
):
    camera = CameraFactory(code="FORM", vendor=vendor_engineer.department)
    run = finished_run({camera: outcome("fault", "Picture is black.")})
    for user, offered in ((duty_operator, True), (vendor_engineer, False)):
        client.force_login(user)
        page = client.get(f"/patrol/{run.pk}/").content.decode()
        assert ('data-testid="review-form"' in page) is offered, user
        assert ("review" in check_actions(user=user, check=run.checks.get())) is offered


def test_the_database_keeps_one_scheduled_run_per_day():
    CameraFactory()
    first = tasks.patrol_daily()
    assert PatrolRun.objects.get(pk=first).scheduled_for == timezone.localdate()
    duplicate = PatrolRun(
        trigger=PatrolRun.Trigger.SCHEDULE,
        scheduled_for=timezone.localdate(),
        started_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # other triggers are not limited: a manual patrol and a command run the same day
    for trigger in (PatrolRun.Trigger.MANUAL, PatrolRun.Trigger.COMMAND):
        patrol_run_start(by=None, trigger=trigger, enqueue=False)
    assert PatrolRun.objects.count() == 3
    assert tasks.patrol_daily() == first


def test_each_cleared_fault_record_has_its_audit_event(duty_operator):
    camera = CameraFactory(code="CLR")
    run = finished_run({camera: outcome("fault", "Picture is black.")})
    check = run.checks.get()
    patrol_check_review(check=check, by=duty_operator, outcome="confirmed_fault", note="")
    record = FaultRecord.objects.get(camera=camera)
    assert not AuditEvent.objects.filter(action="patrol.fault_record_clear").exists()
    back = finished_run({camera: outcome("ok")})
    record.refresh_from_db()
    assert record.cleared_at == back.checks.get().checked_at
    event = AuditEvent.objects.get(action="patrol.fault_record_clear")
    assert event.clause == "M-2.3" and event.target_id == str(record.pk)
    assert event.data["camera"] == "CLR" and event.data["run"] == back.pk
    # a later passing check clears nothing more and records nothing more
    finished_run({camera: outcome("ok")})
    assert AuditEvent.objects.filter(action="patrol.fault_record_clear").count() == 1
