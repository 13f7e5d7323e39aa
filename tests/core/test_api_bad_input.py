"""Bad input is a clear 4xx with nothing written, never a server error (issue 13 §4)."""

import pytest
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.patrol.models import PatrolRun
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.fixture
def api(client, duty_operator):
    token = Token.objects.create(user=duty_operator)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "abc", "1.5", "1e400"])
def test_run_filter_out_of_range_is_a_400(api, value):
    response = api.get("/api/patrol/checks/", {"run": value})
    assert response.status_code == 400
    assert "run" in response.json()


def test_run_filter_in_range_still_filters(api):
    response = api.get("/api/patrol/checks/", {"run": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_auto_generated_integer_filters_are_bounded(client, security_chief):
    """Filters built from filterset_fields use the same bounded integers (department id)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.raise_request_exception = False
    assert client.get("/api/users/", {"department": HUGE}).status_code == 400
    assert client.get("/api/users/", {"is_active": "true"}).status_code == 200


def test_patrol_start_with_a_camera_that_is_not_a_number(client, duty_operator):
    CameraFactory()
    client.force_login(duty_operator)
    client.raise_request_exception = False
    for camera in ("abc", HUGE, "1e3", "-1"):
        response = client.post("/patrol/start/", {"camera": camera})
        assert 400 <= response.status_code < 500, camera
    assert not PatrolRun.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="patrol.").exists()


def test_an_api_address_that_names_no_endpoint_is_a_json_404(api):
    for method in (api.get, api.patch, api.post):
        response = method("/api/cameras/1.5/")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_schema_declares_the_error_responses(api):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in operation["responses"], (method, path)
