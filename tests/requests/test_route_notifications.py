"""Issue 17 (M-3.3): along the route the next approver and, at the end, the applicant are
told in-app (and on the configured channels) with a deep link to the request; a department
head hears only of their own department's requests."""

import pytest

from apps.core.models import Notification
from apps.requests.services import request_decide
from tests.factories import TEST_PASSWORD, UserFactory
from tests.requests.helpers import filed, internal_department

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def test_each_next_approver_then_the_applicant_is_told(
    client, applicant, department_head, security_chief, leader_in_charge, principal_leader
):
    other_head = UserFactory(
        username="head2", roles=["department_head"], department=internal_department("Law")
    )
    request = filed(applicant, mode="copy", submit=True)
    [note] = Notification.objects.filter(recipient=department_head)
    assert request.number in note.title and "waits for your decision" in note.title
    assert note.url == f"/requests/{request.pk}/"
    assert not Notification.objects.filter(recipient__in=[other_head, security_chief]).exists()

    request = request_decide(request=request, by=department_head, approve=True)
    assert len(_titles(security_chief)) == 1 and not _titles(leader_in_charge)
    request = request_decide(request=request, by=security_chief, approve=True)
    request = request_decide(
        request=request, by=leader_in_charge, approve=True, password=TEST_PASSWORD
    )
    assert len(_titles(principal_leader)) == 1
    assert not _titles(applicant)
    request_decide(request=request, by=principal_leader, approve=True, password=TEST_PASSWORD)
    assert _titles(applicant) == [f"Footage request {request.number} is approved"]
    # The deep link opens the request for the applicant.
    client.force_login(applicant)
    url = Notification.objects.get(recipient=applicant).url
    assert request.number in client.get(url).content.decode()


def test_a_rejection_tells_the_applicant_and_no_later_approver(
    applicant, department_head, security_chief
):
    request = filed(applicant, submit=True)
    request_decide(request=request, by=department_head, approve=False, comment="Not our case")
    assert _titles(applicant) == [f"Footage request {request.number} is rejected"]
    assert not _titles(security_chief)
