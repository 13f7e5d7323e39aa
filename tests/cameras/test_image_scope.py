"""M-3.1, M-1.3: camera pictures are served only through views that check the camera is in the
user's scope (404 otherwise), under names nobody can guess; there is no /media/ route."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.accounts.models import Role
from apps.cameras.services import camera_health_record, camera_reference_set
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"picture" * 20 + b"\xff\xd9"
RANDOM_NAME = re.compile(r"^[a-z/]+/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")


@pytest.fixture
def pictured(vendor_engineer, other_vendor_engineer):
    """A camera of the engineer's company and one of another company, each with pictures
    taken by a patrol (reference, last snapshot, thumbnail and the check's own pictures)."""
    cameras = {}
    for code, engineer in (("MINE", vendor_engineer), ("THEIRS", other_vendor_engineer)):
        camera = CameraFactory(code=code, vendor=engineer.department)
        camera_reference_set(camera=camera, by=None, jpeg=JPEG)
        cameras[code] = camera
    results = {}
    for camera in cameras.values():
        result = outcome("fault", "Picture is black.")
        result.snapshot_jpeg = JPEG + camera.code.encode()
        result.thumbnail_jpeg = JPEG + b"thumb"
        results[camera] = result
    run = finished_run(results)
    checks = {c.camera.code: c for c in run.checks.select_related("camera")}
    for camera in cameras.values():
        camera.refresh_from_db()
    return cameras, checks


def _image_paths(camera, check) -> list[str]:
    return [
        *(
            f"/cameras/{camera.pk}/images/{kind}/"
            for kind in ("reference", "snapshot", "thumbnail")
        ),
        *(f"/patrol/checks/{check.pk}/images/{kind}/" for kind in ("snapshot", "thumbnail")),
    ]


def test_vendor_gets_own_pictures_with_private_headers(client, vendor_engineer, pictured):
    cameras, checks = pictured
    client.force_login(vendor_engineer)
    for path in _image_paths(cameras["MINE"], checks["MINE"]):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xff\xd8\xff"), path
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-cache"
        assert response["X-Content-Type-Options"] == "nosniff"
    snapshot = client.get(f"/patrol/checks/{checks['MINE'].pk}/images/snapshot/")
    assert b"".join(snapshot.streaming_content).endswith(b"MINE")


def test_other_company_pictures_are_not_found(client, vendor_engineer, pictured):
    cameras, checks = pictured
    client.force_login(vendor_engineer)
    for path in _image_paths(cameras["THEIRS"], checks["THEIRS"]):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DEPARTMENT_HEAD])
def test_roles_without_camera_access_get_no_picture(client, pictured, role):
    cameras, checks = pictured
    client.force_login(UserFactory(roles=[role], username=f"img-{role}"))
    for code in ("MINE", "THEIRS"):
        for path in _image_paths(cameras[code], checks[code]):
            assert client.get(path).status_code == 404, path


def test_anonymous_is_sent_to_login(client, pictured):
    cameras, checks = pictured
    for path in _image_paths(cameras["MINE"], checks["MINE"]):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_media_route_serves_stored_files(client, duty_operator, pictured):
    cameras, _checks = pictured
    client.force_login(duty_operator)
    name = cameras["MINE"].last_snapshot.name
    assert default_storage.exists(name)
    assert client.get(f"/media/{name}").status_code == 404


def test_stored_names_are_random_not_the_camera_code(pictured):
    cameras, checks = pictured
    camera, check = cameras["MINE"], checks["MINE"]
    check.refresh_from_db()
    names = [
        camera.reference_snapshot.name,
        camera.last_snapshot.name,
        camera.last_thumbnail.name,
        check.snapshot.name,
        check.thumbnail.name,
    ]
    for name in names:
        assert RANDOM_NAME.match(name), name
        assert "MINE" not in name
    assert len(set(names)) == len(names)


def test_pictures_under_old_names_stay_readable(client, duty_operator):
    camera = CameraFactory(code="OLD1")
    old_name = default_storage.save("cameras/snapshots/OLD1.jpg", ContentFile(JPEG))
    type(camera).objects.filter(pk=camera.pk).update(last_snapshot=old_name)
    client.force_login(duty_operator)
    response = client.get(f"/cameras/{camera.pk}/images/snapshot/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG


def test_unchanged_picture_answers_304_and_a_new_one_200(client, duty_operator, pictured):
    cameras, _checks = pictured
    camera = cameras["MINE"]
    path = f"/cameras/{camera.pk}/images/snapshot/"
    client.force_login(duty_operator)
    etag = client.get(path)["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    camera_health_record(
        camera=camera, verdict="ok", checked_at=camera.last_checked_at, snapshot_jpeg=JPEG
    )
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_a_file_that_is_not_a_picture_is_not_sent_as_one(client, duty_operator):
    camera = CameraFactory(code="HTML1")
    name = default_storage.save(
        "cameras/snapshots/x.jpg", ContentFile(b"<script>alert(1)</script>")
    )
    type(camera).objects.filter(pk=camera.pk).update(last_snapshot=name)
    client.force_login(duty_operator)
    response = client.get(f"/cameras/{camera.pk}/images/snapshot/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"


def test_missing_picture_or_kind_is_not_found(client, duty_operator):
    camera = CameraFactory(code="NOPIC")
    client.force_login(duty_operator)
    assert client.get(f"/cameras/{camera.pk}/images/snapshot/").status_code == 404
    assert client.get(f"/cameras/{camera.pk}/images/credential_password/").status_code == 404
    name = default_storage.save("cameras/snapshots/gone.jpg", ContentFile(JPEG))
    type(camera).objects.filter(pk=camera.pk).update(last_snapshot=name)
    default_storage.delete(name)
    assert client.get(f"/cameras/{camera.pk}/images/snapshot/").status_code == 404


def test_pages_and_api_use_the_scoped_addresses(client, duty_operator, pictured):
    cameras, checks = pictured
    camera, check = cameras["MINE"], checks["MINE"]
    client.force_login(duty_operator)
    detail = client.get(f"/cameras/{camera.pk}/").content.decode()
    assert f'src="/cameras/{camera.pk}/images/snapshot/"' in detail
    assert f'src="/cameras/{camera.pk}/images/reference/"' in detail
    grid = client.get("/cameras/").content.decode()
    assert f'src="/cameras/{camera.pk}/images/thumbnail/"' in grid
    run_page = client.get(f"/patrol/{check.run_id}/").content.decode()
    assert f'src="/patrol/checks/{check.pk}/images/thumbnail/"' in run_page
    for page in (detail, grid, run_page):
        assert "/media/" not in page
    api = client.get(f"/api/patrol/checks/{check.pk}/").json()
    assert api["snapshot"] == f"http://testserver/patrol/checks/{check.pk}/images/snapshot/"
    assert api["thumbnail"].endswith(f"/patrol/checks/{check.pk}/images/thumbnail/")
