"""Issue 17 in a real browser (M-3.3, M-3.3.5, M-1.1b, M-3.4, M-3.5): an applicant files an
internal copy request with an attachment → the department head approves → the security chief
→ the leader-in-charge → the principal leader (leaders confirm with their password; the chief,
the leaders and the custodian pass two-factor at login) → the custodian records the retrieval
and the copy with its hash and reports the query result → the applicant sees the result and
acknowledges the copy → the form downloads as a PDF with Chinese glyphs (pdffonts)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.requests.models import FootageCopy, FootageRequest, RequestStep
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, CameraFactory, UserFactory
from tests.pdfcheck import assert_cjk_fonts, pdf_text
from tests.requests.helpers import PDF, VALID_ID, applicant_in, internal_department

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FOOTAGE = b"\x00\x00\x00\x18ftypmp42" + b"exported frames " * 200
# A write that notifies and audits, on a machine shared with the whole suite: wait longer.
SLOW_MS = 60_000


def _login_2fa(page, user) -> None:
    """Password, then the authenticator's code at /accounts/otp/ (M-1.1a)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("form:has(#id_token) button[type=submit]")  # not the header's "Log out"
    page.wait_for_selector("[data-testid=current-user]")


def _logout(page) -> None:
    page.click("text=Log out")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _confirmed(page) -> None:
    """The page's message after a write: a refusal fails here with its own words."""
    page.wait_for_selector(".alert-success, .alert-danger", timeout=SLOW_MS)
    refusals = page.locator(".alert-danger")
    assert refusals.count() == 0, refusals.all_inner_texts()


def _approve(page, url: str, comment: str, *, password: bool = False) -> None:
    page.goto(url)
    form = page.locator("[data-testid=decide-form]")
    form.locator("input[value=approve]").check()
    form.locator("textarea[name=comment]").fill(comment)
    if password:
        form.locator("input[name=password]").fill(TEST_PASSWORD)
    form.locator("button[type=submit]").click()
    _confirmed(page)


def test_internal_copy_request_from_filing_to_pdf(page, tmp_path):
    department = internal_department()
    applicant = applicant_in(department)
    head = UserFactory(username="head", roles=["department_head"], department=department)
    chief = UserFactory(username="chief", roles=["security_chief"])
    lic = UserFactory(username="lic", roles=["leader_in_charge"])
    principal = UserFactory(username="principal", roles=["principal_leader"])
    custodian = UserFactory(username="custodian", roles=["footage_custodian"])
    camera = CameraFactory(code="GATE-1", name="South gate")
    end = timezone.now() - timedelta(days=1)

    # The applicant files the form, attaches a document and submits.
    login(page, applicant.username, TEST_PASSWORD)
    page.goto("/requests/new/")
    page.select_option("[name=requester_type]", "internal")
    page.fill("[name=handler_name]", "李明")
    page.select_option("[name=handler_id_type]", "resident_id")
    page.fill("[name=handler_id_number]", VALID_ID)
    page.check("input[name=mode][value=copy]")
    page.select_option("[name=cameras]", str(camera.pk))
    page.fill("[name=place_detail]", "南大门入口")
    page.fill("[name=span_from]", _local(end - timedelta(hours=1)))
    page.fill("[name=span_to]", _local(end))
    page.fill("[name=reason]", "学生电动车被盗，报案需复制录像")
    page.click("[data-testid=request-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    url = page.url.removeprefix(page.url.split("/requests/")[0])
    attach = page.locator("[data-testid=attach-form]")
    attach.locator("select[name=kind]").select_option("other")
    attach.locator("input[name=file]").set_input_files(
        {"name": "报案回执.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    attach.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=attachments] a")
    page.click("[data-testid=submit-request]")
    _confirmed(page)
    request = FootageRequest.objects.get()
    assert request.state == FootageRequest.State.IN_APPROVAL
    assert page.inner_text("[data-testid=request-number]") == request.number
    roles = list(request.steps.order_by("order").values_list("role", flat=True))
    assert roles == ["department_head", "security_chief", "leader_in_charge", "principal_leader"]
    _logout(page)

    # The route: department head, security chief, then both leaders with their password.
    login(page, head.username, TEST_PASSWORD)
    page.goto("/requests/queue/")
    page.click(f"text={request.number}")
    _approve(page, url, "同意调阅")
    _logout(page)
    _login_2fa(page, chief)
    _approve(page, url, "保卫处审核通过")
    _logout(page)
    for leader in (lic, principal):
        _login_2fa(page, leader)
        _approve(page, url, "同意复制", password=True)
        _logout(page)
    request.refresh_from_db()
    assert request.state == FootageRequest.State.APPROVED
    assert not request.steps.exclude(state=RequestStep.State.APPROVED).exists()

    # The custodian takes it, records the retrieval, the copy (hash from the file), the result.
    _login_2fa(page, custodian)
    page.goto(url)
    assign = page.locator("[data-testid=assign-form]")
    assign.locator("select[name=custodian]").select_option(str(custodian.pk))
    assign.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=retrieval-form]")
    page.fill("[data-testid=retrieval-form] [name=backup_location]", "保卫处档案服务器 NAS-1")
    page.click("[data-testid=retrieval-form] button[type=submit]")
    page.wait_for_selector("[data-testid=copy-form]")
    copy_form = page.locator("[data-testid=copy-form]")
    copy_form.locator("input[name=file]").set_input_files(
        {"name": "南大门-录像.mp4", "mimeType": "video/mp4", "buffer": FOOTAGE}
    )
    copy_form.locator("select[name=medium]").select_option("usb")
    copy_form.locator("input[name=recipient]").fill("李明")
    copy_form.locator("input[name=destination]").fill("派出所报案材料")
    copy_form.locator("input[name=handed_over_at]").fill(_local(timezone.now()))
    copy_form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=copy]")
    digest = hashlib.sha256(FOOTAGE).hexdigest()
    assert digest in page.inner_text("[data-testid=copies]")
    page.fill("[data-testid=result-form] textarea", "录像显示 21:40 一名男子推走电动车。")
    page.click("[data-testid=result-form] button[type=submit]")
    _confirmed(page)
    _logout(page)
    copy = FootageCopy.objects.get()
    assert (copy.sha256, copy.hash_source) == (digest, FootageCopy.HashSource.COMPUTED)

    # The applicant sees the result, acknowledges the copy and downloads the form as PDF.
    login(page, applicant.username, TEST_PASSWORD)
    page.goto(url)
    assert "一名男子推走电动车" in page.inner_text("[data-testid=request-fields]")
    page.click("[data-testid=acknowledge]")
    _confirmed(page)
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
