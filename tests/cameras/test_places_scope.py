"""M-1.3: recorders are devices of a maintenance vendor — a vendor engineer sees their own
company's only; sites and locations are shared campus geography that every camera role reads."""

import pytest

from apps.cameras.models import Camera, Recorder
from apps.cameras.services import camera_create, camera_update, recorder_create
from apps.core.exceptions import RuleViolation
from tests.factories import CameraFactory, LocationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(vendor_engineer, other_vendor_engineer):
    site = SiteFactory(code="MAIN", name="Main campus")
    LocationFactory(site=site, building="Library")
    recorder_create(by=vendor_engineer, code="NVR-MINE", name="Ours", site=site, host="10.0.0.1")
    recorder_create(
        by=other_vendor_engineer, code="NVR-THEIRS", name="Theirs", site=site, host="10.0.9.9"
    )
    return site


def test_vendor_sees_own_recorders_and_all_places(client, vendor_engineer, places):
    client.force_login(vendor_engineer)
    page = client.get("/cameras/places/").content.decode()
    assert "NVR-MINE" in page
    assert "NVR-THEIRS" not in page
    assert "Main campus" in page and "Library" in page


def test_office_roles_see_every_recorder(client, duty_operator, auditor, places):
    for user in (duty_operator, auditor):
        client.force_login(user)
        page = client.get("/cameras/places/").content.decode()
        assert "NVR-MINE" in page and "NVR-THEIRS" in page


def _recorder_choices(page: str) -> set[str]:
    return {code for code in ("NVR-MINE", "NVR-THEIRS") if f">{code} " in page}


def test_camera_forms_offer_only_the_vendors_own_recorders(client, vendor_engineer, places):
    camera = CameraFactory(vendor=vendor_engineer.department, location__site=places)
    client.force_login(vendor_engineer)
    assert _recorder_choices(client.get("/cameras/new/").content.decode()) == {"NVR-MINE"}
    edit_page = client.get(f"/cameras/{camera.pk}/edit/").content.decode()
    assert _recorder_choices(edit_page) == {"NVR-MINE"}


def test_another_companys_recorder_is_refused_on_every_path(vendor_engineer, places):
    theirs = Recorder.objects.get(code="NVR-THEIRS")
    location = places.locations.get()
    with pytest.raises(RuleViolation, match="another company"):
        camera_create(
            by=vendor_engineer,
            work_order="WO-1",
            code="CAM-X",
            name="X",
            location=location,
            recorder=theirs,
            channel=1,
            rtsp_main_uri="rtsp://127.0.0.1:9/x",
        )
    assert not Camera.objects.filter(code="CAM-X").exists()
    camera = CameraFactory(vendor=vendor_engineer.department, location=location)
    with pytest.raises(RuleViolation, match="another company"):
        camera_update(camera=camera, by=vendor_engineer, work_order="WO-2", recorder=theirs)
    camera.refresh_from_db()
    assert camera.recorder_id is None


def test_registration_is_not_offered_outside_a_vendor_company(client, db):
    outsider = UserFactory(roles=["vendor_engineer"], username="stray")
    client.force_login(outsider)
    assert client.get("/cameras/new/").status_code == 403
    assert "/cameras/new/" not in client.get("/cameras/").content.decode()
