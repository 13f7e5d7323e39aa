"""M-1.2: duty operators check in and out of their own shifts; lateness and missed check-ins
are visible to the security office (the check-ins register). The clock is frozen by replacing
``timezone.now``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.duty.models import RosterAssignment
from apps.duty.services import shift_check_in, shift_check_out
from tests.duty.helpers import operator, shift_from

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


@pytest.fixture
def clock(monkeypatch):
    now = {"at": START - timedelta(hours=3)}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(moment):
        now["at"] = moment

    return set_to


@pytest.fixture
def night(clock, security_staff):
    return shift_from(operator("op-a", full_name="Li Lei"), START, 12, by=security_staff)


def test_on_time_then_out_early_on_record(clock, night):
    clock(START + timedelta(minutes=3))
    shift_check_in(assignment=night, by=night.operator)
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause, event.data["late"]) == (
        "duty.shift_check_in",
        "M-1.2",
        False,
    )
    clock(START + timedelta(hours=11))
    shift_check_out(assignment=night, by=night.operator)
    night.refresh_from_db()
    assert night.checked_in_at == START + timedelta(minutes=3)
    assert night.checked_out_at == START + timedelta(hours=11)
    assert AuditEvent.objects.latest("sequence").data["early"] is True


def test_refusals_say_why_and_change_nothing(clock, night, duty_operator):
    clock(START - timedelta(minutes=40))
    with pytest.raises(RuleViolation, match="Check-in opens 30 minutes before the shift starts"):
        shift_check_in(assignment=night, by=night.operator)
    clock(START)
    with pytest.raises(RuleViolation, match="Only the operator on this shift checks in"):
        shift_check_in(assignment=night, by=duty_operator)
    with pytest.raises(RuleViolation, match="Check in to the shift before checking out"):
        shift_check_out(assignment=night, by=night.operator)
    shift_check_in(assignment=night, by=night.operator)
    with pytest.raises(RuleViolation):
        shift_check_in(assignment=night, by=night.operator)
    assert RosterAssignment.objects.get(pk=night.pk).checked_in_at == START


def _register(client, **query) -> str:
    return client.get("/duty/check-ins/", query).content.decode()


def test_the_office_sees_late_overdue_and_missed(client, clock, security_staff, security_chief):
    early = shift_from(
        operator("op-b", full_name="Han Meimei"), START - timedelta(hours=12), 12, by=security_staff
    )
    late = shift_from(operator("op-c", full_name="Wang Fang"), START, 12, by=security_staff)
    overdue = shift_from(operator("op-d", full_name="Zhao Min"), START, 12, by=security_staff)
    clock(START + timedelta(minutes=20))
    shift_check_in(assignment=late, by=late.operator)
    client.force_login(security_staff)

    page = _register(client, attendance="late")
    assert "Wang Fang" in page and "Zhao Min" not in page and "late" in page
    page = _register(client, attendance="missed")
    assert "Han Meimei" in page and "Wang Fang" not in page  # the day shift before: nobody
    page = _register(client, attendance="overdue")
    assert "Zhao Min" in page and "Han Meimei" not in page
    response = client.get("/duty/check-ins/", {"attendance": "late", "format": "csv"})
    csv = b"".join(response.streaming_content).decode()
    assert "Wang Fang" in csv and "2026-12-31 20:20:00" in csv
    assert not RosterAssignment.objects.filter(
        pk__in=[early.pk, overdue.pk], checked_in_at__isnull=False
    ).exists()


def test_the_operator_checks_in_from_the_roster_page(client, clock, night):
    clock(START - timedelta(minutes=10))
    client.force_login(night.operator)
    page = client.get("/duty/roster/?month=2026-12").content.decode()
    assert 'data-testid="my-shifts"' in page and 'data-testid="check-in"' in page
    response = client.post(f"/duty/roster/assignments/{night.pk}/check-in/", follow=True)
    page = response.content.decode()
    assert "Checked in." in page and 'data-testid="check-out"' in page and "on time" in page
    assert client.get("/duty/check-ins/").status_code == 403  # the register is the office's


def test_outside_the_window_no_button_and_a_message(client, clock, night):
    clock(START - timedelta(hours=2))
    client.force_login(night.operator)
    assert (
        'data-testid="check-in"' not in client.get("/duty/roster/?month=2026-12").content.decode()
    )
    response = client.post(f"/duty/roster/assignments/{night.pk}/check-in/", follow=True)
    assert "Check-in opens 30 minutes before" in response.content.decode()
    assert RosterAssignment.objects.get(pk=night.pk).checked_in_at is None


def test_check_in_and_out_through_the_api(client, clock, night, duty_operator):
    clock(START + timedelta(minutes=1))
    client.force_login(duty_operator)  # not their shift: found, refused by the rule
    refused = client.post(f"/api/duty/assignments/{night.pk}/check-in/")
    assert refused.status_code == 400 and refused.json()["clause"] == "M-1.2"
    client.force_login(night.operator)
    body = client.post(f"/api/duty/assignments/{night.pk}/check-in/").json()
    assert body["checked_in_at"] == "2026-12-31T20:01:00+08:00"
    clock(START + timedelta(hours=12, minutes=2))
    client.force_login(night.operator)  # the idle session ended in those 12 hours
    body = client.post(f"/api/duty/assignments/{night.pk}/check-out/").json()
    assert body["checked_out_at"] == "2027-01-01T08:02:00+08:00"
    again = client.post(f"/api/duty/assignments/{night.pk}/check-out/")
    assert again.status_code == 400
