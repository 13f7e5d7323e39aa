"""State Council Decree 799 Art. 8: no cameras in dormitory rooms, bathrooms, changing rooms."""

import pytest

from apps.cameras.models import Camera
from apps.cameras.services import camera_create
from apps.core.exceptions import RuleViolation
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["dormitory_room", "bathroom", "changing_room"])
def test_camera_in_a_private_place_is_refused(vendor_engineer, kind):
    location = LocationFactory(area_kind=kind)
    with pytest.raises(RuleViolation, match="may not be placed"):
        camera_create(
            by=vendor_engineer,
            work_order="WO-1",
            code="X1",
            name="x",
            location=location,
            rtsp_main_uri="rtsp://127.0.0.1/x",
        )
    assert not Camera.objects.exists()


def test_camera_in_a_dormitory_public_area_is_allowed(vendor_engineer):
    location = LocationFactory(area_kind="dormitory_public")
    camera = camera_create(
        by=vendor_engineer,
        work_order="WO-1",
        code="X2",
        name="x",
        location=location,
        rtsp_main_uri="rtsp://127.0.0.1/x",
    )
    assert camera.vendor == vendor_engineer.department
