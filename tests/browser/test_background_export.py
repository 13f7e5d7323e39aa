"""Issue 15 "Large exports" in a real browser: a duty operator exports a large camera search;
the job page shows it queued, polls while the worker runs, then offers the file, which holds
exactly the search's rows; the bell counts the notification."""

import csv
import io
from pathlib import Path

import pytest

from apps.exports.models import ExportJob
from apps.exports.tasks import export_run
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, CameraFactory, SiteFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_request_progress_download(page, duty_operator, settings, monkeypatch):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    queued = []
    # No worker in this test: the job waits until the test runs the task itself.
    monkeypatch.setattr(export_run, "delay", lambda job_id: queued.append(job_id))
    north = SiteFactory(code="N", name="North campus")
    wanted = sorted(CameraFactory(location__site=north).code for _ in range(5))
    CameraFactory()  # another site: not in the search
    login(page, duty_operator.username, TEST_PASSWORD)
    page.goto(f"/cameras/?site={north.pk}")
    page.click("[data-testid=register-export]")  # a POST: 5 rows > 3
    page.wait_for_selector("[data-testid=export-progress][data-state=queued]")
    job = ExportJob.objects.get()
    assert queued == [job.pk] and job.query == f"site={north.pk}"

    export_run.apply(args=[job.pk])  # the worker
    # The 2 s poll swaps the finished part in.
    page.wait_for_selector("[data-testid=export-download]", timeout=10_000)
    assert page.inner_text("[data-testid=export-rows]").startswith("5 rows")
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert sorted(row[0] for row in rows) == wanted
    page.reload()
    assert page.inner_text("[data-testid=notification-count]") == "1"
