"""M-2.4, issue 16 "Notifications and escalation": at 80 % of the allowance the vendor's
engineers of the ticket's company and the security office are notified, at a missed deadline
the security chief; each with a deep link to the ticket, each threshold once per ticket however
often the beat task runs; paused time is not elapsed time. A frozen clock (the ``wall``)."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.models import Notification
from apps.maintenance import services
from apps.maintenance.escalation import ticket_sla_escalate, tickets_sla_escalate
from apps.maintenance.models import FaultTicket, TicketEvent
from apps.maintenance.tasks import maintenance_sla_escalate
from tests.factories import CameraFactory, LocationFactory
from tests.maintenance.factories import ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(security_staff, security_chief, duty_operator, vendor_engineer, other_vendor_engineer):
    return {
        "staff": security_staff,
        "chief": security_chief,
        "operator": duty_operator,
        "vendor": vendor_engineer,
        "other": other_vendor_engineer,
    }


@pytest.fixture
def opened(wall, office):
    """A general fault (6 h, the measures' default) reported at 09:00 on GATE-1."""
    wall.at("2026-03-10 09:00")
    camera = CameraFactory(code="GATE-1", vendor=office["vendor"].department)
    return ticket(camera=camera, by=office["operator"])


def _sent(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_at_80_percent_the_vendor_and_the_security_office_are_told_once(wall, opened, office):
    wall.at("2026-03-10 13:47")  # 4 h 47 min of 6 h: below 80 %
    assert tickets_sla_escalate() == {}
    wall.at("2026-03-10 13:48")  # 4 h 48 min = 80 %
    assert tickets_sla_escalate() == {opened.pk: ["warning"]}
    # the ticket's own company's engineer and the security office; not the other company,
    # not the duty operator
    assert _sent("maintenance.ticket_sla_warning") == ["chief1", "staff1", "vendor1"]
    note = Notification.objects.filter(recipient=office["vendor"]).get()
    assert note.url == opened.get_absolute_url()
    assert opened.number in note.title and "80%" in note.title
    assert "GATE-1" in note.body and "2026-03-10 15:00" in note.body
    wall.at("2026-03-10 13:49")
    assert tickets_sla_escalate() == {}  # run again: nothing twice
    assert Notification.objects.count() == 3
    opened.refresh_from_db()
    assert opened.sla_warned_at == wall.at("2026-03-10 13:48") and opened.sla_breached_at is None
    event = opened.events.get(kind=TicketEvent.Kind.SLA_WARNING)
    assert event.data["elapsed_minutes"] == 288
    audit = AuditEvent.objects.get(action="maintenance.ticket_sla_warning")
    assert audit.clause == "M-2.4" and audit.target_id == str(opened.pk)


def test_at_the_breach_the_security_chief_is_told_once(wall, opened, office):
    wall.at("2026-03-10 13:50")
    tickets_sla_escalate()
    wall.at("2026-03-10 15:00")  # exactly the allowance: still in time
    assert tickets_sla_escalate() == {}
    wall.at("2026-03-10 15:01")
    assert tickets_sla_escalate() == {opened.pk: ["breach"]}
    assert _sent("maintenance.ticket_sla_breach") == ["chief1"]
    chiefs = Notification.objects.get(kind="maintenance.ticket_sla_breach")
    assert chiefs.url == opened.get_absolute_url() and "missed its deadline" in chiefs.title
    wall.at("2026-03-10 18:00")
    assert tickets_sla_escalate() == {}
    assert Notification.objects.filter(kind="maintenance.ticket_sla_breach").count() == 1


def test_the_task_run_twice_sends_nothing_twice(wall, opened):
    wall.at("2026-03-10 16:00")  # first look after the deadline: both thresholds at once
    assert maintenance_sla_escalate() == {opened.pk: ["warning", "breach"]}
    assert maintenance_sla_escalate() == {}
    assert Notification.objects.filter(kind="maintenance.ticket_sla_warning").count() == 3
    assert Notification.objects.filter(kind="maintenance.ticket_sla_breach").count() == 1
    assert AuditEvent.objects.filter(action__startswith="maintenance.ticket_sla_").count() == 2


def test_paused_time_is_not_elapsed_time(wall, opened, office):
    wall.at("2026-03-10 10:00")
    services.ticket_pause_start(ticket=opened, by=office["staff"], reason="access_refused")
    wall.at("2026-03-10 11:00")
    services.ticket_pause_end(ticket=opened, by=office["staff"])
    wall.at("2026-03-10 13:48")  # 3 h 48 min counted
    assert tickets_sla_escalate() == {}
    wall.at("2026-03-10 14:48")  # 4 h 48 min counted
    assert tickets_sla_escalate() == {opened.pk: ["warning"]}
    wall.at("2026-03-10 16:00")
    assert tickets_sla_escalate() == {}  # the deadline moved by the pause: 16:00
    wall.at("2026-03-10 16:01")
    assert tickets_sla_escalate() == {opened.pk: ["breach"]}


def test_an_open_pause_holds_the_clock(wall, opened, office):
    wall.at("2026-03-10 10:00")
    services.ticket_pause_start(ticket=opened, by=office["staff"], reason="access_refused")
    wall.at("2026-03-11 09:00")  # a day later, still paused: 1 h counted
    assert tickets_sla_escalate() == {}


def test_a_cleared_ticket_is_not_escalated_and_a_reopen_runs_on(wall, opened, office):
    vendor = office["vendor"]
    services.ticket_acknowledge(ticket=opened, by=vendor)
    wall.at("2026-03-10 12:00")
    services.ticket_clear(ticket=opened, by=vendor, note="Connector reseated")
    wall.at("2026-03-10 16:00")
    assert tickets_sla_escalate() == {}  # the clock stopped at 3 h
    services.ticket_reopen(ticket=opened, by=office["operator"], note="Still black")
    # the same clock: the time since the clear counts, 7 h now
    assert ticket_sla_escalate(ticket=FaultTicket.objects.get(pk=opened.pk)) == [
        "warning",
        "breach",
    ]


def test_raising_the_severity_rearms_the_warning(wall, opened, office):
    wall.at("2026-03-10 13:48")
    tickets_sla_escalate()
    wall.at("2026-03-10 14:00")
    services.ticket_severity_raise(ticket=opened, by=office["staff"], note="Main gate")
    opened.refresh_from_db()
    assert opened.allowance_hours == 24 and opened.sla_warned_at is None
    wall.at("2026-03-11 04:11")  # 19 h 11 min of 24 h
    assert tickets_sla_escalate() == {}
    wall.at("2026-03-11 04:12")  # 19 h 12 min = 80 % of 24 h
    assert tickets_sla_escalate() == {opened.pk: ["warning"]}
    assert Notification.objects.filter(recipient=office["vendor"]).count() == 2


def test_the_security_office_s_queue_warns_the_office_only(wall, office):
    wall.at("2026-03-10 09:00")
    queued = services.ticket_open(
        by=office["operator"],
        location=LocationFactory(),
        symptom="Pole knocked over",
        severity="general",
        occurred_at=wall.now,
    )
    wall.at("2026-03-10 14:00")
    assert tickets_sla_escalate() == {queued.pk: ["warning"]}
    assert _sent("maintenance.ticket_sla_warning") == ["chief1", "staff1"]
