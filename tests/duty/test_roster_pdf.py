"""M-1.2: the month calendar prints as a Chinese PDF — the roster and its gaps (colour and a
count per day), drawn with embedded Noto CJK fonts; the print is on record."""

from datetime import date
from urllib.parse import unquote

import pytest

from apps.audit.models import AuditEvent
from apps.duty.services import roster_assign
from tests.duty.helpers import operator, preset
from tests.pdfcheck import assert_cjk_fonts, assert_page_has_ink, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def test_the_month_roster_pdf_in_chinese_with_its_gaps(client, security_staff, duty_operator):
    li, han = operator("op-li", full_name="李雷"), operator("op-han", full_name="韩梅梅")
    # 1 December fully covered by two people (12 h day + 12 h night); 2 December: one person
    # on the day shift only — 24 uncovered hours; the rest of the month empty.
    for person in (li, han):
        for code in ("12h_day", "12h_night"):
            roster_assign(
                operator=person, template=preset(code), day=date(2026, 12, 1), by=security_staff
            )
    roster_assign(operator=li, template=preset("12h_day"), day=date(2026, 12, 2), by=security_staff)
    client.force_login(duty_operator)  # a reader prints too
    response = client.get("/duty/roster/pdf/", {"month": "2026-12"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "值守排班表-2026-12.pdf" in unquote(response["Content-Disposition"])
    pdf = response.content
    assert_cjk_fonts(pdf)
    assert_page_has_ink(pdf)
    info = pdf_info(pdf)
    assert "A4" in info["Page size"] and info["Pages"] == "1"
    text = pdf_text(pdf)
    assert "值守排班表" in text and "2026" in text
    assert text.index("星期一") < text.index("星期日")  # the weekdays in Chinese, Monday first
    assert "李雷" in text and "韩梅梅" in text and "08:00–20:00" in text
    # The first hours of 1 December are covered by nobody (the night before is empty): the
    # month total counts them, as the page does.
    page = client.get("/duty/roster/", {"month": "2026-12"}).content.decode()
    total = int(page.split('data-testid="roster-summary"')[1].split(">")[1].split()[0])
    assert str(total) in text
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause, event.data["month"], event.data["uncovered_hours"]) == (
        "duty.roster_pdf",
        "M-1.2",
        "2026-12",
        total,
    )


def test_a_bad_month_goes_back_to_the_page_with_the_message(client, security_staff):
    client.force_login(security_staff)
    response = client.get("/duty/roster/pdf/", {"month": "2026-13"}, follow=True)
    assert "Give the month as YYYY-MM" in response.content.decode()
    assert not AuditEvent.objects.filter(action="duty.roster_pdf").exists()


def test_roles_without_the_roster_are_refused(client, vendor_engineer):
    client.force_login(vendor_engineer)
    assert client.get("/duty/roster/pdf/", {"month": "2026-12"}).status_code == 403
