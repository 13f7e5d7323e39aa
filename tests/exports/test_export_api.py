"""Issue 15: /api/exports/ lists the user's own jobs and starts one for a register and a
search; an unknown register or a bad search is a 400, a register the role may not read 403."""

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.exports.models import ExportJob
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_start_and_list_own_exports(api, duty_operator, security_chief):
    CameraFactory()
    api.force_authenticate(duty_operator)
    response = api.post("/api/exports/", {"register": "cameras.cameras", "query": "status=active"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "queued" and body["query"] == "status=active"
    assert body["download_url"] is None
    assert AuditEvent.objects.filter(action="exports.export_request", clause="M-4.2").exists()
    assert [job["id"] for job in api.get("/api/exports/").json()["results"]] == [body["id"]]
    api.force_authenticate(security_chief)
    assert api.get("/api/exports/").json()["results"] == []
    assert api.get(f"/api/exports/{body['id']}/").status_code == 404


def test_unknown_register_and_bad_search_are_400(api, duty_operator):
    api.force_authenticate(duty_operator)
    unknown = api.post("/api/exports/", {"register": "nope.nothing"})
    assert unknown.status_code == 400 and "no register" in unknown.json()["detail"]
    bad = api.post("/api/exports/", {"register": "cameras.cameras", "query": "status=nonsense"})
    assert bad.status_code == 400 and "not valid" in bad.json()["detail"]
    assert not ExportJob.objects.exists()


def test_a_register_the_role_may_not_read_is_403(api, duty_operator):
    api.force_authenticate(duty_operator)
    assert api.post("/api/exports/", {"register": "audit.events"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_anonymous_is_401(api):
    assert api.get("/api/exports/").status_code == 401
