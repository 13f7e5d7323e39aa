"""M-2.1, M-1.4, M-2.2 over the API: list runs and checks, review a flagged result, countersign."""

import pytest

from apps.patrol.models import PatrolRun
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def test_review_and_sign_through_the_api(client, duty_operator, security_staff):
    good, bad = CameraFactory(code="G"), CameraFactory(code="B")
    run = finished_run({good: outcome("ok"), bad: outcome("fault", "Picture is black.")})
    client.force_login(duty_operator)
    listed = client.get("/api/patrol/runs/").json()["results"][0]
    assert listed["progress"]["faults"] == 1 and listed["state"] == "finished"
    flagged = client.get("/api/patrol/checks/", {"run": run.pk, "verdict": "fault"}).json()
    assert [c["camera_code"] for c in flagged["results"]] == ["B"]
    check_id = flagged["results"][0]["id"]
    refused = client.post(f"/api/patrol/runs/{run.pk}/sign/", {}, content_type="application/json")
    assert refused.status_code == 403  # the duty operator does not countersign (M-2.2)
    client.force_login(security_staff)
    early = client.post(f"/api/patrol/runs/{run.pk}/sign/", {}, content_type="application/json")
    assert early.status_code == 400 and early.json()["clause"] == "M-2.2"  # review first
    client.force_login(duty_operator)
    reviewed = client.post(
        f"/api/patrol/checks/{check_id}/review/",
        {"outcome": "confirmed_fault"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["review"] == "confirmed_fault"
    client.force_login(security_staff)
    signed = client.post(
        f"/api/patrol/runs/{run.pk}/sign/", {"note": "ok"}, content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    assert PatrolRun.objects.get(pk=run.pk).signed_by == security_staff


def test_bad_review_outcome_is_a_400(client, duty_operator):
    camera = CameraFactory()
    run = finished_run({camera: outcome("fault", "x")})
    client.force_login(duty_operator)
    response = client.post(
        f"/api/patrol/checks/{run.checks.get().pk}/review/",
        {"outcome": "maybe"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "outcome" in response.json()
