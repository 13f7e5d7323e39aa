"""Style §3 / issue 15: the maintenance registers and API lists ask the database as often for
many rows as for few, each row with its own camera, place, vendor and people."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.maintenance import services
from tests.core.query_counts import queries_and_rows
from tests.factories import CameraFactory, UserFactory, VendorFactory
from tests.maintenance.factories import contract

pytestmark = pytest.mark.django_db


def _tickets(n, users):
    for _ in range(n):
        camera = CameraFactory(vendor=users["vendor"].department)
        services.ticket_open(
            by=UserFactory(roles=["duty_operator"]),
            camera=camera,
            symptom="black",
            severity="general",
            occurred_at=timezone.now() - timedelta(minutes=5),
        )


def _contracts(n, users):
    staff = UserFactory(roles=["security_staff"])
    for _ in range(n):
        contract(vendor=VendorFactory(), by=staff)
        contract(vendor=users["vendor"].department, by=staff)


LISTS = {
    "ticket register": ("/maintenance/tickets/", "duty_operator", _tickets),
    "ticket register, vendor": ("/maintenance/tickets/", "vendor", _tickets),
    "ticket register, overdue": ("/maintenance/tickets/?open=true", "duty_operator", _tickets),
    "tickets API": ("/api/maintenance/tickets/", "duty_operator", _tickets),
    "tickets API, vendor": ("/api/maintenance/tickets/", "vendor", _tickets),
    "contract register": ("/maintenance/contracts/", "security_staff", _contracts),
    "contracts API, vendor": ("/api/maintenance/contracts/", "vendor", _contracts),
}


@pytest.fixture
def users(duty_operator, vendor_engineer, security_staff):
    return {
        "duty_operator": duty_operator,
        "vendor": vendor_engineer,
        "security_staff": security_staff,
    }


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_asks_as_often_for_many_rows_as_for_few(client, users, name):
    path, role, make = LISTS[name]
    client.force_login(users[role])
    make(2, users)
    few, shown_few = queries_and_rows(client, path)
    make(12, users)
    many, shown_many = queries_and_rows(client, path)
    assert shown_many >= shown_few + 12 > 12
    assert many == few, f"{name}: {few} queries for {shown_few} rows, {many} for {shown_many}"
