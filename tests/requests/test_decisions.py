"""M-3.3: each approver on the route approves or rejects with a comment, in order; the
decision is the approver's identity and time; two approvers at once leave one decision."""

import threading

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.requests.models import FootageRequest, RequestStep
from apps.requests.selectors import request_queue
from apps.requests.services import request_decide
from tests.factories import TEST_PASSWORD, UserFactory
from tests.requests.helpers import applicant_in, filed, internal_department

pytestmark = pytest.mark.django_db


def _states(request):
    return list(request.steps.values_list("role", "state"))


def test_an_internal_copy_goes_through_every_approver_in_order(
    applicant, department_head, security_chief, leader_in_charge, principal_leader
):
    request = filed(applicant, mode="copy", submit=True)
    assert _states(request) == [
        ("department_head", "pending"),
        ("security_chief", "waiting"),
        ("leader_in_charge", "waiting"),
        ("principal_leader", "waiting"),
    ]
    # Not yet their turn: the security chief cannot jump the department head.
    with pytest.raises(RuleViolation, match="not waiting for your decision"):
        request_decide(request=request, by=security_chief, approve=True)
    for approver in (department_head, security_chief):
        request = request_decide(request=request, by=approver, approve=True, comment="ok")
    request = request_decide(
        request=request, by=leader_in_charge, approve=True, password=TEST_PASSWORD
    )
    assert request.state == FootageRequest.State.IN_APPROVAL
    request = request_decide(
        request=request, by=principal_leader, approve=True, password=TEST_PASSWORD
    )
    assert request.state == FootageRequest.State.APPROVED and request.decided_at
    decided = list(request.steps.values_list("decided_by__username", "state"))
    assert decided == [
        ("head1", "approved"),
        ("chief1", "approved"),
        ("lic1", "approved"),
        ("pl1", "approved"),
    ]
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause) == ("requests.step_approve", "M-3.3")


def test_a_rejection_ends_the_route(applicant, department_head, security_chief):
    request = filed(applicant, submit=True)
    with pytest.raises(RuleViolation, match="why"):
        request_decide(request=request, by=department_head, approve=False, comment="")
    request = request_decide(
        request=request, by=department_head, approve=False, comment="Not a security matter"
    )
    assert request.state == FootageRequest.State.REJECTED
    assert _states(request) == [("department_head", "rejected"), ("security_chief", "cancelled")]
    assert request.steps.get(order=1).comment == "Not a security matter"
    with pytest.raises(RuleViolation):
        request_decide(request=request, by=security_chief, approve=True)
    assert AuditEvent.objects.latest("sequence").action == "requests.step_reject"


def test_another_departments_head_neither_decides_nor_queues(applicant):
    other_head = UserFactory(
        username="head2", roles=["department_head"], department=internal_department("Library")
    )
    request = filed(applicant, submit=True)
    assert not request_queue(user=other_head).exists()
    with pytest.raises(RuleViolation, match="not waiting for your decision"):
        request_decide(request=request, by=other_head, approve=True)


def test_the_queue_holds_what_waits_for_me(applicant, department_head, security_chief):
    request = filed(applicant, submit=True)
    assert list(request_queue(user=department_head)) == [request]
    assert not request_queue(user=security_chief).exists()
    request_decide(request=request, by=department_head, approve=True)
    assert not request_queue(user=department_head).exists()
    assert list(request_queue(user=security_chief)) == [request]


def test_nobody_approves_their_own_request(department):
    head = UserFactory(
        username="head-applicant", roles=["department_head", "applicant"], department=department
    )
    request = filed(head, submit=True)
    with pytest.raises(RuleViolation, match="they filed"):
        request_decide(request=request, by=head, approve=True)


def test_law_enforcement_starts_with_the_document_check(security_staff, leader_in_charge):
    request = filed(security_staff, "law_enforcement", submit=True)
    assert request.steps.get(order=1).kind == RequestStep.Kind.DOCUMENT_CHECK
    colleague = UserFactory(username="staff2", roles=["security_staff"])
    request = request_decide(request=request, by=colleague, approve=True, comment="Notice seen")
    request = request_decide(
        request=request, by=leader_in_charge, approve=True, password=TEST_PASSWORD
    )
    assert request.state == FootageRequest.State.APPROVED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_approvers_at_once_leave_exactly_one_decision():
    department = internal_department("Race department")
    applicant = applicant_in(department, "race-applicant")
    heads = [
        UserFactory(username=f"race-head{n}", roles=["department_head"], department=department)
        for n in range(2)
    ]
    for trial in range(8):
        request = filed(applicant, submit=True)
        start = threading.Barrier(2)
        outcomes: list = [None, None]

        def decide(n, request=request, start=start, outcomes=outcomes):
            try:
                mine = FootageRequest.objects.get(pk=request.pk)
                start.wait()
                request_decide(request=mine, by=heads[n], approve=n == 0, comment=f"head {n}")
                outcomes[n] = "decided"
            except RuleViolation as exc:
                outcomes[n] = exc.message
            finally:
                connection.close()

        threads = [threading.Thread(target=decide, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes, key=str).count("decided") == 1, (trial, outcomes)
        loser = next(o for o in outcomes if o != "decided")
        assert "a moment ago" in loser or "not waiting for your decision" in loser
        step = RequestStep.objects.get(request=request, order=1)
        assert step.state in ("approved", "rejected") and step.decided_by in heads
        events = AuditEvent.objects.filter(
            target_id=str(request.pk), action__in=["requests.step_approve", "requests.step_reject"]
        )
        assert events.count() == 1


@pytest.mark.parametrize("password", ["", "wrong password"])
def test_a_leader_signs_afresh_with_the_password(security_staff, leader_in_charge, password):
    request = filed(security_staff, "law_enforcement", submit=True)
    colleague = UserFactory(username="staff3", roles=["security_staff"])
    request = request_decide(request=request, by=colleague, approve=True, comment="Seen")
    with pytest.raises(RuleViolation, match="with your password"):
        request_decide(request=request, by=leader_in_charge, approve=True, password=password)
    assert request.steps.get(order=2).state == "pending"
