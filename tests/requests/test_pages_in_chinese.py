"""Both languages (issue 17): the request pages, their errors and the retention warning in
Chinese, with the measures' terms. Runs once the lead has merged /tmp/zh/requests.json into
the catalogue (until then the messages are not in it and the test is skipped)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.factories import CameraFactory
from tests.requests.helpers import VALID_ID, filed

pytestmark = pytest.mark.django_db


def _merged() -> bool:
    with translation.override("zh-hans"):
        return translation.gettext("Footage requests waiting for me") != (
            "Footage requests waiting for me"
        )


needs_catalogue = pytest.mark.skipif(
    not _merged(), reason="runs once /tmp/zh/requests.json is merged into django.po"
)


@needs_catalogue
def test_the_form_and_its_errors_in_chinese(client, applicant):
    client.force_login(applicant)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    end = timezone.localtime() - timedelta(days=40)
    data = {
        "requester_type": "internal",
        "handler_name": "王芳",
        "handler_id_type": "resident_id",
        "handler_id_number": "110105194912310021",
        "mode": "view",
        "cameras": [CameraFactory().pk],
        "span_from": (end - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "span_to": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "丢失物品",
    }
    text = client.post("/requests/new/", data).content.decode()
    assert "校验码不正确" in text and "调阅方式" in text and "经办人姓名" in text
    data["handler_id_number"] = VALID_ID
    text = client.post("/requests/new/", data, follow=True).content.decode()
    assert "可能已被覆盖" in text and "草稿已保存" in text


@needs_catalogue
def test_the_route_in_chinese(client, applicant, department_head):
    request = filed(applicant, submit=True, classified=True)
    client.force_login(department_head)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    text = client.get(f"/requests/{request.pk}/").content.decode()
    assert "部门负责人" in text and "保卫处长" in text and "待审批" in text
    assert "涉密案(事)件" in text
    for wrong in ("保卫科", "值班员", "监控室"):
        assert wrong not in text
