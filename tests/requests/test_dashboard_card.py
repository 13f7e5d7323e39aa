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
