"""M-2.1: the weekly function test — a random camera in service and a random moment of the
last 30 days proposed for a retrieval test, a marker event written through the audit chain and
read back (sequence, hash verified), the result recorded and signed; a past week without a
signed test is flagged."""

from datetime import date, timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.maintenance import daylog, weekly_test
from apps.maintenance.models import FunctionTest
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cameras(db):
    return [CameraFactory(code=f"CAM-{n}") for n in range(5)] + [
        CameraFactory(code="RETIRED", status="decommissioned")
    ]


def test_the_test_proposes_a_random_camera_and_moment_and_proves_logging(
    wall, cameras, security_staff
):
    now = wall.at("2026-03-11 10:00")  # a Wednesday
    test = weekly_test.function_test_start(by=security_staff)
    assert test.week == date(2026, 3, 9)  # its Monday
    assert test.camera.code.startswith("CAM-")  # in service only
    assert now - timedelta(days=30) <= test.moment <= now
    marker = AuditEvent.objects.get(sequence=test.marker_sequence)
    assert marker.action == "maintenance.function_test_marker" and marker.clause == "M-2.1"
    assert marker.hash == test.marker_hash and test.marker_verified
    assert weekly_test.marker_verify(sequence=marker.sequence, expected_hash=marker.hash)
    # once a week: starting again finds the week's test, no second marker
    assert weekly_test.function_test_start(by=security_staff) == test
    assert AuditEvent.objects.filter(action="maintenance.function_test_marker").count() == 1


def test_the_proposals_are_random(wall, cameras, security_staff):
    seen_cameras, seen_moments = set(), set()
    for week in range(8):
        wall.at(f"2026-03-{2 + week % 4 * 7:02d} 10:00")
        FunctionTest.objects.all().delete()
        test = weekly_test.function_test_start(by=security_staff)
        seen_cameras.add(test.camera_id)
        seen_moments.add(test.moment)
    assert len(seen_cameras) > 1 and len(seen_moments) > 1


def test_a_marker_that_does_not_read_back_is_not_verified(wall, cameras, security_staff):
    wall.at("2026-03-11 10:00")
    test = weekly_test.function_test_start(by=security_staff)
    assert not weekly_test.marker_verify(sequence=test.marker_sequence, expected_hash="0" * 64)
    assert not weekly_test.marker_verify(sequence=test.marker_sequence + 99, expected_hash="x")


def test_the_result_is_recorded_and_signed(wall, cameras, security_staff, duty_operator):
    wall.at("2026-03-11 10:00")
    test = weekly_test.function_test_start(by=security_staff)
    with pytest.raises(RuleViolation, match="Only security-office staff"):
        weekly_test.function_test_sign(by=duty_operator, test=test, retrieval_ok=True)
    with pytest.raises(RuleViolation, match="what failed"):
        weekly_test.function_test_sign(by=security_staff, test=test, retrieval_ok=False)
    wall.at("2026-03-11 10:40")
    signed = weekly_test.function_test_sign(
        by=security_staff, test=test, retrieval_ok=True, retrieval_note="Played 2 min"
    )
    assert signed.signed_by == security_staff and signed.retrieval_ok and signed.marker_verified
    event = AuditEvent.objects.get(action="maintenance.function_test_sign")
    assert event.clause == "M-2.1" and event.data["marker_sequence"] == test.marker_sequence
    assert event.data["marker_verified"] is True and event.data["camera"] == test.camera.code
    with pytest.raises(RuleViolation, match="signed already"):
        weekly_test.function_test_sign(by=security_staff, test=signed, retrieval_ok=False)


def test_a_past_week_without_a_signed_test_is_flagged(wall, cameras, security_staff):
    wall.at("2026-03-02 09:00")  # Monday: the system's first use (its first O&M log)
    daylog.day_logs_check()
    assert [w.status for w in weekly_test.weeks()] == ["due"]
    assert weekly_test.weeks_flagged() == 0
    test = weekly_test.function_test_start(by=security_staff)
    wall.at("2026-03-10 09:00")  # the next week: last week's test was never signed
    assert [w.status for w in weekly_test.weeks()] == ["due", "unsigned"]
    weekly_test.function_test_sign(by=security_staff, test=test, retrieval_ok=True)
    wall.at("2026-03-24 09:00")  # two weeks later, no test in the week of 16 March
    assert [(w.week.day, w.status) for w in weekly_test.weeks()] == [
        (23, "due"),
        (16, "missing"),
        (9, "missing"),
        (2, "signed"),
    ]
    card = weekly_test.dashboard_cards(security_staff)[0]
    assert card["key"] == "function_tests_missing" and card["count"] == 2


def test_the_pages(client, wall, cameras, security_staff, auditor, vendor_engineer):
    wall.at("2026-03-11 10:00")
    client.force_login(security_staff)
    started = client.post("/maintenance/function-tests/start/")
    test = FunctionTest.objects.get()
    assert started.status_code == 302 and started.url == test.get_absolute_url()
    page = client.get(test.get_absolute_url())
    assert f"#{test.marker_sequence}".encode() in page.content
    assert b"hash verified" in page.content and test.camera.code.encode() in page.content
    bad = client.post(f"/maintenance/function-tests/{test.pk}/sign/", {"retrieval_ok": "no"})
    assert bad.status_code == 400 and b"Say what failed" in bad.content
    ok = client.post(f"/maintenance/function-tests/{test.pk}/sign/", {"retrieval_ok": "yes"})
    assert ok.status_code == 302
    client.force_login(auditor)
    listing = client.get("/maintenance/function-tests/")
    assert listing.status_code == 200 and b"function-test-start" not in listing.content
    assert client.post("/maintenance/function-tests/start/").status_code == 403
    client.force_login(vendor_engineer)
    assert client.get("/maintenance/function-tests/").status_code == 403
