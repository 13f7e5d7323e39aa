"""M-1.1b, M-3.3.1(3), M-3.4 through the API: assign, retrieve (beyond the approval only with
a reason), report the result, hand over copies (hash entered or computed), acknowledge,
verify; the access register scoped like the pages (classified: neither listed nor counted)."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.requests.models import Retrieval
from apps.requests.services import request_custodian_assign, retrieval_record
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved, filed

pytestmark = pytest.mark.django_db

FOOTAGE = b"footage bytes " * 100


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_custody_end_to_end_over_the_api(client, applicant, security_chief, custodian):
    request = approved(applicant, mode="copy")
    base = f"/api/requests/{request.pk}"
    verified_login(client, security_chief)
    assert _post(client, f"{base}/custodian/", {"custodian": custodian.pk}).status_code == 200

    verified_login(client, custodian)
    extra = CameraFactory(code="GATE-9")
    body = {
        "cameras": [*request.cameras.values_list("pk", flat=True), extra.pk],
        "span_from": request.span_from.isoformat(),
        "span_to": (request.span_to + timedelta(minutes=5)).isoformat(),
        "backup_location": "Archive NAS 1",
    }
    refused = _post(client, f"{base}/retrieval/", body)
    assert refused.status_code == 400 and "give the reason" in str(refused.json())
    body["deviation_reason"] = "The suspect came back through the gate."
    created = _post(client, f"{base}/retrieval/", body)
    assert created.status_code == 201 and created.json()["deviates"] is True

    assert _post(client, f"{base}/result/", {"query_result": "Seen at 14:05."}).status_code == 200
    entered = _post(
        client,
        f"{base}/copies/",
        {
            "sha256": "AB" * 32,
            "file_name": "gate.mp4",
            "medium": "usb",
            "recipient": "Officer Zhao",
            "destination": "City Police case 118",
            "handed_over_at": request.span_to.isoformat(),
        },
    )
    assert entered.status_code == 201 and entered.json()["sha256"] == "ab" * 32
    computed = client.post(
        f"{base}/copies/",
        {
            "file": SimpleUploadedFile("gate-2.mp4", FOOTAGE),
            "medium": "download",
            "recipient": "Officer Zhao",
            "destination": "City Police case 118",
            "handed_over_at": request.span_to.isoformat(),
        },
    )
    assert computed.status_code == 201
    assert computed.json()["sha256"] == hashlib.sha256(FOOTAGE).hexdigest()
    copy_id = computed.json()["id"]
    verified = client.post(
        f"{base}/copies/{copy_id}/verify/", {"file": SimpleUploadedFile("x", FOOTAGE)}
    )
    assert verified.status_code == 200 and verified.json()["verified_match"] is True

    client.force_login(applicant)
    acknowledged = _post(client, f"{base}/copies/{copy_id}/acknowledge/", {})
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_at"]
    again = _post(client, f"{base}/copies/{copy_id}/acknowledge/", {})
    assert again.status_code == 400 and "already acknowledged" in str(again.json())
    detail = client.get(f"{base}/").json()
    assert detail["query_result"] == "Seen at 14:05." and detail["retrieval"]["deviates"]
    assert len(detail["copies"]) == 2


def test_no_retrieval_before_the_last_approval_over_the_api(
    client, applicant, security_chief, custodian
):
    waiting = filed(applicant, "student", submit=True)
    verified_login(client, security_chief)
    response = _post(client, f"/api/requests/{waiting.pk}/custodian/", {"custodian": custodian.pk})
    assert response.status_code == 400 and "not approved yet" in str(response.json())
    view = approved(applicant)
    request_custodian_assign(request=view, by=security_chief, custodian=custodian)
    verified_login(client, custodian)
    retrieval_record(
        request=view,
        by=custodian,
        cameras=list(view.cameras.all()),
        span_from=view.span_from,
        span_to=view.span_to,
        backup_location="NAS",
    )
    refused = _post(
        client,
        f"/api/requests/{view.pk}/copies/",
        {
            "sha256": "a" * 64,
            "medium": "usb",
            "recipient": "x",
            "destination": "y",
            "handed_over_at": view.span_to.isoformat(),
        },
    )
    assert refused.status_code == 400 and "viewing only" in str(refused.json())
    assert Retrieval.objects.count() == 1


def test_the_access_register_api_hides_classified_access(
    client, applicant, security_chief, custodian, auditor
):
    ids = {}
    for classified in (False, True):
        request = approved(applicant, classified=classified)
        request_custodian_assign(request=request, by=security_chief, custodian=custodian)
        ids[classified] = retrieval_record(
            request=request,
            by=custodian,
            cameras=list(request.cameras.all()),
            span_from=request.span_from,
            span_to=request.span_to,
            backup_location="NAS",
        ).pk
    client.force_login(auditor)
    listed = client.get("/api/requests/access-register/").json()
    assert listed["count"] == 1 and [r["id"] for r in listed["results"]] == [ids[False]]
    assert client.get(f"/api/requests/access-register/{ids[True]}/").status_code == 404
    verified_login(client, custodian)
    assert client.get("/api/requests/access-register/").json()["count"] == 2
    # Not a register role: refused before any lookup.
    client.force_login(UserFactory(username="applicant9", roles=["applicant"]))
    assert client.get("/api/requests/access-register/").status_code == 403
