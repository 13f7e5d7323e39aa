"""Issue 15: an export expires (EXPORT_TTL_HOURS): the beat task deletes its file, and a
download after expiry says so (410) with a way to export again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.exports import services
from apps.exports.models import ExportJob
from apps.exports.tasks import export_purge_expired
from tests.exports.helpers import run_job
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(duty_operator):
    CameraFactory()
    job = services.export_request(by=duty_operator, register="cameras.cameras", path="/cameras/")
    return run_job(job)


def test_the_file_lives_outside_the_web_root_and_expires_after_the_ttl(settings, done_job):
    path = services.export_path(done_job)
    assert path.is_file() and settings.MEDIA_ROOT not in path.parents
    expected = done_job.finished_at + timedelta(hours=settings.EXPORT_TTL_HOURS)
    assert done_job.expires_at == expected


def test_purge_deletes_expired_files_only(done_job, duty_operator):
    path = services.export_path(done_job)
    assert export_purge_expired.apply().get() == []
    assert path.is_file()
    ExportJob.objects.filter(pk=done_job.pk).update(expires_at=timezone.now())
    assert export_purge_expired.apply().get() == [done_job.pk]
    done_job.refresh_from_db()
    assert done_job.state == "expired" and not path.exists()


def test_a_download_after_expiry_is_410_and_unaudited(client, duty_operator, done_job):
    ExportJob.objects.filter(pk=done_job.pk).update(expires_at=timezone.now())
    export_purge_expired.apply()
    client.force_login(duty_operator)
    response = client.get(f"/exports/{done_job.pk}/download/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "has expired" in page
    assert 'data-testid="export-again"' in page and 'href="/cameras/"' in page
    assert not AuditEvent.objects.filter(action="exports.export_download").exists()


def test_past_its_time_the_file_is_refused_even_before_the_purge(client, duty_operator, done_job):
    ExportJob.objects.filter(pk=done_job.pk).update(expires_at=timezone.now())
    client.force_login(duty_operator)
    assert client.get(f"/exports/{done_job.pk}/download/").status_code == 410


def test_purge_deletes_a_killed_workers_half_written_file(settings, done_job):
    import os
    import time

    root = services.export_root()
    old, fresh = root / "killed.csv.part", root / "running.csv.part"
    old.write_text("half")
    fresh.write_text("half")
    long_ago = time.time() - settings.EXPORT_TTL_HOURS * 3600 - 60
    os.utime(old, (long_ago, long_ago))
    export_purge_expired.apply()
    assert not old.exists() and fresh.exists()
    assert services.export_path(done_job).is_file()  # a ready file within its time stays
