"""M-3.3: delegations in the pages and the API — recording (the chief for anyone, an approver
for themselves), refusals as sentences with the form kept, the delegate deciding from the
request page, "X for Y (delegation #n)" on the request, in the access register and the API;
a fixed number of queries for the register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.requests.delegation import delegation_record
from apps.requests.models import ApprovalDelegation, RequestStep
from apps.requests.services import request_custodian_assign, request_decide, retrieval_record
from tests.core.query_counts import queries_and_rows
from tests.factories import UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _form(principal, delegate, *, role="department_head", hours=24, reason="Abroad") -> dict:
    now = timezone.now()
    return {
        "principal": principal.pk,
        "role": role,
        "delegate": delegate.pk,
        "starts_at": _local(now),
        "ends_at": _local(now + timedelta(hours=hours)),
        "reason": reason,
    }


@pytest.fixture
def deputy(department):
    return UserFactory(username="deputy", roles=["applicant"], department=department)


def test_the_chief_records_for_a_head_and_the_page_shows_it(
    client, security_chief, department_head, deputy
):
    verified_login(client, security_chief)
    response = client.post("/requests/delegations/new/", _form(department_head, deputy))
    delegation = ApprovalDelegation.objects.get()
    assert response.status_code == 302 and response.url == f"/requests/delegations/{delegation.pk}/"
    page = client.get(response.url).content.decode()
    assert str(deputy) in page and "in effect" in page and "revoke-form" in page
    listing = client.get("/requests/delegations/").content.decode()
    assert f"Delegation #{delegation.pk}" in listing
    csv = b"".join(client.get("/requests/delegations/?format=csv").streaming_content).decode()
    assert "Abroad" in csv and str(department_head) in csv
    assert client.post(f"/requests/delegations/{delegation.pk}/revoke/").status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_by == security_chief


def test_a_refusal_is_a_sentence_and_keeps_the_form(client, department_head):
    outsider = UserFactory(username="outsider", roles=["applicant"])
    client.force_login(department_head)
    response = client.post(
        "/requests/delegations/new/", _form(department_head, outsider, reason="Training week")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "only to a member of the same department" in body
    assert "Training week" in body
    assert not ApprovalDelegation.objects.exists()


def test_only_the_chief_records_for_someone_else(client, department_head, deputy):
    other_head = UserFactory(username="head2", roles=["department_head"])
    client.force_login(department_head)
    assert client.post("/requests/delegations/new/", _form(other_head, deputy)).status_code == 403
    assert not ApprovalDelegation.objects.exists()


def test_the_deputy_decides_on_the_page_and_the_signature_shows_everywhere(
    client, applicant, department_head, deputy, security_chief, custodian
):
    request = filed(applicant, submit=True)
    delegation = delegation_record(
        by=department_head,
        principal=department_head,
        delegate=deputy,
        role="department_head",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=1),
        reason="Abroad",
    )
    client.force_login(deputy)
    assert request.number in client.get("/requests/queue/").content.decode()
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="decide-form"' in page
    response = client.post(
        f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": "for the head"}
    )
    assert response.status_code == 302
    signature = f"{deputy} for {department_head} (delegation #{delegation.pk})"
    step = request.steps.get(order=1)
    assert step.state == RequestStep.State.APPROVED and step.decided_by_label == signature
    assert signature in client.get(f"/requests/{request.pk}/").content.decode()

    request = request_decide(request=request, by=security_chief, approve=True)
    request = request_custodian_assign(request=request, by=security_chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="NAS",
    )
    verified_login(client, security_chief)
    register = client.get("/requests/access-register/?format=csv")
    assert signature in b"".join(register.streaming_content).decode()
    detail = client.get(f"/api/requests/{request.pk}/").json()
    first = detail["steps"][0]
    assert first["decided_by_label"] == signature
    assert (first["on_behalf_of"], first["delegation"]) == (department_head.pk, delegation.pk)
    delegation_page = client.get(f"/requests/delegations/{delegation.pk}/").content.decode()
    assert request.number in delegation_page


def test_the_api_records_refuses_and_revokes(client, security_chief, department_head, deputy):
    verified_login(client, security_chief)
    now = timezone.now()
    body = {
        "principal": department_head.pk,
        "role": "department_head",
        "delegate": deputy.pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
        "reason": "Conference",
    }
    created = client.post("/api/requests/delegations/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "active"
    again = client.post("/api/requests/delegations/", body, content_type="application/json")
    assert again.status_code == 400
    assert "already has a delegation of this role" in again.content.decode()
    self_body = {**body, "delegate": department_head.pk}
    to_self = client.post("/api/requests/delegations/", self_body, content_type="application/json")
    assert to_self.status_code == 400 and "to oneself" in to_self.content.decode()
    listed = client.get("/api/requests/delegations/").json()
    assert listed["count"] == 1
    pk = created.json()["id"]
    revoked = client.post(f"/api/requests/delegations/{pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    # The deputy sees the delegation they held; another head does not.
    client.force_login(deputy)
    assert client.get("/api/requests/delegations/").json()["count"] == 1
    client.force_login(UserFactory(username="head2", roles=["department_head"]))
    assert client.get("/api/requests/delegations/").json()["count"] == 0
    assert client.post(f"/api/requests/delegations/{pk}/revoke/").status_code == 404


@pytest.mark.parametrize("path", ["/requests/delegations/", "/api/requests/delegations/"])
def test_the_register_costs_fixed_queries(client, security_chief, path):
    verified_login(client, security_chief)
    leaders = [UserFactory(username=f"lic{n}", roles=["leader_in_charge"]) for n in range(8)]
    now = timezone.now()

    def record(n: int):
        delegation_record(
            by=security_chief,
            principal=leaders[n],
            delegate=leaders[n + 1],
            role="leader_in_charge",
            starts_at=now + timedelta(days=3 * n),
            ends_at=now + timedelta(days=3 * n + 1),
            reason=f"Away {n}",
        )

    record(0)
    few, shown = queries_and_rows(client, path)
    assert shown == 1
    for n in range(1, 7):
        record(n)
    many, shown = queries_and_rows(client, path)
    assert (many, shown) == (few, 7)
