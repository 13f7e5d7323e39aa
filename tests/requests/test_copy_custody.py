"""M-3.4, M-3.3.5: each exported file of a copy request with its SHA-256 (computed from the
file, or entered as 64 hex characters and verifiable later), medium, recipient, destination
(去向), handover time and the receiver's acknowledgement; a view request gets no copy."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.requests.models import FootageCopy
from apps.requests.services import (
    copy_acknowledge,
    copy_record,
    copy_verify,
    request_custodian_assign,
    retrieval_record,
)
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved

pytestmark = pytest.mark.django_db

FOOTAGE = b"\x00\x00\x00\x18ftypmp42" + b"frames" * 500


def _retrieved(applicant, chief, custodian, mode="copy"):
    request = approved(applicant, mode=mode)
    request = request_custodian_assign(request=request, by=chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="Archive NAS 1",
    )
    return request


def _handover(**changes) -> dict:
    return {
        "file_name": "",
        "sha256": "",
        "medium": "usb",
        "recipient": "Officer Zhao",
        "destination": "Case file 2026-118, City Police",
        "handed_over_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **changes,
    }


@pytest.fixture
def copy_request(applicant, security_chief, custodian):
    return _retrieved(applicant, security_chief, custodian)


def test_the_hash_is_computed_from_the_uploaded_file(client, copy_request, custodian):
    verified_login(client, custodian)
    upload = SimpleUploadedFile("gate-1400.mp4", FOOTAGE, "video/mp4")
    response = client.post(
        f"/requests/{copy_request.pk}/copies/", {**_handover(), "file": upload}, follow=True
    )
    digest = hashlib.sha256(FOOTAGE).hexdigest()
    text = response.content.decode()
    assert "Copy recorded" in text and digest in text and "gate-1400.mp4" in text
    copy = FootageCopy.objects.get()
    assert (copy.sha256, copy.hash_source, copy.medium) == (digest, "computed", "usb")
    assert copy.recorded_by == custodian and copy.acknowledged_at is None
    event = AuditEvent.objects.filter(action="requests.copy_record").get()
    assert event.clause == "M-3.4" and event.data["sha256"] == digest
    assert event.data["destination"] == "Case file 2026-118, City Police"


def test_an_entered_hash_is_checked_and_verifiable_later(client, copy_request, custodian):
    verified_login(client, custodian)
    bad = client.post(
        f"/requests/{copy_request.pk}/copies/",
        _handover(file_name="disc-1.iso", sha256="12345xyz", medium="disc"),
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "64 hexadecimal characters" in text
    assert "Case file 2026-118, City Police" in text  # nothing typed is lost
    assert not FootageCopy.objects.exists()

    digest = hashlib.sha256(FOOTAGE).hexdigest()
    spaced = " ".join(digest.upper()[i : i + 8] for i in range(0, 64, 8))
    client.post(
        f"/requests/{copy_request.pk}/copies/",
        _handover(file_name="disc-1.iso", sha256=spaced, medium="disc"),
    )
    copy = FootageCopy.objects.get()
    assert (copy.sha256, copy.hash_source) == (digest, "entered")

    # Later the file is checked against it: a match, then a changed file that does not.
    response = client.post(
        f"/requests/{copy_request.pk}/copies/{copy.pk}/verify/",
        {"file": SimpleUploadedFile("disc-1.iso", FOOTAGE)},
        follow=True,
    )
    assert "matches the SHA-256" in response.content.decode()
    response = client.post(
        f"/requests/{copy_request.pk}/copies/{copy.pk}/verify/",
        {"file": SimpleUploadedFile("disc-1.iso", FOOTAGE + b"edited")},
        follow=True,
    )
    assert "does NOT match" in response.content.decode()
    copy.refresh_from_db()
    assert copy.verified_match is False and copy.verified_at
    results = list(
        AuditEvent.objects.filter(action="requests.copy_verify")
        .order_by("sequence")
        .values_list("data__match", flat=True)
    )
    assert results == [True, False]


def test_a_file_and_a_different_entered_hash_are_refused(copy_request, custodian):
    with pytest.raises(RuleViolation, match="not the file's"):
        copy_record(
            request=copy_request,
            by=custodian,
            upload=SimpleUploadedFile("a.mp4", FOOTAGE),
            sha256="0" * 64,
            **{k: v for k, v in _service_handover().items()},
        )
    with pytest.raises(RuleViolation, match="SHA-256"):
        copy_record(request=copy_request, by=custodian, **_service_handover())
    with pytest.raises(RuleViolation, match="future"):
        copy_record(
            request=copy_request,
            by=custodian,
            sha256="a" * 64,
            **{**_service_handover(), "handed_over_at": timezone.now() + timedelta(hours=1)},
        )
    with pytest.raises(RuleViolation, match="medium"):
        copy_record(
            request=copy_request, by=custodian, sha256="a" * 64, **_service_handover(medium="tape")
        )
    assert not FootageCopy.objects.exists()


def _service_handover(**changes) -> dict:
    return {
        "file_name": "a.mp4",
        "medium": "download",
        "recipient": "Officer Zhao",
        "destination": "City Police",
        "handed_over_at": timezone.now(),
        **changes,
    }


def test_a_view_request_gets_no_copy(applicant, security_chief, custodian):
    request = _retrieved(applicant, security_chief, custodian, mode="view")
    with pytest.raises(RuleViolation, match="viewing only"):
        copy_record(request=request, by=custodian, sha256="a" * 64, **_service_handover())


def test_the_receiver_acknowledges_once(client, copy_request, custodian, applicant):
    copy = copy_record(request=copy_request, by=custodian, sha256="a" * 64, **_service_handover())
    client.force_login(applicant)
    page = client.get(f"/requests/{copy_request.pk}/").content.decode()
    assert 'data-testid="acknowledge"' in page and 'data-testid="copy-form"' not in page
    client.post(f"/requests/{copy_request.pk}/copies/{copy.pk}/acknowledge/")
    copy.refresh_from_db()
    assert copy.acknowledged_by == applicant and copy.acknowledged_at
    page = client.get(f"/requests/{copy_request.pk}/").content.decode()
    assert 'data-testid="acknowledge"' not in page
    with pytest.raises(RuleViolation, match="already acknowledged"):
        copy_acknowledge(copy=copy, by=custodian)
    # Verifying is the custody's check, not the applicant's.
    with pytest.raises(RuleViolation):
        copy_verify(copy=copy, by=applicant, upload=SimpleUploadedFile("a.mp4", FOOTAGE))
