"""Issue 17 in a real browser, another external unit (M-3.3.4, M-3.5, M-1.1b, M-3.4): security
staff enter the request on the unit's behalf with the certificate a police or judicial organ
issued and the handler's ID → another staffer checks the documents → the principal leader
approves, signing afresh with the password → the footage custodian records the retrieval and
reports the result → the filer reads it; the access register shows the view with both
signatures. Each role in its own browser context, signed in through the login page."""

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
from tests.requests.helpers import JPEG, PDF, VALID_ID

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_external_unit_request_from_entry_to_result(open_as):  # noqa: F811
    filer = UserFactory(username="desk", full_name="刘洋", roles=["security_staff"])
    checker = UserFactory(username="checker", full_name="陈静", roles=["security_staff"])
    principal = UserFactory(username="principal", full_name="周敏", roles=["principal_leader"])
    chief = UserFactory(username="chief", full_name="王芳", roles=["security_chief"])
    custodian = UserFactory(username="custodian", full_name="赵强", roles=["footage_custodian"])
    camera = CameraFactory(code="CAR-3", name="East car park")

    page = open_as(filer)
    url = file_request(
        page,
        requester_type="external",
        mode="view",
        camera=camera,
        unit="平安财产保险公司理赔部",
        handler_name="何丽",
        handler_id_number=VALID_ID,
        place_detail="东停车场",
        reason="车辆剐蹭理赔，凭派出所证明查看录像",
    )
    missing = page.inner_text("[data-testid=missing]")
    assert "Police or judicial certificate" in missing and "Handler ID" in missing
    attach(page, "certificate", "派出所证明.pdf", PDF)
    attach(page, "handler_id", "身份证.jpg", JPEG, "image/jpeg")
    submit(page)
    request = FootageRequest.objects.get()
    steps = page.locator("[data-testid=step]").all_inner_texts()
    assert len(steps) == 2 and "Document check" in steps[0] and "Principal leader" in steps[1]

    decide(open_as(checker), url, "证明与身份证已核对")
    principal_page = open_as(principal)
    principal_page.goto("/requests/queue/")
    principal_page.click(f"text={request.number}")
    decide(principal_page, url, "同意查看", password=True)
    assert principal_page.inner_text("[data-testid=request-state]") == "Approved"
    assert signatures(principal_page) == ["陈静", "周敏"]

    custodian_page = open_as(custodian)
    retrieve(custodian_page, url, custodian, "保卫处档案服务器 NAS-2")
    assert "CAR-3 East car park" in custodian_page.inner_text("[data-testid=retrieval] dl")
    report_result(custodian_page, "录像显示 14:12 白色轿车倒车时剐蹭。")

    page.reload()
    assert field(page, "query result") == "录像显示 14:12 白色轿车倒车时剐蹭。"
    chief_page = open_as(chief)
    chief_page.goto(f"/requests/access-register/?number={request.number}")
    rows = chief_page.locator("#register-rows tbody tr").all_inner_texts()
    assert len(rows) == 1
    assert all(s in rows[0] for s in ("平安财产保险公司理赔部", "CAR-3", "陈静", "周敏", "赵强"))
