"""M-2.2: the O&M day and month print as Chinese PDFs (the shared kit): CJK fonts embedded,
a page with ink, the entries in the text; a countersigned day prints signed by the site, a
month is signed when every day of it is countersigned; each export audited."""

from datetime import date

import pytest

from apps.audit.models import AuditEvent
from apps.core.pdf import verify_pdf_signature
from apps.maintenance import daylog
from apps.maintenance.models import DayLog
from tests.pdfcheck import assert_cjk_fonts, assert_page_has_ink, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_signing_pair")]
DAY = date(2026, 3, 10)


@pytest.fixture
def logged(wall, duty_operator):
    wall.at("2026-03-10 10:00")
    daylog.day_log_entry_add(
        by=duty_operator,
        day=DAY,
        shift="day",
        system_condition="大屏画面全部在线",
        faults="南大门摄像机画面全黑",
        actions="已通知维保单位",
    )


def test_the_day_prints_in_chinese_unsigned_until_countersigned(
    client, wall, logged, security_staff
):
    wall.at("2026-03-11 09:00")
    client.force_login(security_staff)
    unsigned = client.get("/maintenance/daylog/2026-03-10/pdf/")
    assert unsigned.status_code == 200 and unsigned["Content-Type"] == "application/pdf"
    assert_cjk_fonts(unsigned.content)
    assert_page_has_ink(unsigned.content)
    text = pdf_text(unsigned.content)
    assert "大屏画面全部在线" in text and "南大门摄像机画面全黑" in text
    assert verify_pdf_signature(unsigned.content).status == "unsigned"
    daylog.day_log_sign(by=security_staff, day=DAY)
    signed = client.get("/maintenance/daylog/2026-03-10/pdf/")
    check = verify_pdf_signature(signed.content)
    assert check.intact
    digest = DayLog.objects.get(day=DAY).digest
    assert digest[:16] in pdf_text(signed.content).replace("\n", "")
    events = AuditEvent.objects.filter(action="maintenance.daylog_pdf").order_by("sequence")
    assert [(e.clause, e.data["signed"]) for e in events] == [("M-2.2", False), ("M-2.2", True)]


def test_the_month_prints_signed_once_every_day_is_countersigned(
    client, wall, logged, duty_operator, security_staff
):
    wall.at("2026-04-02 09:00")
    client.force_login(security_staff)
    first = client.get("/maintenance/daylog-month/2026-03/pdf/")
    assert first.status_code == 200
    assert_cjk_fonts(first.content)
    assert "2026-03-10" in pdf_text(first.content) and "已通知维保单位" in pdf_text(first.content)
    assert verify_pdf_signature(first.content).status == "unsigned"
    for n in range(1, 32):
        day = date(2026, 3, n)
        if n != 10:
            daylog.day_log_entry_add(
                by=duty_operator, day=day, shift="night", system_condition="正常"
            )
        daylog.day_log_sign(by=security_staff, day=day)
    signed = client.get("/maintenance/daylog-month/2026-03/pdf/")
    assert verify_pdf_signature(signed.content).intact
    assert client.get("/maintenance/daylog-month/2099-01/pdf/").status_code == 404
    assert client.get("/maintenance/daylog-month/bad/pdf/").status_code == 404


def test_a_vendor_engineer_gets_no_pdf(client, wall, logged, vendor_engineer):
    client.force_login(vendor_engineer)
    assert client.get("/maintenance/daylog/2026-03-10/pdf/").status_code == 403
    assert client.get("/maintenance/daylog-month/2026-03/pdf/").status_code == 403
