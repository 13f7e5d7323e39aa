"""Issue 16 (M-1.3, M-2.3): a vendor's settings change of a camera with an open fault ticket of
their company uses the ticket's number as the work order; the refusal names the number, in
both languages, and nothing is changed. Cameras reads the rule through apps.core.providers."""

import pytest
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.services import camera_update
from apps.core.exceptions import RuleViolation
from apps.maintenance import services
from tests.factories import CameraFactory
from tests.maintenance.factories import ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(vendor_engineer, duty_operator):
    camera = CameraFactory(code="GATE-1", name="Main gate", vendor=vendor_engineer.department)
    return ticket(camera=camera, by=duty_operator)


def test_a_change_under_another_work_order_is_refused(broken, vendor_engineer):
    with pytest.raises(RuleViolation, match=broken.number) as refused:
        camera_update(camera=broken.camera, by=vendor_engineer, work_order="WO-7", name="X")
    assert "open fault ticket" in refused.value.message
    assert Camera.objects.get(pk=broken.camera_id).name == "Main gate"
    assert not AuditEvent.objects.filter(action="cameras.camera_update").exists()
    with translation.override("zh-hans"), pytest.raises(RuleViolation, match=broken.number):
        camera_update(camera=broken.camera, by=vendor_engineer, work_order="WO-7", name="X")


def test_the_ticket_number_is_the_work_order(broken, vendor_engineer):
    camera_update(
        camera=broken.camera, by=vendor_engineer, work_order=broken.number.lower(), name="Gate"
    )
    event = AuditEvent.objects.get(action="cameras.camera_update")
    assert event.data["work_order"] == broken.number.lower()
    assert Camera.objects.get(pk=broken.camera_id).work_order_ref == broken.number.lower()


def test_no_open_ticket_no_rule(broken, vendor_engineer, duty_operator):
    services.ticket_acknowledge(ticket=broken, by=vendor_engineer)
    services.ticket_clear(ticket=broken, by=vendor_engineer, note="Cable replaced")
    # cleared, waiting for its re-check: still the ticket's work
    with pytest.raises(RuleViolation, match=broken.number):
        camera_update(camera=broken.camera, by=vendor_engineer, work_order="WO-9", name="Y")
    services.ticket_verify(ticket=broken, by=duty_operator)
    camera_update(camera=broken.camera, by=vendor_engineer, work_order="WO-9", name="Y")
    other = CameraFactory(vendor=vendor_engineer.department)
    camera_update(camera=other, by=vendor_engineer, work_order="WO-10", name="Z")
    assert AuditEvent.objects.filter(action="cameras.camera_update").count() == 2


def test_a_change_under_the_ticket_shows_on_its_timeline(
    client, broken, vendor_engineer, other_vendor_engineer, duty_operator
):
    """The vendor's settings change made under the ticket's number (any case) is a row of the
    ticket's timeline, naming the work order and the settings changed (not their values: an
    address may carry credentials, M-1.1a); a change under another number is not."""
    services.ticket_acknowledge(ticket=broken, by=vendor_engineer)
    camera_update(
        camera=broken.camera,
        by=vendor_engineer,
        work_order=broken.number.lower(),
        name="Main gate, new lens",
        rtsp_main_uri="rtsp://admin:Secr3t@10.0.0.9/stream1",
    )
    services.ticket_clear(ticket=broken, by=vendor_engineer, note="New lens")
    services.ticket_verify(ticket=broken, by=duty_operator)
    camera_update(camera=broken.camera, by=vendor_engineer, work_order="WO-11", name="Gate")

    client.force_login(vendor_engineer)
    page = client.get(broken.get_absolute_url())
    rows = [(row.kind, row.label, row.by, row.note) for row in page.context["timeline"]]
    assert [kind for kind, *_ in rows] == [
        "reported",
        "acknowledged",
        "settings",
        "cleared",
        "verified",
    ]
    _kind, label, by, note = rows[2]
    assert (label, by) == ("Camera settings changed", vendor_engineer)
    assert note.startswith(f"work order {broken.number.lower()}:")
    assert "name" in note and "credentials replaced" in note
    html = page.content.decode()
    assert 'data-kind="settings"' in html and "Secr3t" not in html and "WO-11" not in html
    client.force_login(duty_operator)  # the monitoring center sees it too
    assert b'data-kind="settings"' in client.get(broken.get_absolute_url()).content


def test_the_api_lists_the_changes_under_the_ticket(broken, vendor_engineer):
    from rest_framework.test import APIClient

    camera_update(
        camera=broken.camera,
        by=vendor_engineer,
        work_order=broken.number,
        rtsp_main_uri="rtsp://admin:Secr3t@10.0.0.9/stream1",
    )
    api = APIClient()
    api.force_authenticate(vendor_engineer)
    answer = api.get(f"/api/maintenance/tickets/{broken.pk}/")
    assert answer.status_code == 200 and b"Secr3t" not in answer.content
    (change,) = answer.json()["settings_changes"]
    assert (change["action"], change["label"], change["by"]) == (
        "cameras.camera_update",
        "Camera settings changed",
        vendor_engineer.pk,
    )
    assert change["work_order"] == broken.number and change["credentials_replaced"] is True
    assert "rtsp_main_uri" in change["settings"]
