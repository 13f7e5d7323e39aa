"""M-3.3: delegation while an approver is away — who may stand in for whom, when, and what
the decision then records ("X for Y (delegation #n)")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.requests.delegation import delegation_record, delegation_revoke
from apps.requests.models import ApprovalDelegation, FootageRequest, RequestStep
from apps.requests.selectors import request_actions, request_list, request_queue
from apps.requests.services import request_decide
from tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory
from tests.requests.helpers import applicant_in, filed

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _people(department) -> dict:
    other = DepartmentFactory(name="School of Arts", kind="internal")
    return {
        "head": UserFactory(username="head", roles=["department_head"], department=department),
        "deputy": UserFactory(username="deputy", roles=["applicant"], department=department),
        "outsider": UserFactory(username="outsider", roles=["applicant"], department=other),
        "other_head": UserFactory(username="ohead", roles=["department_head"], department=other),
        "chief": UserFactory(username="chief", roles=["security_chief"]),
        "staff": UserFactory(username="staff", roles=["security_staff"]),
        "lic": UserFactory(username="lic", roles=["leader_in_charge"]),
        "pl": UserFactory(username="pl", roles=["principal_leader"]),
        "custodian": UserFactory(username="cust", roles=["footage_custodian"]),
        "gone": UserFactory(username="gone", roles=["security_staff"], is_active=False),
    }


def _record(people, by, principal, delegate, role, *, start=None, end=None, reason="On leave"):
    now = timezone.now()
    return delegation_record(
        by=people[by],
        principal=people[principal],
        delegate=people[delegate],
        role=role,
        starts_at=start if start is not None else now,
        ends_at=end if end is not None else now + 24 * HOUR,
        reason=reason,
    )


# by, principal, delegate, role, refusal (a fragment of the sentence) or "" for recorded
CASES = [
    ("head", "head", "deputy", "department_head", ""),
    ("chief", "head", "deputy", "department_head", ""),
    ("head", "head", "outsider", "department_head", "same department"),
    ("head", "head", "other_head", "department_head", "same department"),
    ("head", "head", "head", "department_head", "to oneself"),
    ("deputy", "head", "deputy", "department_head", "themselves or the security chief"),
    ("staff", "chief", "staff", "security_chief", "themselves or the security chief"),
    ("chief", "chief", "staff", "security_chief", ""),
    ("chief", "chief", "custodian", "security_chief", "only to security staff"),
    ("chief", "chief", "gone", "security_chief", "not active"),
    ("lic", "lic", "pl", "leader_in_charge", ""),
    ("pl", "pl", "lic", "principal_leader", ""),
    ("lic", "lic", "chief", "leader_in_charge", "another college leader"),
    ("chief", "lic", "deputy", "leader_in_charge", "another college leader"),
    ("head", "head", "deputy", "leader_in_charge", "in their own right"),
    ("chief", "staff", "chief", "security_staff", "Only a department head's"),
    ("chief", "deputy", "head", "applicant", "Only a department head's"),
]


@pytest.mark.parametrize(("by", "principal", "delegate", "role", "refusal"), CASES)
def test_who_may_delegate_to_whom(department, by, principal, delegate, role, refusal):
    people = _people(department)
    events = AuditEvent.objects.count()
    if refusal:
        with pytest.raises(RuleViolation, match=refusal):
            _record(people, by, principal, delegate, role)
        assert not ApprovalDelegation.objects.exists()
        assert AuditEvent.objects.count() == events
        return
    delegation = _record(people, by, principal, delegate, role)
    assert (delegation.principal, delegation.delegate, delegation.role) == (
        people[principal],
        people[delegate],
        role,
    )
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.clause) == ("requests.delegation_record", "M-3.3")
    assert event.data["delegate"] == people[delegate].pk
    assert Notification.objects.filter(
        recipient=people[delegate], kind="requests.delegation_record"
    ).exists()


LIC_TO_PL = ("lic", "lic", "pl", "leader_in_charge")
PL_TO_LIC = ("pl", "pl", "lic", "principal_leader")
HEAD_TO_DEPUTY = ("head", "head", "deputy", "department_head")


@pytest.mark.parametrize(
    ("first", "second", "refusal"),
    [
        # the delegate is away then too: no swap of two leaders away at once
        (LIC_TO_PL, PL_TO_LIC, "away then too"),
        (PL_TO_LIC, LIC_TO_PL, "away then too"),
        # one delegate per approver and role at a time (the chief for the head, too)
        (HEAD_TO_DEPUTY, ("chief", "head", "deputy", "department_head"), "already has"),
    ],
)
def test_no_chain_and_no_overlap(department, first, second, refusal):
    people = _people(department)
    _record(people, *first)
    with pytest.raises(RuleViolation, match=refusal):
        _record(people, *second)
    assert ApprovalDelegation.objects.count() == 1


def test_a_delegate_cannot_pass_it_on(department):
    """pl stands in for lic; pl then going away gives only pl's own role, and the one who
    acts for lic cannot record lic's role for anyone (they do not hold it)."""
    people = _people(department)
    _record(people, "lic", "lic", "pl", "leader_in_charge")
    people["lic2"] = UserFactory(username="lic2", roles=["leader_in_charge"])
    with pytest.raises(RuleViolation, match="in their own right"):
        _record(people, "pl", "pl", "lic2", "leader_in_charge")
    # An approver who acts for someone now is not away at the same time.
    start = timezone.now() + HOUR
    with pytest.raises(RuleViolation, match="acts for someone else"):
        _record(people, "pl", "pl", "lic2", "principal_leader", start=start)


