"""M-1.3, M-1.1a: a vendor engineer onboards a camera by ONVIF (device information, stream and
reference picture read from the device) or by RTSP; a wrong password is refused with its reason
and registers nothing."""

import pytest

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.onboarding import camera_onboard
from apps.core.exceptions import RuleViolation
from tests.factories import LocationFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_onboard_by_onvif_reads_the_device(vendor_engineer, onvif_peer):
    camera = camera_onboard(
        by=vendor_engineer,
        code="ONV1",
        name="Gate",
        location=LocationFactory(),
        work_order="WO-11",
        onvif_host="127.0.0.1",
        onvif_port=onvif_peer.port,
        username=onvif_peer.user,
        password=onvif_peer.password,
    )
    camera.refresh_from_db()
    assert camera.manufacturer and camera.model and camera.serial_number
    assert camera.rtsp_sub_uri.startswith("rtsp://")
    assert onvif_peer.password not in camera.rtsp_sub_uri
    assert camera.reference_snapshot and camera.vendor == vendor_engineer.department
    assert camera.credential_password == onvif_peer.password
    events = AuditEvent.objects.filter(target_id=str(camera.pk)).values_list("action", flat=True)
    assert {"cameras.camera_create", "cameras.reference_set"} <= set(events)


def test_onboard_with_wrong_onvif_password_registers_nothing(vendor_engineer, onvif_peer):
    with pytest.raises(RuleViolation) as refused:
        camera_onboard(
            by=vendor_engineer,
            code="ONV2",
            name="Gate",
            location=LocationFactory(),
            work_order="WO-12",
            onvif_host="127.0.0.1",
            onvif_port=onvif_peer.port,
            username=onvif_peer.user,
            password="wrong-password",
        )
    assert "onvif" in refused.value.message and "wrong-password" not in refused.value.message
    assert "auth" in refused.value.message.lower()
    assert not Camera.objects.filter(code="ONV2").exists()


def test_onboard_by_rtsp_page(client, vendor_engineer, rtsp_peer):
    location = LocationFactory()
    client.force_login(vendor_engineer)
    response = client.post(
        "/cameras/new/",
        {
            "code": "RT1",
            "name": "Library",
            "location": location.pk,
            "rtsp_uri": rtsp_peer.uri("normal"),
            "work_order": "WO-13",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    camera = Camera.objects.get(code="RT1")
    assert camera.rtsp_main_uri == rtsp_peer.uri("normal") and camera.reference_snapshot


def test_onboard_page_refuses_uri_credentials_that_differ_from_the_fields(
    client, vendor_engineer, rtsp_peer
):
    client.force_login(vendor_engineer)
    response = client.post(
        "/cameras/new/",
        {
            "code": "RT2",
            "name": "x",
            "location": LocationFactory().pk,
            "rtsp_uri": f"rtsp://admin:uri-pw-8531@127.0.0.1:{rtsp_peer.port}/normal",
            "username": "admin",
            "password": "field-pw-8531",
            "work_order": "WO-14",
        },
    )
    assert response.status_code == 200
    assert b"differs from the device credentials" in response.content
    assert b"uri-pw-8531" not in response.content and b"field-pw-8531" not in response.content
    assert not Camera.objects.filter(code="RT2").exists()
