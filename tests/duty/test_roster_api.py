"""M-1.2: the roster through the API — a list by local days, a create for the office, an
overlap a 400 with its clause."""

from datetime import date

import pytest

from apps.duty.services import roster_assign
from tests.duty.helpers import operator, preset

pytestmark = pytest.mark.django_db


def test_list_by_local_days_and_create(client, security_staff, duty_operator):
    person = operator("op-a")
    roster_assign(
        operator=person, template=preset("12h_night"), day=date(2026, 11, 30), by=security_staff
    )
    roster_assign(
        operator=person, template=preset("12h_night"), day=date(2026, 12, 1), by=security_staff
    )
    client.force_login(duty_operator)
    body = client.get("/api/duty/assignments/", {"date_from": "2026-12-01"}).json()
    assert [row["date"] for row in body["results"]] == ["2026-12-01"]
    assert body["results"][0]["starts_at"] == "2026-12-01T20:00:00+08:00"
    assert (
        client.post("/api/duty/assignments/", {}, content_type="application/json").status_code
        == 403
    )

    client.force_login(security_staff)
    created = client.post(
        "/api/duty/assignments/",
        {"operator": person.pk, "template": preset("8h_day").pk, "date": "2026-12-03"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["ends_at"] == "2026-12-03T16:00:00+08:00"
    overlap = client.post(
        "/api/duty/assignments/",
        {"operator": person.pk, "template": preset("8h_night").pk, "date": "2026-12-02"},
        content_type="application/json",
    )
    assert overlap.status_code == 400
    assert (
        overlap.json()["clause"] == "M-1.2" and "two overlapping shifts" in overlap.json()["detail"]
    )
