"""M-1.4: an abnormal situation seen while monitoring is reported to a superior at once and
recorded (category, camera or location, time, description, action taken, to whom); the superior
acknowledges; unacknowledged after DUTY_ABNORMAL_ESCALATE_MINUTES it goes to the security chief,
once, however often the beat task runs. The clock is frozen by replacing ``timezone.now``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.duty.abnormal import abnormal_acknowledge, abnormal_report
from apps.duty.models import AbnormalEvent
from apps.duty.tasks import duty_abnormal_escalate
from tests.factories import CameraFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEN = datetime(2026, 12, 31, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai


@pytest.fixture
def clock(monkeypatch):
    now = {"at": SEEN + timedelta(minutes=2)}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(moment):
        now["at"] = moment

    return set_to


def _report(by, to, **overrides) -> AbnormalEvent:
    fields = {
        "category": AbnormalEvent.Category.SUSPICIOUS,
        "camera": Camera.objects.filter(code="GATE-1").first() or CameraFactory(code="GATE-1"),
        "location": "",
        "occurred_at": SEEN,
        "description": "Two people climbing the fence by the north gate.",
        "action_taken": "Called the patrol team to the north gate.",
        "reported_to": to,
    }
    fields.update(overrides)
    return abnormal_report(by=by, **fields)


def test_a_report_is_recorded_and_its_superior_told(clock, duty_operator, security_staff):
    event = _report(duty_operator, security_staff)
    assert (event.reported_by, event.reported_to, event.reported_at) == (
        duty_operator,
        security_staff,
        SEEN + timedelta(minutes=2),
    )
    assert event.where == "GATE-1 " + event.camera.name
    audit = AuditEvent.objects.latest("sequence")
    assert (audit.action, audit.clause, audit.data["camera"]) == (
        "duty.abnormal_report",
        "M-1.4",
        "GATE-1",
    )
    [note] = Notification.objects.filter(kind="duty.abnormal_report")
    assert note.recipient == security_staff and note.url == event.get_absolute_url()
    at_place = _report(duty_operator, security_staff, camera=None, location="Library roof")
    assert at_place.where == "Library roof"


def test_refusals_say_why(clock, duty_operator, security_staff, auditor):
    with pytest.raises(RuleViolation, match="Name the camera or the location"):
        _report(duty_operator, security_staff, camera=None, location="  ")
    with pytest.raises(RuleViolation, match="cannot be in the future"):
        _report(duty_operator, security_staff, occurred_at=SEEN + timedelta(hours=1))
    with pytest.raises(RuleViolation, match="Report it to a superior"):
        _report(duty_operator, UserFactory(roles=["duty_operator"], username="peer"))
    with pytest.raises(RuleViolation, match="not yourself"):
        _report(security_staff, security_staff)
    with pytest.raises(RuleViolation, match="Say what action was taken"):
        _report(duty_operator, security_staff, action_taken="")
    with pytest.raises(RuleViolation, match="Only the staff on duty"):
        _report(auditor, security_staff)
    assert not AbnormalEvent.objects.exists()


def test_the_superior_or_the_chief_acknowledges_once(
    clock, duty_operator, security_staff, security_chief
):
    other = UserFactory(roles=["security_staff"], username="staff2")
    event = _report(duty_operator, security_staff)
    for stranger in (other, duty_operator):
        with pytest.raises(RuleViolation, match="Only the superior it was reported to"):
            abnormal_acknowledge(event=event, by=stranger)
    clock(SEEN + timedelta(minutes=6))
    abnormal_acknowledge(event=event, by=security_staff)
    event.refresh_from_db()
    assert event.acknowledged_by == security_staff
    audit = AuditEvent.objects.latest("sequence")
    assert (audit.action, audit.data["minutes_after_report"]) == ("duty.abnormal_acknowledge", 4)
    with pytest.raises(RuleViolation, match="already acknowledged"):
        abnormal_acknowledge(event=event, by=security_chief)
    second = _report(duty_operator, security_staff)
    abnormal_acknowledge(event=second, by=security_chief)  # the chief may, for anyone


def test_escalation_after_the_minutes_runs_twice_and_escalates_once(
    clock, settings, duty_operator, security_staff, security_chief
):
    settings.DUTY_ABNORMAL_ESCALATE_MINUTES = 15
    deputy = UserFactory(roles=["security_chief"], username="chief2")
    late = _report(duty_operator, security_staff)  # reported at SEEN + 2 min
    handled = _report(duty_operator, security_staff)
    abnormal_acknowledge(event=handled, by=security_staff)

    clock(SEEN + timedelta(minutes=16, seconds=59))  # 14 min 59 s after the report: not yet
    assert duty_abnormal_escalate() == 0
    clock(SEEN + timedelta(minutes=17))
    assert duty_abnormal_escalate() == 1
    assert duty_abnormal_escalate() == 0  # the second run finds nothing due
    clock(SEEN + timedelta(minutes=40))
    assert duty_abnormal_escalate() == 0

    late.refresh_from_db()
    handled.refresh_from_db()
    assert late.escalated_at == SEEN + timedelta(minutes=17) and handled.escalated_at is None
    escalations = AuditEvent.objects.filter(action="duty.abnormal_escalate")
    assert [(e.target_id, e.clause, e.actor_id) for e in escalations] == [
        (str(late.pk), "M-1.4", None)
    ]
    told = Notification.objects.filter(kind="duty.abnormal_escalate")
    assert sorted(n.recipient.username for n in told) == ["chief1", "chief2"]
    assert "15 minutes" in told[0].title and told[0].url == late.get_absolute_url()
    assert deputy.is_active
    # Acknowledging afterwards still works and says it had been escalated.
    abnormal_acknowledge(event=late, by=security_staff)
    assert AuditEvent.objects.latest("sequence").data["escalated"] is True


def test_the_pages_report_show_and_acknowledge(client, clock, duty_operator, security_staff):
    camera = CameraFactory(code="GATE-1")
    client.force_login(duty_operator)
    form = {
        "category": "fire",
        "camera": camera.pk,
        "location": "",
        "occurred_at": "2026-12-31T22:30",
        "description": "Smoke from the bin by the canteen.",
        "action_taken": "Told the canteen manager; extinguisher used.",
        "reported_to": security_staff.pk,
    }
    bad = client.post("/duty/abnormal/new/", {**form, "camera": "", "location": ""})
    assert bad.status_code == 400 and "Name the camera or the location" in bad.content.decode()
    response = client.post("/duty/abnormal/new/", form)
    event = AbnormalEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.occurred_at == SEEN
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "Smoke from the bin" in detail and 'data-testid="abnormal-acknowledge"' not in detail
    assert "Smoke" not in client.get("/duty/abnormal/", {"acknowledged": "true"}).content.decode()
    assert client.post(f"/duty/abnormal/{event.pk}/acknowledge/").status_code == 403

    client.force_login(security_staff)
    assert (
        'data-testid="abnormal-acknowledge"'
        in client.get(event.get_absolute_url()).content.decode()
    )
    client.post(f"/duty/abnormal/{event.pk}/acknowledge/")
    event.refresh_from_db()
    assert event.acknowledged_by == security_staff
    listed = client.get("/duty/abnormal/", {"acknowledged": "true", "category": "fire"})
    assert "GATE-1" in listed.content.decode()
    csv = b"".join(client.get("/duty/abnormal/", {"format": "csv"}).streaming_content).decode()
    assert "GATE-1" in csv and "Fire or smoke" in csv


def test_the_api_reports_and_acknowledges(client, clock, duty_operator, security_staff):
    client.force_login(duty_operator)
    created = client.post(
        "/api/duty/abnormal-events/",
        {
            "category": "intrusion",
            "location": "Server room door",
            "occurred_at": "2026-12-31T22:30:00+08:00",
            "description": "Door forced open.",
            "action_taken": "Patrol sent.",
            "reported_to": security_staff.pk,
        },
        "application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    future = client.post(
        "/api/duty/abnormal-events/",
        {
            "category": "other",
            "location": "Gate",
            "occurred_at": "2027-01-02T10:00:00+08:00",
            "description": "x",
            "action_taken": "y",
            "reported_to": security_staff.pk,
        },
        "application/json",
    )
    assert future.status_code == 400
    assert client.post(f"/api/duty/abnormal-events/{pk}/acknowledge/").status_code == 403
    client.force_login(security_staff)
    done = client.post(f"/api/duty/abnormal-events/{pk}/acknowledge/")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == security_staff.pk
    assert client.get("/api/duty/abnormal-events/?acknowledged=false").json()["count"] == 0
