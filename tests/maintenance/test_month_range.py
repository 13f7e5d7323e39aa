"""A month outside 1970-01 – 9998-12 is refused everywhere a month is asked for (M-2.2, M-2.4):
9999-12 has no next month and year 1 no previous one (the pages' links), and their local days
do not convert to UTC; before, the O&M log's month page and the SLA report page answered 500.
Pages show the sentence and this month; the API answers 400; the month's PDF 404."""

from datetime import date

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ("9999-12", "0001-01", "1969-12", "10000-01")
REFUSED = b"Give a month from 1970-01 to 9998-12 as YYYY-MM; this month is shown."


@pytest.mark.parametrize("month", OUT_OF_RANGE)
@pytest.mark.parametrize("page", ["/maintenance/daylog/", "/maintenance/reports/sla/"])
def test_pages_refuse_the_month_with_a_sentence(client, wall, security_staff, page, month):
    wall.at("2026-05-14 10:00")
    client.force_login(security_staff)
    answer = client.get(f"{page}?month={month}")
    assert answer.status_code == 200 and REFUSED in answer.content
    assert answer.context["month"] in ("2026-05", date(2026, 5, 1))  # this month shown


@pytest.mark.parametrize("month", OUT_OF_RANGE)
@pytest.mark.parametrize("url", ["/api/maintenance/daylogs/", "/api/maintenance/sla-report/"])
def test_the_api_answers_400(wall, security_staff, url, month):
    wall.at("2026-05-14 10:00")
    api = APIClient()
    api.force_authenticate(security_staff)
    answer = api.get(f"{url}?month={month}")
    assert answer.status_code == 400
    assert answer.json() == {"month": ["Give the month as YYYY-MM, for example 2026-12."]}


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_the_month_pdf_is_404(client, wall, security_staff, month):
    wall.at("2026-05-14 10:00")
    client.force_login(security_staff)
    assert client.get(f"/maintenance/daylog-month/{month}/pdf/").status_code == 404


@pytest.mark.parametrize("month", ["1970-01", "9998-12"])
def test_the_years_at_the_edges_still_answer(client, wall, security_staff, month):
    wall.at("2026-05-14 10:00")
    client.force_login(security_staff)
    for page in ("/maintenance/daylog/", "/maintenance/reports/sla/"):
        answer = client.get(f"{page}?month={month}")
        assert answer.status_code == 200 and REFUSED not in answer.content
    api = APIClient()
    api.force_authenticate(security_staff)
    assert api.get(f"/api/maintenance/sla-report/?month={month}").status_code == 200
    assert api.get(f"/api/maintenance/daylogs/?month={month}").status_code == 200
