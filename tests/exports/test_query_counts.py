"""Issue 15 (style §3): my exports, the exports API and the notification list ask the database
as often for many rows as for few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.notifications import notify
from apps.exports import services

pytestmark = pytest.mark.django_db


def _exports(user, n):
    for _ in range(n):
        services.export_request(by=user, register="cameras.cameras")


def _notes(user, n):
    for i in range(n):
        notify([user], kind="t", title=f"note {i}", url="/")


PAGES = {
    "my exports": ("/exports/", _exports, 'data-testid="export-row"'),
    "exports API": ("/api/exports/", _exports, None),
    "notifications": ("/notifications/", _notes, 'data-testid="notification"'),
}


def _queries(client, path, marker) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    if marker is None:
        return len(queries), len(response.json()["results"])
    return len(queries), response.content.decode().count(marker)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_as_many_queries_for_many_rows_as_for_few(client, duty_operator, name):
    path, make, marker = PAGES[name]
    client.force_login(duty_operator)
    make(duty_operator, 2)
    few, shown_few = _queries(client, path, marker)
    make(duty_operator, 12)
    many, shown_many = _queries(client, path, marker)
    assert shown_many == shown_few + 12
    assert many == few, f"{name}: {few} queries for {shown_few} rows, {many} for {shown_many}"
