"""M-2.2: the O&M daily log — one log per local day, the duty operators' entries per shift,
the system's entries (patrol summary, re-checks, ticket changes, the other apps' providers),
countersigned by the security office; a signed day is fixed (services and models refuse), a
correction is an addendum that is itself signed; a day unsigned 24 h after its end is flagged
and notified once."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.maintenance import daylog, services
from apps.maintenance.models import DayLog, DayLogAddendum, DayLogEntry, SignedRecordError
from tests.factories import CameraFactory, UserFactory
from tests.maintenance.factories import ticket
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


def _entry(by, shift="day", **kwargs):
    return daylog.day_log_entry_add(
        by=by,
        day=kwargs.pop("day", DAY),
        shift=shift,
        system_condition=kwargs.pop("system_condition", "All 120 cameras on the wall"),
        events=kwargs.pop("events", ""),
        faults=kwargs.pop("faults", "GATE-1 black"),
        actions=kwargs.pop("actions", "Reported to the vendor"),
    )


@pytest.fixture
def day_with_records(wall, duty_operator, vendor_engineer):
    """10 March: a patrol run, a ticket opened and acknowledged, two shift entries."""
    camera = CameraFactory(code="GATE-1", vendor=vendor_engineer.department)
    wall.at("2026-03-10 02:00")
    finished_run({camera: outcome("fault", "Picture black")})
    wall.at("2026-03-10 08:30")
    t = ticket(camera=camera, by=duty_operator)
    wall.at("2026-03-10 09:00")
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    _entry(duty_operator, "night", system_condition="Quiet night", faults="")
    wall.at("2026-03-10 15:55")
    _entry(duty_operator, "day")
    return t


def test_the_day_holds_the_shifts_entries_and_the_system_s(day_with_records, security_staff):
    log = DayLog.objects.get(day=DAY)
    assert [e.shift for e in daylog.day_log_entries(log=log)] == ["night", "day"]
    system = daylog.system_entries(user=security_staff, day=DAY)
    labels = [e["label"] for e in system]
    assert "1 cameras, 0 normal, 0 degraded, 1 faults" in labels[0]  # the patrol summary
    assert system[0]["source"] == "patrol" and system[0]["clause"] == "M-2.1"
    ticket_lines = [e for e in system if e["source"] == "maintenance"]
    assert [e["label"].split(": ")[-1] for e in ticket_lines] == ["Reported", "Acknowledged"]
    assert [e["at"] for e in system] == sorted(e["at"] for e in system)
    assert AuditEvent.objects.filter(action="maintenance.daylog_entry_add").count() == 2
    assert AuditEvent.objects.filter(action="maintenance.daylog_entry_add").first().clause == (
        "M-2.2"
    )


def test_a_recheck_result_is_in_the_day(wall, vendor_engineer, duty_operator, security_staff):
    camera = CameraFactory(code="HALL-2", vendor=vendor_engineer.department)
    wall.at("2026-03-10 08:00")
    t = ticket(camera=camera, by=duty_operator)
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    services.ticket_clear(ticket=t, by=vendor_engineer, note="Fuse replaced")
    run = services.ticket_recheck_start(ticket=t)
    from apps.patrol.services import patrol_check_record, patrol_run_finish

    patrol_check_record(check=run.checks.get(), outcome=outcome("ok"))
    patrol_run_finish(run=run)
    lines = [e["label"] for e in daylog.system_entries(user=security_staff, day=DAY)]
    assert any(line.startswith(f"Re-check {run.pk} of HALL-2: 1 normal") for line in lines)


def test_countersigning_fixes_the_day(wall, day_with_records, security_staff, duty_operator):
    wall.at("2026-03-10 20:00")
    with pytest.raises(RuleViolation, match="once it has ended"):
        daylog.day_log_sign(by=security_staff, day=DAY)
    with pytest.raises(RuleViolation, match="Only security-office staff"):
        daylog.day_log_sign(by=duty_operator, day=DAY)
    wall.at("2026-03-11 08:10")
    log = daylog.day_log_sign(by=security_staff, day=DAY, note="Checked against the wall")
    assert log.signed_by == security_staff and len(log.digest) == 64
    assert log.digest == daylog.day_digest(
        day=DAY, entries=daylog.day_log_entries(log=log), system=log.system_entries
    )
    event = AuditEvent.objects.get(action="maintenance.daylog_sign")
    assert event.clause == "M-2.2" and event.data["digest"] == log.digest
    assert event.data["entries"] == 2
    # the system's entries stay as signed: a later change of that day's records is not in it
    shown = daylog.system_entries(user=security_staff, day=DAY, log=log)
    assert len(shown) == len(log.system_entries)
    # refused by the service, with a sentence, and nothing written
    with pytest.raises(RuleViolation, match="countersigned and cannot change"):
        _entry(duty_operator)
    with pytest.raises(RuleViolation, match="countersigned and cannot change"):
        daylog.day_log_sign(by=UserFactory(roles=["security_chief"]), day=DAY)
    assert DayLogEntry.objects.filter(log=log).count() == 2


def test_a_signed_day_is_refused_by_the_models_too(wall, day_with_records, security_staff):
    wall.at("2026-03-11 08:10")
    log = daylog.day_log_sign(by=security_staff, day=DAY)
    entry = log.entries.first()
    entry.system_condition = "rewritten"
    with pytest.raises(SignedRecordError):
        entry.save()
    with pytest.raises(SignedRecordError):
        entry.delete()
    with pytest.raises(SignedRecordError):
        DayLogEntry.objects.filter(log=log).update(faults="none")
    with pytest.raises(SignedRecordError):
        DayLogEntry.objects.create(
            log=log,
            shift="day",
            system_condition="late",
            written_by=security_staff,
            written_at=wall.now,
        )
    log.sign_note = "changed"
    with pytest.raises(SignedRecordError):
        log.save()
    with pytest.raises(SignedRecordError):
        DayLog.objects.filter(pk=log.pk).update(digest="0" * 64)
    with pytest.raises(SignedRecordError):
        log.delete()
    log.refresh_from_db()
    assert log.sign_note == "" and log.entries.filter(system_condition="rewritten").count() == 0


def test_the_author_of_an_entry_does_not_countersign(wall, security_staff, security_chief):
    wall.at("2026-03-10 10:00")
    _entry(security_staff)
    wall.at("2026-03-11 09:00")
    with pytest.raises(RuleViolation, match="another staffer"):
        daylog.day_log_sign(by=security_staff, day=DAY)
    assert "sign" not in daylog.day_log_actions(
        user=security_staff, day=DAY, log=DayLog.objects.get(day=DAY)
    )
    assert daylog.day_log_sign(by=security_chief, day=DAY).signed_by == security_chief


def test_a_correction_is_an_addendum_itself_signed(
    wall, day_with_records, security_staff, security_chief, duty_operator
):
    wall.at("2026-03-10 20:00")
    with pytest.raises(RuleViolation, match="not countersigned yet"):
        daylog.day_log_addendum_add(by=duty_operator, day=DAY, text="too early")
    wall.at("2026-03-11 08:10")
    log = daylog.day_log_sign(by=security_staff, day=DAY)
    addendum = daylog.day_log_addendum_add(
        by=duty_operator, day=DAY, text="The night shift also saw HALL-2 flicker at 03:10."
    )
    assert addendum.signed_at is None
    with pytest.raises(RuleViolation, match="other than its author"):
        daylog.day_log_addendum_sign(by=UserFactory(roles=["duty_operator"]), addendum=addendum)
    signed = daylog.day_log_addendum_sign(by=security_chief, addendum=addendum)
    assert signed.signed_by == security_chief and signed.digest == daylog.addendum_digest(signed)
    with pytest.raises(RuleViolation, match="signed already"):
        daylog.day_log_addendum_sign(by=security_staff, addendum=signed)
    signed.text = "rewritten"
    with pytest.raises(SignedRecordError):
        signed.save()
    with pytest.raises(SignedRecordError):
        DayLogAddendum.objects.filter(pk=signed.pk).update(text="rewritten")
    log.refresh_from_db()
    assert log.digest == AuditEvent.objects.get(action="maintenance.daylog_sign").data["digest"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="maintenance.daylog_addendum")
        .order_by("sequence")
        .values_list("action", "clause")
    )
    assert actions == [
        ("maintenance.daylog_addendum_add", "M-2.2"),
        ("maintenance.daylog_addendum_sign", "M-2.2"),
    ]


def test_a_day_unsigned_24_h_after_its_end_is_flagged_and_notified_once(
    wall, security_staff, security_chief, duty_operator
):
    wall.at("2026-03-10 10:00")
    assert daylog.day_logs_check() == []  # the first run gives today its log
    assert list(DayLog.objects.values_list("day", flat=True)) == [DAY]
    wall.at("2026-03-11 23:59")  # the day ended 23 h 59 min ago
    assert daylog.day_logs_check() == []
    assert daylog.day_status(DayLog.objects.get(day=DAY), DAY) == "awaiting"
    wall.at("2026-03-12 00:00")
    assert daylog.day_logs_check() == ["2026-03-10"]
    assert daylog.day_status(DayLog.objects.get(day=DAY), DAY) == "overdue"
    assert sorted(
        Notification.objects.filter(kind="maintenance.daylog_overdue").values_list(
            "recipient__username", flat=True
        )
    ) == ["chief1", "staff1"]
    note = Notification.objects.filter(kind="maintenance.daylog_overdue").first()
    assert note.url == "/maintenance/daylog/2026-03-10/" and "2026-03-10" in note.title
    wall.at("2026-03-12 00:15")
    assert daylog.day_logs_check() == []  # run again: nothing twice
    assert Notification.objects.filter(kind="maintenance.daylog_overdue").count() == 2
    # every day since the first has its log, and the dashboard flags the unsigned ones
    assert sorted(DayLog.objects.values_list("day", flat=True)) == [
        date(2026, 3, 10),
        date(2026, 3, 11),
        date(2026, 3, 12),
    ]
    card = {c["key"]: c for c in daylog.dashboard_cards(security_staff)}["daylogs_overdue"]
    assert card["count"] == 1
    assert daylog.dashboard_cards(duty_operator) == []
    daylog.day_log_sign(by=security_staff, day=DAY)
    assert daylog.dashboard_cards(security_staff)[0]["count"] == 0


def test_the_month_page_and_the_day_page(client, wall, day_with_records, security_staff):
    wall.at("2026-03-12 09:00")
    daylog.day_logs_check()
    client.force_login(security_staff)
    page = client.get("/maintenance/daylog/?month=2026-03")
    rows = page.context["days"]
    assert [r.day.day for r in rows] == list(range(12, 0, -1))
    by_day = {r.day: r for r in rows}
    assert by_day[DAY].status == "overdue" and by_day[DAY].entries == 2
    assert by_day[date(2026, 3, 12)].status == "open"
    assert by_day[date(2026, 3, 1)].status == "none"
    day = client.get("/maintenance/daylog/2026-03-10/")
    assert day.status_code == 200
    assert b"Quiet night" in day.content and b'data-testid="daylog-sign"' in day.content
    signed = client.post("/maintenance/daylog/2026-03-10/sign/", {"note": "ok"})
    assert signed.status_code == 302
    again = client.get("/maintenance/daylog/2026-03-10/")
    assert b"daylog-signature" in again.content and b"daylog-entry-form" not in again.content
    assert client.get("/maintenance/daylog/2026-04-01/").status_code == 404  # a day to come
    assert client.get("/maintenance/daylog/not-a-day/").status_code == 404
    bad = client.get("/maintenance/daylog/?month=2026-13", follow=True)
    assert bad.status_code == 200 and b"YYYY-MM" in bad.content


def test_an_entry_through_the_page_and_its_refusals(client, wall, duty_operator, vendor_engineer):
    wall.at("2026-03-10 10:00")
    client.force_login(duty_operator)
    posted = client.post(
        "/maintenance/daylog/2026-03-10/entry/",
        {"shift": "day", "system_condition": "Wall normal", "faults": "", "actions": ""},
    )
    assert posted.status_code == 302
    assert DayLogEntry.objects.get().written_by == duty_operator
    empty = client.post("/maintenance/daylog/2026-03-10/entry/", {"shift": "day"})
    assert empty.status_code == 400 and DayLogEntry.objects.count() == 1
    client.force_login(vendor_engineer)
    assert client.get("/maintenance/daylog/").status_code == 403
    assert client.get("/maintenance/daylog/2026-03-10/").status_code == 403


def test_the_month_asks_the_database_a_fixed_number_of_times(
    client, wall, security_staff, duty_operator
):
    wall.at("2026-03-02 10:00")
    _entry(duty_operator, day=date(2026, 3, 1))
    client.force_login(security_staff)
    with CaptureQueriesContext(connection) as few:
        client.get("/maintenance/daylog/?month=2026-03")
    for n in range(2, 28):
        wall.at(f"2026-03-{n:02d} 10:00")
        _entry(duty_operator, day=date(2026, 3, n))
    wall.at("2026-03-28 10:00")
    client.force_login(security_staff)  # the session of 2 March has expired
    with CaptureQueriesContext(connection) as many:
        page = client.get("/maintenance/daylog/?month=2026-03")
    assert len(page.context["days"]) == 28
    assert len(many) == len(few)
