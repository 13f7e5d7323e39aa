"""M-3.5: the filer corrects a draft with the same checks as filing; the stored ID number is
never shown back (an empty field keeps it); a submitted request no longer changes."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.requests.models import FootageRequest
from apps.requests.services import request_submit, request_update
from tests.factories import CameraFactory
from tests.requests.helpers import VALID_ID, filed

pytestmark = pytest.mark.django_db


def _fields(request, **changes) -> dict:
    return {
        "requester_type": request.requester_type,
        "applying_unit": request.applying_unit,
        "handler_name": request.handler_name,
        "handler_id_type": request.handler_id_type,
        "handler_id_number": "",
        "mode": request.mode,
        "cameras": list(request.cameras.all()),
        "place_detail": request.place_detail,
        "span_from": request.span_from,
        "span_to": request.span_to,
        "reason": request.reason,
        "classified": request.classified,
        "special": request.special,
        **changes,
    }


def test_the_filer_corrects_a_draft(applicant):
    request = filed(applicant)
    other = CameraFactory(code="GATE-2")
    request = request_update(
        request=request, by=applicant, **_fields(request, mode="copy", cameras=[other])
    )
    assert request.mode == "copy" and [c.code for c in request.cameras.all()] == ["GATE-2"]
    assert FootageRequest.objects.get(pk=request.pk).handler_id_number == VALID_ID  # kept
    event = AuditEvent.objects.latest("sequence")
    assert event.action == "requests.request_update" and event.data["changed"] == [
        "mode",
        "cameras",
    ]


def test_the_same_checks_as_filing(applicant):
    request = filed(applicant)
    with pytest.raises(RuleViolation, match="check digit"):
        request_update(
            request=request,
            by=applicant,
            **_fields(request, handler_id_number="110105194912310021"),
        )
    with pytest.raises(RuleViolation, match="start before it ends"):
        request_update(request=request, by=applicant, **_fields(request, span_to=request.span_from))


def test_a_submitted_request_is_fixed(applicant):
    request = filed(applicant)
    request_submit(request=request, by=applicant)
    request = FootageRequest.objects.get(pk=request.pk)
    with pytest.raises(RuleViolation, match="author"):
        request_update(request=request, by=applicant, **_fields(request, mode="copy"))


def test_the_edit_page_never_shows_the_number(client, applicant, security_staff):
    request = filed(applicant)
    client.force_login(applicant)
    page = client.get(f"/requests/{request.pk}/edit/").content.decode()
    assert VALID_ID not in page and "Bicycle stolen" in page
    client.force_login(security_staff)
    assert client.get(f"/requests/{request.pk}/edit/").status_code == 404
