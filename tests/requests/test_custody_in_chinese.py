"""Both languages (issue 17, M-3.3, M-3.4): the refusal of a retrieval before the last
approval, a deviation without reason and the access register in Chinese, with the measures'
terms. Runs once the lead has merged /tmp/zh/requests2.json into the catalogue (until then
the messages are not in it and the test is skipped)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.requests.services import request_custodian_assign, retrieval_record
from tests.factories import CameraFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved, filed

pytestmark = pytest.mark.django_db


def _merged() -> bool:
    with translation.override("zh-hans"):
        return translation.gettext("Record the retrieval") != "Record the retrieval"


needs_catalogue = pytest.mark.skipif(
    not _merged(), reason="runs once /tmp/zh/requests2.json is merged into django.po"
)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@needs_catalogue
def test_retrieval_refusals_in_chinese(client, applicant, security_chief, custodian):
    waiting = filed(applicant, "student", submit=True)
    verified_login(client, custodian)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    response = client.post(f"/requests/{waiting.pk}/retrieval/", {}, follow=True)
    assert "申请尚未批准：须经最后一级审批后方可调取录像。" in response.content.decode()

    request = request_custodian_assign(
        request=approved(applicant), by=security_chief, custodian=custodian
    )
    typed = {
        "cameras": [*request.cameras.values_list("pk", flat=True), CameraFactory(code="N-9").pk],
        "span_from": _local(request.span_from),
        "span_to": _local(request.span_to + timedelta(minutes=10)),
        "backup_location": "档案服务器",
    }
    text = client.post(f"/requests/{request.pk}/retrieval/", typed).content.decode()
    assert "调取超出审批范围" in text and "未经审批的监控点：N-9" in text
    assert "晚于审批时间段的录像" in text and "请说明理由" in text
    assert "专职管理人员" in text


@needs_catalogue
def test_the_access_register_in_chinese(client, applicant, security_chief, custodian, auditor):
    request = request_custodian_assign(
        request=approved(applicant), by=security_chief, custodian=custodian
    )
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="档案服务器",
    )
    client.force_login(auditor)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    text = client.get("/requests/access-register/").content.decode()
    assert "仅查看，未复制" in text
    assert "监控资料调阅登记台账" in text and "去向" in text and "审批人" in text
    for wrong in ("保卫科", "值班员", "监控室"):
        assert wrong not in text
