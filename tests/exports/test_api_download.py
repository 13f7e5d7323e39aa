"""Issue 15: a finished export downloads through the API with a token, as on the page: its
owner only (others 404), each download audited (M-4.2); not finished 409, expired 410."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.exports import services
from apps.exports.models import ExportJob
from tests.exports.helpers import csv_rows, run_job
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_api(duty_operator):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=duty_operator).key}")
    return api


@pytest.fixture
def queued(duty_operator):
    CameraFactory(code="C-API-1")
    return services.export_request(by=duty_operator, register="cameras.cameras", path="/cameras/")


def test_the_owner_downloads_the_finished_file_with_a_token(token_api, queued):
    job = run_job(queued)
    listed = token_api.get(f"/api/exports/{job.pk}/").json()
    assert listed["download_url"] == f"/api/exports/{job.pk}/download/"
    answer = token_api.get(listed["download_url"])
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = csv_rows(b"".join(answer.streaming_content))
    assert any("C-API-1" in row for row in rows)
    assert AuditEvent.objects.filter(
        action="exports.export_download", target_id=str(job.pk), clause="M-4.2"
    ).exists()


def test_not_finished_is_409_and_not_audited(token_api, queued):
    answer = token_api.get(f"/api/exports/{queued.pk}/download/")
    assert answer.status_code == 409 and answer.json()["state"] == "queued"
    assert not AuditEvent.objects.filter(action="exports.export_download").exists()


def test_expired_is_410(token_api, queued):
    job = run_job(queued)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert token_api.get(f"/api/exports/{job.pk}/download/").status_code == 410


def test_someone_elses_export_is_404(queued, security_chief):
    run_job(queued)
    api = APIClient()
    api.force_authenticate(security_chief)
    assert api.get(f"/api/exports/{queued.pk}/download/").status_code == 404
