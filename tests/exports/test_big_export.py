"""Issue 15 "Large exports": a register's CSV of more than EXPORT_SYNC_MAX_ROWS rows is a
background job; its file holds exactly the rows of the search, in the owner's scope (a vendor
engineer's export holds only their company's cameras, M-1.3), written as the page's own CSV."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.models import Notification
from apps.exports.models import ExportJob
from apps.exports.tasks import export_run
from tests.exports.helpers import csv_rows, run_job
from tests.factories import CameraFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    settings.EXPORT_PROGRESS_EVERY = 2


def _cameras(vendor, n, **kwargs):
    return [CameraFactory(vendor=vendor, **kwargs) for _ in range(n)]


def test_a_small_export_still_downloads_at_once(client, duty_operator):
    _cameras(None, 3)
    client.force_login(duty_operator)
    response = client.get("/cameras/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert len(csv_rows(b"".join(response.streaming_content))) == 1 + 3
    assert not ExportJob.objects.exists()


def test_a_large_get_offers_the_background_export_and_writes_nothing(client, duty_operator):
    _cameras(None, 4)
    client.force_login(duty_operator)
    response = client.get("/cameras/?format=csv")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="export-large"' in page
    assert 'method="post" action="/cameras/?format=csv"' in page
    assert not ExportJob.objects.exists()


def test_the_register_button_posts_when_the_search_is_large(client, duty_operator):
    _cameras(None, 4)
    client.force_login(duty_operator)
    page = client.get("/cameras/").content.decode()
    assert 'data-testid="register-export-form"' in page


def test_a_vendor_engineers_export_holds_their_cameras_only(
    client, vendor_engineer, other_vendor_engineer, django_capture_on_commit_callbacks
):
    site = SiteFactory(code="N", name="North campus")
    own = _cameras(vendor_engineer.department, 4, location__site=site)
    _cameras(vendor_engineer.department, 2)  # another site: outside the search
    _cameras(other_vendor_engineer.department, 5, location__site=site)  # not theirs
    client.force_login(vendor_engineer)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/cameras/?site={site.pk}&format=csv&page=2")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.owner, job.register) == (vendor_engineer, "cameras.cameras")
    assert job.query == f"site={site.pk}"  # the search, without page or format
    assert job.state == "queued" and job.rows_total == 4
    runs = [q.args for q in queued if getattr(q.func, "__self__", None) == export_run]
    assert runs == [(job.pk,)]  # the worker is queued once, after commit
    event = AuditEvent.objects.get(action="exports.export_request")
    assert event.clause == "M-4.2" and event.data["query"] == f"site={site.pk}"

    job = run_job(job)
    assert job.state == "done" and job.rows_done == 4 and len(job.sha256) == 64
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert 'filename="cameras-' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    rows = csv_rows(content)
    assert sorted(row[0] for row in rows[1:]) == sorted(camera.code for camera in own)
    assert len(content) == job.size
    event = AuditEvent.objects.get(action="exports.export_download")
    assert event.data["sha256"] == job.sha256 and event.target_id == str(job.pk)


def test_the_file_is_the_pages_csv_of_the_same_search(client, duty_operator, settings):
    _cameras(None, 5)
    client.force_login(duty_operator)
    client.post("/cameras/?q=Camera&format=csv")
    job = run_job(ExportJob.objects.get())
    background = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    settings.EXPORT_SYNC_MAX_ROWS = 100
    direct = b"".join(client.get("/cameras/?q=Camera&format=csv").streaming_content)
    assert background == direct


def test_the_owner_is_notified_with_a_deep_link(client, duty_operator):
    _cameras(None, 4)
    client.force_login(duty_operator)
    client.post("/cameras/?format=csv")
    job = run_job(ExportJob.objects.get())
    note = Notification.objects.get(recipient=duty_operator)
    assert note.kind == "exports.done" and note.url == f"/exports/{job.pk}/"
    assert "4 rows" in note.title


def test_scope_is_the_owners_at_run_time(client, vendor_engineer):
    cameras = _cameras(vendor_engineer.department, 4)
    client.force_login(vendor_engineer)
    client.post("/cameras/?format=csv")
    cameras[0].vendor = None  # handed to the security office before the worker ran
    cameras[0].save()
    job = run_job(ExportJob.objects.get())
    assert job.rows_done == 3


def test_an_audit_export_needs_the_auditor_role(client, duty_operator):
    client.force_login(duty_operator)
    assert client.post("/audit/?format=csv").status_code == 403
    assert not ExportJob.objects.exists()


def test_a_bad_search_is_refused_in_both_languages_and_records_nothing(client, duty_operator):
    client.force_login(duty_operator)
    response = client.post("/cameras/?status=nonsense&format=csv", follow=True)
    assert "The search is not valid" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_file_is_in_the_language_it_was_asked_in(client, duty_operator, settings):
    _cameras(None, 4)
    client.force_login(duty_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post("/cameras/?format=csv")
    job = run_job(ExportJob.objects.get())
    assert job.language == "zh-hans"
    background = csv_rows(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))
    settings.EXPORT_SYNC_MAX_ROWS = 100
    direct = csv_rows(b"".join(client.get("/cameras/?format=csv").streaming_content))
    assert background == direct
    assert background[0][0] == "编号"  # the camera code's column, as the Chinese page heads it
