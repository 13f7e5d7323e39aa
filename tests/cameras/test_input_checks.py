"""Input checks of the camera services on every path (issue 13 §4; M-1.3): stream URIs
rtsp/rtsps only, ports 1–65535, channels within the recorder's, field lengths, no NUL
characters. Each refusal is a clear message (a 4xx on the API) and writes nothing: no camera,
no audit event."""

import json

import pytest
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.cameras.imports import COLUMNS, cameras_import
from apps.cameras.models import Camera
from apps.cameras.onboarding import camera_onboard
from apps.cameras.services import camera_create, camera_update, recorder_create
from apps.core.exceptions import RuleViolation
from tests.factories import CameraFactory, LocationFactory, SiteFactory

pytestmark = pytest.mark.django_db

SCHEME = "rtsp:// or rtsps://"
PORT = "1 to 65535"
# (field, value, what the message says)
BAD = [
    ("rtsp_main_uri", "file:///etc/passwd", SCHEME),
    ("rtsp_main_uri", "http://127.0.0.1/stream", SCHEME),
    ("rtsp_main_uri", "javascript:alert(1)", SCHEME),
    ("rtsp_sub_uri", "ftp://127.0.0.1/x", SCHEME),
    ("rtsp_main_uri", "rtsp://127.0.0.1:0/x", PORT),
    ("rtsp_main_uri", "rtsp://127.0.0.1:65536/x", PORT),
    ("rtsp_main_uri", "rtsp://127.0.0.1/x\r\nSession: 1", "control characters"),
    ("rtsp_main_uri", "rtsp://127.0.0.1/x?user=admin&password=pw", "no password in the address"),
    ("rtsp_main_uri", "rtsp:///no-host", "has no host"),
    ("onvif_port", 0, PORT),
    ("onvif_port", 65536, PORT),
    ("channel", 9, "channels 1 to 8"),
    ("channel", 0, "from 1"),
    ("name", "Gate\x00", "NUL"),
    ("rtsp_main_uri", "rtsp://127.0.0.1/\x00", "NUL"),
    ("code", "C" * 33, "longer than 32"),
    ("manufacturer", "M" * 121, "longer than 120"),
    ("onvif_host", "10.0.0.1/onvif", "host name or an IP address"),
    ("onvif_host", "cam 1", "spaces or control characters"),
]
IDS = [f"{field}={value!r}"[:40] for field, value, _m in BAD]


@pytest.fixture
def place(db):
    site = SiteFactory(code="CHK")
    recorder = recorder_create(by=None, code="NVR-CHK", name="NVR", site=site, channels=8)
    return {"location": LocationFactory(site=site), "recorder": recorder, "site": site}


def _good(place, **extra):
    fields = {
        "code": "CHK-1",
        "name": "Gate",
        "location": place["location"],
        "recorder": place["recorder"],
        "channel": 1,
        "onvif_host": "127.0.0.1",
        "onvif_port": 80,
        "rtsp_main_uri": "rtsp://127.0.0.1:8554/main",
    }
    return {**fields, **extra}


class Unchanged:
    """Nothing written: the same cameras (with the same settings) and audit events after."""

    def __enter__(self):
        self.before = (list(Camera.objects.values()), AuditEvent.objects.count())
        return self

    def __exit__(self, *exc):
        assert (list(Camera.objects.values()), AuditEvent.objects.count()) == self.before


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=IDS)
def test_service_create_refuses(vendor_engineer, place, field, value, message):
    with Unchanged(), pytest.raises(RuleViolation) as refused:
        camera_create(by=vendor_engineer, work_order="WO-1", **_good(place, **{field: value}))
    assert message in refused.value.message


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=IDS)
def test_service_update_refuses(vendor_engineer, place, field, value, message):
    camera = CameraFactory(
        code="CHK-U", recorder=place["recorder"], vendor=vendor_engineer.department
    )
    with Unchanged(), pytest.raises(RuleViolation) as refused:
        camera_update(camera=camera, by=vendor_engineer, work_order="WO-2", **{field: value})
    assert message in refused.value.message


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=IDS)
def test_api_post_and_patch_refuse_with_400(client, vendor_engineer, place, field, value, message):
    camera = CameraFactory(
        code="CHK-P", recorder=place["recorder"], vendor=vendor_engineer.department
    )
    token = Token.objects.create(user=vendor_engineer).key
    headers = {"HTTP_AUTHORIZATION": f"Token {token}", "content_type": "application/json"}
    body = {
        **_good(place),
        "location": place["location"].pk,
        "recorder": place["recorder"].pk,
        field: value,
        "work_order": "WO-3",
    }
    with Unchanged():
        posted = client.post("/api/cameras/", json.dumps(body), **headers)
        patched = client.patch(
            f"/api/cameras/{camera.pk}/", json.dumps({field: value, "work_order": "W"}), **headers
        )
    for response in (posted, patched):
        assert response.status_code == 400, response.content
        # The serializer's own check (length, NUL) may speak first; either way it is named.
        text = response.content.decode()
        assert message in text or field in text or "Null characters" in text, text


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=IDS)
def test_edit_form_refuses(client, vendor_engineer, place, field, value, message):
    camera = CameraFactory(
        code="CHK-F", recorder=place["recorder"], channel=1, vendor=vendor_engineer.department
    )
    form = {
        "code": camera.code,
        "name": camera.name,
        "location": camera.location.pk,
        "recorder": place["recorder"].pk,
        "channel": 1,
        "rtsp_main_uri": camera.rtsp_main_uri,
        "status": "active",
        "diagnosis_overrides": "{}",
        "work_order": "WO-4",
        field: value,
    }
    client.force_login(vendor_engineer)
    with Unchanged():
        response = client.post(f"/cameras/{camera.pk}/edit/", form)
    assert response.status_code == 200  # the form again, with its error
    assert b"form-error" in response.content or b"text-danger" in response.content


