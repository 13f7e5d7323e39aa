"""M-3.5, M-3.3: filing a request checks what is typed; who files which type; a classified
request's reason reads 涉密案(事)件; the ID number is encrypted at rest."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.requests.inputs import span_warnings
from apps.requests.models import CLASSIFIED_REASON, FootageRequest
from tests.factories import CameraFactory
from tests.requests.helpers import VALID_ID, filed

pytestmark = pytest.mark.django_db


def test_applicant_files_an_internal_draft(applicant, department):
    request = filed(applicant, cameras=[CameraFactory(code="LIB-1")])
    assert request.state == FootageRequest.State.DRAFT
    assert request.department == department
    assert request.applying_unit == department.name
    assert [c.code for c in request.cameras.all()] == ["LIB-1"]
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause) == ("requests.request_file", "M-3.5")
    assert VALID_ID not in str(event.data)


def test_the_span_is_kept_to_the_minute(applicant):
    moment = timezone.now().replace(second=37, microsecond=5) - timedelta(days=1)
    request = filed(applicant, span_from=moment - timedelta(hours=1), span_to=moment)
    assert request.span_to.second == 0 and request.span_to.microsecond == 0


@pytest.mark.parametrize(
    ("shift_from", "shift_to", "message"),
    [
        (timedelta(hours=-1), timedelta(hours=-2), "start before it ends"),
        (timedelta(hours=-1), timedelta(hours=-1), "start before it ends"),
        (timedelta(hours=-1), timedelta(hours=2), "future"),
    ],
)
def test_bad_spans_are_refused(applicant, shift_from, shift_to, message):
    now = timezone.now()
    with pytest.raises(RuleViolation, match=message):
        filed(applicant, span_from=now + shift_from, span_to=now + shift_to)
    assert not FootageRequest.objects.exists()


def test_old_footage_is_warned_not_refused(applicant, settings):
    settings.FOOTAGE_RETENTION_DAYS = 30
    now = timezone.now()
    assert span_warnings(now - timedelta(days=29), now=now) == []
    warning = span_warnings(now - timedelta(days=31), now=now)
    assert "30 days" in warning[0] and "may already be gone" in warning[0]
    filed(applicant, span_from=now - timedelta(days=31), span_to=now - timedelta(days=30))


def test_a_classified_reason_reads_only_the_forms_words(applicant):
    request = filed(applicant, classified=True, reason="Name of the suspect: ...")
    assert request.reason == CLASSIFIED_REASON == "涉密案(事)件"
    # The audit chain (auditors read it) keeps neither its cameras nor its span.
    data = AuditEvent.objects.latest("sequence").data
    assert data["classified"] is True and "cameras" not in data and "span" not in data
    assert "suspect" not in str(data)


def test_the_id_number_is_encrypted_at_rest(applicant):
    request = filed(applicant)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT handler_id_number FROM footage_requests_footagerequest WHERE id = %s",
            [request.pk],
        )
        stored = cursor.fetchone()[0]
    assert VALID_ID not in stored and stored.startswith("gAAAA")
    assert FootageRequest.objects.get(pk=request.pk).handler_id_number == VALID_ID
    assert request.handler_id_masked == "1101**********002X"


def test_bad_id_number_is_refused(applicant):
    with pytest.raises(RuleViolation, match="check digit"):
        filed(applicant, handler_id_number="110105194912310021")


@pytest.mark.parametrize("requester_type", ["law_enforcement", "external"])
def test_an_applicant_cannot_file_for_outside_units(applicant, requester_type):
    with pytest.raises(RuleViolation, match="cannot file"):
        filed(applicant, requester_type)


@pytest.mark.parametrize("requester_type", ["internal", "student"])
def test_security_staff_file_only_for_outside_units(security_staff, requester_type):
    with pytest.raises(RuleViolation, match="cannot file"):
        filed(security_staff, requester_type)
    assert filed(security_staff, "law_enforcement").filed_by == security_staff


def test_no_camera_no_request(applicant):
    with pytest.raises(RuleViolation, match="at least one camera"):
        filed(applicant, cameras=[])


def test_a_decommissioned_camera_cannot_be_asked_for(applicant):
    with pytest.raises(RuleViolation, match="not in the registry"):
        filed(applicant, cameras=[CameraFactory(status="decommissioned")])


def test_nul_in_text_is_refused(applicant):
    with pytest.raises(RuleViolation, match="NUL"):
        filed(applicant, place_detail="door\x00")
