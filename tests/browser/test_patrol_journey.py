"""M-2.1, M-1.4, M-2.2 in a real browser: the duty operator starts a patrol, watches it progress
without reloading, confirms a fault; a security-office staffer countersigns the run.

The patrol runs on a real Celery worker (in-process thread) over the real Redis broker, against
real RTSP cameras."""

import re

import pytest
from celery.contrib.testing.worker import start_worker

from apps.patrol.models import FaultRecord, PatrolRun
from campuscctv.celery import app as celery_app
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, CameraFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(settings):
    settings.PATROL_RETRY_BACKOFF_SECONDS = 0.2
    celery_app.control.purge()  # nothing left over from other tests
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ):
        yield


def test_operator_patrols_and_staffer_countersigns(
    page, rtsp_peer, celery_worker, duty_operator, security_staff
):
    for mount in ("normal", "black", "frozen", "snow"):
        CameraFactory(code=mount.upper(), rtsp_main_uri=rtsp_peer.uri(mount))

    login(page, duty_operator.username, TEST_PASSWORD)
    page.click("[data-nav=patrol_runs]")
    page.click("[data-testid=patrol-start]")
    page.wait_for_url(re.compile(r"/patrol/\d+/$"))
    url = page.url
    seen = {page.inner_text("[data-testid=progress-text]")}
    # the page updates itself while the worker checks the cameras (no reload)
    page.wait_for_selector("[data-testid=coverage]", timeout=90_000)
    seen.add(page.inner_text("[data-testid=progress-text]"))
    assert "4 of 4 cameras checked" in seen and len(seen) >= 2
    assert page.url == url
    assert "Coverage: 4 of 4" in page.inner_text("[data-testid=coverage]")
    assert page.inner_text("[data-testid=run-state]").strip() == "Finished, awaiting review"
    assert page.inner_text("[data-testid=fault-count]") == "3"

    row = page.locator("[data-testid=flagged] tr[data-camera=BLACK]")
    row.locator("input[value=confirmed_fault]").check()
    row.locator("button[type=submit]").click()
    page.wait_for_selector("tr[data-camera=BLACK] [data-testid=review-done]")
    for code in ("FROZEN", "SNOW"):
        row = page.locator(f"[data-testid=flagged] tr[data-camera={code}]")
        row.locator("input[value=false_alarm]").check()
        row.locator("input[name=note]").fill("lens cap during cleaning")
        row.locator("button[type=submit]").click()
        page.wait_for_selector(f"tr[data-camera={code}] [data-testid=review-done]")
    assert FaultRecord.objects.filter(camera__code="BLACK").count() == 1
    assert page.locator("[data-testid=sign-form]").count() == 0  # operators do not sign

    page.click("text=Log out")
    login(page, security_staff.username, TEST_PASSWORD)
    page.goto(url)
    page.fill("[data-testid=sign-form] textarea", "checked against the video wall")
    page.click("[data-testid=sign-form] button")
    page.wait_for_selector("[data-testid=signed]")
    assert PatrolRun.objects.get().state == PatrolRun.State.SIGNED
    page.screenshot(path="test-artifacts/patrol-run-signed.png", full_page=True)
