"""M-3.3.1(1), PIPL: the audit chain (read by auditors) keeps of a classified request's
retrieval and copies neither the cameras nor the span nor the recipient and destination; of
an ordinary one it keeps them (the evidence of M-3.4). Never the query result's text."""

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.requests.services import (
    copy_record,
    request_custodian_assign,
    request_result_report,
    retrieval_record,
)
from tests.requests.helpers import approved

pytestmark = pytest.mark.django_db


def _through_custody(applicant, chief, custodian, *, classified: bool):
    request = approved(applicant, mode="copy", classified=classified)
    request = request_custodian_assign(request=request, by=chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="Archive NAS 1",
    )
    request_result_report(request=request, by=custodian, query_result="Seen at the north gate")
    copy_record(
        request=request,
        by=custodian,
        file_name="gate.mp4",
        medium="usb",
        recipient="Officer Zhao",
        destination="City Police case 118",
        handed_over_at=timezone.now(),
        sha256="d" * 64,
    )
    return request


def _events(request) -> dict:
    return {
        event.action: event.data
        for event in AuditEvent.objects.filter(
            target_id=str(request.pk),
            action__in=[
                "requests.retrieval_record",
                "requests.result_report",
                "requests.copy_record",
            ],
        )
    }


@pytest.mark.parametrize("classified", [False, True])
def test_what_the_chain_keeps_of_custody(applicant, security_chief, custodian, classified):
    request = _through_custody(applicant, security_chief, custodian, classified=classified)
    events = _events(request)
    assert set(events) == {
        "requests.retrieval_record",
        "requests.result_report",
        "requests.copy_record",
    }
    text = str(events)
    assert "north gate" not in text  # the query result's text never
    assert events["requests.copy_record"]["sha256"] == "d" * 64
    if classified:
        assert "cameras" not in events["requests.retrieval_record"]
        assert "span" not in events["requests.retrieval_record"]
        assert "Officer Zhao" not in text and "City Police" not in text
    else:
        assert events["requests.retrieval_record"]["cameras"] == sorted(
            request.cameras.values_list("pk", flat=True)
        )
        assert events["requests.copy_record"]["destination"] == "City Police case 118"
