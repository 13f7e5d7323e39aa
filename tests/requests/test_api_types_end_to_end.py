"""Issue 17's "done when" through the API (M-3.3.1-3.3.5, M-1.1b, M-3.4): all four requester
types — an internal department's copy, a student help request, a law-enforcement copy and an
other-external request — each from filing by the right
role with its required documents, through every step of its route (each by a holder of the
step's role, leaders with their password), to the custodian's retrieval, the copy with its
hash where the mode is copy, the query result the filer reads, and the access register's row."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import TEST_PASSWORD, CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import NEEDS, VALID_ID

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FOOTAGE = b"exported footage " * 64

CASES = [
    # type, mode, who files, the route the default policy gives it
    (
        "internal",
        "copy",
        "applicant",
        ["department_head", "security_chief", "leader_in_charge", "principal_leader"],
    ),
    ("student", "view", "applicant", ["security_chief"]),
    (
        "law_enforcement",
        "copy",
        "security_staff",
        ["security_staff", "leader_in_charge", "principal_leader"],
    ),
    ("external", "view", "security_staff", ["security_staff", "principal_leader"]),
]


def _json(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


@pytest.mark.parametrize(("requester_type", "mode", "filer_role", "route"), CASES)
def test_each_requester_type_end_to_end(
    client, department, requester_type, mode, filer_role, route
):
    filer = UserFactory(username="filer", roles=[filer_role], department=department)
    custodian = UserFactory(username="custodian", roles=["footage_custodian"])
    chief = UserFactory(username="chief", roles=["security_chief"])
    camera = CameraFactory(code="GATE-1")
    end = timezone.now() - timedelta(days=2)
    client.force_login(filer)
    created = _json(
        client,
        "/api/requests/",
        {
            "requester_type": requester_type,
            "applying_unit": {
                "internal": "",  # the filer's department (M-3.5)
                "student": "Class 2024, School of Engineering",
            }.get(requester_type, "City Police, Campus Station"),
            "handler_name": "Zhao",
            "handler_id_type": "resident_id",
            "handler_id_number": VALID_ID,
            "mode": mode,
            "cameras": [camera.pk],
            "place_detail": "South gate",
            "span_from": (end - timedelta(hours=1)).isoformat(),
            "span_to": end.isoformat(),
            "reason": "Case 2026-118",
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    for kind in NEEDS[requester_type]:
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF, "application/pdf")
        attached = client.post(f"/api/requests/{pk}/attachments/", {"kind": kind, "file": upload})
        assert attached.status_code == 201, attached.json()
    submitted = _json(client, f"/api/requests/{pk}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert [s["role"] for s in submitted.json()["steps"]] == route

    approvers = []
    for role in route:
        if role == "security_chief":
            approver = chief
        elif role == "department_head":  # the head of the filer's own department (M-3.3.1)
            approver = UserFactory(roles=[role], department=department)
        else:
            approver = UserFactory(roles=[role])
        verified_login(client, approver)
        decided = _json(
            client,
            f"/api/requests/{pk}/decide/",
            {"decision": "approve", "comment": "ok", "password": TEST_PASSWORD},
        )
        assert decided.status_code == 200, decided.json()
        approvers.append(str(approver))
    assert decided.json()["state"] == "approved"
    assert [s["decided_by_name"] for s in decided.json()["steps"]] == approvers

    verified_login(client, chief)
    assigned = _json(client, f"/api/requests/{pk}/custodian/", {"custodian": custodian.pk})
    assert assigned.status_code == 200, assigned.json()
    verified_login(client, custodian)
    retrieval = _json(
        client,
        f"/api/requests/{pk}/retrieval/",
        {
            "cameras": [camera.pk],
            "span_from": (end - timedelta(hours=1)).isoformat(),
            "span_to": end.isoformat(),
            "backup_location": "Archive NAS 1",
        },
    )
    assert retrieval.status_code == 201, retrieval.json()
    digest = hashlib.sha256(FOOTAGE).hexdigest()
    copy = client.post(
        f"/api/requests/{pk}/copies/",
        {
            "file": SimpleUploadedFile("gate.mp4", FOOTAGE, "video/mp4"),
            "medium": "disc",
            "recipient": "Officer Zhao",
            "destination": "Case file 2026-118",
            "handed_over_at": timezone.now().isoformat(),
        },
    )
    if mode == "copy":
        assert copy.status_code == 201 and copy.json()["sha256"] == digest
    else:  # a view request never gets a copy (M-3.3.5)
        assert copy.status_code == 400 and "viewing only" in copy.json()["detail"]
    reported = _json(client, f"/api/requests/{pk}/result/", {"query_result": "Seen at 21:40."})
    assert reported.status_code == 200, reported.json()

    verified_login(client, filer)
    detail = client.get(f"/api/requests/{pk}/").json()
    assert detail["query_result"] == "Seen at 21:40."
    assert [c["sha256"] for c in detail["copies"]] == ([digest] if mode == "copy" else [])
    verified_login(client, chief)
    register = client.get(f"/api/requests/access-register/?number={detail['number']}").json()
    assert register["count"] == 1
    row = register["results"][0]
    assert row["mode"] == mode and len(row["approvals"]) == len(route)
    assert [c["destination"] for c in row["copies"]] == (
        ["Case file 2026-118"] if mode == "copy" else []
    )
