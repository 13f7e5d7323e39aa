"""Issue 16 / 18: the shift handover lists the open fault tickets and the O&M day log every
ticket change of the day, read through apps.core.providers (duty never imports maintenance);
each in the reader's scope (M-1.3)."""

from datetime import date

import pytest
from django.utils import timezone

from apps.core.providers import provided
from apps.maintenance import services
from tests.factories import CameraFactory
from tests.maintenance.factories import ticket

pytestmark = pytest.mark.django_db


def test_the_handover_lists_the_open_tickets_soonest_deadline_first(
    wall, duty_operator, vendor_engineer, other_vendor_engineer, security_staff
):
    wall.at("2026-03-10 09:00")
    general = ticket(camera=CameraFactory(code="GATE-1", vendor=vendor_engineer.department))
    major = ticket(
        camera=CameraFactory(code="LAB-2", vendor=other_vendor_engineer.department),
        severity="major",
    )
    done = ticket(camera=CameraFactory(vendor=vendor_engineer.department))
    services.ticket_acknowledge(ticket=done, by=vendor_engineer)
    services.ticket_clear(ticket=done, by=vendor_engineer, note="ok")
    services.ticket_verify(ticket=done, by=duty_operator)
    wall.at("2026-03-10 16:00")
    items = [
        i
        for i in provided("handover_items", user=duty_operator, at=wall.now)
        if i["source"] == "maintenance"
    ]
    assert [i["key"] for i in items] == [f"ticket:{general.pk}", f"ticket:{major.pk}"]
    assert "GATE-1" in items[0]["label"] and "2026-03-10 15:00" in items[0]["label"]
    assert "past the deadline" in items[0]["label"]
    assert "past the deadline" not in items[1]["label"]
    assert items[0]["url"] == general.get_absolute_url()
    mine = provided("handover_items", user=vendor_engineer, at=wall.now)
    assert [i["key"] for i in mine if i["source"] == "maintenance"] == [f"ticket:{general.pk}"]


def test_the_day_log_lists_the_day_s_ticket_changes_with_their_clauses(
    wall, duty_operator, vendor_engineer
):
    camera = CameraFactory(code="HALL-3", vendor=vendor_engineer.department)
    wall.at("2026-03-10 23:50")
    t = ticket(camera=camera, by=duty_operator)
    wall.at("2026-03-11 00:10")  # past midnight in the site's time zone: the next day's log
    services.ticket_acknowledge(ticket=t, by=vendor_engineer)
    services.ticket_clear(ticket=t, by=vendor_engineer, note="Fuse replaced")
    first = [
        e
        for e in provided("day_log_entries", user=duty_operator, day=date(2026, 3, 10))
        if e["source"] == "maintenance"
    ]
    second = [
        e
        for e in provided("day_log_entries", user=duty_operator, day=date(2026, 3, 11))
        if e["source"] == "maintenance"
    ]
    assert [(e["clause"], "Reported" in e["label"]) for e in first] == [("M-2.3", True)]
    assert [e["clause"] for e in second] == ["M-2.4", "M-2.3"]
    assert "Fuse replaced" in second[1]["label"] and t.number in second[1]["label"]
    assert timezone.localtime(second[0]["at"]).strftime("%H:%M") == "00:10"
