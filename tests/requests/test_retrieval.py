"""M-1.1b, M-3.3.1(3), M-3.1: the footage custodian records a retrieval only after the last
approval; what was retrieved beyond the approved cameras × span needs a reason and is flagged
to the security chief; the backup place is kept; the query result goes back to the applicant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.requests.models import FootageRequest, Retrieval
from apps.requests.services import (
    request_custodian_assign,
    request_decide,
    request_result_report,
    retrieval_record,
)
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved, filed

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(request, cameras=None, **changes) -> dict:
    return {
        "cameras": [c.pk for c in (cameras or request.cameras.all())],
        "span_from": _local(request.span_from),
        "span_to": _local(request.span_to),
        "backup_location": "Archive NAS 2, folder 2026/Q4",
        "deviation_reason": "",
        **changes,
    }


@pytest.fixture
def assigned(applicant, security_chief, custodian):
    request = approved(applicant)
    return request_custodian_assign(request=request, by=security_chief, custodian=custodian)


def test_the_chief_assigns_and_the_custodian_records_within_the_approval(
    client, applicant, security_chief, custodian
):
    request = approved(applicant)
    verified_login(client, security_chief)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="assign-form"' in page and 'data-testid="retrieval-form"' not in page
    client.post(f"/requests/{request.pk}/custodian/", {"custodian": custodian.pk})
    request.refresh_from_db()
    assert request.custodian == custodian

    verified_login(client, custodian)
    response = client.post(f"/requests/{request.pk}/retrieval/", _form(request), follow=True)
    text = response.content.decode()
    assert "Retrieval recorded" in text and "Archive NAS 2, folder 2026/Q4" in text
    retrieval = Retrieval.objects.get(request=request)
    assert retrieval.custodian == custodian and not retrieval.deviates
    assert set(retrieval.cameras.all()) == set(request.cameras.all())
    event = AuditEvent.objects.filter(action="requests.retrieval_record").get()
    assert event.clause == "M-3.3.1" and event.data["deviates"] is False
    assert not Notification.objects.filter(kind="requests.retrieval_deviation").exists()
    # Once: the form is gone and a second record is refused.
    assert 'data-testid="retrieval-form"' not in text
    with pytest.raises(RuleViolation, match="already recorded"):
        retrieval_record(request=request, by=custodian, **_service_form(request))


def _service_form(request, **changes) -> dict:
    return {
        "cameras": list(request.cameras.all()),
        "span_from": request.span_from,
        "span_to": request.span_to,
        "backup_location": "Archive NAS 2",
        **changes,
    }


def test_in_approval_rejected_or_expired_requests_cannot_be_retrieved(
    client, settings, applicant, security_chief, custodian
):
    in_approval = filed(applicant, "student", submit=True)
    rejected = filed(applicant, "student", submit=True)
    request_decide(request=rejected, by=security_chief, approve=False, comment="No case given")
    expired = approved(applicant)
    FootageRequest.objects.filter(pk=expired.pk).update(
        decided_at=timezone.now() - timedelta(days=settings.FOOTAGE_APPROVAL_VALID_DAYS + 1)
    )
    expired.refresh_from_db()
    for request, words in (
        (in_approval, "not approved yet"),
        (rejected, "was rejected"),
        (expired, "approval has expired"),
    ):
        with pytest.raises(RuleViolation, match=words):
            request_custodian_assign(request=request, by=security_chief, custodian=custodian)
        # Even a custodian set beforehand cannot record it.
        FootageRequest.objects.filter(pk=request.pk).update(custodian=custodian)
        request.refresh_from_db()
        with pytest.raises(RuleViolation, match=words):
            retrieval_record(request=request, by=custodian, **_service_form(request))
        verified_login(client, custodian)
        response = client.post(f"/requests/{request.pk}/retrieval/", _form(request), follow=True)
        assert words in response.content.decode()
    assert not Retrieval.objects.exists()


def test_beyond_the_approval_needs_a_reason_and_is_flagged_to_the_chief(
    client, assigned, custodian, security_chief
):
    extra = CameraFactory(code="GATE-9")
    later = timezone.localtime(assigned.span_to) + timedelta(minutes=30)
    verified_login(client, custodian)
    typed = _form(
        assigned,
        cameras=[*assigned.cameras.all(), extra],
        span_to=later.strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(f"/requests/{assigned.pk}/retrieval/", typed)
    text = response.content.decode()
    assert response.status_code == 400
    assert "goes beyond the approval" in text and "GATE-9" in text and "give the reason" in text
    assert "Archive NAS 2, folder 2026/Q4" in text  # what was typed stays
    assert not Retrieval.objects.exists()
    assert not Notification.objects.filter(kind="requests.retrieval_deviation").exists()

    typed["deviation_reason"] = "The suspect left by the north gate half an hour later."
    client.post(f"/requests/{assigned.pk}/retrieval/", typed)
    retrieval = Retrieval.objects.get()
    assert retrieval.deviates and "north gate" in retrieval.deviation_reason
    [note] = Notification.objects.filter(
        recipient=security_chief, kind="requests.retrieval_deviation"
    )
    assert assigned.number in note.title and "GATE-9" in note.body
    assert note.url == f"/requests/{assigned.pk}/"
    page = client.get(f"/requests/{assigned.pk}/").content.decode()
    assert 'data-testid="deviation"' in page


def test_only_the_assigned_custodian_records_it(client, assigned):
    other = UserFactory(username="custodian2", roles=["footage_custodian"])
    verified_login(client, other)
    response = client.post(f"/requests/{assigned.pk}/retrieval/", _form(assigned))
    assert response.status_code == 403
    with pytest.raises(RuleViolation, match="assigned"):
        retrieval_record(request=assigned, by=other, **_service_form(assigned))
    # A custodian may take an unassigned request for themselves only.
    with pytest.raises(RuleViolation, match="themselves"):
        request_custodian_assign(request=assigned, by=other, custodian=assigned.custodian)
    assert not Retrieval.objects.exists()


def test_the_query_result_goes_back_to_the_applicant(client, assigned, custodian, applicant):
    retrieval_record(request=assigned, by=custodian, **_service_form(assigned))
    verified_login(client, custodian)
    response = client.post(f"/requests/{assigned.pk}/result/", {"query_result": "  "})
    assert response.status_code == 400 and "query result" in response.content.decode()
    client.post(
        f"/requests/{assigned.pk}/result/",
        {"query_result": "The bicycle was taken at 14:05 by a person in a red jacket."},
    )
    [note] = Notification.objects.filter(recipient=applicant, kind="requests.result_report")
    assert assigned.number in note.title and note.url == f"/requests/{assigned.pk}/"
    client.force_login(applicant)
    page = client.get(note.url).content.decode()
    assert "red jacket" in page
    event = AuditEvent.objects.filter(action="requests.result_report").get()
    assert event.clause == "M-3.3.1" and "red jacket" not in str(event.data)
    # Only the custodian who retrieved reports it.
    with pytest.raises(RuleViolation):
        request_result_report(request=assigned, by=applicant, query_result="x")


def test_a_camera_decommissioned_since_the_approval_can_still_be_retrieved(
    client, assigned, custodian
):
    """Its recorder may still hold the footage (M-3.3.1(3)); decommissioned cameras are only
    not offered for new requests."""
    from apps.cameras.models import Camera

    assigned.cameras.update(status=Camera.Status.DECOMMISSIONED)
    verified_login(client, custodian)
    client.post(f"/requests/{assigned.pk}/retrieval/", _form(assigned))
    retrieval = Retrieval.objects.get()
    assert set(retrieval.cameras.all()) == set(assigned.cameras.all())
    assert not retrieval.deviates
