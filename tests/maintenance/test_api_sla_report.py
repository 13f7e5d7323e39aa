"""M-2.4, M-1.3: the monthly vendor SLA report over the API — the page's figures as JSON
(durations in seconds), a vendor engineer's their own company's only whatever vendor is asked
for, a bad month a 400 with its sentence."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from tests.maintenance.test_sla_report import month  # noqa: F401 (the same month of tickets)

pytestmark = pytest.mark.django_db
H = 3600
M = 60


@pytest.fixture
def api():
    return APIClient()


def test_the_month_s_figures_of_one_vendor(api, month, security_staff, vendor_engineer):  # noqa: F811
    api.force_authenticate(security_staff)
    vendor = vendor_engineer.department
    answer = api.get(f"/api/maintenance/sla-report/?month=2026-03&vendor={vendor.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["month"], body["first_day"], body["last_day"]) == (
        "2026-03",
        "2026-03-01",
        "2026-03-31",
    )
    assert body["vendor"] == {"id": vendor.pk, "name": vendor.name}
    general, major = body["rows"]
    assert (general["severity"], general["tickets"], major["tickets"]) == ("general", 3, 1)
    assert (general["acknowledge_median_seconds"], general["acknowledge_p90_seconds"]) == (
        30 * M,
        60 * M,
    )
    assert (general["clear_median_seconds"], general["clear_p90_seconds"]) == (2 * H, 5 * H)
    assert (general["within"], general["decided"]) == (2, 3)
    assert general["within_share"] == pytest.approx(2 / 3)
    assert (major["clear_median_seconds"], major["within_share"]) == (26 * H, 0.0)
    assert body["total"]["tickets"] == 4 and body["total"]["severity"] == "all"
    assert [(b["number"], b["overrun_seconds"], b["open"]) for b in body["breaches"]] == [
        (month["forgotten"].number, int(timedelta(days=11, hours=-6).total_seconds()), True),
        (month["late"].number, 2 * H, False),
    ]
    assert body["breaches"][1]["camera_code"] == "GATE-1"
    assert [row["tickets"] for row in body["by_camera"]] == [2, 2]
    assert body["by_camera"][0]["name"].startswith("GATE-1")


def test_all_vendors_for_the_security_office(api, month, auditor):  # noqa: F811
    api.force_authenticate(auditor)
    body = api.get("/api/maintenance/sla-report/?month=2026-03").json()
    assert body["vendor"] is None and body["total"]["tickets"] == 5


def test_a_vendor_engineer_gets_their_company_s_only(
    api,
    month,  # noqa: F811
    vendor_engineer,
    other_vendor_engineer,
):
    api.force_authenticate(vendor_engineer)
    other = other_vendor_engineer.department_id
    for query in ("?month=2026-03", f"?month=2026-03&vendor={other}"):
        body = api.get(f"/api/maintenance/sla-report/{query}").json()
        assert body["vendor"]["id"] == vendor_engineer.department_id
        assert body["total"]["tickets"] == 4
        assert all(row["name"] != "OTHER-9" for row in body["by_camera"])
        assert all(b["camera_code"] != "OTHER-9" for b in body["breaches"])


def test_this_month_when_none_is_given_and_a_bad_month_refused(api, wall, security_staff):
    wall.at("2026-05-14 10:00")
    api.force_authenticate(security_staff)
    body = api.get("/api/maintenance/sla-report/").json()
    assert body["month"] == "2026-05" and body["total"]["tickets"] == 0
    assert body["rows"][0]["clear_median_seconds"] is None
    assert body["rows"][0]["within_share"] is None
    for bad in ("2026-13", "March", "9999-12"):
        answer = api.get(f"/api/maintenance/sla-report/?month={bad}")
        assert answer.status_code == 400
        assert answer.json() == {"month": ["Give the month as YYYY-MM, for example 2026-12."]}


def test_roles_without_the_report_are_refused(api, duty_operator):
    api.force_authenticate(duty_operator)
    assert api.get("/api/maintenance/sla-report/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/maintenance/sla-report/").status_code == 401
