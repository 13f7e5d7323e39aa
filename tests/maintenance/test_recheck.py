"""M-2.3, M-2.4: clearing queues a re-check of the camera through the patrol's probe (a run
of kind re-check); the ticket is verified when the check passes and reopens, with the failing
result attached and the same clock running on, when it fails. A daily patrol that checks the
camera after the clear settles it the same way."""

from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.maintenance import services, tasks
from apps.maintenance.models import FaultTicket
from apps.maintenance.selectors import ticket_clock
from apps.patrol.models import PatrolRun
from apps.patrol.services import patrol_check_record, patrol_check_review, patrol_run_finish
from tests.factories import CameraFactory
from tests.maintenance.factories import ticket
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db
State = FaultTicket.State


@pytest.fixture
def cleared(wall, duty_operator, vendor_engineer):
    camera = CameraFactory(code="HALL-9", vendor=vendor_engineer.department)
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    wall.at("2026-03-10 11:00")
    services.ticket_clear(ticket=t, by=vendor_engineer, note="Replaced the power supply")
    return t


def _recheck_result(t, result):
    """The re-check run's probe result, recorded by the patrol's own service."""
    run = PatrolRun.objects.get(pk=tasks.maintenance_ticket_recheck.apply(args=[t.pk]).get())
    patrol_check_record(check=run.checks.get(), outcome=result)
    patrol_run_finish(run=run)
    return run


def test_clearing_queues_the_recheck_after_commit(
    monkeypatch, duty_operator, vendor_engineer, django_capture_on_commit_callbacks
):
    from celery import current_app

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))
    camera = CameraFactory(vendor=vendor_engineer.department)
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_clear(ticket=t, by=vendor_engineer, note="fixed")
        assert sent == []  # nothing before the commit
    assert sent == [("apps.maintenance.tasks.maintenance_ticket_recheck", (t.pk,))]


def test_the_recheck_is_a_patrol_recheck_run_started_once(cleared, vendor_engineer):
    first = tasks.maintenance_ticket_recheck.apply(args=[cleared.pk]).get()
    second = tasks.maintenance_ticket_recheck.apply(args=[cleared.pk]).get()
    assert first == second
    run = PatrolRun.objects.get(pk=first)
    assert run.kind == PatrolRun.Kind.RECHECK and run.camera == cleared.camera
    assert run.started_by == vendor_engineer
    cleared.refresh_from_db()
    assert cleared.recheck_run == run


def test_a_passing_recheck_verifies_the_ticket(wall, cleared):
    wall.at("2026-03-10 11:05")
    run = _recheck_result(cleared, outcome("ok", at=wall.now))
    assert tasks.maintenance_rechecks_settle.apply().get() == {cleared.pk: "verify"}
    cleared.refresh_from_db()
    assert cleared.state == State.VERIFIED
    event = cleared.events.order_by("-id").first()
    assert event.kind == "verified" and event.by is None and event.data["run"] == run.pk
    audit = AuditEvent.objects.filter(action="maintenance.ticket_verify").get()
    assert audit.clause == "M-2.3" and audit.actor is None
    # The clock stopped at the vendor's clear: 2 h, within the 6 h.
    assert cleared.clock_stopped_at == cleared.cleared_at


