"""M-3.3.2-3.3.4: required documents per requester type; type by magic bytes, size, count;
stored outside the web root."""

from pathlib import Path

import pytest
from django.conf import settings

from apps.core.exceptions import RuleViolation
from apps.requests.models import FootageRequest
from apps.requests.services import request_attach, request_submit
from tests.requests.helpers import JPEG, NEEDS, PDF, filed, pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("requester_type", ["law_enforcement", "external"])
def test_outside_requests_need_their_documents(security_staff, requester_type):
    request = filed(security_staff, requester_type)
    first, second = NEEDS[requester_type]
    with pytest.raises(RuleViolation, match="Attach first"):
        request_submit(request=request, by=security_staff)
    request_attach(request=request, by=security_staff, kind=first, upload=pdf())
    with pytest.raises(RuleViolation, match="Attach first"):
        request_submit(request=request, by=security_staff)
    request_attach(request=request, by=security_staff, kind=second, upload=pdf())
    assert request_submit(request=request, by=security_staff).state == "in_approval"


def test_a_student_shows_their_student_card(applicant):
    request = filed(applicant, "student")
    with pytest.raises(RuleViolation, match="Student ID card"):
        request_submit(request=request, by=applicant)


def test_an_internal_request_needs_no_attachment(applicant):
    request = filed(applicant)
    assert request_submit(request=request, by=applicant).state == "in_approval"


def test_the_type_is_judged_by_content_not_name(applicant):
    request = filed(applicant)
    fake = pdf("notice.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(RuleViolation, match="PDF, JPEG or PNG"):
        request_attach(request=request, by=applicant, kind="other", upload=fake)
    photo = request_attach(
        request=request, by=applicant, kind="other", upload=pdf("scan.exe", JPEG)
    )
    assert photo.content_type == "image/jpeg"
    assert photo.file.name.endswith(".jpg") and photo.original_name == "scan.exe"


def test_size_and_count_limits(applicant, settings):
    settings.REQUEST_ATTACHMENT_MAX_BYTES = 100
    settings.REQUEST_ATTACHMENTS_MAX = 2
    request = filed(applicant)
    with pytest.raises(RuleViolation, match="larger than"):
        request_attach(request=request, by=applicant, kind="other", upload=pdf(content=PDF * 5))
    with pytest.raises(RuleViolation, match="empty"):
        request_attach(request=request, by=applicant, kind="other", upload=pdf(content=b""))
    for _ in range(2):
        request_attach(request=request, by=applicant, kind="other", upload=pdf())
    with pytest.raises(RuleViolation, match="at most 2"):
        request_attach(request=request, by=applicant, kind="other", upload=pdf())
    assert request.attachments.count() == 2


def test_files_are_stored_outside_media_and_static(applicant):
    attachment = request_attach(request=filed(applicant), by=applicant, kind="other", upload=pdf())
    path = Path(attachment.file.path).resolve()
    assert path.read_bytes() == PDF
    assert Path(settings.REQUEST_ATTACHMENTS_ROOT).resolve() in path.parents
    for root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert Path(root).resolve() not in path.parents


def test_only_the_drafts_author_attaches(applicant, security_staff):
    request = filed(applicant)
    with pytest.raises(RuleViolation, match="author"):
        request_attach(request=request, by=security_staff, kind="other", upload=pdf())
    request_submit(request=request, by=applicant)
    request = FootageRequest.objects.get(pk=request.pk)
    with pytest.raises(RuleViolation, match="author"):
        request_attach(request=request, by=applicant, kind="other", upload=pdf())
