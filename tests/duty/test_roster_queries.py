"""M-1.2, issue 15: the month calendar and the API list cost a fixed number of queries
whatever the number of shifts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.duty.services import roster_assign
from tests.duty.helpers import operator, preset

pytestmark = pytest.mark.django_db


def _plan(days: int, by) -> None:
    people = [operator(f"op-{i}") for i in range(3)]
    for offset in range(days):
        for person, code in zip(people, ("8h_night", "8h_day", "8h_evening"), strict=True):
            roster_assign(
                operator=person,
                template=preset(code),
                day=date(2026, 12, 1) + timedelta(offset),
                by=by,
            )


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/duty/roster/?month=2026-12", "/api/duty/assignments/"])
def test_queries_do_not_grow_with_the_roster(client, security_staff, path):
    _plan(2, security_staff)
    client.force_login(security_staff)
    client.get(path)
    few = _count(client, path)
    more = [operator(f"more-{i}") for i in range(2)]
    for offset in range(2, 20):
        for person in more:
            roster_assign(
                operator=person,
                template=preset("12h_day"),
                day=date(2026, 12, 1) + timedelta(offset),
                by=security_staff,
            )
    assert _count(client, path) == few
