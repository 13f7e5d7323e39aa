"""M-2.1: the weekly function test over the API — the weeks with their test and status (a past
week without a signed test flagged), starting the week's test (a random camera in service and
moment proposed, the marker event written and read back; once a week), recording the
retrieval's result and signing; the pages' refusals (403 role before any lookup, 404 no such
test, 400 a broken rule with its sentence)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.maintenance import weekly_test
from apps.maintenance.models import FunctionTest
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db
URL = "/api/maintenance/function-tests/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def cameras(db):
    return [CameraFactory(code=f"CAM-{n}") for n in range(3)] + [
        CameraFactory(code="RETIRED", status="decommissioned")
    ]


def test_starting_proposes_a_camera_and_moment_and_proves_logging(
    api, wall, cameras, security_staff
):
    now = wall.at("2026-03-11 10:00")  # a Wednesday
    api.force_authenticate(security_staff)
    answer = api.post(f"{URL}start/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["week"] == "2026-03-09" and body["camera_code"].startswith("CAM-")
    assert body["proposed_by"] == security_staff.username and body["signed_at"] is None
    marker = AuditEvent.objects.get(action="maintenance.function_test_marker")
    assert marker.clause == "M-2.1"
    assert (body["marker_sequence"], body["marker_hash"]) == (marker.sequence, marker.hash)
    assert body["marker_verified"] is True
    test = FunctionTest.objects.get(pk=body["id"])
    assert now - timedelta(days=30) <= test.moment <= now
    # once a week: the week's test is answered again, no second marker
    assert api.post(f"{URL}start/").json()["id"] == body["id"]
    assert AuditEvent.objects.filter(action="maintenance.function_test_marker").count() == 1
    assert api.get(f"{URL}{body['id']}/").json() == body


def test_recording_the_result_signs_the_test(api, wall, cameras, security_staff, security_chief):
    wall.at("2026-03-11 10:00")
    test = weekly_test.function_test_start(by=security_staff)
    api.force_authenticate(security_chief)
    failed = api.post(f"{URL}{test.pk}/sign/", {"retrieval_ok": False}, format="json")
    assert failed.status_code == 400
    assert failed.json() == {"detail": "Say what failed in the retrieval.", "clause": "M-2.1"}
    assert api.post(f"{URL}{test.pk}/sign/", {}, format="json").status_code == 400
    answer = api.post(
        f"{URL}{test.pk}/sign/",
        {"retrieval_ok": True, "retrieval_note": "Played 10:00 of CAM-1"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["retrieval_ok"], body["signed_by"], body["marker_verified"]) == (
        True,
        security_chief.username,
        True,
    )
    event = AuditEvent.objects.get(action="maintenance.function_test_sign")
    assert event.clause == "M-2.1" and event.data["retrieval_note"] == "Played 10:00 of CAM-1"
    again = api.post(f"{URL}{test.pk}/sign/", {"retrieval_ok": True}, format="json")
    assert (
        again.status_code == 400 and again.json()["detail"] == "This week's test is signed already."
    )


def test_the_weeks_flag_a_past_week_without_a_signed_test(
    api, wall, cameras, security_staff, auditor
):
    wall.at("2026-03-04 10:00")
    weekly_test.function_test_start(by=security_staff)  # the week of 2 March, never signed
    wall.at("2026-03-18 10:00")
    this_week = weekly_test.function_test_start(by=security_staff)
    api.force_authenticate(auditor)
    weeks = api.get(URL).json()
    assert [(w["week"], w["status"], w["flagged"]) for w in weeks] == [
        ("2026-03-16", "started", False),
        ("2026-03-09", "missing", True),
        ("2026-03-02", "unsigned", True),
    ]
    assert weeks[0]["test"]["id"] == this_week.pk and weeks[1]["test"] is None


def test_who_may_start_sign_and_read(
    api, wall, cameras, security_staff, duty_operator, vendor_engineer
):
    wall.at("2026-03-11 10:00")
    test = weekly_test.function_test_start(by=security_staff)
    api.force_authenticate(duty_operator)  # reads, never records
    assert api.get(f"{URL}{test.pk}/").status_code == 200
    assert api.post(f"{URL}start/").status_code == 403
    assert (
        api.post(f"{URL}{test.pk}/sign/", {"retrieval_ok": True}, format="json").status_code == 403
    )
    api.force_authenticate(vendor_engineer)
    assert api.get(URL).status_code == 403
    api.force_authenticate(security_staff)
    assert api.get(f"{URL}{test.pk + 1}/").status_code == 404
    missing = api.post(f"{URL}{test.pk + 1}/sign/", {"retrieval_ok": True}, format="json")
    assert missing.status_code == 404
    assert not AuditEvent.objects.filter(action="maintenance.function_test_sign").exists()


def test_no_camera_in_service_is_a_400(api, wall, security_staff):
    wall.at("2026-03-11 10:00")
    CameraFactory(status="decommissioned")
    api.force_authenticate(security_staff)
    answer = api.post(f"{URL}start/")
    assert answer.status_code == 400
    assert answer.json()["detail"] == "No camera is in service to test a retrieval on."
    assert not FunctionTest.objects.exists()
