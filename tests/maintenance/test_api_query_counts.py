"""Style §3: the day log's month, the function tests' weeks and the SLA report over the API ask
the database as often for many records as for few (M-2.1, M-2.2, M-2.4)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.maintenance import daylog, services, weekly_test
from apps.maintenance.models import FunctionTest
from tests.factories import CameraFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(api, path: str) -> tuple[int, list]:
    api.get(path)  # once before: what a first request caches (the user's groups) not counted
    with CaptureQueriesContext(connection) as queries:
        answer = api.get(path)
    assert answer.status_code == 200, answer.content
    return len(queries), answer.json()


@pytest.fixture
def api(security_staff):
    client = APIClient()
    client.force_authenticate(security_staff)
    return client


def test_the_month_of_days(api, wall, duty_operator):
    signer = UserFactory(roles=["security_chief"])

    def days(first: int, last: int):
        for n in range(first, last + 1):
            day = date(2026, 3, n)
            wall.at(f"2026-03-{n:02d} 09:00")
            daylog.day_log_entry_add(by=duty_operator, day=day, shift="day", system_condition="ok")
            wall.at(f"2026-03-{n + 1:02d} 08:00")
            daylog.day_log_sign(by=signer, day=day)
            daylog.day_log_addendum_add(by=duty_operator, day=day, text="late note")

    days(1, 2)
    wall.at("2026-03-20 10:00")
    few, shown = _queries(api, "/api/maintenance/daylogs/?month=2026-03")
    assert sum(1 for d in shown if d["status"] == "signed") == 2
    days(3, 14)
    wall.at("2026-03-20 10:00")
    many, shown = _queries(api, "/api/maintenance/daylogs/?month=2026-03")
    assert sum(1 for d in shown if d["status"] == "signed") == 14
    assert many == few


def test_the_weeks_of_function_tests(api, wall, security_staff):
    CameraFactory()
    signer = UserFactory(roles=["security_chief"])

    def tests(weeks: range):
        for n in weeks:
            wall.at("2026-03-11 10:00")
            FunctionTest.objects.filter(week=date(2026, 3, 9)).delete()
            test = weekly_test.function_test_start(by=security_staff)
            weekly_test.function_test_sign(by=signer, test=test, retrieval_ok=True)
            FunctionTest.objects.filter(pk=test.pk).update(week=test.week - timedelta(weeks=n))

    tests(range(1, 3))
    few, shown = _queries(api, "/api/maintenance/function-tests/")
    tests(range(3, 11))
    many, shown_many = _queries(api, "/api/maintenance/function-tests/")
    assert sum(1 for w in shown_many if w["test"]) == sum(1 for w in shown if w["test"]) + 8
    assert many == few


def test_the_sla_report(api, wall, duty_operator, vendor_engineer):
    def tickets(n: int):
        for _ in range(n):
            wall.at("2026-03-05 09:00")
            camera = CameraFactory(vendor=vendor_engineer.department)
            ticket = services.ticket_open(
                by=duty_operator,
                camera=camera,
                symptom="black",
                severity="general",
                occurred_at=wall.now - timedelta(minutes=5),
            )
            wall.at("2026-03-05 10:00")
            services.ticket_acknowledge(ticket=ticket, by=vendor_engineer)

    tickets(2)
    wall.at("2026-03-31 10:00")
    few, body = _queries(api, "/api/maintenance/sla-report/?month=2026-03")
    assert body["total"]["tickets"] == 2 and len(body["breaches"]) == 2
    tickets(10)
    wall.at("2026-03-31 10:00")
    many, body = _queries(api, "/api/maintenance/sla-report/?month=2026-03")
    assert body["total"]["tickets"] == 12 and len(body["breaches"]) == 12
    assert many == few
