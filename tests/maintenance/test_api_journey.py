"""Issue 16's journey through the API (M-2.1, M-2.2, M-2.3, M-2.4), the same steps as the
browser's (tests/browser/test_maintenance_journey.py): a patrol fault confirmed by the duty
operator opens a ticket; the vendor's engineer acknowledges and clears it while the camera is
still broken; the re-check reopens it with the failing result; repaired and cleared again, the
re-check verifies it; the security office closes it; the next day the O&M day shows every
change and is countersigned. Every user step is an API call as that user.

Stand-ins, as the browser journey's worker and peer are not here: the probe's results are
recorded through the patrol's own services (tests/patrol/helpers.py), the tasks a worker and
beat would run are applied in the test (ticket from the fault, re-check, settle), and the
clock is the ``wall`` fixture's."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.maintenance import tasks
from apps.maintenance.models import FaultTicket
from apps.patrol.models import FaultRecord, PatrolRun
from apps.patrol.services import patrol_check_record, patrol_run_finish
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)
TICKETS = "/api/maintenance/tickets"


def _as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _post(api, url: str, body: dict | None = None) -> dict:
    answer = api.post(url, body or {}, format="json")
    assert answer.status_code in (200, 201), (url, answer.status_code, answer.content[:300])
    return answer.json()


def _recheck(ticket_pk: int, result) -> None:
    """What the worker does after a clear: the re-check run of the camera, its probe result
    recorded by the patrol's service, then beat's settle schedule."""
    run = PatrolRun.objects.get(pk=tasks.maintenance_ticket_recheck.apply(args=[ticket_pk]).get())
    assert run.kind == PatrolRun.Kind.RECHECK
    patrol_check_record(check=run.checks.get(), outcome=result)
    patrol_run_finish(run=run)
    tasks.maintenance_rechecks_settle.apply()


def test_the_journey_through_the_api(wall, duty_operator, vendor_engineer, security_staff):
    camera = CameraFactory(code="REPAIR-1", vendor=vendor_engineer.department)
    operator, vendor, staff = _as(duty_operator), _as(vendor_engineer), _as(security_staff)

    # The daily patrol finds a black picture; the duty operator confirms the fault.
    wall.at("2026-03-10 08:00")
    run = finished_run({camera: outcome("fault", "Picture is black.", at=wall.now)})
    check = run.checks.get()
    _post(operator, f"/api/patrol/checks/{check.pk}/review/", {"outcome": "confirmed_fault"})
    record = FaultRecord.objects.get(camera=camera)
    tasks.maintenance_ticket_from_fault.apply(args=[record.pk])  # queued after the commit
    listed = operator.get(f"{TICKETS}/").json()["results"]
    assert [row["state"] for row in listed] == ["reported"]
    pk = listed[0]["id"]
    number = listed[0]["number"]

    # The vendor's engineer sees it, acknowledges and clears it; the camera is still broken.
    wall.at("2026-03-10 08:20")
    assert [row["number"] for row in vendor.get(f"{TICKETS}/").json()["results"]] == [number]
    assert _post(vendor, f"{TICKETS}/{pk}/acknowledge/")["state"] == "acknowledged"
    wall.at("2026-03-10 09:30")
    cleared = _post(vendor, f"{TICKETS}/{pk}/clear/", {"note": "Replaced the power supply"})
    assert cleared["state"] == "cleared"
    wall.at("2026-03-10 09:32")
    _recheck(pk, outcome("fault", "Picture is black.", at=wall.now))
    reopened = vendor.get(f"{TICKETS}/{pk}/").json()
    assert reopened["state"] == "reopened" and reopened["reopen_count"] == 1
    last = reopened["events"][-1]
    assert last["kind"] == "reopened" and "Picture is black." in last["note"]
    assert "clear" in reopened["actions"]  # the same clock runs on; the vendor clears again

    # Repaired; cleared again, the re-check passes and verifies it.
    wall.at("2026-03-10 11:00")
    _post(vendor, f"{TICKETS}/{pk}/clear/", {"note": "Replaced the video cable as well"})
    wall.at("2026-03-10 11:02")
    _recheck(pk, outcome("ok", at=wall.now))
    verified = staff.get(f"{TICKETS}/{pk}/").json()
    assert verified["state"] == "verified" and verified["breached"] is False  # 3 h of 6 h
    assert [e["kind"] for e in verified["events"]] == [
        *("reported", "acknowledged", "cleared", "reopened", "cleared", "verified"),
    ]
    wall.at("2026-03-10 14:00")
    assert _post(staff, f"{TICKETS}/{pk}/close/", {"note": "Checked on the wall"})["state"] == (
        "closed"
    )

    # The next day the security office reads that O&M day and countersigns it.
    wall.at("2026-03-11 08:30")
    day = staff.get(f"/api/maintenance/daylogs/{DAY}/").json()
    labels = [entry["label"] for entry in day["system_entries"]]
    for kind in ("Reported", "Cleared", "Reopened", "Verified", "Closed"):
        assert any(label.startswith(f"{number} REPAIR-1: {kind}") for label in labels), kind
    assert any("Re-check" in label for label in labels)  # the re-check runs, from the patrol
    assert "sign" in day["actions"]
    signed = _post(staff, f"/api/maintenance/daylogs/{DAY}/sign/", {"note": "Checked"})
    assert signed["status"] == "signed" and len(signed["digest"]) == 64
    assert [e["label"] for e in signed["system_entries"]] == labels  # kept as signed
    assert FaultTicket.objects.get().state == FaultTicket.State.CLOSED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "maintenance.ticket_open",
        "maintenance.ticket_acknowledge",
        "maintenance.ticket_clear",
        "maintenance.ticket_reopen",
        "maintenance.ticket_verify",
        "maintenance.ticket_close",
        "maintenance.daylog_sign",
    } <= actions
