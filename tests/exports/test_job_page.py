"""Issue 15: the job page shows progress (an htmx poll while it runs) and then the download;
only the owner sees or downloads a job (others: 404); a job already done is not redone and a
job whose worker was killed is taken again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.exports import services
from apps.exports.models import ExportJob
from tests.exports.helpers import run_job
from tests.factories import CameraFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(duty_operator):
    for _ in range(3):
        CameraFactory()
    return services.export_request(by=duty_operator, register="cameras.cameras", query="")


def test_progress_fragment_polls_with_rows_done_while_running(client, duty_operator, job):
    ExportJob.objects.filter(pk=job.pk).update(state="running", rows_done=2, rows_total=3)
    client.force_login(duty_operator)
    fragment = client.get(f"/exports/{job.pk}/progress/").content.decode()
    assert "2 of 3 rows written" in fragment
    assert f'hx-get="/exports/{job.pk}/progress/"' in fragment
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-progress"' in page and "Cameras" in page


def test_when_done_the_fragment_stops_polling_and_offers_the_download(client, duty_operator, job):
    run_job(job)
    client.force_login(duty_operator)
    fragment = client.get(f"/exports/{job.pk}/progress/").content.decode()
    assert "hx-get" not in fragment
    assert f'href="/exports/{job.pk}/download/"' in fragment


def test_another_user_finds_no_job(client, security_staff, job):
    run_job(job)
    client.force_login(security_staff)
    for path in ("", "progress/", "download/"):
        assert client.get(f"/exports/{job.pk}/{path}").status_code == 404
    assert 'data-testid="export-row"' not in client.get("/exports/").content.decode()


def test_my_exports_lists_my_jobs(client, duty_operator, job):
    run_job(job)
    client.force_login(duty_operator)
    page = client.get("/exports/").content.decode()
    assert page.count('data-testid="export-row"') == 1 and "Ready" in page


def test_a_done_job_is_not_redone(job):
    job = run_job(job)
    first = (job.sha256, job.file_name, job.finished_at)
    job = run_job(job)  # a second delivery of the task
    assert (job.sha256, job.file_name, job.finished_at) == first


def test_a_running_job_of_a_live_worker_is_left_alone(job):
    ExportJob.objects.filter(pk=job.pk).update(state="running", heartbeat_at=timezone.now())
    job = run_job(job)
    assert job.state == "running" and not job.file_name


def test_a_killed_workers_job_is_taken_again(settings, job):
    stale = timezone.now() - timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)
    ExportJob.objects.filter(pk=job.pk).update(state="running", heartbeat_at=stale, rows_done=1)
    job = run_job(job)
    assert job.state == "done" and job.rows_done == 3


def test_a_download_before_it_is_ready_returns_to_the_job_page(client, duty_operator, job):
    client.force_login(duty_operator)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"


def test_every_page_links_to_my_exports(client):
    client.force_login(UserFactory(roles=["applicant"], username="student1"))
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="my-exports"' in page and 'href="/exports/"' in page


def test_beat_queues_again_what_a_killed_worker_or_a_lost_message_left(
    settings, job, duty_operator, monkeypatch
):
    from apps.exports.tasks import export_resume_stale, export_run

    queued = []
    monkeypatch.setattr(export_run, "delay", lambda job_id: queued.append(job_id))
    stale = timezone.now() - timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)
    lost = services.export_request(by=duty_operator, register="cameras.cameras")
    live = services.export_request(by=duty_operator, register="cameras.cameras")
    ExportJob.objects.filter(pk=job.pk).update(state="running", heartbeat_at=stale)
    ExportJob.objects.filter(pk=lost.pk).update(created_at=stale)  # queued, never picked up
    ExportJob.objects.filter(pk=live.pk).update(state="running", heartbeat_at=timezone.now())
    assert sorted(export_resume_stale.apply().get()) == sorted([job.pk, lost.pk])
    assert sorted(queued) == sorted([job.pk, lost.pk])
