"""Issue 17 in a real browser, a law-enforcement copy (M-3.3.3, M-3.3.5, M-3.5, M-1.1b, M-3.4):
security staff enter the police's request on their behalf with the evidence-collection notice
(调取证据通知书) and the officer's ID → another staffer checks the documents → the
leader-in-charge approves, signing afresh with the password → the principal leader too (a
copy: the stricter M-3.3.5 reading, the default) → the custodian records the retrieval and the
copy with its SHA-256 and reports the result → the filer reads it and downloads the form as a
PDF with Chinese glyphs. Each role in its own browser context, signed in through the login page."""

import hashlib

import pytest

from apps.requests.models import FootageCopy, FootageRequest
from tests.browser.footage_steps import (
    FOOTAGE,
    attach,
    decide,
    field,
    file_request,
    open_as,  # noqa: F401 (fixture)
    record_copy,
    report_result,
    retrieve,
    signatures,
    submit,
)
from tests.factories import CameraFactory, UserFactory
from tests.pdfcheck import assert_cjk_fonts, pdf_text
from tests.requests.helpers import PDF

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_law_enforcement_copy_from_entry_to_pdf(open_as, tmp_path):  # noqa: F811
    filer = UserFactory(username="desk", full_name="刘洋", roles=["security_staff"])
    checker = UserFactory(username="checker", full_name="陈静", roles=["security_staff"])
    lic = UserFactory(username="lic", full_name="孙伟", roles=["leader_in_charge"])
    principal = UserFactory(username="principal", full_name="周敏", roles=["principal_leader"])
    custodian = UserFactory(username="custodian", full_name="赵强", roles=["footage_custodian"])
    camera = CameraFactory(code="GATE-1", name="South gate")

    # Security staff enter it on the police's behalf; both documents are asked for.
    page = open_as(filer)
    url = file_request(
        page,
        requester_type="law_enforcement",
        mode="copy",
        camera=camera,
        unit="市公安局校园派出所",
        handler_name="王警官",
        handler_id_type="officer_id",
        handler_id_number="110123456",
        reason="盗窃案调取证据（案号 2026-118）",
    )
    missing = page.inner_text("[data-testid=missing]")
    assert "Evidence-collection notice" in missing and "Officer ID" in missing
    attach(page, "evidence_notice", "调取证据通知书.pdf", PDF)
    attach(page, "officer_id", "警官证.pdf", PDF)
    assert page.locator("[data-testid=missing]").count() == 0
    submit(page)
    request = FootageRequest.objects.get()
    assert field(page, "number") == request.number
    steps = page.locator("[data-testid=step]").all_inner_texts()
    assert len(steps) == 3 and "Document check" in steps[0]
    assert "110123456" not in page.content()  # masked everywhere (PIPL)

    # The documents checked, then both leaders sign with their password.
    checker_page = open_as(checker)
    decide(checker_page, url, "通知书与警官证已核对")
    for leader, comment in ((lic, "同意调取"), (principal, "同意复制")):
        leader_page = open_as(leader)
        decide(leader_page, url, comment, password=True)
    assert leader_page.inner_text("[data-testid=request-state]") == "Approved"
    assert signatures(leader_page) == ["陈静", "孙伟", "周敏"]

    # The custodian retrieves, records the copy with its hash, reports the result.
    custodian_page = open_as(custodian)
    retrieve(custodian_page, url, custodian, "保卫处档案服务器 NAS-1")
    record_copy(custodian_page, recipient="王警官", destination="市公安局校园派出所 案卷 2026-118")
    digest = hashlib.sha256(FOOTAGE).hexdigest()
    assert digest in custodian_page.inner_text("[data-testid=copies]")
    report_result(custodian_page, "录像显示 21:40 一名男子推走电动车，已交派出所。")
    copy = FootageCopy.objects.get()
    assert (copy.sha256, copy.hash_source) == (digest, FootageCopy.HashSource.COMPUTED)

    # The filer reads the result and downloads the form as a PDF in Chinese.
    page.reload()
    assert field(page, "query result") == "录像显示 21:40 一名男子推走电动车，已交派出所。"
    assert digest in page.inner_text("[data-testid=copies]")
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
    assert "市公安局校园派出所" in text and "孙伟" in text and "周敏" in text
    assert digest[:16] in text.replace("\n", "")
