"""Issue 15 (style §3: "List pages use a fixed number of queries whatever the row count"):
each register and API list asks the database as many times for a few rows as for many, each
row with its own related records (camera, place, company, people), so a per-row lookup shows.
Run on PostgreSQL in CI as well as on SQLite."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.audit.services import event_append
from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun
from tests.core.query_counts import queries_and_rows
from tests.factories import CameraFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)


def _cameras(n, users):
    CameraFactory.create_batch(n, vendor=users["vendor"].department)


def _runs(n, users):
    for i in range(n):
        signer = UserFactory(roles=["security_chief"])
        run = PatrolRun.objects.create(
            started_at=T0 + timedelta(days=i),
            trigger=PatrolRun.Trigger.COMMAND,
            state=PatrolRun.State.SIGNED,
            signed_by=signer,
            signed_at=T0 + timedelta(days=i, hours=1),
        )
        PatrolCheck.objects.create(
            run=run,
            camera=CameraFactory(vendor=users["vendor"].department),
            state="done",
            verdict="ok",
        )


def _checks(n, users):
    run = PatrolRun.objects.create(started_at=T0, trigger=PatrolRun.Trigger.COMMAND)
    for _ in range(n):
        PatrolCheck.objects.create(
            run=run,
            camera=CameraFactory(vendor=users["vendor"].department),
            state="done",
            verdict="fault",
            reviewed_by=UserFactory(roles=["duty_operator"]),
            review="confirmed_fault",
        )


def _events(n, users):
    for _ in range(n):
        event_append(
            actor=UserFactory(roles=["duty_operator"]),
            action="accounts.login",
            target=CameraFactory(),
            clause="M-3.4",
        )


def _faults(n, users):
    run = PatrolRun.objects.create(started_at=T0, trigger=PatrolRun.Trigger.COMMAND)
    for i in range(n):
        camera = CameraFactory(vendor=users["vendor"].department)
        check = PatrolCheck.objects.create(run=run, camera=camera, state="done", verdict="fault")
        FaultRecord.objects.create(
            camera=camera,
            first_check=check,
            occurred_at=T0 + timedelta(minutes=i),
            symptom="black picture",
            confirmed_by=UserFactory(roles=["duty_operator"]),
            confirmed_at=T0 + timedelta(minutes=i + 1),
        )


# (address, role that reads it, rows maker). Each address once as the office sees it and,
# where the scope differs, once as a vendor engineer (their company's rows only, M-1.3).
LISTS = {
    "camera register": ("/cameras/", "duty_operator", _cameras),
    "camera register, vendor": ("/cameras/", "vendor", _cameras),
    "camera search": ("/cameras/?q=CAM", "duty_operator", _cameras),
    "cameras API": ("/api/cameras/", "duty_operator", _cameras),
    "patrol run register": ("/patrol/", "duty_operator", _runs),
    "patrol run register, vendor": ("/patrol/", "vendor", _runs),
    "patrol runs API": ("/api/patrol/runs/", "duty_operator", _runs),
    "checks API": ("/api/patrol/checks/", "duty_operator", _checks),
    "checks API, vendor": ("/api/patrol/checks/", "vendor", _checks),
    "checks API by verdict": ("/api/patrol/checks/?verdict=fault", "duty_operator", _checks),
    "audit register": ("/audit/", "auditor", _events),
    "audit register by actor": ("/audit/?actor=user", "auditor", _events),
    "audit events API": ("/api/audit/events/", "auditor", _events),
    "fault records": ("/patrol/faults/", "duty_operator", _faults),
    "fault records, vendor": ("/patrol/faults/", "vendor", _faults),
}


@pytest.fixture
def users(duty_operator, vendor_engineer, auditor):
    return {
        "duty_operator": duty_operator,
        "vendor": vendor_engineer,
        "auditor": auditor,
    }


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_page_asks_the_database_as_often_for_many_rows_as_for_few(client, users, name):
    path, role, make = LISTS[name]
    client.force_login(users[role])
    make(2, users)
    few, shown_few = queries_and_rows(client, path)
    make(12, users)
    many, shown_many = queries_and_rows(client, path)
    assert shown_many >= shown_few + 12 > 12  # the rows are on the page, each its own
    assert many == few, f"{name}: {few} queries for {shown_few} rows, {many} for {shown_many}"
