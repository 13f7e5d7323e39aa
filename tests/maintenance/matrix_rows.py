"""Maintenance rows of the role × URL table (M-1.2, M-1.3, M-2.3, M-2.4): contracts and fault
tickets, pages and API; another company's records are not found by a vendor engineer (404),
nor is a ticket of the security office's queue (no vendor)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import Role
from apps.cameras.models import Camera
from apps.maintenance import daylog, services, weekly_test
from apps.maintenance.models import FunctionTest, TicketPhoto
from tests.core.matrix import (
    JPEG,
    NO_CAMERA_ACCESS,
    OFFICE_VIEWERS,
    PATROLLERS,
    SIGNERS,
    VENDOR,
    VIEWERS,
    Row,
    _get,
)
from tests.factories import CameraFactory, UserFactory
from tests.maintenance.factories import PDF, contract

CONTRACT_READERS = frozenset(
    {
        Role.DUTY_OPERATOR,
        Role.SECURITY_STAFF,
        Role.SECURITY_CHIEF,
        Role.AUDITOR,
        Role.VENDOR_ENGINEER,
    }
)


def _contract_form(world: dict) -> dict:
    today = timezone.localdate()
    return {
        "vendor": world["vendor"].pk,
        "number": "HT-MATRIX-NEW",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=365)).isoformat(),
        "general_hours": 6,
        "major_hours": 24,
        "contacts": "",
        "document": SimpleUploadedFile("signed.pdf", PDF, "application/pdf"),
    }


def _ticket_form(world: dict) -> dict:
    occurred = timezone.localtime() - timedelta(minutes=30)
    return {
        "camera": world["camera"],
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "symptom": "Picture black since the storm",
        "severity": "general",
    }


def _act(key: str, verb: str, allowed, audit, data=None, *, api: bool = False, **kwargs) -> Row:
    prefix = "/api/maintenance/tickets" if api else "/maintenance/tickets"
    return Row(
        "POST",
        f"{prefix}/{{{'api_' if api else ''}{key}}}/{verb}/",
        frozenset(allowed),
        data or {},
        audit,
        json=api,
        **kwargs,
    )


def _state_changes(*, api: bool) -> list[Row]:
    """One row per state change, each on a ticket of its own in the state it needs."""
    return [
        _act("ticket", "acknowledge", VENDOR, ("maintenance.ticket_acknowledge", "M-2.4"), api=api),
        _act("acknowledged", "on_site", VENDOR, ("maintenance.ticket_on_site", "M-2.4"), api=api),
        _act(
            "on_site",
            "clear",
            VENDOR,
            ("maintenance.ticket_clear", "M-2.3"),
            {"note": "PoE switch port replaced"},
            api=api,
        ),
        _act("cleared", "verify", PATROLLERS, ("maintenance.ticket_verify", "M-2.3"), api=api),
        _act(
            "cleared2",
            "reopen",
            PATROLLERS,
            ("maintenance.ticket_reopen", "M-2.3"),
            {"note": "Still black on the wall"},
            api=api,
        ),
        _act("verified", "close", SIGNERS, ("maintenance.ticket_close", "M-2.3"), api=api),
        _act(
            "open_ticket",
            "pause_start",
            SIGNERS,
            ("maintenance.ticket_pause_start", "M-2.4"),
            {"reason": "access_refused", "note": "Exam hall locked"},
            api=api,
        ),
        _act(
            "paused",
            "pause_end",
            SIGNERS | VENDOR,
            ("maintenance.ticket_pause_end", "M-2.4"),
            api=api,
        ),
        _act(
            "open_ticket2",
            "severity_raise",
            SIGNERS,
            ("maintenance.ticket_severity_raise", "M-2.4"),
            {"note": "Main gate camera"},
            api=api,
        ),
        _act(
            "queue_open",
            "assign",
            SIGNERS,
            ("maintenance.ticket_assign", "M-2.4"),
            lambda w: {"vendor": w["vendor"].pk, "note": "Campus network vendor"},
            api=api,
        ),
        _act(
            "ticket_for_notes",
            "note",
            PATROLLERS | VENDOR,
            ("maintenance.ticket_note", "M-2.3"),
            {"note": "Spare camera on order"},
            api=api,
        ),
        # another company's ticket: not found by a vendor engineer, refused to everyone else
        _act("other_ticket", "acknowledge", (), None, not_found=VENDOR, api=api),
        _act("other_on_site", "clear", (), None, {"note": "not mine"}, not_found=VENDOR, api=api),
    ]


DAYLOG_READERS = frozenset(
    {Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR}
)

DAYLOG_ROWS = [
    # the O&M daily log (M-2.2)
    _get("/maintenance/daylog/", DAYLOG_READERS),
    _get("/maintenance/daylog/?month=2026-03", DAYLOG_READERS),
    _get("/maintenance/daylog/{daylog_day}/", DAYLOG_READERS),
    _get("/maintenance/daylog/{daylog_signed_day}/", DAYLOG_READERS),
    # the Chinese PDFs (unsigned: the day is not countersigned, March 2026 has no log)
    _get("/maintenance/daylog/{daylog_day}/pdf/", DAYLOG_READERS),
    _get("/maintenance/daylog-month/{daylog_month}/pdf/", DAYLOG_READERS),
    Row(
        "POST",
        "/maintenance/daylog/{daylog_today}/entry/",
        PATROLLERS,
        {"shift": "day", "system_condition": "Wall normal", "faults": "GATE-1 black"},
        ("maintenance.daylog_entry_add", "M-2.2"),
    ),
    Row(
        "POST",
        "/maintenance/daylog/{daylog_day}/sign/",
        SIGNERS,
        {"note": "Checked"},
        ("maintenance.daylog_sign", "M-2.2"),
    ),
    Row(
        "POST",
        "/maintenance/daylog/{daylog_signed_day}/addendum/",
        PATROLLERS,
        {"text": "The night shift also saw HALL-2 flicker."},
        ("maintenance.daylog_addendum_add", "M-2.2"),
    ),
    Row(
        "POST",
        "/maintenance/daylog-addenda/{daylog_addendum}/sign/",
        SIGNERS,
        None,
        ("maintenance.daylog_addendum_sign", "M-2.2"),
    ),
]

FUNCTION_TEST_ROWS = [
    # the weekly function test (M-2.1)
    _get("/maintenance/function-tests/", DAYLOG_READERS),
    _get("/maintenance/function-tests/{function_test}/", DAYLOG_READERS),
    Row(
        "POST",
        "/maintenance/function-tests/start/",
        SIGNERS,
        None,
        ("maintenance.function_test_marker", "M-2.1"),
    ),
    Row(
        "POST",
        "/maintenance/function-tests/{function_test}/sign/",
        SIGNERS,
        {"retrieval_ok": "yes", "retrieval_note": "Played"},
        ("maintenance.function_test_sign", "M-2.1"),
    ),
]

API_DAYLOG = "/api/maintenance/daylogs"
API_FUNCTION_TESTS = "/api/maintenance/function-tests"

API_DAYLOG_ROWS = [
    # the O&M daily log over the API (M-2.2): the pages' services on days of their own
    _get(f"{API_DAYLOG}/", DAYLOG_READERS),
    _get(f"{API_DAYLOG}/?month=2026-03", DAYLOG_READERS),
    _get(f"{API_DAYLOG}/{{daylog_day}}/", DAYLOG_READERS),
    _get(f"{API_DAYLOG}/{{daylog_signed_day}}/", DAYLOG_READERS),
    # a day to come has no log: not found by a reader, refused to everyone else
    _get(f"{API_DAYLOG}/{{daylog_future}}/", (), not_found=DAYLOG_READERS),
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_today}}/entry/",
        PATROLLERS,
        {"shift": "day", "system_condition": "Wall normal", "faults": "GATE-1 black"},
        ("maintenance.daylog_entry_add", "M-2.2"),
        json=True,
    ),
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_future}}/entry/",
        frozenset(),
        {"shift": "day", "system_condition": "Wall normal"},
        not_found=PATROLLERS,
        json=True,
    ),
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_api_day}}/sign/",
        SIGNERS,
        {"note": "Checked"},
        ("maintenance.daylog_sign", "M-2.2"),
        json=True,
    ),
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_signed_day}}/addendum/",
        PATROLLERS,
        {"text": "The night shift also saw HALL-2 flicker."},
        ("maintenance.daylog_addendum_add", "M-2.2"),
        json=True,
    ),
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_signed_day}}/addenda/{{daylog_api_addendum}}/sign/",
        SIGNERS,
        None,
        ("maintenance.daylog_addendum_sign", "M-2.2"),
        json=True,
    ),
    # an addendum is found under its own day only
    Row(
        "POST",
        f"{API_DAYLOG}/{{daylog_day}}/addenda/{{daylog_api_addendum}}/sign/",
        frozenset(),
        None,
        not_found=SIGNERS,
        json=True,
        label="POST another day's addendum sign",
    ),
]

API_FUNCTION_TEST_ROWS = [
    # the weekly function test over the API (M-2.1)
    _get(f"{API_FUNCTION_TESTS}/", DAYLOG_READERS),
    _get(f"{API_FUNCTION_TESTS}/{{function_test_api}}/", DAYLOG_READERS),
    _get(f"{API_FUNCTION_TESTS}/{{function_test_missing}}/", (), not_found=DAYLOG_READERS),
    # This week's test exists by now (the page's start row began it): start answers it and
    # writes nothing; tests/maintenance/test_api_function_test.py sees the marker written.
    Row("POST", f"{API_FUNCTION_TESTS}/start/", SIGNERS, None, None, json=True),
    Row(
        "POST",
        f"{API_FUNCTION_TESTS}/{{function_test_api}}/sign/",
        SIGNERS,
        {"retrieval_ok": True, "retrieval_note": "Played"},
        ("maintenance.function_test_sign", "M-2.1"),
        json=True,
    ),
    Row(
        "POST",
        f"{API_FUNCTION_TESTS}/{{function_test_missing}}/sign/",
        frozenset(),
        {"retrieval_ok": True},
        not_found=SIGNERS,
        json=True,
    ),
]

SLA_REPORT_READERS = frozenset(
    {Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR, Role.VENDOR_ENGINEER}
)

ROWS = [
    # the monthly vendor SLA report (M-2.4): a vendor engineer's is their company's
    _get("/maintenance/reports/sla/", SLA_REPORT_READERS),
    _get("/maintenance/reports/sla/?month=2026-03&vendor={other_vendor}", SLA_REPORT_READERS),
    _get("/maintenance/reports/sla/pdf/?month=2026-03", SLA_REPORT_READERS),
    *DAYLOG_ROWS,
    *FUNCTION_TEST_ROWS,
    # the same over the API; the report's figures as JSON (a vendor engineer: their company's)
    *API_DAYLOG_ROWS,
    *API_FUNCTION_TEST_ROWS,
    _get("/api/maintenance/sla-report/", SLA_REPORT_READERS),
    _get("/api/maintenance/sla-report/?month=2026-03&vendor={other_vendor}", SLA_REPORT_READERS),
    # contracts (M-2.4)
    _get("/maintenance/contracts/", CONTRACT_READERS),
    _get("/maintenance/contracts/?format=csv", CONTRACT_READERS),
    _get("/maintenance/contracts/new/", SIGNERS),
    _get("/maintenance/contracts/{contract}/", CONTRACT_READERS),
    _get("/maintenance/contracts/{contract}/document/", CONTRACT_READERS),
    _get("/maintenance/contracts/{other_contract}/", CONTRACT_READERS - VENDOR, not_found=VENDOR),
    _get(
        "/maintenance/contracts/{other_contract}/document/",
        CONTRACT_READERS - VENDOR,
        not_found=VENDOR,
    ),
    Row(
        "POST",
        "/maintenance/contracts/new/",
        SIGNERS,
        _contract_form,
        ("maintenance.contract_create", "M-2.4"),
    ),
    # tickets: pages (M-2.3, M-2.4)
    _get("/maintenance/tickets/", VIEWERS),
    _get("/maintenance/tickets/?format=csv", VIEWERS),
    _get("/maintenance/tickets/new/", PATROLLERS),
    _get("/maintenance/tickets/{ticket}/", VIEWERS),
    _get("/maintenance/tickets/{other_ticket}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/maintenance/tickets/{queue_ticket}/", OFFICE_VIEWERS, not_found=VENDOR),
    # a clear's photos only through the ticket's scope (M-3.1 kit)
    _get("/maintenance/photos/{photo}/", VIEWERS, not_found=NO_CAMERA_ACCESS),
    _get(
        "/maintenance/photos/{other_photo}/",
        OFFICE_VIEWERS,
        not_found=VENDOR | NO_CAMERA_ACCESS,
    ),
    Row(
        "POST",
        "/maintenance/tickets/new/",
        PATROLLERS,
        _ticket_form,
        ("maintenance.ticket_open", "M-2.3"),
    ),
    # tickets: one state change each, by the roles that make it
    *_state_changes(api=False),
    # API (M-2.3, M-2.4)
    _get("/api/maintenance/contracts/", CONTRACT_READERS),
    _get("/api/maintenance/contracts/{contract}/", CONTRACT_READERS),
    _get(
        "/api/maintenance/contracts/{other_contract}/",
        CONTRACT_READERS - VENDOR,
        not_found=VENDOR,
    ),
    _get("/api/maintenance/tickets/", VIEWERS),
    _get("/api/maintenance/tickets/{ticket}/", VIEWERS),
    _get("/api/maintenance/tickets/{other_ticket}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/api/maintenance/tickets/{queue_ticket}/", OFFICE_VIEWERS, not_found=VENDOR),
    *_state_changes(api=True),
]


def world(world: dict) -> dict:
    vendor = world["vendor"]
    other_camera = Camera.objects.get(pk=world["other_camera"])
    # The tickets' own camera of the vendor: the shared camera's rows change its settings
    # under their own work order, which an open ticket would refuse (its number is the
    # work order while it is open).
    shared = Camera.objects.get(pk=world["camera"])
    camera = CameraFactory(code="MX-MAINT", vendor=vendor, location=shared.location)
    staff = UserFactory(roles=[Role.SECURITY_STAFF], username="mx-maint-staff")
    operator = UserFactory(roles=[Role.DUTY_OPERATOR], username="mx-maint-operator")
    engineer = UserFactory(
        roles=[Role.VENDOR_ENGINEER], username="mx-maint-vendor", department=vendor
    )
    other_engineer = UserFactory(
        roles=[Role.VENDOR_ENGINEER], username="mx-maint-other", department=other_camera.vendor
    )
    own = contract(vendor=vendor, by=staff, number="HT-MATRIX-1")
    other = contract(vendor=other_camera.vendor, by=staff, number="HT-MATRIX-2")

    def opened(cam=camera, **kwargs):
        return services.ticket_open(
            by=operator,
            camera=cam,
            symptom="No signal",
            severity="general",
            occurred_at=timezone.now() - timedelta(minutes=10),
            **kwargs,
        )

    def acknowledged(cam=camera, by=engineer):
        return services.ticket_acknowledge(ticket=opened(cam), by=by)

    def on_site(cam=camera, by=engineer):
        return services.ticket_on_site(ticket=acknowledged(cam, by), by=by)

    def cleared():
        return services.ticket_clear(ticket=on_site(), by=engineer, note="fixed")

    queue_camera = CameraFactory(code="MX-NOVENDOR", vendor=None, location=camera.location)

    def tickets_in_each_state(prefix: str) -> dict:
        paused = opened()
        services.ticket_pause_start(ticket=paused, by=staff, reason="access_refused")
        return {
            f"{prefix}ticket": opened().pk,
            f"{prefix}acknowledged": acknowledged().pk,
            f"{prefix}on_site": on_site().pk,
            f"{prefix}cleared": cleared().pk,
            f"{prefix}cleared2": cleared().pk,
            f"{prefix}verified": services.ticket_verify(ticket=cleared(), by=operator).pk,
            f"{prefix}open_ticket": opened().pk,
            f"{prefix}open_ticket2": opened().pk,
            f"{prefix}paused": paused.pk,
            f"{prefix}other_ticket": opened(other_camera).pk,
            f"{prefix}other_on_site": on_site(other_camera, other_engineer).pk,
            f"{prefix}queue_open": opened(queue_camera).pk,
            f"{prefix}ticket_for_notes": opened().pk,
        }

    def photographed(cam=camera, by=engineer) -> int:
        cleared = services.ticket_clear(
            ticket=on_site(cam, by),
            by=by,
            note="fixed",
            before_photo=SimpleUploadedFile("before.jpg", JPEG, "image/jpeg"),
        )
        return TicketPhoto.objects.get(ticket=cleared).pk

    today = timezone.localdate()

    def day_signed(day):
        daylog.day_log_entry_add(by=operator, day=day, shift="night", system_condition="Normal")
        daylog.day_log_sign(by=staff, day=day)
        return day

    signed_day = day_signed(today - timedelta(days=3))
    daylog.day_log_entry_add(
        by=operator, day=today - timedelta(days=1), shift="day", system_condition="Normal"
    )
    addendum = daylog.day_log_addendum_add(by=operator, day=signed_day, text="HALL-2 missed")
    # the API's rows countersign a day and sign an addendum of their own
    api_day = today - timedelta(days=2)
    daylog.day_log_entry_add(by=operator, day=api_day, shift="day", system_condition="Normal")
    api_addendum = daylog.day_log_addendum_add(by=operator, day=signed_day, text="GATE-1 late")

    # last week's test, not signed (this week's is started by the start row)
    last_week = weekly_test.function_test_start(by=staff)
    FunctionTest.objects.filter(pk=last_week.pk).update(week=last_week.week - timedelta(weeks=1))
    # the week before, also not signed: the API's sign row signs it
    api_test = weekly_test.function_test_start(by=staff)
    FunctionTest.objects.filter(pk=api_test.pk).update(week=api_test.week - timedelta(weeks=2))

    return {
        "function_test": last_week.pk,
        "other_vendor": other_camera.vendor_id,
        "daylog_today": today.isoformat(),
        "daylog_month": "2026-03",
        "daylog_day": (today - timedelta(days=1)).isoformat(),
        "daylog_signed_day": signed_day.isoformat(),
        "daylog_addendum": addendum.pk,
        "daylog_api_day": api_day.isoformat(),
        "daylog_api_addendum": api_addendum.pk,
        "daylog_future": (today + timedelta(days=1)).isoformat(),
        "function_test_api": api_test.pk,
        "function_test_missing": api_test.pk + 1000,
        "photo": photographed(),
        "other_photo": photographed(other_camera, other_engineer),
        "contract": own.pk,
        "other_contract": other.pk,
        **tickets_in_each_state(""),
        **tickets_in_each_state("api_"),
        "queue_ticket": opened(queue_camera).pk,
    }
