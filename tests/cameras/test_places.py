"""M-1.3: vendor engineers add sites, locations and recorders; others only read them."""

import pytest

from apps.audit.models import AuditEvent
from apps.cameras.models import Location, Recorder, Site

pytestmark = pytest.mark.django_db


def test_vendor_adds_site_location_and_recorder(client, vendor_engineer):
    client.force_login(vendor_engineer)
    assert (
        client.post(
            "/cameras/places/", {"kind": "site", "site-code": "N", "site-name": "北校区"}
        ).status_code
        == 302
    )
    site = Site.objects.get(code="N")
    response = client.post(
        "/cameras/places/",
        {
            "kind": "location",
            "location-site": site.pk,
            "location-building": "图书馆",
            "location-floor": "1F",
            "location-area": "大厅",
            "location-area_kind": "library",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/cameras/places/",
        {
            "kind": "recorder",
            "recorder-code": "NVR1",
            "recorder-name": "图书馆录像机",
            "recorder-site": site.pk,
            "recorder-channels": 32,
        },
    )
    assert response.status_code == 302
    assert Location.objects.get(building="图书馆").area_kind == "library"
    assert Recorder.objects.get(code="NVR1").vendor == vendor_engineer.department
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cameras.site_create", "cameras.location_create", "cameras.recorder_create"} <= actions
    page = client.get("/cameras/places/")
    assert "图书馆 1F 大厅" in page.content.decode()


def test_duplicate_site_is_a_form_error(client, vendor_engineer):
    client.force_login(vendor_engineer)
    client.post("/cameras/places/", {"kind": "site", "site-code": "N", "site-name": "A"})
    response = client.post("/cameras/places/", {"kind": "site", "site-code": "N", "site-name": "B"})
    assert response.status_code == 200 and b"exists already" in response.content
    assert Site.objects.filter(code="N").count() == 1


def test_operator_reads_but_cannot_add(client, duty_operator):
    client.force_login(duty_operator)
    page = client.get("/cameras/places/")
    assert page.status_code == 200 and b"site-form" not in page.content
    response = client.post("/cameras/places/", {"kind": "site", "site-code": "X", "site-name": "X"})
    assert response.status_code == 403 and not Site.objects.filter(code="X").exists()
