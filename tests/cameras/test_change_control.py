"""M-1.3, M-4.1a: only the vendor's engineers change camera settings, under a work order,
with before/after values in the audit chain; everyone else gets a clear refusal."""

import pytest

from apps.audit.models import AuditEvent
from apps.cameras.services import camera_update
from apps.core.exceptions import RuleViolation
from tests.factories import CameraFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_vendor_engineer_changes_settings_with_before_and_after(vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department, name="Old name")
    camera_update(camera=camera, by=vendor_engineer, work_order="WO-7", name="New name")
    camera.refresh_from_db()
    assert camera.name == "New name" and camera.work_order_ref == "WO-7"
    event = AuditEvent.objects.get(action="cameras.camera_update")
    assert event.data["changes"] == {"name": ["Old name", "New name"]}
    assert event.data["work_order"] == "WO-7" and event.clause == "M-1.3"


def test_moving_a_camera_is_an_m41a_event(vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    new_place = LocationFactory()
    camera_update(camera=camera, by=vendor_engineer, work_order="WO-8", location=new_place)
    assert AuditEvent.objects.get(action="cameras.camera_update").clause == "M-4.1a"


def test_change_without_work_order_is_refused(vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    with pytest.raises(RuleViolation, match="work-order"):
        camera_update(camera=camera, by=vendor_engineer, work_order=" ", name="x")


@pytest.mark.parametrize(
    "role_fixture", ["duty_operator", "security_chief", "other_vendor_engineer"]
)
def test_others_are_refused(request, role_fixture, vendor_engineer):
    user = request.getfixturevalue(role_fixture)
    camera = CameraFactory(vendor=vendor_engineer.department, name="Kept")
    with pytest.raises(RuleViolation):
        camera_update(camera=camera, by=user, work_order="WO-1", name="Changed")
    camera.refresh_from_db()
    assert camera.name == "Kept"


def test_edit_page_is_403_for_operator_and_404_out_of_scope(
    client, duty_operator, other_vendor_engineer
):
    camera = CameraFactory()
    client.force_login(duty_operator)
    response = client.get(f"/cameras/{camera.pk}/edit/")
    assert response.status_code == 403
    assert b"error-403" in response.content
    client.force_login(other_vendor_engineer)
    assert client.get(f"/cameras/{camera.pk}/edit/").status_code == 404


def test_edit_page_saves_for_the_vendor(client, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department, name="Before")
    client.force_login(vendor_engineer)
    page = client.get(f"/cameras/{camera.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update({"name": "After", "work_order": "WO-9", "diagnosis_overrides": "{}"})
    response = client.post(f"/cameras/{camera.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    camera.refresh_from_db()
    assert camera.name == "After"
