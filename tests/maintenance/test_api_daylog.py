"""M-2.2: the O&M daily log over the API — the month's days with their status, a day with its
entries, the system's entries, the countersignature and the addenda; an entry, the
countersignature, an addendum and its signature through the pages' services, with their
refusals (403 role before any lookup, 404 a day to come or another day's addendum, 400 a broken
rule with its sentence and clause) and their audit events."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.maintenance import daylog
from apps.maintenance.models import DayLog
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)
URL = "/api/maintenance/daylogs/2026-03-10/"
ENTRY = {
    "shift": "night",
    "system_condition": "All 120 cameras on the wall",
    "faults": "GATE-1 black",
    "actions": "Reported to the vendor",
}


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_an_operator_writes_the_shift_s_entry(api, wall, duty_operator):
    wall.at("2026-03-10 02:00")
    finished_run({CameraFactory(code="GATE-1"): outcome("fault", "Picture black")})
    wall.at("2026-03-10 07:50")
    answer = _as(api, duty_operator).post(f"{URL}entry/", ENTRY, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["day"] == "2026-03-10" and body["status"] == "open"
    [entry] = body["entries"]
    assert (entry["shift"], entry["faults"], entry["written_by"]) == (
        "night",
        "GATE-1 black",
        duty_operator.username,
    )
    [patrol] = body["system_entries"]
    assert patrol["source"] == "patrol" and patrol["clause"] == "M-2.1"
    assert "1 faults" in patrol["label"]
    assert body["actions"] == ["entry"]  # an operator never countersigns
    event = AuditEvent.objects.get(action="maintenance.daylog_entry_add")
    assert event.clause == "M-2.2" and event.data["entry"] == entry["id"]


def test_an_entry_breaking_a_rule_is_a_400_with_its_sentence(api, wall, duty_operator):
    wall.at("2026-03-10 09:00")
    _as(api, duty_operator)
    blank = api.post(f"{URL}entry/", {**ENTRY, "system_condition": "   "}, format="json")
    assert blank.status_code == 400 and "system_condition" in blank.json()
    no_shift = api.post(f"{URL}entry/", {**ENTRY, "shift": "afternoon"}, format="json")
    assert no_shift.status_code == 400 and "shift" in no_shift.json()
    assert not AuditEvent.objects.filter(action="maintenance.daylog_entry_add").exists()


def test_the_security_office_countersigns_the_ended_day(
    api, wall, duty_operator, security_staff, security_chief
):
    wall.at("2026-03-10 08:00")
    _as(api, duty_operator).post(f"{URL}entry/", ENTRY, format="json")
    wall.at("2026-03-10 20:00")
    early = _as(api, security_staff).post(f"{URL}sign/", {"note": ""}, format="json")
    assert early.status_code == 400
    assert early.json() == {
        "detail": "A day is countersigned once it has ended.",
        "clause": "M-2.2",
    }
    wall.at("2026-03-11 08:10")
    assert _as(api, duty_operator).post(f"{URL}sign/", {}, format="json").status_code == 403
    answer = _as(api, security_staff).post(f"{URL}sign/", {"note": "Checked"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["status"], body["signed_by"], body["sign_note"]) == (
        "signed",
        security_staff.username,
        "Checked",
    )
    log = DayLog.objects.get(day=DAY)
    assert body["digest"] == log.digest and len(log.digest) == 64
    assert body["actions"] == ["addendum"]  # signed: a correction is an addendum
    event = AuditEvent.objects.get(action="maintenance.daylog_sign")
    assert event.clause == "M-2.2" and event.data["digest"] == log.digest
    # fixed once signed: a further entry is refused with the sentence, nothing written
    late = _as(api, duty_operator).post(f"{URL}entry/", ENTRY, format="json")
    assert late.status_code == 400
    assert late.json()["detail"].startswith("This day is countersigned and cannot change")
    assert log.entries.count() == 1
    again = _as(api, security_chief).post(f"{URL}sign/", {}, format="json")
    assert again.status_code == 400 and again.json()["clause"] == "M-2.2"


def test_whoever_wrote_an_entry_does_not_countersign(api, wall, security_staff):
    wall.at("2026-03-10 10:00")
    _as(api, security_staff).post(f"{URL}entry/", ENTRY, format="json")
    wall.at("2026-03-11 09:00")
    day = api.get(URL).json()
    assert "sign" not in day["actions"]
    answer = api.post(f"{URL}sign/", {}, format="json")
    assert answer.status_code == 400
    assert "another staffer of the security office" in answer.json()["detail"]
    assert DayLog.objects.get(day=DAY).signed_at is None


def test_a_correction_is_an_addendum_signed_by_another(
    api, wall, duty_operator, security_staff, security_chief
):
    wall.at("2026-03-10 08:00")
    _as(api, duty_operator).post(f"{URL}entry/", ENTRY, format="json")
    early = api.post(f"{URL}addendum/", {"text": "too early"}, format="json")
    assert early.status_code == 400 and "not countersigned yet" in early.json()["detail"]
    wall.at("2026-03-11 08:10")
    _as(api, security_staff).post(f"{URL}sign/", {}, format="json")
    text = "The night shift also saw HALL-2 flicker at 03:10."
    answer = _as(api, duty_operator).post(f"{URL}addendum/", {"text": text}, format="json")
    assert answer.status_code == 201, answer.content
    [addendum] = answer.json()["addenda"]
    assert (addendum["text"], addendum["signed_at"], addendum["may_sign"]) == (text, None, False)
    assert AuditEvent.objects.filter(action="maintenance.daylog_addendum_add").exists()
    sign_url = f"{URL}addenda/{addendum['id']}/sign/"
    assert _as(api, duty_operator).post(sign_url).status_code == 403  # not a signer
    assert _as(api, security_chief).get(URL).json()["addenda"][0]["may_sign"] is True
    signed = api.post(sign_url)
    assert signed.status_code == 200, signed.content
    [shown] = signed.json()["addenda"]
    assert shown["signed_by"] == security_chief.username and len(shown["digest"]) == 64
    event = AuditEvent.objects.get(action="maintenance.daylog_addendum_sign")
    assert event.clause == "M-2.2" and event.data["addendum"] == addendum["id"]
    twice = api.post(sign_url)
    assert twice.status_code == 400 and twice.json()["detail"] == "This addendum is signed already."


def test_an_addendum_is_found_under_its_own_day_only(api, wall, duty_operator, security_staff):
    wall.at("2026-03-10 08:00")
    daylog.day_log_entry_add(by=duty_operator, day=DAY, shift="day", system_condition="Normal")
    wall.at("2026-03-11 08:00")
    daylog.day_log_sign(by=security_staff, day=DAY)
    addendum = daylog.day_log_addendum_add(by=duty_operator, day=DAY, text="HALL-2 missed")
    _as(api, security_staff)
    other_day = api.post(f"/api/maintenance/daylogs/2026-03-09/addenda/{addendum.pk}/sign/")
    assert other_day.status_code == 404
    assert api.post(f"{URL}addenda/{addendum.pk + 1}/sign/").status_code == 404
    assert not AuditEvent.objects.filter(action="maintenance.daylog_addendum_sign").exists()


def test_a_day_to_come_and_a_non_day_are_not_found(api, wall, duty_operator):
    wall.at("2026-03-10 08:00")
    _as(api, duty_operator)
    assert api.get("/api/maintenance/daylogs/2026-03-11/").status_code == 404
    assert api.get("/api/maintenance/daylogs/2026-02-30/").status_code == 404
    assert api.get("/api/maintenance/daylogs/yesterday/").status_code == 404
    future = api.post("/api/maintenance/daylogs/2026-03-11/entry/", ENTRY, format="json")
    assert future.status_code == 404 and not DayLog.objects.exists()


def test_the_month_lists_each_day_with_its_status(api, wall, duty_operator, security_staff):
    wall.at("2026-03-08 09:00")
    daylog.day_log_entry_add(
        by=duty_operator, day=date(2026, 3, 8), shift="day", system_condition="ok"
    )
    wall.at("2026-03-09 09:00")
    daylog.day_log_sign(by=security_staff, day=date(2026, 3, 8))
    daylog.day_log_entry_add(
        by=duty_operator, day=date(2026, 3, 9), shift="day", system_condition="ok"
    )
    wall.at("2026-03-10 09:00")
    _as(api, duty_operator)
    days = api.get("/api/maintenance/daylogs/?month=2026-03").json()
    assert [d["day"] for d in days][:3] == ["2026-03-10", "2026-03-09", "2026-03-08"]
    assert len(days) == 10  # up to today, newest first
    by_day = {d["day"]: d for d in days}
    assert by_day["2026-03-08"]["status"] == "signed"
    assert by_day["2026-03-08"]["signed_by"] == security_staff.username
    assert (by_day["2026-03-09"]["status"], by_day["2026-03-09"]["entries"]) == ("awaiting", 1)
    assert by_day["2026-03-01"]["status"] == "none"
    assert api.get("/api/maintenance/daylogs/").json() == days  # this month by default
    bad = api.get("/api/maintenance/daylogs/?month=2026-3-x")
    assert bad.status_code == 400
    assert bad.json() == {"month": ["Give the month as YYYY-MM, for example 2026-12."]}


def test_vendor_engineers_and_applicants_are_refused(api, vendor_engineer, wall):
    wall.at("2026-03-10 08:00")
    _as(api, vendor_engineer)
    assert api.get("/api/maintenance/daylogs/").status_code == 403
    assert api.get(URL).status_code == 403
    assert api.post(f"{URL}entry/", ENTRY, format="json").status_code == 403
