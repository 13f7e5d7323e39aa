"""M-3.5, M-3.3: the request pages as a user sees them — the form with clear errors, the
retention warning, the route with each decision (name, role, time), attachments downloaded
only through the request's scoped view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.requests.models import FootageRequest
from apps.requests.services import request_decide
from tests.factories import TEST_PASSWORD, CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import PDF, VALID_ID, filed, pdf

pytestmark = pytest.mark.django_db


def _form(camera, **changes) -> dict:
    end = timezone.localtime() - timedelta(days=1)
    return {
        "requester_type": "internal",
        "handler_name": "Wang Fang",
        "handler_id_type": "resident_id",
        "handler_id_number": VALID_ID,
        "mode": "copy",
        "cameras": [camera.pk],
        "place_detail": "Canteen entrance",
        "span_from": (end - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "span_to": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "Wallet lost at lunch",
        **changes,
    }


def test_an_applicant_files_a_draft_from_the_form(client, applicant, department):
    camera = CameraFactory(code="CAN-1")
    client.force_login(applicant)
    page = client.get("/requests/new/")
    assert "CAN-1" in page.content.decode()  # chosen from the registry, with its place
    response = client.post("/requests/new/", _form(camera), follow=True)
    request = FootageRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/requests/{request.pk}/"
    text = response.content.decode()
    assert "Draft saved" in text and department.name in text
    assert "1101**********002X" in text and VALID_ID not in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"handler_id_number": "110105194912310021"}, "check digit is wrong"),
        ({"span_to": "2000-01-01T00:00"}, "must start before it ends"),
        (
            {"span_to": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "future",
        ),
        ({"reason": ""}, "Give the reason"),
        ({"cameras": []}, "This field is required"),
    ],
)
def test_bad_input_is_shown_and_kept(client, applicant, changes, message):
    client.force_login(applicant)
    response = client.post("/requests/new/", _form(CameraFactory(), **changes))
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "Canteen entrance" in text  # nothing typed is lost
    assert not FootageRequest.objects.exists()


def test_a_type_the_role_may_not_file_is_refused(client, applicant):
    client.force_login(applicant)
    response = client.post("/requests/new/", _form(CameraFactory(), requester_type="external"))
    assert response.status_code == 403
    assert not FootageRequest.objects.exists()


def test_old_footage_is_warned_on_the_page(client, applicant):
    client.force_login(applicant)
    start = timezone.localtime() - timedelta(days=40)
    data = _form(
        CameraFactory(),
        span_from=start.strftime("%Y-%m-%dT%H:%M"),
        span_to=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    text = client.post("/requests/new/", data, follow=True).content.decode()
    assert "may already be gone" in text


def test_the_route_shows_each_decision(client, applicant, department_head, security_chief):
    request = filed(applicant, submit=True)
    request_decide(request=request, by=department_head, approve=True, comment="Stamped")
    verified_login(client, security_chief)
    text = client.get(f"/requests/{request.pk}/").content.decode()
    assert str(department_head) in text and "Department head" in text and "Stamped" in text
    assert (
        timezone.localtime(request.steps.get(order=1).decided_at).strftime("%Y-%m-%d %H:%M") in text
    )
    assert 'data-testid="decide-form"' in text
    response = client.post(
        f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": ""}, follow=True
    )
    assert "Decision recorded" in response.content.decode()
    assert FootageRequest.objects.get(pk=request.pk).state == "approved"


def test_a_second_decision_on_a_decided_step_is_refused(client, applicant, department_head):
    request = filed(applicant, submit=True)
    client.force_login(department_head)
    client.post(f"/requests/{request.pk}/decide/", {"decision": "approve"})
    again = client.post(f"/requests/{request.pk}/decide/", {"decision": "reject", "comment": "x"})
    assert again.status_code == 403
    assert request.steps.get(order=1).state == "approved"


def test_attach_then_submit_from_the_page(client, applicant):
    request = filed(applicant, "student")
    client.force_login(applicant)
    text = client.post(f"/requests/{request.pk}/submit/", follow=True).content.decode()
    assert "Attach first" in text and "Student ID card" in text
    client.post(f"/requests/{request.pk}/attach/", {"kind": "student_id", "file": pdf()})
    text = client.post(f"/requests/{request.pk}/submit/", follow=True).content.decode()
    request.refresh_from_db()
    assert request.state == "in_approval" and f"Submitted as {request.number}" in text


def test_an_attachment_downloads_through_its_request_only(
    client, applicant, security_chief, department_head
):
    request = filed(applicant, "student", submit=True)
    attachment = request.attachments.get()
    verified_login(client, security_chief)
    response = client.get(f"/requests/{request.pk}/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.latest("sequence").action == "requests.attachment_open"
    other = filed(applicant, submit=True)
    # Another request's address with this attachment's id: no such document there.
    assert client.get(f"/requests/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    client.force_login(department_head)  # a student request is not their department's
    assert client.get(f"/requests/{request.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/media/{attachment.file.name}").status_code == 404  # no such route


def test_a_leader_confirms_on_the_page_with_the_password(client, security_staff, leader_in_charge):
    request = filed(security_staff, "law_enforcement", submit=True)
    colleague = UserFactory(username="staff-pages", roles=["security_staff"])
    request_decide(request=request, by=colleague, approve=True, comment="Notice seen")
    verified_login(client, leader_in_charge)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'name="password"' in page
    url = f"/requests/{request.pk}/decide/"
    refused = client.post(url, {"decision": "approve", "password": "guess"}, follow=True)
    assert "with your password" in refused.content.decode()
    client.post(url, {"decision": "approve", "password": TEST_PASSWORD})
    assert FootageRequest.objects.get(pk=request.pk).state == "approved"


@pytest.mark.parametrize(
    ("span_from", "message"),
    [("0001-01-01T00:00", "in 2000 or later"), ("1999-12-31T23:00", "in 2000 or later")],
)
def test_dates_before_2000_are_refused_on_the_page(client, applicant, span_from, message):
    client.force_login(applicant)
    data = _form(CameraFactory(), span_from=span_from, span_to="2000-01-01T01:00")
    response = client.post("/requests/new/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not FootageRequest.objects.exists()
