"""M-2.3, M-2.4: a fault ticket's states, one service call each with one audit event, its
history kept; illegal changes refused with a clear message and nothing written; the vendor
acts on its own company's tickets only; the clock as the services store it."""

from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.maintenance import selectors, services
from apps.maintenance.models import FaultTicket, TicketEvent
from tests.factories import CameraFactory, LocationFactory
from tests.maintenance.factories import contract, ticket

pytestmark = pytest.mark.django_db
State = FaultTicket.State


@pytest.fixture
def camera(vendor_engineer):
    return CameraFactory(code="GATE-1", vendor=vendor_engineer.department)


def _events(t):
    return list(t.events.order_by("at", "id").values_list("kind", flat=True))


def test_the_whole_life_of_a_ticket(wall, camera, duty_operator, vendor_engineer, security_staff):
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    assert (t.state, t.allowance_hours, t.number[:10]) == (State.REPORTED, 6, "WX20260310")
    assert selectors.ticket_actions(user=vendor_engineer, ticket=t) == {"acknowledge", "note"}
    wall.at("2026-03-10 09:10")
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    wall.at("2026-03-10 10:00")
    services.ticket_on_site(ticket=t, by=vendor_engineer)
    wall.at("2026-03-10 11:30")
    services.ticket_clear(ticket=t, by=vendor_engineer, note="Replaced the PoE injector")
    wall.at("2026-03-10 11:40")
    services.ticket_verify(ticket=t, by=duty_operator)
    wall.at("2026-03-10 12:00")
    services.ticket_close(ticket=t, by=security_staff)
    t.refresh_from_db()
    assert t.state == State.CLOSED
    assert _events(t) == ["reported", "acknowledged", "on_site", "cleared", "verified", "closed"]
    # Every time kept (M-2.3), the clock stopped at the clear, within the 6 h (M-2.4).
    assert t.cleared_at.astimezone(wall.now.tzinfo).strftime("%H:%M") == "11:30"
    assert t.clock_stopped_at == t.cleared_at
    clock = selectors.ticket_clock(ticket=t)
    assert clock.elapsed == timedelta(hours=2, minutes=30) and not clock.breached
    actions = list(
        AuditEvent.objects.filter(target_id=str(t.pk), action__startswith="maintenance.")
        .order_by("sequence")
        .values_list("action", "clause")
    )
    assert actions == [
        ("maintenance.ticket_open", "M-2.3"),
        ("maintenance.ticket_acknowledge", "M-2.4"),
        ("maintenance.ticket_on_site", "M-2.4"),
        ("maintenance.ticket_clear", "M-2.3"),
        ("maintenance.ticket_verify", "M-2.3"),
        ("maintenance.ticket_close", "M-2.3"),
    ]


@pytest.mark.parametrize(
    ("who", "call", "message"),
    [
        ("vendor", "clear", "once acknowledged"),
        ("operator", "acknowledge", "Only the ticket's vendor acknowledges"),
        ("staff", "close", "close a verified ticket"),
        ("vendor", "verify", "Only the monitoring center verifies"),
        ("other_vendor", "acknowledge", "Only the ticket's vendor acknowledges"),
    ],
    ids=[
        "clear before acknowledging",
        "operator acknowledges for the vendor",
        "close before verification",
        "vendor verifies its own work",
        "another company's engineer",
    ],
)
def test_an_illegal_change_is_refused_and_nothing_is_written(
    camera,
    duty_operator,
    vendor_engineer,
    other_vendor_engineer,
    security_staff,
    who,
    call,
    message,
):
    users = {
        "vendor": vendor_engineer,
        "operator": duty_operator,
        "staff": security_staff,
        "other_vendor": other_vendor_engineer,
    }
    t = ticket(camera=camera, by=duty_operator)
    before_events, before_audit = TicketEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.ticket_transition(ticket=t, by=users[who], verb=call, note="x")
    assert message in refused.value.message
    assert "The ticket is now: Reported." in refused.value.message
    t.refresh_from_db()
    assert t.state == State.REPORTED
    assert (TicketEvent.objects.count(), AuditEvent.objects.count()) == (
        before_events,
        before_audit,
    )


def test_clearing_needs_a_note(camera, duty_operator, vendor_engineer):
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    with pytest.raises(RuleViolation, match="Add a note"):
        services.ticket_clear(ticket=t, by=vendor_engineer, note="  ")


