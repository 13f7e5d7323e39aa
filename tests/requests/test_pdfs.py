"""M-3.5, M-3.4: the request form 视频监控资料调阅申请单 and the access register (台账) as
Chinese PDFs — the form's fields in its order, each approval as name, role and time, the
retrieval and custody record at the end; scoped like the pages (classified: 404 / not
listed), every print audited. Read back with pdffonts, pdftotext and a rendered page."""

import hashlib

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.requests import printing
from apps.requests.services import copy_record, request_custodian_assign, retrieval_record
from tests.factories import UserFactory
from tests.patrol.helpers import verified_login
from tests.pdfcheck import assert_cjk_fonts, assert_page_has_ink, pdf_info, pdf_text
from tests.requests.helpers import VALID_ID, approved

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # WeasyPrint: seconds per PDF

FOOTAGE = b"exported footage"


def _retrieved(applicant, chief, custodian, **kwargs):
    request = approved(applicant, **kwargs)
    request = request_custodian_assign(request=request, by=chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="保卫处档案服务器 NAS-1",
    )
    return request


def test_the_form_in_its_order_with_approvals_and_custody(
    client, applicant, security_chief, custodian
):
    request = _retrieved(
        applicant, security_chief, custodian, requester_type="internal", mode="copy"
    )
    copy = copy_record(
        request=request,
        by=custodian,
        file_name="gate-0412.mp4",
        medium="usb",
        recipient="李明",
        destination="案卷 2026-118",
        handed_over_at=timezone.now(),
        sha256=hashlib.sha256(FOOTAGE).hexdigest(),
    )
    client.force_login(applicant)
    response = client.get(f"/requests/{request.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    pdf = response.content
    assert_cjk_fonts(pdf)
    assert_page_has_ink(pdf)
    assert printing.FORM_TITLE in pdf_info(pdf)["Title"]
    text = pdf_text(pdf)
    # The paper form's fields in its order (M-3.5), labelled in Chinese.
    order = [
        printing.FORM_TITLE,
        "编号",
        request.number,
        "申请日期",
        "申请单位",
        "经办人",
        "身份证件号码",
        "调阅方式",
        "监控点及详细地点",
        "时间段",
        "调阅事由",
        request.reason,
        "部门意见",
        "保卫处审核情况",
        "学院领导审批意见",
        "查询结果",
        "调取及保管记录",
        "gate-0412.mp4",
        "操作人签字",
        "经办人签字",
    ]
    positions = [text.find(item) for item in order]
    assert -1 not in positions, [item for item, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions), order
    # Each approval: name, role and time, in its box (department → security office → leaders).
    steps = list(request.steps.select_related("decided_by").order_by("order"))
    assert [s.role for s in steps] == [
        "department_head",
        "security_chief",
        "leader_in_charge",
        "principal_leader",
    ]
    last = 0
    for step, role_zh in zip(
        steps, ("部门负责人", "保卫处长", "分管领导", "学院主要领导"), strict=True
    ):
        signature = f"{step.decided_by}（{role_zh}"
        at = text.find(signature, last)
        assert at > last, signature
        moment = timezone.localtime(step.decided_at).strftime("%Y-%m-%d %H:%M")
        assert moment in text[at : at + 200]
        last = at
    # The retrieval and custody record at the end; the ID number masked (PIPL).
    assert "保卫处档案服务器 NAS-1" in text and copy.sha256[:16] in text.replace("\n", "")
    assert text.find("保卫处档案服务器") > text.find("查询结果")
    assert VALID_ID not in text and request.handler_id_masked in text
    event = AuditEvent.objects.filter(action="requests.request_pdf").latest("id")
    assert (event.clause, event.actor, event.target_id) == ("M-3.5", applicant, str(request.pk))


def test_a_classified_form_is_404_outside_its_circle(
    client, applicant, security_chief, custodian, security_staff
):
    request = approved(applicant, "student", classified=True)
    verified_login(client, security_staff)
    assert client.get(f"/requests/{request.pk}/pdf/").status_code == 404
    assert not AuditEvent.objects.filter(action="requests.request_pdf").exists()
    verified_login(client, security_chief)
    response = client.get(f"/requests/{request.pk}/pdf/")
    assert response.status_code == 200
    assert "涉密案(事)件" in pdf_text(response.content)


def test_the_access_register_as_a_chinese_pdf(
    client, applicant, security_chief, custodian, auditor, monkeypatch
):
    shown = _retrieved(applicant, security_chief, custodian)
    secret = _retrieved(applicant, security_chief, custodian, classified=True)
    verified_login(client, auditor)
    response = client.get("/requests/access-register/pdf/")
    assert response.status_code == 200
    pdf = response.content
    assert_cjk_fonts(pdf)
    assert_page_has_ink(pdf)
    info = pdf_info(pdf)
    assert printing.REGISTER_TITLE in info["Title"]
    width, height = (float(v) for v in info["Page size"].split()[0:3:2])
    assert width > height  # landscape
    text = pdf_text(pdf).replace("\n", "")  # narrow columns wrap the numbers
    assert printing.REGISTER_TITLE in text and shown.number in text
    assert secret.number not in text  # the classified access is not the auditor's
    assert "调取时间" in text  # the register's columns in Chinese
    event = AuditEvent.objects.filter(action="requests.access_register_pdf").latest("id")
    assert (event.clause, event.data["rows"]) == ("M-3.4", 1)

    verified_login(client, security_chief)
    filtered = client.get(f"/requests/access-register/pdf/?number={secret.number}")
    assert secret.number in pdf_text(filtered.content).replace("\n", "")

    monkeypatch.setattr(printing, "REGISTER_PDF_MAX_ROWS", 1)
    refused = client.get("/requests/access-register/pdf/", follow=True)
    assert "More than 1 rows" in refused.content.decode()
    assert AuditEvent.objects.filter(action="requests.access_register_pdf").count() == 2


def test_roles_outside_are_refused_before_any_lookup(client, db):
    client.force_login(UserFactory(username="op", roles=["duty_operator"]))
    assert client.get("/requests/999/pdf/").status_code == 403
    assert client.get("/requests/access-register/pdf/").status_code == 403
