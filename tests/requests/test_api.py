"""M-3.3, M-3.5 through the API: file, attach, submit, decide; the same checks as the pages
(a 400 with the sentence), refusals 403 before lookup, out of scope 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.requests.models import FootageRequest
from tests.factories import TEST_PASSWORD, CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import VALID_ID, filed, pdf

pytestmark = pytest.mark.django_db


def _body(camera, **changes) -> dict:
    end = timezone.now() - timedelta(days=3)
    return {
        "requester_type": "law_enforcement",
        "applying_unit": "City Police, Campus Station",
        "handler_name": "Officer Zhao",
        "handler_id_type": "officer_id",
        "handler_id_number": "JH-0123456",
        "mode": "copy",
        "cameras": [camera.pk],
        "span_from": (end - timedelta(hours=1)).isoformat(),
        "span_to": end.isoformat(),
        "reason": "Theft case 2026-118",
        **changes,
    }


def test_law_enforcement_copy_end_to_end(
    client, security_staff, leader_in_charge, principal_leader
):
    client.force_login(security_staff)
    created = client.post("/api/requests/", _body(CameraFactory()), content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["state"] == "draft" and data["handler_id_masked"] == "JH******56"
    assert "handler_id_number" not in data
    pk = data["id"]
    refused = client.post(f"/api/requests/{pk}/submit/", content_type="application/json")
    assert refused.status_code == 400 and "Attach first" in refused.json()["detail"]
    for kind in ("evidence_notice", "officer_id"):
        attached = client.post(f"/api/requests/{pk}/attachments/", {"kind": kind, "file": pdf()})
        assert attached.status_code == 201, attached.json()
    submitted = client.post(f"/api/requests/{pk}/submit/", content_type="application/json")
    assert submitted.json()["state"] == "in_approval"
    assert [s["role"] for s in submitted.json()["steps"]] == [
        "security_staff",
        "leader_in_charge",
        "principal_leader",
    ]
    colleague = UserFactory(username="staff-api", roles=["security_staff"])
    client.force_login(colleague)
    client.post(
        f"/api/requests/{pk}/decide/",
        {"decision": "approve", "comment": "seen"},
        content_type="application/json",
    )
    verified_login(client, leader_in_charge)
    no_password = client.post(
        f"/api/requests/{pk}/decide/", {"decision": "approve"}, content_type="application/json"
    )
    assert no_password.status_code == 400 and "password" in no_password.json()["detail"]
    client.post(
        f"/api/requests/{pk}/decide/",
        {"decision": "approve", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    verified_login(client, principal_leader)
    done = client.post(
        f"/api/requests/{pk}/decide/",
        {"decision": "approve", "password": TEST_PASSWORD},
        content_type="application/json",
    ).json()
    assert done["state"] == "approved"
    assert [s["decided_by_name"] for s in done["steps"]] == [
        str(colleague),
        str(leader_in_charge),
        str(principal_leader),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"handler_id_type": "resident_id", "handler_id_number": "110105194912310021"},
            "check digit",
        ),
        ({"span_to": (timezone.now() + timedelta(hours=1)).isoformat()}, "future"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, security_staff, changes, message):
    client.force_login(security_staff)
    response = client.post(
        "/api/requests/", _body(CameraFactory(), **changes), content_type="application/json"
    )
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not FootageRequest.objects.exists()


def test_old_footage_comes_with_a_warning(client, security_staff):
    client.force_login(security_staff)
    start = timezone.now() - timedelta(days=45)
    body = _body(
        CameraFactory(),
        span_from=start.isoformat(),
        span_to=(start + timedelta(hours=1)).isoformat(),
    )
    response = client.post("/api/requests/", body, content_type="application/json")
    assert response.status_code == 201 and "may already be gone" in response.json()["warnings"][0]


def test_a_type_the_role_may_not_file_is_403(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/api/requests/", _body(CameraFactory()), content_type="application/json"
    )
    assert response.status_code == 403


def test_deciding_out_of_turn_is_403(client, applicant, security_chief):
    request = filed(applicant, submit=True)  # waits for the department head
    verified_login(client, security_chief)
    response = client.post(
        f"/api/requests/{request.pk}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert VALID_ID not in client.get(f"/api/requests/{request.pk}/").content.decode()


@pytest.mark.parametrize(
    ("span_from", "span_to"),
    [("0001-01-01T00:00", "0001-01-01T00:10"), ("9999-12-31T23:00", "9999-12-31T23:59")],
)
def test_dates_at_the_calendars_ends_are_a_400(client, security_staff, span_from, span_to):
    client.force_login(security_staff)
    body = _body(CameraFactory(), span_from=span_from, span_to=span_to)
    response = client.post("/api/requests/", body, content_type="application/json")
    assert response.status_code == 400