def test_a_stale_page_loses_the_race(camera, duty_operator, vendor_engineer):
    t = ticket(camera=camera, by=duty_operator)
    stale = FaultTicket.objects.get(pk=t.pk)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    with pytest.raises(RuleViolation):
        services.ticket_acknowledge(ticket=stale, by=vendor_engineer)
    assert _events(t).count("acknowledged") == 1


def test_a_reopen_continues_the_same_clock(wall, camera, duty_operator, vendor_engineer):
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    wall.at("2026-03-10 12:00")
    services.ticket_clear(ticket=t, by=vendor_engineer, note="rebooted")
    wall.at("2026-03-10 14:00")
    services.ticket_reopen(ticket=t, by=duty_operator, note="black again")
    t.refresh_from_db()
    assert (t.state, t.reopen_count, t.clock_stopped_at) == (State.REOPENED, 1, None)
    wall.at("2026-03-10 16:00")
    clock = selectors.ticket_clock(ticket=t)
    # 7 h since the report: the two hours between the clear and the reopen count too.
    assert clock.elapsed == timedelta(hours=7) and clock.breached
    assert FaultTicket.objects.filter(selectors.ticket_overdue_q(), pk=t.pk).exists()
    assert selectors.ticket_actions(user=vendor_engineer, ticket=t) == {"on_site", "clear", "note"}


def test_a_pause_moves_the_deadline_by_exactly_its_length(
    wall, camera, duty_operator, vendor_engineer, security_staff
):
    wall.at("2026-03-31 20:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    wall.at("2026-03-31 23:00")
    services.ticket_pause_start(ticket=t, by=security_staff, reason="access_refused")
    t.refresh_from_db()
    assert t.paused_since is not None
    # While paused the vendor can do nothing but say the wait is over.
    assert selectors.ticket_actions(user=vendor_engineer, ticket=t) == {"pause_end", "note"}
    with pytest.raises(RuleViolation, match="paused"):
        services.ticket_clear(ticket=t, by=vendor_engineer, note="x")
    assert not FaultTicket.objects.filter(selectors.ticket_overdue_q(), pk=t.pk).exists()
    wall.at("2026-04-01 07:15")
    services.ticket_pause_end(ticket=t, by=vendor_engineer)
    t.refresh_from_db()
    local = t.deadline_at.astimezone(wall.now.tzinfo)
    assert local.strftime("%Y-%m-%d %H:%M") == "2026-04-01 10:15"  # 02:00 + 8 h 15 min
    assert t.paused_since is None
    assert _events(t)[-2:] == ["paused", "resumed"]


def test_part_on_order_needs_the_security_chief(
    camera, duty_operator, vendor_engineer, security_staff, security_chief
):
    t = ticket(camera=camera, by=duty_operator)
    with pytest.raises(RuleViolation, match="security chief"):
        services.ticket_pause_start(ticket=t, by=security_staff, reason="part_on_order")
    services.ticket_pause_start(ticket=t, by=security_chief, reason="part_on_order")
    with pytest.raises(RuleViolation):  # one pause at a time
        services.ticket_pause_start(ticket=t, by=security_chief, reason="access_refused")


def test_raising_severity_recomputes_the_deadline_from_the_report_time(
    wall, camera, duty_operator, security_staff
):
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    wall.at("2026-03-10 14:00")
    services.ticket_severity_raise(ticket=t, by=security_staff, note="main gate, exam week")
    t.refresh_from_db()
    assert (t.severity, t.allowance_hours) == ("major", 24)
    assert t.deadline_at.astimezone(wall.now.tzinfo).strftime("%m-%d %H:%M") == "03-11 09:00"
    event = AuditEvent.objects.get(action="maintenance.ticket_severity_raise")
    assert event.clause == "M-2.4" and event.data["before"]["severity"] == "general"
    with pytest.raises(RuleViolation):  # already major: nothing to raise
        services.ticket_severity_raise(ticket=t, by=security_staff, note="again")


def test_the_contract_s_stricter_hours_apply(wall, camera, duty_operator, vendor_engineer):
    wall.at("2026-03-10 09:00")
    contract(vendor=vendor_engineer.department, general_hours=4, major_hours=12)
    t = ticket(camera=camera, by=duty_operator)
    assert t.allowance_hours == 4 and t.contract is not None
    assert t.deadline_at.astimezone(wall.now.tzinfo).strftime("%H:%M") == "13:00"


def test_a_ticket_for_a_location_without_a_camera_goes_to_the_office_queue(duty_operator):
    from django.utils import timezone

    t = services.ticket_open(
        by=duty_operator,
        location=LocationFactory(building="Library"),
        symptom="Monitor wall dark",
        severity="major",
        occurred_at=timezone.now() - timedelta(hours=1),
    )
    assert t.vendor is None and t.allowance_hours == 24


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"camera": None}, "Name the camera or the location"),
        ({"symptom": " "}, "Describe the symptom"),
        ({"severity": "catastrophic"}, "Choose general fault or major fault"),
        ({"occurred_at": "future"}, "cannot be in the future"),
    ],
    ids=["no place", "no symptom", "unknown severity", "in the future"],
)
def test_bad_ticket_input_is_refused(camera, duty_operator, changes, message):
    from django.utils import timezone

    data = {
        "by": duty_operator,
        "camera": camera,
        "symptom": "black",
        "severity": "general",
        "occurred_at": timezone.now() - timedelta(minutes=1),
        **changes,
    }
    if data["occurred_at"] == "future":
        data["occurred_at"] = timezone.now() + timedelta(hours=1)
    with pytest.raises(RuleViolation, match=message):
        services.ticket_open(**data)
    assert not FaultTicket.objects.exists()


