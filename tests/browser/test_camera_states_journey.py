"""Issue 14 §1 in a real browser (M-2.1, M-1.4, M-2.3): after a patrol of real RTSP cameras the
overview and the camera list show black and frozen cameras as picture faults (they stream) and
the unreachable one as offline; the duty operator marks the frozen camera's result a false
alarm and it is normal again, while the black one stays a picture fault.

The patrol runs on a real Celery worker (in-process thread) over the real Redis broker."""

import re

import pytest
from celery.contrib.testing.worker import start_worker

from apps.cameras.models import Camera
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


def _count(page, key: str) -> str:
    return page.inner_text(f"[data-card={key}] [data-testid=card-count]").strip()


def _grid(page) -> dict[str, str]:
    """{camera code: health shown} on the camera list."""
    shown = {}
    for card in page.locator("[data-testid=camera-grid] [data-camera]").all():
        shown[card.get_attribute("data-camera")] = (
            card.locator("[data-health]").inner_text().strip()
        )
    return shown


def test_picture_faults_offline_and_a_false_alarm(
    page, rtsp_peer, closed_port, celery_worker, duty_operator
):
    for mount in ("normal", "black", "frozen"):
        CameraFactory(code=mount.upper(), rtsp_main_uri=rtsp_peer.uri(mount))
    CameraFactory(code="OFFLINE", rtsp_main_uri=f"rtsp://127.0.0.1:{closed_port}/x")

    login(page, duty_operator.username, TEST_PASSWORD)
    # before any patrol: every camera is not checked, none is claimed normal or offline
    page.goto("/")
    assert (_count(page, "cameras_unchecked"), _count(page, "cameras_offline")) == ("4", "0")
    assert page.inner_text("[data-card=patrol_latest] [data-testid=card-detail]") == (
        "No daily patrol yet."
    )

    page.click("[data-nav=patrol_runs]")
    page.click("[data-testid=patrol-start]")
    page.wait_for_url(re.compile(r"/patrol/\d+/$"))
    run_url = page.url
    page.wait_for_selector("[data-testid=coverage]", timeout=90_000)

    page.goto("/")
    counts = {
        key: _count(page, f"cameras_{key}")
        for key in ("offline", "picture_fault", "ok", "unchecked")
    }
    assert counts == {"offline": "1", "picture_fault": "2", "ok": "1", "unchecked": "0"}
    assert "coverage 4 of 4" in page.inner_text("[data-card=patrol_latest]")
    page.screenshot(path="test-artifacts/overview-after-patrol.png", full_page=True)

    page.click("[data-card=cameras_picture_fault]")
    page.wait_for_url(re.compile(r"/cameras/\?health=picture_fault$"))
    assert _grid(page) == {"BLACK": "Picture fault", "FROZEN": "Picture fault"}
    page.goto("/cameras/?health=offline")
    assert _grid(page) == {"OFFLINE": "Offline"}

    page.goto(run_url)
    row = page.locator("[data-testid=flagged] tr[data-camera=FROZEN]")
    row.locator("input[value=false_alarm]").check()
    row.locator("[name=note]").fill("the scene is a still corridor at night, seen live")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("tr[data-camera=FROZEN] [data-testid=review-done]")

    page.goto("/")
    assert (_count(page, "cameras_picture_fault"), _count(page, "cameras_ok")) == ("1", "2")
    page.goto("/cameras/")
    shown = _grid(page)
    assert (shown["FROZEN"], shown["BLACK"], shown["OFFLINE"]) == (
        "Normal",
        "Picture fault",
        "Offline",
    )
    page.click("[data-camera=FROZEN]")
    assert page.inner_text("[data-testid=camera-health]").strip() == "Normal"
    assert Camera.objects.get(code="FROZEN").down_episodes.get().false_alarm