def test_period_is_checked(department):
    people = _people(department)
    now = timezone.now()
    with pytest.raises(RuleViolation, match="end after it starts"):
        _record(
            people,
            "head",
            "head",
            "deputy",
            "department_head",
            start=now + 2 * HOUR,
            end=now + HOUR,
        )
    with pytest.raises(RuleViolation, match="already be over"):
        _record(
            people,
            "head",
            "head",
            "deputy",
            "department_head",
            start=now - 3 * HOUR,
            end=now - HOUR,
        )
    with pytest.raises(RuleViolation, match="reason"):
        _record(people, "head", "head", "deputy", "department_head", reason="  ")
    # A start in the past is recorded as now: decisions already taken were nobody's.
    delegation = _record(people, "head", "head", "deputy", "department_head", start=now - 5 * HOUR)
    assert delegation.starts_at >= now
    assert not ApprovalDelegation.objects.exclude(pk=delegation.pk).exists()  # fmt: skip


def test_the_deputy_sees_and_decides_the_heads_step_while_it_lasts(department, applicant):
    people = _people(department)
    request = filed(applicant, submit=True)  # internal: department head → security chief
    deputy = people["deputy"]
    assert not request_list(user=deputy).filter(pk=request.pk).exists()
    assert "decide" not in request_actions(user=deputy, request=request)
    delegation = _record(people, "head", "head", "deputy", "department_head")
    assert request_queue(user=deputy).filter(pk=request.pk).exists()
    request = request_decide(request=request, by=deputy, approve=True, comment="for the head")
    step = request.steps.get(order=1)
    assert (step.state, step.decided_by, step.on_behalf_of, step.delegation) == (
        RequestStep.State.APPROVED,
        deputy,
        people["head"],
        delegation,
    )
    assert step.decided_by_label == f"{deputy} for {people['head']} (delegation #{delegation.pk})"
    event = AuditEvent.objects.filter(action="requests.step_approve").latest("id")
    assert event.data["delegation"] == delegation.pk
    assert event.data["on_behalf_of"] == people["head"].pk
    # Once it is over the deputy still sees what they signed, but decides nothing more.
    delegation_revoke(delegation=delegation, by=people["head"])
    later = filed(applicant, submit=True)
    assert request_list(user=deputy).filter(pk=request.pk).exists()
    assert not request_list(user=deputy).filter(pk=later.pk).exists()
    with pytest.raises(RuleViolation, match="not waiting for your decision"):
        request_decide(request=later, by=deputy, approve=True)


def test_another_departments_request_is_not_the_deputys(department, applicant):
    people = _people(department)
    outsider_applicant = applicant_in(people["outsider"].department, username="arts-applicant")
    theirs = filed(outsider_applicant, submit=True)
    _record(people, "head", "head", "deputy", "department_head")
    assert not request_list(user=people["deputy"]).filter(pk=theirs.pk).exists()
    assert "decide" not in request_actions(user=people["deputy"], request=theirs)


def test_an_upcoming_delegation_gives_nothing_yet(department, applicant):
    people = _people(department)
    request = filed(applicant, submit=True)
    now = timezone.now()
    _record(
        people, "head", "head", "deputy", "department_head", start=now + HOUR, end=now + 5 * HOUR
    )
    assert "decide" not in request_actions(user=people["deputy"], request=request)


def test_a_delegate_never_signs_two_steps_of_one_request(department, applicant):
    """A copy needs the leader-in-charge and then the principal leader (M-3.3.5): the
    leader-in-charge standing in for the principal leader does not sign both."""
    people = _people(department)
    request = filed(applicant, "student", mode="copy", submit=True)
    request = request_decide(request=request, by=people["chief"], approve=True)
    _record(people, "pl", "pl", "lic", "principal_leader")
    request = request_decide(
        request=request, by=people["lic"], approve=True, password=TEST_PASSWORD
    )
    assert request.steps.get(order=3).state == RequestStep.State.PENDING
    assert "decide" in request_actions(user=people["lic"], request=request)
    with pytest.raises(RuleViolation, match="never signs two steps"):
        request_decide(request=request, by=people["lic"], approve=True, password=TEST_PASSWORD)
    # A leader's step asks the delegate's own password as a signature.
    people["pl2"] = UserFactory(username="pl2", roles=["principal_leader"])
    with pytest.raises(RuleViolation, match="password"):
        request_decide(request=request, by=people["pl2"], approve=True, password="wrong")
    request = request_decide(
        request=request, by=people["pl2"], approve=True, password=TEST_PASSWORD
    )
    assert request.state == FootageRequest.State.APPROVED


def test_the_delegate_is_told_when_the_step_waits(department, applicant):
    people = _people(department)
    _record(people, "head", "head", "deputy", "department_head")
    filed(applicant, submit=True)
    assert Notification.objects.filter(
        recipient=people["deputy"], kind="requests.decision_waiting"
    ).exists()


def test_revoking(department):
    people = _people(department)
    delegation = _record(people, "head", "head", "deputy", "department_head")
    with pytest.raises(RuleViolation, match="revokes a delegation"):
        delegation_revoke(delegation=delegation, by=people["deputy"])
    delegation_revoke(delegation=delegation, by=people["chief"])
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.clause) == ("requests.delegation_revoke", "M-3.3")
    with pytest.raises(RuleViolation, match="already over or revoked"):
        delegation_revoke(delegation=delegation, by=people["head"])
    # Revoked, it blocks nothing: a new delegation may be recorded.
    _record(people, "head", "head", "deputy", "department_head")
