"""M-1.1a: device credentials are encrypted at rest, never shown, exported or audited."""

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.cameras.services import camera_create, camera_credentials_replace
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
SECRET = "S3cret-Pa55!"


@pytest.fixture
def camera(vendor_engineer):
    return camera_create(
        by=vendor_engineer,
        work_order="WO-1",
        code="SEC1",
        name="Gate",
        location=LocationFactory(),
        rtsp_main_uri="rtsp://127.0.0.1/x",
        credential_username="admin",
        credential_password=SECRET,
    )


def test_stored_encrypted(camera):
    with connection.cursor() as cursor:
        cursor.execute("SELECT credential_password FROM cameras_camera WHERE id = %s", [camera.pk])
        raw = cursor.fetchone()[0]
    assert SECRET not in raw and raw.startswith("gAAAA")  # Fernet token
    camera.refresh_from_db()
    assert camera.credential_password == SECRET


def test_never_on_pages_api_csv_or_audit(client, camera, vendor_engineer, security_chief):
    client.force_login(vendor_engineer)
    for path in (
        f"/cameras/{camera.pk}/",
        f"/cameras/{camera.pk}/edit/",
        f"/cameras/{camera.pk}/credentials/",
        "/cameras/?format=csv",
        "/api/cameras/",
        f"/api/cameras/{camera.pk}/",
    ):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, path
        assert SECRET.encode() not in body, path
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.data)


def test_replacing_is_audited_without_the_value(camera, vendor_engineer):
    camera_credentials_replace(
        camera=camera,
        by=vendor_engineer,
        work_order="WO-2",
        username="admin",
        password="N3w-secret",
    )
    event = AuditEvent.objects.get(action="cameras.credentials_replace")
    assert event.clause == "M-1.1a" and "N3w-secret" not in str(event.data)
    camera.refresh_from_db()
    assert camera.credential_password == "N3w-secret"


def test_every_patrol_records_which_stored_credentials_it_uses(camera):
    from apps.patrol.models import PatrolRun
    from apps.patrol.services import patrol_run_start
    from tests.factories import CameraFactory

    CameraFactory(code="NOCRED")
    patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    start = AuditEvent.objects.get(action="patrol.run_start")
    assert start.data["credentials_used"] == ["SEC1"]
    assert SECRET not in str(start.data)