def test_a_vendor_engineer_cannot_open_tickets(camera, vendor_engineer):
    from django.utils import timezone

    with pytest.raises(RuleViolation):
        services.ticket_open(
            by=vendor_engineer,
            camera=camera,
            symptom="x",
            severity="general",
            occurred_at=timezone.now(),
        )


def test_the_office_assigns_a_queue_ticket_to_a_vendor(
    wall, duty_operator, security_staff, vendor_engineer, client
):
    wall.at("2026-03-10 09:00")
    contract(vendor=vendor_engineer.department, general_hours=4)
    t = ticket(camera=CameraFactory(vendor=None), by=duty_operator)
    assert t.vendor is None and t.allowance_hours == 6
    assert "acknowledge" not in selectors.ticket_actions(user=vendor_engineer, ticket=t)
    wall.at("2026-03-10 10:00")
    services.ticket_assign(ticket=t, by=security_staff, vendor=vendor_engineer.department)
    t.refresh_from_db()
    assert (t.vendor, t.allowance_hours) == (vendor_engineer.department, 4)
    # Still from the report time: 09:00 + 4 h.
    assert t.deadline_at.astimezone(wall.now.tzinfo).strftime("%H:%M") == "13:00"
    assert selectors.ticket_actions(user=vendor_engineer, ticket=t) >= {"acknowledge"}
    event = AuditEvent.objects.get(action="maintenance.ticket_assign")
    assert event.clause == "M-2.4" and event.data["before"]["vendor"] is None
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    with pytest.raises(RuleViolation, match="before the vendor acknowledges"):
        services.ticket_assign(ticket=t, by=security_staff, vendor=vendor_engineer.department)


def test_notes_go_on_the_timeline_without_a_state_change(
    camera, duty_operator, vendor_engineer, other_vendor_engineer, auditor
):
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_note(ticket=t, by=vendor_engineer, note="Engineer on the way")
    services.ticket_note(ticket=t, by=duty_operator, note="Gate guard informed")
    t.refresh_from_db()
    assert t.state == State.REPORTED
    assert list(t.events.filter(kind="note").values_list("note", flat=True)) == [
        "Engineer on the way",
        "Gate guard informed",
    ]
    for outsider in (other_vendor_engineer, auditor):
        with pytest.raises(RuleViolation):
            services.ticket_note(ticket=t, by=outsider, note="x")
    with pytest.raises(RuleViolation, match="Write the note"):
        services.ticket_note(ticket=t, by=vendor_engineer, note=" ")


def test_a_ticket_paused_after_its_deadline_is_still_overdue(
    wall, camera, duty_operator, security_staff
):
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    wall.at("2026-03-10 16:00")  # an hour past the 6 h
    services.ticket_pause_start(ticket=t, by=security_staff, reason="access_refused")
    wall.at("2026-03-10 18:00")
    assert selectors.ticket_clock(ticket=t).breached
    assert FaultTicket.objects.filter(selectors.ticket_overdue_q(), pk=t.pk).exists()


def test_a_ticket_paused_in_time_is_not_overdue_while_paused(
    wall, camera, duty_operator, security_staff
):
    wall.at("2026-03-10 09:00")
    t = ticket(camera=camera, by=duty_operator)
    wall.at("2026-03-10 14:00")
    services.ticket_pause_start(ticket=t, by=security_staff, reason="access_refused")
    wall.at("2026-03-11 09:00")  # a day later, still paused
    assert not selectors.ticket_clock(ticket=t).breached
    assert not FaultTicket.objects.filter(selectors.ticket_overdue_q(), pk=t.pk).exists()
