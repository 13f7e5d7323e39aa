"""M-2.3, M-2.4: the ticket register (filters, CSV), the ticket page (timeline, clock, a button
per allowed action), a duty operator opening a ticket by hand, the vendor acting on its own
company's tickets only — pages and API alike."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.maintenance import services
from apps.maintenance.models import FaultTicket
from tests.factories import CameraFactory
from tests.maintenance.factories import ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera(vendor_engineer):
    return CameraFactory(code="GATE-7", vendor=vendor_engineer.department)


def test_operator_opens_a_ticket_by_hand(client, duty_operator, camera):
    client.force_login(duty_operator)
    assert client.get("/maintenance/tickets/new/").status_code == 200
    occurred = timezone.localtime() - timedelta(minutes=20)
    response = client.post(
        "/maintenance/tickets/new/",
        {
            "camera": camera.pk,
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "symptom": "Snow on the picture",
            "severity": "major",
        },
    )
    assert response.status_code == 302
    saved = FaultTicket.objects.get()
    assert (saved.camera, saved.severity, saved.allowance_hours) == (camera, "major", 24)
    page = client.get(response["Location"]).content.decode()
    assert "Snow on the picture" in page and saved.number in page
    assert 'data-testid="ticket-deadline"' in page
    # The operator can only add notes now: the vendor acknowledges.
    assert re.findall(r'data-testid="action-(\w+)"', page) == ["note"]


def test_bad_manual_input_keeps_what_was_typed(client, duty_operator):
    client.force_login(duty_operator)
    response = client.post(
        "/maintenance/tickets/new/",
        {"occurred_at": "2026-01-01T08:00", "symptom": "Dark monitor", "severity": "general"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Name the camera or the location" in page and "Dark monitor" in page
    assert not FaultTicket.objects.exists()


def test_vendor_acknowledges_and_clears_from_the_page(
    client, duty_operator, vendor_engineer, camera
):
    t = ticket(camera=camera, by=duty_operator)
    client.force_login(vendor_engineer)
    page = client.get(t.get_absolute_url()).content.decode()
    assert 'data-testid="action-acknowledge"' in page and 'data-testid="action-clear"' not in page
    client.post(f"/maintenance/tickets/{t.pk}/acknowledge/", {"note": ""})
    response = client.post(
        f"/maintenance/tickets/{t.pk}/clear/", {"note": "Lens cleaned"}, follow=True
    )
    page = response.content.decode()
    assert "Cleared by the vendor" in page and "Lens cleaned" in page
    timeline = page.split('data-testid="ticket-timeline"', 1)[1]
    assert timeline.index("Reported") < timeline.index("Acknowledged") < timeline.index("Cleared")


def test_an_illegal_action_says_why_and_changes_nothing(
    client, duty_operator, vendor_engineer, camera
):
    t = ticket(camera=camera, by=duty_operator)
    client.force_login(vendor_engineer)
    response = client.post(f"/maintenance/tickets/{t.pk}/clear/", {"note": "done"}, follow=True)
    assert "once acknowledged" in response.content.decode()
    t.refresh_from_db()
    assert t.state == FaultTicket.State.REPORTED


def test_register_filters_and_csv(client, duty_operator, vendor_engineer, security_staff, camera):
    quiet = ticket(camera=camera, by=duty_operator, symptom="Black")
    late = ticket(camera=CameraFactory(code="YARD-2"), by=duty_operator, severity="major")
    FaultTicket.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    services.ticket_acknowledge(ticket=quiet, by=vendor_engineer)
    client.force_login(security_staff)
    every = client.get("/maintenance/tickets/").content.decode()
    assert quiet.number in every and late.number in every
    overdue = client.get("/maintenance/tickets/?overdue=true").content.decode()
    assert late.number in overdue and quiet.number not in overdue
    major = client.get("/maintenance/tickets/?severity=major").content.decode()
    assert late.number in major and quiet.number not in major
    state = client.get("/maintenance/tickets/?state=acknowledged").content.decode()
    assert quiet.number in state and late.number not in state
    by_camera = client.get("/maintenance/tickets/?camera=gate").content.decode()
    assert quiet.number in by_camera and late.number not in by_camera
    by_vendor = client.get(f"/maintenance/tickets/?vendor={camera.vendor_id}").content.decode()
    assert quiet.number in by_vendor and late.number not in by_vendor
    export = client.get("/maintenance/tickets/?severity=major&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == late.number and "Major fault" in rows[1]
    assert client.get("/maintenance/tickets/?severity=catastrophic").status_code == 200


def test_a_vendor_engineer_sees_only_their_company_s_tickets(
    client, duty_operator, vendor_engineer, other_vendor_engineer, camera
):
    own = ticket(camera=camera, by=duty_operator)
    other = ticket(camera=CameraFactory(vendor=other_vendor_engineer.department), by=duty_operator)
    queue = ticket(camera=CameraFactory(vendor=None), by=duty_operator)
    client.force_login(vendor_engineer)
    listing = client.get("/maintenance/tickets/").content.decode()
    assert own.number in listing and other.number not in listing and queue.number not in listing
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(queue.get_absolute_url()).status_code == 404
    assert client.post(f"/maintenance/tickets/{other.pk}/acknowledge/").status_code == 404
    api = client.get("/api/maintenance/tickets/").json()
    assert [row["number"] for row in api["results"]] == [own.number]
    assert client.get(f"/api/maintenance/tickets/{other.pk}/").status_code == 404
    assert client.post(f"/api/maintenance/tickets/{other.pk}/acknowledge/", {}).status_code == 404
    other.refresh_from_db()
    assert other.state == FaultTicket.State.REPORTED


def test_the_api_walks_a_ticket_through_its_states(client, duty_operator, vendor_engineer, camera):
    t = ticket(camera=camera, by=duty_operator)
    client.force_login(vendor_engineer)
    detail = client.get(f"/api/maintenance/tickets/{t.pk}/").json()
    assert detail["actions"] == ["acknowledge", "note"] and detail["allowance_hours"] == 6
    assert 350 <= detail["remaining_minutes"] <= 360 and detail["breached"] is False
    client.post(
        f"/api/maintenance/tickets/{t.pk}/acknowledge/", {}, content_type="application/json"
    )
    refused = client.post(
        f"/api/maintenance/tickets/{t.pk}/clear/", {"note": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and "Add a note" in refused.json()["detail"]
    cleared = client.post(
        f"/api/maintenance/tickets/{t.pk}/clear/",
        {"note": "Cable re-terminated"},
        content_type="application/json",
    ).json()
    assert cleared["state"] == "cleared"
    assert [e["kind"] for e in cleared["events"]] == ["reported", "acknowledged", "cleared"]
    client.force_login(duty_operator)
    assert client.post(f"/api/maintenance/tickets/{t.pk}/acknowledge/", {}).status_code == 403
    verified = client.post(f"/api/maintenance/tickets/{t.pk}/verify/", {}).json()
    assert verified["state"] == "verified"


def test_the_schema_lists_the_maintenance_endpoints(client, duty_operator):
    client.force_login(duty_operator)
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/maintenance/tickets/{id}/clear/" in paths
    assert "/api/maintenance/contracts/{id}/" in paths


def test_the_api_pauses_and_resumes_the_clock(client, security_staff, duty_operator, camera):
    t = ticket(camera=camera, by=duty_operator)
    client.force_login(security_staff)
    paused = client.post(
        f"/api/maintenance/tickets/{t.pk}/pause_start/",
        {"reason": "access_refused", "note": "Exam in the hall"},
        content_type="application/json",
    ).json()
    assert (paused["id"], paused["paused"]) == (t.pk, True)
    assert paused["pauses"][0]["reason"] == "access_refused"
    resumed = client.post(f"/api/maintenance/tickets/{t.pk}/pause_end/", {}).json()
    assert (resumed["id"], resumed["paused"]) == (t.pk, False)
    bad = client.post(f"/api/maintenance/tickets/{t.pk}/pause_start/", {"reason": "lunch"})
    assert bad.status_code == 400 and "reason" in bad.json()


def test_dashboard_counts_open_and_overdue_tickets_in_the_user_s_scope(
    client, duty_operator, vendor_engineer, other_vendor_engineer, camera
):
    from tests.maintenance.test_contracts import card_count

    ticket(camera=camera, by=duty_operator)
    late = ticket(camera=camera, by=duty_operator)
    FaultTicket.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    ticket(camera=CameraFactory(vendor=other_vendor_engineer.department), by=duty_operator)
    client.force_login(duty_operator)
    page = client.get("/").content.decode()
    assert (card_count(page, "tickets_open"), card_count(page, "tickets_overdue")) == ("3", "1")
    client.force_login(vendor_engineer)
    page = client.get("/").content.decode()
    assert (card_count(page, "tickets_open"), card_count(page, "tickets_overdue")) == ("2", "1")
    assert 'data-card="cameras_without_contract"' not in page
