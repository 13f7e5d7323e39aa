"""PIPL, M-3.3.1(1): ID numbers masked in the register, CSV and API; the full number only for
the security office and audited; a classified request neither listed, counted, exported nor
served to those outside its circle; another department's head gets 404."""

import pytest

from apps.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import VALID_ID, applicant_in, filed, internal_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_(applicant):
    return {
        "open": filed(applicant, submit=True, handler_name="Open Handler"),
        "secret": filed(applicant, classified=True, submit=True, handler_name="Secret Handler"),
    }


def test_masked_in_pages_csv_and_api(client, requests_, security_staff):
    client.force_login(security_staff)
    pk = requests_["open"].pk
    for url in (
        f"/requests/{pk}/",
        "/requests/?format=csv",
        "/api/requests/",
        f"/api/requests/{pk}/",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert VALID_ID.encode() not in body, url
    assert client.get(f"/api/requests/{pk}/").json()["handler_id_masked"] == "1101**********002X"


def test_the_full_number_is_shown_to_the_security_office_and_audited(
    client, requests_, security_staff, applicant
):
    pk = requests_["open"].pk
    client.force_login(applicant)
    assert client.post(f"/requests/{pk}/handler-id/").status_code == 403
    client.force_login(security_staff)
    response = client.post(f"/requests/{pk}/handler-id/")
    assert VALID_ID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.actor_id, event.target_id) == (
        "requests.handler_id_reveal",
        security_staff.pk,
        str(pk),
    )


def test_a_classified_request_does_not_exist_for_outsiders(client, requests_, security_staff):
    secret = requests_["secret"]
    client.force_login(security_staff)
    page = client.get("/requests/").content.decode()
    assert "Open Handler" in page and "Secret Handler" not in page
    csv = b"".join(client.get("/requests/?format=csv").streaming_content).decode()
    assert "Open Handler" in csv and "Secret Handler" not in csv
    api = client.get("/api/requests/").json()
    assert api["count"] == 1 and [r["id"] for r in api["results"]] == [requests_["open"].pk]
    assert client.get(f"/requests/{secret.pk}/").status_code == 404
    assert client.get(f"/api/requests/{secret.pk}/").status_code == 404
    assert client.get(f"/api/requests/?number={secret.number}").json()["count"] == 0
    assert client.post(f"/requests/{secret.pk}/handler-id/").status_code == 404


def test_the_security_chief_and_the_route_see_it(
    client, requests_, security_chief, department_head
):
    secret = requests_["secret"]
    verified_login(client, security_chief)
    assert client.get("/api/requests/").json()["count"] == 2
    assert "涉密案(事)件" in client.get(f"/requests/{secret.pk}/").content.decode()
    client.force_login(department_head)
    assert client.get(f"/requests/{secret.pk}/").status_code == 200


def test_another_departments_head_gets_404(client, requests_):
    head = UserFactory(
        username="head-elsewhere",
        roles=["department_head"],
        department=internal_department("Library"),
    )
    client.force_login(head)
    assert client.get(f"/requests/{requests_['open'].pk}/").status_code == 404
    assert client.get("/api/requests/").json()["count"] == 0
    assert client.get("/requests/queue/").status_code == 200


def test_the_queue_page_lists_what_waits_for_me(client, requests_, department_head):
    elsewhere = filed(
        applicant_in(internal_department("Library"), "lib-applicant"),
        submit=True,
        handler_name="Library Handler",
    )
    client.force_login(department_head)
    text = client.get("/requests/queue/").content.decode()
    assert requests_["open"].number in text and elsewhere.number not in text
