"""M-3.3: an approver's dashboard shows how many footage requests wait for their decision."""

import pytest

from tests.core.test_overview import cards
from tests.factories import UserFactory
from tests.requests.helpers import filed, internal_department

pytestmark = pytest.mark.django_db


def test_the_department_head_sees_their_waiting_requests(client, applicant, department_head):
    filed(applicant, submit=True)
    filed(applicant, submit=True)
    filed(applicant)  # a draft waits for nobody
    client.force_login(department_head)
    card = cards(client)["footage_requests_waiting"]
    assert card["count"] == "2" and card["url"] == "/requests/queue/"
    other = UserFactory(
        username="head-other", roles=["department_head"], department=internal_department("Library")
    )
    client.force_login(other)
    assert cards(client)["footage_requests_waiting"]["count"] == "0"


def test_no_card_for_those_who_decide_nothing(client, applicant):
    client.force_login(applicant)
    assert "footage_requests_waiting" not in cards(client)


def test_custodians_and_the_security_office_see_what_awaits_retrieval(
    client, settings, applicant, security_chief, custodian
):
    from datetime import timedelta

    from django.utils import timezone

    from apps.requests.models import FootageRequest
    from apps.requests.services import request_custodian_assign, retrieval_record
    from tests.patrol.helpers import verified_login
    from tests.requests.helpers import approved

    mine = request_custodian_assign(
        request=approved(applicant), by=security_chief, custodian=custodian
    )
    unassigned = approved(applicant)
    others = request_custodian_assign(
        request=approved(applicant),
        by=security_chief,
        custodian=UserFactory(username="custodian2", roles=["footage_custodian"]),
    )
    done = request_custodian_assign(
        request=approved(applicant), by=security_chief, custodian=custodian
    )
    retrieval_record(
        request=done,
        by=custodian,
        cameras=list(done.cameras.all()),
        span_from=done.span_from,
        span_to=done.span_to,
        backup_location="NAS",
    )
    expired = approved(applicant)
    FootageRequest.objects.filter(pk=expired.pk).update(
        decided_at=timezone.now() - timedelta(days=settings.FOOTAGE_APPROVAL_VALID_DAYS + 1)
    )
    filed(applicant, "student", submit=True)  # still in approval

    verified_login(client, custodian)
    card = cards(client)["footage_requests_to_retrieve"]
    # The card counts what its page lists: approved, still good, not yet retrieved.
    assert card["count"] == "3" and card["url"] == "/requests/?awaiting_retrieval=true"
    text = client.get(card["url"]).content.decode()
    assert mine.number in text and unassigned.number in text and others.number in text
    assert done.number not in text and expired.number not in text
    assert "3 records" in text
    verified_login(client, security_chief)
    assert cards(client)["footage_requests_to_retrieve"]["count"] == "3"
    client.force_login(applicant)
    assert "footage_requests_to_retrieve" not in cards(client)
