"""M-2.3: each confirmed patrol fault record becomes exactly one ticket, whatever number of
runs confirm the same episode or times the sync runs, with the check's snapshot and diagnosis
linked; a camera with no known vendor goes to the security office's queue."""

import pytest

from apps.maintenance import selectors, services, tasks
from apps.maintenance.models import FaultTicket
from apps.patrol.models import FaultRecord, PatrolCheck
from apps.patrol.services import patrol_check_review
from campuscctv.celery import app as celery_app
from tests.factories import CameraFactory
from tests.maintenance.factories import PDF, contract, pdf_upload
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def _confirm(camera, operator, reason="Picture is black."):
    run = finished_run({camera: outcome("fault", reason)})
    check = run.checks.get(camera=camera)
    patrol_check_review(
        check=check, by=operator, outcome=PatrolCheck.Review.CONFIRMED_FAULT, note=""
    )
    return check


def test_a_confirmed_fault_opens_one_ticket_with_its_check(duty_operator, vendor_engineer):
    camera = CameraFactory(code="LIB-3", vendor=vendor_engineer.department)
    contract(vendor=vendor_engineer.department, document=pdf_upload(content=PDF))
    check = _confirm(camera, duty_operator)
    record = FaultRecord.objects.get(camera=camera)
    assert services.tickets_sync() != []
    ticket = FaultTicket.objects.get()
    assert ticket.fault_record == record and ticket.patrol_check == check
    assert (ticket.camera, ticket.vendor, ticket.symptom) == (camera, camera.vendor, record.symptom)
    assert ticket.occurred_at == record.occurred_at and ticket.reported_at == record.confirmed_at
    assert ticket.reported_by == duty_operator and ticket.contract is not None
    assert ticket.allowance_hours == 6
    assert ticket.events.get().kind == "reported"


def test_the_sync_twice_and_the_task_twice_still_make_one_ticket(duty_operator, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    _confirm(camera, duty_operator)
    record = FaultRecord.objects.get()
    first = tasks.maintenance_ticket_from_fault.apply(args=[record.pk]).get()
    second = tasks.maintenance_ticket_from_fault.apply(args=[record.pk]).get()
    assert services.tickets_sync() == [] and services.tickets_sync() == []
    assert first == second == FaultTicket.objects.get().pk


def test_several_runs_confirming_the_same_episode_make_one_ticket(duty_operator, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    _confirm(camera, duty_operator)
    services.tickets_sync()
    _confirm(camera, duty_operator, reason="Picture is still black.")  # the next day's patrol
    services.tickets_sync()
    assert FaultRecord.objects.count() == 1
    assert FaultTicket.objects.count() == 1


def test_the_database_holds_one_ticket_per_fault_record(duty_operator, vendor_engineer):
    from django.db import IntegrityError, transaction

    camera = CameraFactory(vendor=vendor_engineer.department)
    _confirm(camera, duty_operator)
    ticket = FaultTicket.objects.get(pk=services.tickets_sync()[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        FaultTicket.objects.create(
            camera=camera,
            fault_record=ticket.fault_record,
            symptom="again",
            allowance_hours=6,
            occurred_at=ticket.occurred_at,
            reported_at=ticket.reported_at,
            deadline_at=ticket.deadline_at,
        )


def test_a_camera_without_a_vendor_goes_to_the_security_office_queue(
    client, duty_operator, vendor_engineer
):
    camera = CameraFactory(code="NOVENDOR-1", vendor=None)
    _confirm(camera, duty_operator)
    ticket = FaultTicket.objects.get(pk=services.tickets_sync()[0])
    assert ticket.vendor is None and ticket.contract is None
    assert not selectors.ticket_list(user=vendor_engineer).filter(pk=ticket.pk).exists()
    client.force_login(duty_operator)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "in the security office&#x27;s queue" in page or "in the security office's queue" in page


@pytest.fixture
def eager_tasks():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_the_ticket_is_queued_when_the_fault_record_commits(
    eager_tasks, duty_operator, vendor_engineer, django_capture_on_commit_callbacks
):
    camera = CameraFactory(vendor=vendor_engineer.department)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(camera, duty_operator)
        assert not FaultTicket.objects.exists()  # nothing before the commit
    assert FaultTicket.objects.get().fault_record.camera == camera


def test_a_broker_that_is_down_does_not_fail_the_review(
    monkeypatch, duty_operator, vendor_engineer, django_capture_on_commit_callbacks
):
    """The confirmation is committed; the periodic sync opens the ticket later."""

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.maintenance_ticket_from_fault, "delay", broker_down)
    camera = CameraFactory(vendor=vendor_engineer.department)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(camera, duty_operator)
    assert FaultRecord.objects.filter(camera=camera).exists()
    assert not FaultTicket.objects.exists()
    assert len(services.tickets_sync()) == 1
