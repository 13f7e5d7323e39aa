"""Issue 17 in a real browser, a student help request (M-3.3.2, M-3.5, M-1.1b, M-3.3.1(3),
M-3.4): the student files the form with the student ID card → the security chief approves →
the footage custodian records the retrieval of the approved cameras × span and reports the
query result → the student reads the result; the access register shows the view. Each role in
its own browser context, signed in through the login page."""

import pytest

from apps.requests.models import FootageRequest
from tests.browser.footage_steps import (
    attach,
    decide,
    field,
    file_request,
    open_as,  # noqa: F401 (fixture)
    report_result,
    retrieve,
    signatures,
    submit,
)
from tests.factories import CameraFactory, UserFactory
from tests.requests.helpers import JPEG, VALID_ID, applicant_in, internal_department

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_student_help_request_from_filing_to_result(open_as):  # noqa: F811
    student = applicant_in(internal_department(), username="student1")
    chief = UserFactory(username="chief", full_name="王芳", roles=["security_chief"])
    custodian = UserFactory(username="custodian", full_name="赵强", roles=["footage_custodian"])
    camera = CameraFactory(code="LIB-2", name="Library north door")

    # The student files it; the page says the student ID card is still needed.
    page = open_as(student)
    url = file_request(
        page,
        requester_type="student",
        mode="view",
        camera=camera,
        unit="2024级计算机1班",
        handler_name="张三",
        handler_id_number=VALID_ID,
        place_detail="图书馆北门",
        reason="图书馆北门丢失书包，求助查看录像",
    )
    assert "Student ID card" in page.inner_text("[data-testid=missing]")
    attach(page, "student_id", "学生证.jpg", JPEG, "image/jpeg")
    assert page.locator("[data-testid=missing]").count() == 0
    request = FootageRequest.objects.get()
    assert not request.number  # a draft: numbered on submission (M-3.5)
    message = submit(page)
    request.refresh_from_db()
    assert request.number in message
    assert page.inner_text("[data-testid=request-number]") == request.number
    assert page.locator("[data-testid=step]").count() == 1  # the security chief alone (M-3.3.2)
    assert "1101**********" in page.inner_text("[data-testid=id-masked]")

    # The security chief finds it in the queue and approves.
    chief_page = open_as(chief)
    chief_page.goto("/requests/queue/")
    chief_page.click(f"text={request.number}")
    decide(chief_page, url, "同意查看")
    assert chief_page.inner_text("[data-testid=request-state]") == "Approved"
    assert signatures(chief_page) == ["王芳"]

    # The custodian records the retrieval (view: no copy) and reports the result.
    custodian_page = open_as(custodian)
    retrieve(custodian_page, url, custodian, "保卫处档案服务器 NAS-1")
    retrieval = custodian_page.inner_text("[data-testid=retrieval] dl")
    assert "LIB-2 Library north door" in retrieval and "NAS-1" in retrieval
    assert custodian_page.locator("[data-testid=copy-form]").count() == 0
    report_result(custodian_page, "录像显示 18:05 书包被同学误拿，已联系归还。")

    # The student reads the result; the register holds the view with its approver.
    page.reload()
    assert field(page, "query result") == "录像显示 18:05 书包被同学误拿，已联系归还。"
    assert "赵强" in page.inner_text("[data-testid=retrieval]")
    chief_page.goto(f"/requests/access-register/?number={request.number}")
    rows = chief_page.locator("#register-rows tbody tr").all_inner_texts()
    assert len(rows) == 1 and "王芳" in rows[0] and "LIB-2" in rows[0]
