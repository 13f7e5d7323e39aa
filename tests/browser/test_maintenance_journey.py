"""Issue 16's journey in a real browser (M-2.1, M-2.2, M-2.3, M-2.4): a patrol fault opens a
fault ticket; the vendor's engineer clears it while the camera is still broken and the
automatic re-check reopens it with the failing result; the camera is repaired (the RTSP peer's
switchable mount shows a healthy picture again), cleared again, the re-check verifies it and
the security office closes it; the next day that O&M day shows the ticket's changes and is
countersigned. Each role in its own browser context, signed in through the login page.

Real parts: the patrol run and both re-checks on a real Celery worker (in-process thread) over
the real Redis broker, probing the real GStreamer RTSP peer. The one stand-in: the beat
schedule *Verify or reopen cleared fault tickets from their re-check* (every 2 minutes) is run
by the test (``maintenance_rechecks_settle``, the task beat sends) instead of waited for, and
"the next day" is Django's clock moved on by one day for the countersignature (a day is
countersigned once it has ended)."""

import re
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from apps.maintenance import tasks
from apps.maintenance.models import FaultTicket
from campuscctv.celery import app as celery_app
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, CameraFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CAMERA = "REPAIR-1"
SWITCH = "repair-1"  # the peer's mount /switch/repair-1 (tests/peers/fixtures.py)
WAIT_S = 60  # a re-check on the shared 2-core machine: the probe's retries, the worker's queue


@pytest.fixture
def celery_worker(settings):
    settings.PATROL_RETRY_BACKOFF_SECONDS = 0.2
    celery_app.control.purge()  # nothing left over from other tests
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ):
        yield


@pytest.fixture
def as_user(browser, live_server):
    """``as_user(user)``: a page in a browser context of its own, signed in as ``user``."""
    contexts = []

    def sign_in(user):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, user.username, TEST_PASSWORD)
        return page

    yield sign_in
    for context in contexts:
        context.close()


def _state(page) -> str:
    return page.inner_text("[data-testid=ticket-state]").strip()


def _act(page, verb: str, note: str = "") -> None:
    """Press a ticket action's button (with its note) and wait for the page it leads to."""
    form = page.locator(f"[data-testid=ticket-actions] form:has([data-testid=action-{verb}])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    with page.expect_navigation():
        form.locator(f"[data-testid=action-{verb}]").click()


def _settled(page, state: str) -> None:
    """Beat's settle schedule, run until the re-check of the clear has decided: the vendor's
    ticket page, reloaded, shows ``state``."""
    deadline = time.monotonic() + WAIT_S
    while True:
        tasks.maintenance_rechecks_settle.apply()
        page.reload()
        if _state(page) == state:
            return
        assert time.monotonic() < deadline, f"ticket still {_state(page)!r}, not {state!r}"
        time.sleep(1)


def _timeline(page) -> list[tuple[str, str, str]]:
    """(event, by, note) of the ticket page's timeline rows."""
    rows = []
    for row in page.locator("[data-testid=ticket-timeline] tbody tr").all():
        cells = [cell.inner_text().strip() for cell in row.locator("td").all()]
        rows.append((cells[1], cells[2], cells[3]))
    return rows


def test_fault_cleared_while_broken_reopened_repaired_verified_and_logged(
    rtsp_peer, celery_worker, as_user, duty_operator, vendor_engineer, security_staff, monkeypatch
):
    CameraFactory(
        code=CAMERA,
        vendor=vendor_engineer.department,
        rtsp_main_uri=rtsp_peer.switch(SWITCH, "black"),  # broken: a black picture
    )

    # The duty operator's daily patrol finds the black picture; the confirmed fault opens a
    # ticket (the worker, after commit).
    operator = as_user(duty_operator)
    operator.click("[data-nav=patrol_runs]")
    operator.click("[data-testid=patrol-start]")
    operator.wait_for_url(re.compile(r"/patrol/\d+/$"))
    operator.wait_for_selector("[data-testid=coverage]", timeout=WAIT_S * 1000)
    row = operator.locator(f"[data-testid=flagged] tr[data-camera={CAMERA}]")
    row.locator("input[value=confirmed_fault]").check()
    row.locator("button[type=submit]").click()
    operator.wait_for_selector(f"tr[data-camera={CAMERA}] [data-testid=review-done]")
    deadline = time.monotonic() + WAIT_S
    while True:
        operator.click("[data-nav=maintenance_tickets]")
        if operator.locator(f"td:has-text('{CAMERA}')").count():
            break
        assert time.monotonic() < deadline, "no fault ticket from the confirmed patrol fault"
        time.sleep(0.5)
    operator.locator("table tbody tr").first.locator("a").first.click()
    ticket_url = operator.url
    number = FaultTicket.objects.get().number
    assert _state(operator) == "Reported"
    assert operator.locator("[data-testid=ticket-check]").count() == 1  # the patrol's result

    # The vendor's engineer acknowledges and clears it; the camera is still broken.
    vendor = as_user(vendor_engineer)
    vendor.click("[data-nav=maintenance_tickets]")
    vendor.click(f"text={number}")
    assert vendor.url == ticket_url
    _act(vendor, "acknowledge")
    assert _state(vendor) == "Acknowledged by the vendor"
    _act(vendor, "clear", "Replaced the power supply")
    assert _state(vendor) == "Cleared by the vendor"
    _settled(vendor, "Reopened")  # the re-check still sees black
    event, by, note = _timeline(vendor)[-1]
    assert (event, by) == ("Reopened", "the system")
    assert note.startswith("The check after the clear failed:"), note
    assert vendor.locator("[data-testid=ticket-recheck]").count() == 1

    # Repaired: the camera shows a healthy picture again; cleared again, the re-check passes.
    rtsp_peer.switch(SWITCH, "normal")
    _act(vendor, "clear", "Replaced the video cable as well")
    _settled(vendor, "Verified")
    assert _timeline(vendor)[-1][:2] == ("Verified", "the system")
    assert [row[0] for row in _timeline(vendor)] == [
        "Reported",
        "Acknowledged",
        "Cleared",
        "Reopened",
        "Cleared",
        "Verified",
    ]

    # The security office closes it.
    staff = as_user(security_staff)
    staff.goto(ticket_url)
    _act(staff, "close", "Picture checked on the video wall")
    assert _state(staff) == "Closed"

    # The next day: the staffer signs in, reads that day's O&M log and countersigns it.
    day = timezone.localdate(FaultTicket.objects.get().reported_at)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    staff = as_user(security_staff)  # yesterday's session has expired: sign in again
    staff.click("[data-nav=maintenance_daylog]")
    staff.click(f"[data-testid=daylog-row] a:has-text('{day:%Y-%m-%d}')")
    system = staff.inner_text("[data-testid=daylog-system]")
    for kind in ("Reported", "Cleared", "Reopened", "Verified", "Closed"):
        assert f"{number} {CAMERA}" in system and f": {kind}" in system, kind
    assert "Re-check" in system or "re-check" in system
    staff.fill("[data-testid=daylog-sign-form] textarea", "Ticket checked against the timeline")
    with staff.expect_navigation():
        staff.click("[data-testid=daylog-sign]")
    assert "Countersigned by" in staff.inner_text("[data-testid=daylog-signature]")
    assert number in staff.inner_text("[data-testid=daylog-system]")  # as signed
