"""Issue 18 (M-1.1b, M-1.2): duty's shift handover lists the approved footage requests
awaiting retrieval, through the core providers (duty never imports requests), in the reader's
scope: what the retrieval card counts for them, a classified one only inside its circle."""

import pytest
from django.utils import timezone

from apps.core.providers import provided
from tests.requests.helpers import approved

pytestmark = pytest.mark.django_db


def _requests(user) -> list[dict]:
    items = provided("handover_items", user=user, at=timezone.now())
    return [item for item in items if item["source"] == "requests"]


def test_the_handover_lists_approved_requests_awaiting_retrieval(
    applicant, security_staff, custodian, duty_operator
):
    waiting = approved(applicant)
    secret = approved(applicant, classified=True)
    items = _requests(security_staff)
    assert [item["key"] for item in items] == [f"footage_request:{waiting.pk}"]
    assert waiting.number in items[0]["label"] and items[0]["url"] == waiting.get_absolute_url()
    assert f"footage_request:{secret.pk}" not in {i["key"] for i in _requests(custodian)}
    assert _requests(duty_operator) == []  # not theirs to see (retrieval_waiting)