def test_a_failing_recheck_reopens_it_and_the_clock_runs_on(wall, cleared, vendor_engineer):
    wall.at("2026-03-10 11:05")
    _recheck_result(cleared, outcome("fault", "Picture is black.", at=wall.now))
    wall.at("2026-03-10 11:06")
    assert services.tickets_recheck_settle() == {cleared.pk: "reopen"}
    cleared.refresh_from_db()
    assert (cleared.state, cleared.reopen_count, cleared.clock_stopped_at) == (
        State.REOPENED,
        1,
        None,
    )
    reopened = cleared.events.order_by("-id").first()
    assert "Picture is black." in reopened.note and reopened.data["verdict"] == "fault"
    # The same clock: reported 09:00, now 15:30 -> 6 h 30 min counted, breached.
    wall.at("2026-03-10 15:30")
    clock = ticket_clock(ticket=cleared)
    assert clock.elapsed == timedelta(hours=6, minutes=30) and clock.breached
    # The vendor clears again; a passing re-check then verifies.
    services.ticket_clear(ticket=cleared, by=vendor_engineer, note="Cable replaced too")
    wall.at("2026-03-10 15:35")
    _recheck_result(cleared, outcome("ok", at=wall.now))
    services.tickets_recheck_settle()
    cleared.refresh_from_db()
    assert cleared.state == State.VERIFIED
    kinds = list(cleared.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["reported", "acknowledged", "cleared", "reopened", "cleared", "verified"]


def test_a_daily_patrol_after_the_clear_settles_it_too(wall, cleared):
    wall.at("2026-03-11 06:00")
    finished_run({cleared.camera: outcome("ok", at=wall.now)})
    services.tickets_recheck_settle()
    cleared.refresh_from_db()
    assert cleared.state == State.VERIFIED


def test_a_check_from_before_the_clear_decides_nothing(wall, duty_operator, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    finished_run({camera: outcome("ok", at=wall.now)})  # before the clear
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    wall.at("2026-03-10 10:00")
    services.ticket_clear(ticket=t, by=vendor_engineer, note="x")
    assert services.tickets_recheck_settle() == {}
    t.refresh_from_db()
    assert t.state == State.CLEARED


def test_an_undetermined_recheck_is_left_to_the_monitoring_center(wall, cleared):
    wall.at("2026-03-10 11:05")
    _recheck_result(cleared, outcome("unknown", "Could not decide.", at=wall.now))
    assert services.tickets_recheck_settle() == {}
    cleared.refresh_from_db()
    assert cleared.state == State.CLEARED


def test_a_camera_back_up_in_the_daily_patrol_verifies_its_open_ticket(
    wall, duty_operator, vendor_engineer
):
    camera = CameraFactory(code="POOL-1", vendor=vendor_engineer.department)
    wall.at("2026-03-10 06:00")
    run = finished_run({camera: outcome("fault", "No signal.", at=wall.now)})
    wall.at("2026-03-10 09:00")
    patrol_check_review(
        check=run.checks.get(), by=duty_operator, outcome="confirmed_fault", note=""
    )
    t = FaultTicket.objects.get(pk=services.tickets_sync()[0])
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    assert services.tickets_recheck_settle() == {}  # still down: nothing to settle
    wall.at("2026-03-11 06:00")
    finished_run({camera: outcome("ok", at=wall.now)})
    wall.at("2026-03-11 06:01")
    assert services.tickets_recheck_settle() == {t.pk: "verify"}
    t.refresh_from_db()
    assert t.state == State.VERIFIED and t.cleared_at == wall.now
    kinds = list(t.events.order_by("at", "id").values_list("kind", "by"))
    assert kinds[-2:] == [("cleared", None), ("verified", None)]
    # The clock stopped at the system's clear: 21 h 01 min after the report, past the 6 h.
    assert ticket_clock(ticket=t).breached


def test_a_ticket_opened_by_hand_is_not_verified_by_a_passing_probe(
    wall, duty_operator, vendor_engineer
):
    """The operator may have reported what the probe cannot see (a stuck PTZ)."""
    camera = CameraFactory(vendor=vendor_engineer.department)
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator, symptom="PTZ does not turn")
    wall.at("2026-03-11 06:00")
    finished_run({camera: outcome("ok", at=wall.now)})
    assert services.tickets_recheck_settle() == {}
    t.refresh_from_db()
    assert t.state == State.REPORTED


def test_a_paused_ticket_waits_for_its_pause_to_end(wall, duty_operator, security_staff):
    camera = CameraFactory()
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_pause_start(ticket=t, by=security_staff, reason="access_refused")
    wall.at("2026-03-10 10:00")
    finished_run({camera: outcome("ok", at=wall.now)})
    assert services.tickets_recheck_settle() == {}


def test_a_lost_recheck_message_is_started_by_the_settle_schedule(
    monkeypatch, wall, duty_operator, vendor_engineer, django_capture_on_commit_callbacks
):
    from celery import current_app

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    camera = CameraFactory(vendor=vendor_engineer.department)
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    monkeypatch.setattr(current_app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_clear(ticket=t, by=vendor_engineer, note="fixed")  # not an error
    t.refresh_from_db()
    assert t.state == State.CLEARED and t.recheck_run is None
    monkeypatch.undo()
    wall.at("2026-03-10 09:02")
    with django_capture_on_commit_callbacks():  # the run's own probing is queued, not run
        assert services.tickets_recheck_settle() == {}
    t.refresh_from_db()
    assert t.recheck_run.kind == PatrolRun.Kind.RECHECK
