"""M-4.2, M-1.3: an auditor opens one event and reads its before/after values as a table and
its other data as key and value; credentials are never in it; other roles are refused before
any lookup."""

import re
from html import unescape

import pytest

from apps.accounts.services import user_roles_assign
from apps.audit.models import AuditEvent
from apps.audit.services import event_append
from apps.cameras.services import camera_update
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

SECRET = "Zx9-detail-pw-77"


def _table(page, testid: str) -> list[list[str]]:
    html = page.content.decode()
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    assert table, f"no {testid} table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_camera_change_shows_before_and_after(client, auditor, vendor_engineer):
    vendor_engineer.full_name = "Zhou Min"
    vendor_engineer.save(update_fields=["full_name"])
    camera = CameraFactory(vendor=vendor_engineer.department, name="Old gate")
    camera_update(
        camera=camera,
        by=vendor_engineer,
        work_order="WO-31",
        name="North gate",
        rtsp_main_uri=f"rtsp://admin:{SECRET}@127.0.0.1:8554/north",
    )
    event = AuditEvent.objects.get(action="cameras.camera_update")
    client.force_login(auditor)
    page = client.get(f"/audit/{event.sequence}/")
    assert page.status_code == 200
    changes = _table(page, "audit-changes")
    assert changes[0] == ["field", "before", "after"]
    assert ["name", "Old gate", "North gate"] in changes
    assert ["rtsp_main_uri", "rtsp://127.0.0.1:9/normal", "rtsp://127.0.0.1:8554/north"] in changes
    details = dict(_table(page, "audit-data"))
    assert details == {"work_order": "WO-31", "credentials_replaced": "true"}
    facts = dict(_table(page, "audit-event"))
    assert facts["actor"] == "Zhou Min vendor1"
    assert facts["action"] == "Camera settings changed cameras.camera_update"
    assert facts["target type"] == "camera cameras.camera" and facts["clause"] == "M-1.3"
    assert SECRET not in page.content.decode()
    assert event.hash in page.content.decode()


def test_a_replaced_whole_value_is_one_row(client, auditor, security_chief, duty_operator):
    user_roles_assign(by=security_chief, user=duty_operator, roles=["security_staff"])
    event = AuditEvent.objects.get(action="accounts.roles_assign")
    client.force_login(auditor)
    changes = _table(client.get(f"/audit/{event.sequence}/"), "audit-changes")
    assert changes[1] == ["", '["duty_operator"]', '["security_staff"]']


def test_event_time_is_local(client, auditor, security_chief, settings):
    from datetime import UTC
    from zoneinfo import ZoneInfo

    event = event_append(actor=security_chief, action="accounts.login", data={"k": None})
    client.force_login(auditor)
    page = client.get(f"/audit/{event.sequence}/")
    utc = event.occurred_at.astimezone(UTC)
    local = event.occurred_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    facts = dict(_table(page, "audit-event"))
    assert facts["time"] == f"{local:%Y-%m-%d %H:%M:%S}" != f"{utc:%Y-%m-%d %H:%M:%S}"
    assert dict(_table(page, "audit-data")) == {"k": "—"}


def test_rows_link_to_their_event(client, auditor, security_chief):
    event = event_append(actor=security_chief, action="accounts.login")
    client.force_login(auditor)
    assert f'href="/audit/{event.sequence}/"' in client.get("/audit/").content.decode()


@pytest.mark.parametrize("role", ["duty_operator", "security_staff", "vendor_engineer"])
def test_other_roles_are_refused_before_any_lookup(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/audit/1/").status_code == 403
    assert client.get("/audit/987654/").status_code == 403  # no such event: still 403


def test_unknown_and_huge_sequences_are_404(client, auditor):
    client.force_login(auditor)
    assert client.get("/audit/987654/").status_code == 404
    assert client.get(f"/audit/{2**64}/").status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get("/audit/1/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
