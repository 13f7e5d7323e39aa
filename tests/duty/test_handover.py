"""M-1.2: the outgoing duty operator hands the shift over — a note, and the open items the apps
list by themselves (cameras down, people still inside the monitoring center, open fault tickets,
requests awaiting retrieval); the incoming shift acknowledges; an item still open at the next
handover is carried over (one item, its first handover's time) until it is closed. The clock is
frozen by replacing ``timezone.now``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.duty.handover import handover_acknowledge, handover_write
from apps.duty.models import Handover
from apps.duty.services import access_grant, entry_record_in, entry_record_out
from tests.duty.helpers import operator, shift_from
from tests.factories import CameraFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 12, 31, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai: the 12-hour day shift
NIGHT = DAY + timedelta(hours=12)  # 20:00 in Shanghai, to 08:00 on 1 January


@pytest.fixture
def clock(monkeypatch):
    now = {"at": DAY}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(moment):
        now["at"] = moment

    return set_to


@pytest.fixture
def shifts(clock, security_staff):
    """Li Lei on the day shift, Han Meimei on the night, Wang Fang on the next day."""
    li, han, wang = (
        operator("op-li", full_name="Li Lei"),
        operator("op-han", full_name="Han Meimei"),
        operator("op-wang", full_name="Wang Fang"),
    )
    return {
        "day": shift_from(li, DAY, 12, by=security_staff),
        "night": shift_from(han, NIGHT, 12, by=security_staff),
        "next": shift_from(wang, NIGHT + timedelta(hours=12), 12, by=security_staff),
    }


def _down(code: str) -> Camera:
    camera = CameraFactory(code=code)
    Camera.objects.filter(pk=camera.pk).update(
        health=Camera.Health.OFFLINE, down_since=DAY - timedelta(hours=1)
    )
    return camera


def _keys(handover: Handover) -> dict[str, bool]:
    return {item.key: item.carried_over for item in handover.items.all()}


def test_open_items_are_added_and_carried_over_until_closed(clock, shifts, security_staff):
    li, han, wang = (shifts[k].operator for k in ("day", "night", "next"))
    gate = _down("GATE-1")
    guard = UserFactory(username="guard", full_name="Zhou Guard")
    access_grant(person=guard, by=security_staff)
    entry = entry_record_in(by=li, person=guard, purpose="Console check")

    clock(NIGHT - timedelta(minutes=10))
    first = handover_write(by=li, note="Gate camera offline since 07:00; vendor called.")
    assert first.shift == shifts["day"]
    assert _keys(first) == {f"camera:{gate.pk}": False, f"entry:{entry.pk}": False}
    labels = " | ".join(first.items.values_list("label", flat=True))
    assert "GATE-1" in labels and "Zhou Guard" in labels and "Console check" in labels
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause) == ("duty.handover_write", "M-1.2")
    assert sorted(event.data["items"]) == sorted(_keys(first))
    # The incoming shift (check-in window open) is told, not the writer.
    [note] = Notification.objects.filter(kind="duty.handover")
    assert note.recipient == han and note.url == first.get_absolute_url()

    with pytest.raises(RuleViolation, match="not the one who wrote it"):
        handover_acknowledge(handover=first, by=li)
    with pytest.raises(RuleViolation, match="on shift now"):
        handover_acknowledge(handover=first, by=wang)  # tomorrow's shift: not incoming
    clock(NIGHT + timedelta(minutes=2))
    handover_acknowledge(handover=first, by=han)
    first.refresh_from_db()
    assert first.acknowledged_by == han and first.acknowledged_at == NIGHT + timedelta(minutes=2)
    assert AuditEvent.objects.latest("sequence").action == "duty.handover_acknowledge"
    with pytest.raises(RuleViolation, match="already acknowledged"):
        handover_acknowledge(handover=first, by=han)

    # During the night the guard leaves (closed) and a second camera goes down (new).
    entry_record_out(entry=entry, by=han)
    lab = _down("LAB-2")
    clock(NIGHT + timedelta(hours=11, minutes=50))
    second = handover_write(by=han, note="Lab camera down too.")
    assert _keys(second) == {f"camera:{gate.pk}": True, f"camera:{lab.pk}": False}
    carried = second.items.get(key=f"camera:{gate.pk}")
    assert carried.open_since == first.written_at  # one item since the first handover
    assert AuditEvent.objects.latest("sequence").data["carried_over"] == [f"camera:{gate.pk}"]


def test_refusals_say_why_and_write_nothing(clock, shifts, security_staff, duty_operator):
    li = shifts["day"].operator
    clock(DAY - timedelta(minutes=5))
    with pytest.raises(RuleViolation, match="no shift to hand over now"):
        handover_write(by=li, note="too early")  # the shift has not started
    clock(DAY + timedelta(hours=6))
    with pytest.raises(RuleViolation, match="Write the handover note"):
        handover_write(by=li, note="   ")
    with pytest.raises(RuleViolation, match="Only a duty operator"):
        handover_write(by=security_staff, note="not mine")
    with pytest.raises(RuleViolation, match="no shift to hand over now"):
        handover_write(by=duty_operator, note="I am not on the roster")
    handover_write(by=li, note="Early handover, leaving at noon.")
    with pytest.raises(RuleViolation, match="no shift to hand over now"):
        handover_write(by=li, note="again")  # handed over once
    clock(NIGHT + timedelta(hours=3))  # the day shift ended 3 hours ago: too late
    assert Handover.objects.count() == 1


def test_a_shift_ended_up_to_the_setting_ago_can_still_be_handed_over(clock, shifts, settings):
    settings.DUTY_HANDOVER_AFTER_END_MINUTES = 60
    li = shifts["day"].operator
    clock(NIGHT + timedelta(minutes=61))
    with pytest.raises(RuleViolation, match="ended at most 60 minutes ago"):
        handover_write(by=li, note="late")
    clock(NIGHT + timedelta(minutes=59))
    assert handover_write(by=li, note="late but in time").shift == shifts["day"]


def test_the_pages_write_show_and_acknowledge(client, clock, shifts):
    li, han = shifts["day"].operator, shifts["night"].operator
    gate = _down("GATE-1")
    clock(NIGHT - timedelta(minutes=10))
    client.force_login(li)
    page = client.get("/duty/handovers/new/").content.decode()
    assert "GATE-1" in page and 'data-testid="handover-form"' in page
    refused = client.post("/duty/handovers/new/", {"note": ""})
    assert refused.status_code == 400
    response = client.post("/duty/handovers/new/", {"note": "Gate camera down."})
    written = Handover.objects.get()
    assert response.status_code == 302 and response["Location"] == written.get_absolute_url()
    detail = client.get(written.get_absolute_url()).content.decode()
    assert "Gate camera down." in detail and f'data-key="camera:{gate.pk}"' in detail
    assert 'data-testid="handover-acknowledge"' not in detail  # not the writer's to acknowledge

    clock(NIGHT + timedelta(minutes=1))
    client.force_login(han)
    roster = client.get("/duty/roster/").content.decode()
    assert 'data-testid="handover-waiting"' in roster and "Li Lei" in roster
    detail = client.get(written.get_absolute_url()).content.decode()
    assert 'data-testid="handover-acknowledge"' in detail
    client.post(f"/duty/handovers/{written.pk}/acknowledge/")
    written.refresh_from_db()
    assert written.acknowledged_by == han
    assert 'data-testid="handover-waiting"' not in client.get("/duty/roster/").content.decode()
    register = client.get("/duty/handovers/", {"acknowledged": "true"}).content.decode()
    assert "Gate camera down." in register
    assert (
        "Gate camera down."
        not in client.get("/duty/handovers/", {"acknowledged": "false"}).content.decode()
    )


def test_the_api_writes_lists_and_acknowledges(client, clock, shifts, auditor):
    li, han = shifts["day"].operator, shifts["night"].operator
    gate = _down("GATE-1")
    clock(NIGHT - timedelta(minutes=10))
    client.force_login(li)
    created = client.post("/api/duty/handovers/", {"note": "Gate down."}, "application/json")
    assert created.status_code == 201
    body = created.json()
    assert [i["key"] for i in body["items"]] == [f"camera:{gate.pk}"]
    again = client.post("/api/duty/handovers/", {"note": "twice"}, "application/json")
    assert again.status_code == 400 and again.json()["clause"] == "M-1.2"
    clock(NIGHT + timedelta(minutes=1))
    client.force_login(han)
    done = client.post(f"/api/duty/handovers/{body['id']}/acknowledge/")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == han.pk
    client.force_login(auditor)
    listed = client.get("/api/duty/handovers/").json()
    assert listed["results"][0]["items"][0]["carried_over"] is False
    assert client.post("/api/duty/handovers/", {"note": "x"}, "application/json").status_code == 403
