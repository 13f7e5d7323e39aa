"""M-1.5: an incident record by the security office places preservation holds on chosen
cameras × a time range; the holds show on the camera pages (core provider ``camera_notices``)
and to footage requests over their span (``footage_holds``); ``holds_covering`` answers the
retention checks; only the security chief lifts a hold, with a reason, audited."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.core.providers import provided
from apps.duty.holds import hold_lift, hold_place, holds_covering, incident_open
from apps.duty.models import Incident, PreservationHold
from tests.factories import CameraFactory
from tests.patrol.helpers import verified_login

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 31, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def incident(security_staff):
    return incident_open(
        by=security_staff,
        title="Break-in at the chemistry lab",
        occurred_at=NOW - 3 * H,
        description="Window forced; equipment missing.",
    )


def test_a_hold_covers_its_cameras_and_span_only(incident, security_staff):
    lab, door, gate = (CameraFactory(code=c) for c in ("LAB-1", "LAB-2", "GATE-1"))
    hold = hold_place(
        incident=incident,
        cameras=[lab, door],
        starts_at=NOW - 4 * H,
        ends_at=NOW - 2 * H,
        by=security_staff,
    )
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause, event.data["cameras"]) == (
        "duty.hold_place",
        "M-1.5",
        ["LAB-1", "LAB-2"],
    )
    # Table: (cameras, start, end) → held?
    cases = [
        ([lab.pk], NOW - 5 * H, NOW - 4 * H, False),  # ends as the hold starts
        ([lab.pk], NOW - 5 * H, NOW - 3 * H, True),  # overlaps its start
        ([door.pk], NOW - 3 * H, NOW - 2.5 * H, True),  # inside
        ([gate.pk], NOW - 3 * H, NOW - 2.5 * H, False),  # another camera
        ([gate.pk, door.pk], NOW - 2 * H, NOW, False),  # starts as the hold ends
        ([gate.pk, door.pk], NOW - 6 * H, NOW, True),  # wraps it
    ]
    for cameras, start, end, held in cases:
        assert list(holds_covering(cameras, start, end)) == ([hold] if held else []), (
            cameras,
            start,
            end,
        )


def test_refusals_say_why(incident, security_staff, duty_operator):
    camera = CameraFactory(code="LAB-1")
    with pytest.raises(RuleViolation, match="Only the security office records incidents"):
        incident_open(by=duty_operator, title="x", occurred_at=NOW, description="y")
    with pytest.raises(RuleViolation, match="cannot be in the future"):
        incident_open(by=security_staff, title="x", occurred_at=NOW + H, description="y")
    place = {"incident": incident, "by": security_staff}
    with pytest.raises(RuleViolation, match="Choose the cameras"):
        hold_place(cameras=[], starts_at=NOW - H, ends_at=NOW, **place)
    with pytest.raises(RuleViolation, match="end must come after its start"):
        hold_place(cameras=[camera], starts_at=NOW, ends_at=NOW - H, **place)
    with pytest.raises(RuleViolation, match="its start cannot be in the future"):
        hold_place(cameras=[camera], starts_at=NOW + H, ends_at=NOW + 2 * H, **place)
    with pytest.raises(RuleViolation, match="Only the security office places"):
        hold_place(
            incident=incident, by=duty_operator, cameras=[camera], starts_at=NOW - H, ends_at=NOW
        )
    assert not PreservationHold.objects.exists() and Incident.objects.count() == 1


def test_only_the_chief_lifts_a_hold_with_a_reason(incident, security_staff, security_chief):
    camera = CameraFactory(code="LAB-1")
    hold = hold_place(
        incident=incident, cameras=[camera], starts_at=NOW - H, ends_at=NOW, by=security_staff
    )
    with pytest.raises(RuleViolation, match="Only the security chief lifts"):
        hold_lift(hold=hold, by=security_staff, reason="done")
    with pytest.raises(RuleViolation, match="Say why"):
        hold_lift(hold=hold, by=security_chief, reason="  ")
    hold_lift(hold=hold, by=security_chief, reason="Police copy received; case closed.")
    hold.refresh_from_db()
    assert hold.lifted_by == security_chief and hold.lift_reason.startswith("Police copy")
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause, event.data["cameras"]) == (
        "duty.hold_lift",
        "M-1.5",
        ["LAB-1"],
    )
    assert not holds_covering([camera.pk], NOW - H, NOW).exists()  # lifted: no longer held
    assert PreservationHold.objects.filter(pk=hold.pk).exists()  # but kept on record
    with pytest.raises(RuleViolation, match="already lifted"):
        hold_lift(hold=hold, by=security_chief, reason="again")


def test_the_camera_page_and_footage_requests_see_the_hold(
    client, incident, security_staff, vendor_engineer
):
    camera = CameraFactory(code="LAB-1", vendor=vendor_engineer.department)
    other = CameraFactory(code="GATE-1")
    hold_place(
        incident=incident,
        cameras=[camera, other],
        starts_at=NOW - 4 * H,
        ends_at=NOW - 2 * H,
        by=security_staff,
    )
    client.force_login(security_staff)
    page = client.get(camera.get_absolute_url()).content.decode()
    assert 'data-kind="preservation_hold"' in page and "Break-in at the chemistry lab" in page
    assert incident.get_absolute_url() in page
    client.force_login(vendor_engineer)  # sees the camera and the notice, not the incident
    page = client.get(camera.get_absolute_url()).content.decode()
    assert 'data-kind="preservation_hold"' in page and incident.get_absolute_url() not in page
    assert (
        'data-testid="camera-notice"'
        not in client.get(
            CameraFactory(code="FREE-1", vendor=vendor_engineer.department).get_absolute_url()
        ).content.decode()
    )

    [item] = provided(
        "footage_holds", user=security_staff, cameras=[camera], start=NOW - 3 * H, end=NOW
    )
    assert item["camera_ids"] == [camera.pk] and item["source"] == "duty"
    assert (item["starts_at"], item["ends_at"]) == (NOW - 4 * H, NOW - 2 * H)
    assert (
        provided("footage_holds", user=security_staff, cameras=[camera], start=NOW - H, end=NOW)
        == []
    )


def test_the_pages_and_the_api(client, security_staff, security_chief, auditor):
    camera = CameraFactory(code="LAB-1")
    client.force_login(security_staff)
    response = client.post(
        "/duty/incidents/new/",
        {"title": "Fire in the canteen", "occurred_at": "2026-12-31T13:00", "description": "Smoke"},
    )
    incident = Incident.objects.get()
    assert response["Location"] == incident.get_absolute_url()
    assert incident.occurred_at == NOW - H
    bad = client.post(
        f"/duty/incidents/{incident.pk}/holds/",
        {"cameras": [camera.pk], "starts_at": "2026-12-31T13:00", "ends_at": "2026-12-31T12:00"},
    )
    assert bad.status_code == 400 and "end must come after its start" in bad.content.decode()
    client.post(
        f"/duty/incidents/{incident.pk}/holds/",
        {"cameras": [camera.pk], "starts_at": "2026-12-31T12:00", "ends_at": "2026-12-31T13:30"},
    )
    hold = PreservationHold.objects.get()
    assert list(hold.cameras.all()) == [camera]
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert f'data-hold="{hold.pk}"' in detail and 'data-testid="hold-lift"' not in detail
    assert client.post(f"/duty/holds/{hold.pk}/lift/", {"reason": "x"}).status_code == 403

    client.force_login(auditor)
    listed = client.get("/api/duty/incidents/").json()["results"]
    assert listed[0]["holds"][0]["cameras"] == [camera.pk]
    assert client.post(f"/api/duty/holds/{hold.pk}/lift/", {"reason": "x"}).status_code == 403

    verified_login(client, security_chief)
    no_reason = client.post(f"/api/duty/holds/{hold.pk}/lift/", {"reason": " "}, "application/json")
    assert no_reason.status_code == 400
    lifted = client.post(
        f"/api/duty/holds/{hold.pk}/lift/", {"reason": "Case closed"}, "application/json"
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == security_chief.pk
    created = client.post(
        f"/api/duty/incidents/{incident.pk}/holds/",
        {
            "cameras": [camera.pk],
            "starts_at": "2026-12-31T12:00:00+08:00",
            "ends_at": "2026-12-31T13:00:00+08:00",
        },
        "application/json",
    )
    assert created.status_code == 201
