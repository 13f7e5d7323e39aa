"""M-1.1a: a device password typed anywhere is never shown, exported, audited, logged or stored
in clear (issue 13 §2).

Cameras are registered and edited through every path with one known password — inside stream
URIs and ONVIF hosts as ``user:password@``, and in the credential fields — and refused through
each path with it too. Then every page, API response, export, audit event, database row and
log line is searched for it: zero hits. Each path must also have put it where it belongs, the
encrypted credential fields; a path that merely dropped it would not pass.
"""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.services import recorder_create
from tests.factories import CameraFactory, LocationFactory, SiteFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db

# Unreserved characters only: as typed and as percent-encoded it is the same text.
SECRET = "Kq7-zeta-pw-4f2e9"
OTHER = SECRET + "-other"  # a second password; searching for SECRET finds it too
HEADER = "code,name,site_code,building,floor,area,area_kind,rtsp_main_uri,onvif_host,onvif_port,"
HEADER += "username,password\n"


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _database_text() -> str:
    """Every row of every table, as the database holds it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(chunks)


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(client, vendor_engineer, auditor, duty_operator, closed_port, caplog):
    """Every path, with SECRET; returns what the searches need."""
    caplog.set_level(logging.DEBUG)
    seen: list[tuple[str, str]] = []  # (what, text) of every response along the way
    site = SiteFactory(code="PWS")
    location = LocationFactory(site=site)
    recorder = recorder_create(by=None, code="NVR-PW", name="NVR", site=site, channels=8)
    client.force_login(vendor_engineer)
    token = Token.objects.create(user=vendor_engineer).key
    api = {"HTTP_AUTHORIZATION": f"Token {token}", "content_type": "application/json"}

    # 1. Edit form: the password inside the main stream URI.
    edited = CameraFactory(code="PW-EDIT", location=location, vendor=vendor_engineer.department)
    form = {
        "code": edited.code,
        "name": edited.name,
        "location": location.pk,
        "rtsp_main_uri": f"rtsp://admin:{SECRET}@127.0.0.1:8554/edit",
        "rtsp_sub_uri": "",
        "status": "active",
        "diagnosis_overrides": "{}",
        "work_order": "WO-PW-1",
    }
    response = client.post(f"/cameras/{edited.pk}/edit/", form)
    assert response.status_code == 302, _body(response)[:3000]

    # 2. Edit form refused: the sub stream names another password. The page comes back.
    refused = {**form, "rtsp_sub_uri": f"rtsp://admin:{OTHER}@127.0.0.1:8554/sub"}
    response = client.post(f"/cameras/{edited.pk}/edit/", refused)
    assert response.status_code == 200 and "differs from the device credentials" in _body(response)
    seen.append(("refused edit form", _body(response)))
    response = client.post(
        f"/cameras/{edited.pk}/edit/",
        {**form, "rtsp_main_uri": f"file://admin:{SECRET}@127.0.0.1/etc/passwd"},
    )
    assert response.status_code == 200 and "rtsp://" in _body(response)
    seen.append(("refused edit form (scheme)", _body(response)))

    # 3. API POST: the password in the sub stream URI, and an ONVIF host with userinfo.
    response = client.post(
        "/api/cameras/",
        {
            "code": "PW-API",
            "name": "API camera",
            "location": location.pk,
            "recorder": recorder.pk,
            "channel": 3,
            "onvif_host": f"http://admin:{SECRET}@127.0.0.1:8080/onvif/device_service",
            "rtsp_sub_uri": f"rtsp://admin:{SECRET}@127.0.0.1:8554/api",
            "work_order": "WO-PW-2",
        },
        **api,
    )
    assert response.status_code == 201, _body(response)
    seen.append(("API POST response", _body(response)))
    assert Camera.objects.get(code="PW-API").rtsp_sub_uri == "rtsp://127.0.0.1:8554/api"

    # 4. API PATCH of another camera.
    patched = CameraFactory(code="PW-PATCH", location=location, vendor=vendor_engineer.department)
    response = client.patch(
        f"/api/cameras/{patched.pk}/",
        {"rtsp_main_uri": f"rtsp://viewer:{SECRET}@127.0.0.1:8554/patch", "work_order": "W3"},
        **api,
    )
    assert response.status_code == 200, _body(response)
    seen.append(("API PATCH response", _body(response)))

    # 5. API refused: a password in an http:// stream address.
    response = client.post(
        "/api/cameras/",
        {
            "code": "PW-BAD",
            "name": "bad",
            "location": location.pk,
            "rtsp_main_uri": f"http://admin:{SECRET}@127.0.0.1/stream",
            "work_order": "WO-PW-4",
        },
        **api,
    )
    assert response.status_code == 400
    seen.append(("API refusal", _body(response)))

    # 6. CSV import: in a URI, in an ONVIF host, in the password column.
    csv_rows = (
        f"PW-CSV1,a,PWS,Gate,,in,entrance,rtsp://admin:{SECRET}@127.0.0.1/c1,,,,\n"
        f"PW-CSV2,b,PWS,Gate,,in,entrance,,admin:{SECRET}@127.0.0.1,8080,,\n"
        f"PW-CSV3,c,PWS,Gate,,in,entrance,rtsp://127.0.0.1/c3,,,admin,{SECRET}\n"
    )
    response = client.post(
        "/cameras/import/",
        {
            "file": SimpleUploadedFile("cams.csv", (HEADER + csv_rows).encode()),
            "work_order": "WO-PW-5",
        },
    )
    assert response.status_code == 302, _body(response)[:3000]

    # 7. CSV import refused (one bad row): the report comes back; nothing is imported.
    bad_rows = (
        f"PW-CSV4,d,PWS,Gate,,in,entrance,rtsp://admin:{SECRET}@127.0.0.1/c4,,,,\n"
        f"PW-CSV5,e,PWS,Gate,,in,entrance,javascript://admin:{SECRET}@x/,,,,\n"
        f"PW-CSV6,f,PWS,Gate,,in,entrance,rtsp://admin:{SECRET}@127.0.0.1/c6,,,,{OTHER}\n"
    )
    response = client.post(
        "/cameras/import/",
        {"file": SimpleUploadedFile("bad.csv", (HEADER + bad_rows).encode()), "work_order": "W6"},
    )
    assert response.status_code == 400
    assert "Row 3" in _body(response) and "Row 4" in _body(response)
    assert not Camera.objects.filter(code="PW-CSV4").exists()
    seen.append(("refused import report", _body(response)))

    # 8. XLSX import.
    columns = HEADER.strip().split(",")
    xlsx = _xlsx(
        [
            columns,
            ["PW-X1", "x", "PWS", "Gate", None, "in", "entrance"]
            + [f"rtsp://admin:{SECRET}@127.0.0.1/x1", None, None, None, None],
            ["PW-X2", "y", "PWS", "Gate", None, "in", "entrance"]
            + ["rtsp://127.0.0.1/x2", None, None, "admin", SECRET],
        ]
    )
    response = client.post(
        "/cameras/import/",
        {"file": SimpleUploadedFile("cams.xlsx", xlsx), "work_order": "WO-PW-7"},
    )
    assert response.status_code == 302, _body(response)[:3000]

    # 9. Credentials form and credentials API.
    by_form = CameraFactory(code="PW-CRED", location=location, vendor=vendor_engineer.department)
    response = client.post(
        f"/cameras/{by_form.pk}/credentials/",
        {"username": "admin", "password": SECRET, "work_order": "WO-PW-8"},
    )
    assert response.status_code == 302
    by_api = CameraFactory(code="PW-CAPI", location=location, vendor=vendor_engineer.department)
    response = client.post(
        f"/api/cameras/{by_api.pk}/credentials/",
        {"username": "admin", "password": SECRET, "work_order": "WO-PW-9"},
        **api,
    )
    assert response.status_code == 204
    response = client.post(
        f"/cameras/{by_form.pk}/credentials/",
        {"username": "admin", "password": SECRET + "\x00", "work_order": "WO-PW-10"},
    )
    assert response.status_code == 200  # refused: NUL
    seen.append(("refused credentials form", _body(response)))

    # 10. Onboarding form, refused after its probe (nothing listens there) and before it
    # (a host outside the camera networks): the form comes back without the password.
    for host in (f"127.0.0.1:{closed_port}", "10.255.255.1"):
        response = client.post(
            "/cameras/new/",
            {
                "code": "PW-NEW",
                "name": "new",
                "location": location.pk,
                "rtsp_uri": f"rtsp://admin:{SECRET}@{host}/stream",
                "password": SECRET,
                "work_order": "WO-PW-11",
            },
        )
        assert response.status_code == 200 and 'data-testid="form-error"' in _body(response)
        assert f"{host}/stream" in _body(response)  # the address comes back, without userinfo
        seen.append((f"refused onboarding form ({host})", _body(response)))
    assert not Camera.objects.filter(code="PW-NEW").exists()

    cameras = list(Camera.objects.filter(code__startswith="PW-"))
    run = finished_run({camera: outcome("fault", "Picture is black.") for camera in cameras})
    return {
        "cameras": cameras,
        "run": run,
        "seen": seen,
        "token": token,
        "users": {"vendor": vendor_engineer, "auditor": auditor, "operator": duty_operator},
        "caplog": caplog,
    }


def test_every_path_stores_the_password_encrypted_and_the_addresses_without_it(world):
    with_secret = {
        c.code for c in world["cameras"] if c.credential_password == SECRET
    }  # decrypted: each path put it where it belongs
    assert with_secret == {
        "PW-EDIT",
        "PW-API",
        "PW-PATCH",
        "PW-CSV1",
        "PW-CSV2",
        "PW-CSV3",
        "PW-X1",
        "PW-X2",
        "PW-CRED",
        "PW-CAPI",
    }
    api = Camera.objects.get(code="PW-API")
    assert api.onvif_host == "127.0.0.1" and api.onvif_port == 8080
    assert api.rtsp_sub_uri == "rtsp://127.0.0.1:8554/api" and api.credential_username == "admin"
    assert Camera.objects.get(code="PW-EDIT").rtsp_main_uri == "rtsp://127.0.0.1:8554/edit"
    assert Camera.objects.get(code="PW-CSV2").onvif_host == "127.0.0.1"


def test_no_page_api_export_audit_row_database_value_or_log_line_holds_it(client, world):
    cameras, run, users = world["cameras"], world["run"], world["users"]
    hits = [what for what, text in world["seen"] if SECRET in text]

    pages = {
        "vendor": [
            "/",
            "/cameras/",
            "/cameras/?format=csv",
            "/cameras/places/",
            "/cameras/import/",
            "/cameras/new/",
            "/patrol/",
            "/patrol/?format=csv",
            f"/patrol/{run.pk}/",
            f"/patrol/{run.pk}/progress/",
            "/api/cameras/",
            f"/api/patrol/runs/{run.pk}/",
            f"/api/patrol/checks/?run={run.pk}",
            "/api/schema/",
        ]
        + [
            path
            for camera in cameras
            for path in (
                f"/cameras/{camera.pk}/",
                f"/cameras/{camera.pk}/edit/",
                f"/cameras/{camera.pk}/credentials/",
                f"/patrol/cameras/{camera.pk}/history/",
                f"/api/cameras/{camera.pk}/",
            )
        ],
        "operator": ["/cameras/", "/cameras/?format=csv", f"/patrol/{run.pk}/", "/api/cameras/"]
        + [f"/cameras/{camera.pk}/" for camera in cameras],
        "auditor": ["/audit/", "/audit/?format=csv", "/api/audit/events/?page_size=500"],
    }
    fetched = 0
    for who, paths in pages.items():
        client.force_login(users[who])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, f"{who} {path}: {response.status_code}"
            fetched += 1
            if SECRET in _body(response):
                hits.append(f"{who} {path}")

    events = list(AuditEvent.objects.values())
    assert len(events) > 15  # every path above left its events
    hits += [f"audit event {e['sequence']}" for e in events if SECRET in repr(e)]
    if SECRET in _database_text():
        hits.append("database")
    if SECRET in world["caplog"].text:
        hits.append("log")
    assert fetched > 60
    assert not hits, hits


def test_the_credential_columns_hold_ciphertext(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, credential_username, credential_password FROM cameras_camera "
            "WHERE code LIKE 'PW-%%'"
        )
        rows = cursor.fetchall()
    raw_passwords = [password for code, _user, password in rows if password]
    assert len(raw_passwords) == 10
    assert all(p.startswith("gAAAA") and SECRET not in p for p in raw_passwords)  # Fernet


@pytest.mark.slow
def test_onboarding_with_the_password_in_the_uri_splits_it_out(client, vendor_engineer, rtsp_peer):
    """With the real protected peer: onboarding by a URI with userinfo registers the camera
    with the credentials encrypted and the address plain."""
    client.force_login(vendor_engineer)
    response = client.post(
        "/cameras/new/",
        {
            "code": "PW-PEER",
            "name": "Protected",
            "location": LocationFactory().pk,
            "rtsp_uri": rtsp_peer.protected_uri(rtsp_peer.user, rtsp_peer.password),
            "work_order": "WO-PW-12",
        },
    )
    assert response.status_code == 302, _body(response)[:3000]
    camera = Camera.objects.get(code="PW-PEER")
    assert camera.credential_password == rtsp_peer.password
    assert camera.rtsp_main_uri == f"rtsp://127.0.0.1:{rtsp_peer.digest_port}/protected"
    client.force_login(vendor_engineer)
    page = _body(client.get(f"/cameras/{camera.pk}/"))
    encoded = rtsp_peer.protected_uri(rtsp_peer.user, rtsp_peer.password).split("@")[0]
    assert rtsp_peer.password not in page and encoded.split(":")[-1] not in page
    assert not any(rtsp_peer.password in repr(e) for e in AuditEvent.objects.values())
