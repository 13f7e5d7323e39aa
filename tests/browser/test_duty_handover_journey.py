"""Issue 18 in a real browser (M-1.2, M-1.4, M-4.1a): an operator checks in, logs a visitor with
an escort, reports an abnormal event and hands over; the next operator acknowledges and sees the
open items, the camera down carried over from the handover before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cameras.models import Camera
from apps.duty.handover import handover_write
from apps.duty.models import AbnormalEvent, CenterEntry, Handover
from apps.duty.services import access_grant
from tests.browser.conftest import login
from tests.duty.helpers import operator, shift_from
from tests.factories import TEST_PASSWORD, CameraFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_check_in_visitor_abnormal_event_handover_acknowledge(
    page, browser, live_server, security_staff, tmp_path
):
    now = timezone.now()
    earlier = operator("op-zhou", full_name="Zhou Min")
    li = operator("op-li", full_name="Li Lei")
    han = operator("op-han", full_name="Han Meimei")
    shift_from(earlier, now - timedelta(hours=13), 12, by=security_staff)
    shift_from(li, now - timedelta(hours=1), 2, by=security_staff)
    shift_from(han, now + timedelta(minutes=10), 2, by=security_staff)  # check-in window open
    access_grant(person=li, by=security_staff)
    gate = CameraFactory(code="GATE-1", name="North gate")
    Camera.objects.filter(pk=gate.pk).update(
        health=Camera.Health.OFFLINE, down_since=now - timedelta(hours=2)
    )
    handover_write(by=earlier, note="Gate camera offline, vendor called.")  # the shift before
    lab = CameraFactory(code="LAB-1", name="Chemistry lab")

    login(page, li.username, TEST_PASSWORD)
    page.goto("/duty/roster/")
    page.click("[data-testid=check-in]")
    page.wait_for_selector("text=Checked in.")

    page.goto("/duty/entries/new/")
    page.fill("#id_visitor_name", "Zhang San")
    page.select_option("#id_visitor_id_type", value="resident_id")
    page.fill("#id_visitor_id_number", "110101199003071234")
    page.fill("#id_organisation", "Fire brigade")
    page.fill("#id_purpose", "Inspection of the extinguishers")
    page.select_option("#id_escort", value=str(li.pk))
    page.click("[data-testid=entry-form] button[type=submit]")
    page.wait_for_selector("text=Zhang San is in.")
    assert "1101**********1234" in page.inner_text("[data-testid=entry-rows]")

    page.goto("/duty/abnormal/new/")
    page.select_option("#id_category", value="suspicious")
    page.select_option("#id_camera", value=str(lab.pk))
    page.fill("#id_occurred_at", timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_description", "Someone trying the lab door.")
    page.fill("#id_action_taken", "Patrol sent to the lab.")
    page.select_option("#id_reported_to", value=str(security_staff.pk))
    page.click("[data-testid=abnormal-submit]")
    page.wait_for_selector("text=Abnormal event recorded and reported to")
    event = AbnormalEvent.objects.get()
    assert event.camera == lab and event.reported_to == security_staff

    page.goto("/duty/roster/")
    page.click("[data-testid=my-shifts] [data-testid=handover-new]")
    assert "Zhang San" in page.inner_text("[data-testid=handover-items]")
    page.fill("#id_note", "Visitor from the fire brigade still inside; lab door reported.")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("text=Shift handed over")
    page.screenshot(path=str(tmp_path / "handover.png"), full_page=True)
    handover = Handover.objects.get(written_by=li)

    # The next operator, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    other = context.new_page()
    other.set_default_timeout(15_000)
    login(other, han.username, TEST_PASSWORD)
    other.goto("/duty/roster/")
    other.click("[data-testid=handover-waiting]")
    assert "fire brigade still inside" in other.inner_text("[data-testid=handover-note]")
    other.click("[data-testid=handover-acknowledge]")
    other.wait_for_selector("text=Handover acknowledged")
    items = other.locator("[data-testid=handover-items]")
    visitor = CenterEntry.objects.get(visitor_name="Zhang San")
    assert "Zhang San" in items.locator(f'[data-key="entry:{visitor.pk}"]').inner_text()
    carried = items.locator(f'[data-key="camera:{gate.pk}"]')
    assert "GATE-1" in carried.inner_text()
    assert carried.locator("[data-testid=carried-over]").count() == 1
    assert items.locator(f'[data-key="entry:{visitor.pk}"] [data-testid=carried-over]').count() == 0
    other.screenshot(path=str(tmp_path / "acknowledged.png"), full_page=True)
    context.close()
    handover.refresh_from_db()
    assert handover.acknowledged_by == han