IMPORT_HEADER = (
    "code,name,site_code,building,area_kind,recorder_code,channel,onvif_host,onvif_port,"
    "rtsp_main_uri,rtsp_sub_uri\n"
)


def _csv_row(field, value):
    row = {
        "code": "CHK-I",
        "name": "Gate",
        "site_code": "CHK",
        "building": "B",
        "area_kind": "entrance",
        "recorder_code": "NVR-CHK",
        "channel": "1",
        "onvif_host": "",
        "onvif_port": "",
        "rtsp_main_uri": "rtsp://127.0.0.1/x",
        "rtsp_sub_uri": "",
        field: str(value),
    }
    return ",".join(row[c] for c in IMPORT_HEADER.strip().split(",")) + "\n"


IMPORTABLE = [
    (i, case)
    for i, case in zip(IDS, BAD, strict=True)
    if case[0] in COLUMNS and "\r\n" not in str(case[1])  # a CSV cell: no bare line break
]


@pytest.mark.parametrize(
    ("field", "value", "message"), [c for _i, c in IMPORTABLE], ids=[i for i, _c in IMPORTABLE]
)
def test_import_refuses_the_row(vendor_engineer, place, field, value, message):
    content = (IMPORT_HEADER + _csv_row(field, value)).encode()
    with Unchanged():
        report = cameras_import(by=vendor_engineer, name="c.csv", content=content, work_order="W")
    assert report.created == 0
    assert any(number == 2 and message in text for number, text in report.errors), report.errors


ONBOARD_BAD = [
    ("rtsp_uri", "file:///etc/passwd", SCHEME),
    ("rtsp_uri", "javascript:alert(1)", SCHEME),
    ("rtsp_uri", "http://127.0.0.1/x", SCHEME),
    ("rtsp_uri", "rtsp://127.0.0.1:65536/x", PORT),
    ("rtsp_uri", "rtsp://127.0.0.1/\x00", "NUL"),
    ("onvif_port", 70000, PORT),
    ("channel", 9, "channels 1 to 8"),
    ("name", "N\x00", "NUL"),
    ("code", "C" * 40, "longer than 32"),
]


@pytest.mark.parametrize(("field", "value", "message"), ONBOARD_BAD)
def test_onboarding_refuses_before_connecting(vendor_engineer, place, field, value, message):
    args = {
        "code": "CHK-O",
        "name": "Gate",
        "location": place["location"],
        "recorder": place["recorder"],
        "work_order": "WO-5",
        "rtsp_uri": "rtsp://127.0.0.1:9/x",
    }
    if field == "onvif_port":
        args.update(onvif_host="127.0.0.1", rtsp_uri="")
    with Unchanged(), pytest.raises(RuleViolation) as refused:
        camera_onboard(by=vendor_engineer, **{**args, field: value})
    assert message in refused.value.message


def test_an_onvif_url_becomes_host_and_port(vendor_engineer, place):
    camera = camera_create(
        by=vendor_engineer,
        work_order="WO-6",
        **_good(place, onvif_host="http://127.0.0.1:8080/onvif/device_service", onvif_port=None),
    )
    assert (camera.onvif_host, camera.onvif_port) == ("127.0.0.1", 8080)
    with pytest.raises(RuleViolation, match="port 8081"):
        camera_update(
            camera=camera, by=vendor_engineer, work_order="W", onvif_host="http://127.0.0.1:8081"
        )


def test_good_rtsps_and_ipv6_addresses_pass(vendor_engineer, place):
    camera = camera_create(
        by=vendor_engineer,
        work_order="WO-7",
        **_good(place, rtsp_main_uri="rtsps://[::1]:322/main", onvif_host="cam-01.cctv.example"),
    )
    assert camera.rtsp_main_uri == "rtsps://[::1]:322/main"
