"""Issue 17 in a real browser (M-3.3, M-3.3.5, M-1.1b, M-3.4, M-3.5): an applicant files an
internal copy request with an attachment → the department head approves → the security chief
→ the leader-in-charge → the principal leader (leaders confirm with their password; the chief,
the leaders and the custodian pass two-factor at login) → the custodian records the retrieval
and the copy with its hash and reports the query result → the applicant sees the result and
acknowledges the copy → the form downloads as a PDF with Chinese glyphs (pdffonts). Each role
in a browser context of its own (tests/browser/footage_steps.py)."""

import hashlib

import pytest

from apps.requests.models import FootageCopy, FootageRequest, RequestStep
from tests.browser.footage_steps import (
    FOOTAGE,
    attach,
    confirmed,
    decide,
    file_request,
    open_as,  # noqa: F401 (fixture)
    record_copy,
    report_result,
    retrieve,
    submit,
)
from tests.factories import CameraFactory, UserFactory
from tests.pdfcheck import assert_cjk_fonts, pdf_text
from tests.requests.helpers import PDF, VALID_ID, applicant_in, internal_department

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_internal_copy_request_from_filing_to_pdf(open_as, tmp_path):  # noqa: F811
    department = internal_department()
    applicant = applicant_in(department)
    head = UserFactory(username="head", roles=["department_head"], department=department)
    chief = UserFactory(username="chief", roles=["security_chief"])
    lic = UserFactory(username="lic", roles=["leader_in_charge"])
    principal = UserFactory(username="principal", roles=["principal_leader"])
    custodian = UserFactory(username="custodian", roles=["footage_custodian"])
    camera = CameraFactory(code="GATE-1", name="South gate")

    # The applicant files the form, attaches a document and submits.
    page = open_as(applicant)
    url = file_request(
        page,
        requester_type="internal",
        mode="copy",
        camera=camera,
        handler_id_number=VALID_ID,
        reason="学生电动车被盗，报案需复制录像",
    )
    attach(page, "other", "报案回执.pdf", PDF)
    submit(page)
    request = FootageRequest.objects.get()
    assert request.state == FootageRequest.State.IN_APPROVAL
    assert page.inner_text("[data-testid=request-number]") == request.number
    roles = list(request.steps.order_by("order").values_list("role", flat=True))
    assert roles == ["department_head", "security_chief", "leader_in_charge", "principal_leader"]

    # The route: department head (from the queue), security chief, then both leaders with
    # their password.
    head_page = open_as(head)
    head_page.goto("/requests/queue/")
    head_page.click(f"text={request.number}")
    decide(head_page, url, "同意调阅")
    decide(open_as(chief), url, "保卫处审核通过")
    for leader in (lic, principal):
        decide(open_as(leader), url, "同意复制", password=True)
    request.refresh_from_db()
    assert request.state == FootageRequest.State.APPROVED
    assert not request.steps.exclude(state=RequestStep.State.APPROVED).exists()

    # The custodian takes it, records the retrieval, the copy (hash from the file), the result.
    custodian_page = open_as(custodian)
    retrieve(custodian_page, url, custodian, "保卫处档案服务器 NAS-1")
    record_copy(custodian_page, recipient="李明", destination="派出所报案材料")
    digest = hashlib.sha256(FOOTAGE).hexdigest()
    assert digest in custodian_page.inner_text("[data-testid=copies]")
    report_result(custodian_page, "录像显示 21:40 一名男子推走电动车。")
    copy = FootageCopy.objects.get()
    assert (copy.sha256, copy.hash_source) == (digest, FootageCopy.HashSource.COMPUTED)

    # The applicant sees the result, acknowledges the copy and downloads the form as PDF.
    page.goto(url)
    assert "一名男子推走电动车" in page.inner_text("[data-testid=request-fields]")
    page.click("[data-testid=acknowledge]")
    confirmed(page)
    assert FootageCopy.objects.get().acknowledged_by == applicant
    with page.expect_download() as download_info:
        page.click("[data-testid=request-pdf]")
    download = download_info.value
    assert download.suggested_filename == f"调阅申请单-{request.number}.pdf"
    path = tmp_path / "form.pdf"
    download.save_as(path)
    pdf = path.read_bytes()
    assert_cjk_fonts(pdf)
    text = pdf_text(pdf)
    assert "视频监控资料调阅申请单" in text and request.number in text
    assert digest[:16] in text.replace("\n", "") and "一名男子推走电动车" in text
    page.screenshot(path="test-artifacts/footage-request-done.png", full_page=True)
