"""The API: token and session auth, default-deny, pagination, schema and docs."""

import re

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import CameraFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_token_auth_lists_cameras_with_pagination(client, duty_operator):
    CameraFactory.create_batch(3)
    token = Token.objects.create(user=duty_operator)
    response = client.get(
        "/api/cameras/", {"page_size": 2}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_wrong_token_is_401(client):
    response = client.get("/api/cameras/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_role_without_access_is_403(client, db):
    from tests.factories import UserFactory

    applicant = UserFactory(roles=["applicant"])
    client.force_login(applicant)
    assert client.get("/api/cameras/").status_code == 403
    assert client.get("/api/audit/events/").status_code == 403


def test_schema_and_docs_for_signed_in_users(client, duty_operator):
    client.force_login(duty_operator)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/cameras/" in paths and "/api/patrol/runs/{id}/sign/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    # every script and stylesheet is served locally (campus networks are often offline)
    assert not re.search(rb'(src|href)="(https?:)?//', docs.content)


def test_a_role_that_may_not_write_gets_403(client, duty_operator):
    camera = CameraFactory()
    client.force_login(duty_operator)
    response = client.patch(
        f"/api/cameras/{camera.pk}/",
        {"name": "x", "work_order": "W"},
        content_type="application/json",
    )
    assert response.status_code == 403
    camera.refresh_from_db()
    assert camera.name != "x"


def test_rule_violation_is_a_400_with_its_clause(client, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    bathroom = LocationFactory(area_kind="bathroom")
    client.force_login(vendor_engineer)
    response = client.patch(
        f"/api/cameras/{camera.pk}/",
        {"location": bathroom.pk, "work_order": "W"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["clause"] == "M-4.1c"


def test_vendor_change_without_work_order_is_a_400(client, vendor_engineer):
    camera = CameraFactory(vendor=vendor_engineer.department)
    client.force_login(vendor_engineer)
    response = client.patch(
        f"/api/cameras/{camera.pk}/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "work-order" in response.json()["detail"]
    ok = client.patch(
        f"/api/cameras/{camera.pk}/",
        {"name": "x", "work_order": "WO-5"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["name"] == "x"


def test_recheck_one_camera_through_the_api(
    client, duty_operator, django_capture_on_commit_callbacks
):
    camera = CameraFactory()
    client.force_login(duty_operator)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            "/api/patrol/runs/", {"camera": camera.pk}, content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json()["active_cameras"] == 1 and response.json()["camera"] == camera.pk
    # the check goes to the workers after commit
    assert sum("patrol_run_execute" in repr(callback) for callback in queued) == 1
