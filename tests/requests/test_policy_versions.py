"""M-3.3: the security chief publishes a new routing version; requests in flight keep the
version they were routed by."""

import pytest

from apps.core.exceptions import RuleViolation
from apps.requests.models import RoutingPolicy
from apps.requests.routing import DEFAULT_RULES
from apps.requests.services import request_decide, routing_policy_publish
from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db

NO_HEAD = {
    "routes": {**DEFAULT_RULES["routes"], "internal": [{"role": "security_chief"}]},
    "extra": DEFAULT_RULES["extra"],
}


def test_version_one_is_the_default_from_the_measures():
    assert RoutingPolicy.objects.get(version=1).rules == DEFAULT_RULES


def test_a_new_version_never_reroutes_a_request_in_flight(
    applicant, department_head, security_chief
):
    before = filed(applicant, submit=True)
    policy = routing_policy_publish(by=security_chief, rules=NO_HEAD, note="heads away")
    assert policy.version == 2
    after = filed(applicant, submit=True)
    assert before.policy.version == 1 and after.policy.version == 2
    assert list(before.steps.values_list("role", flat=True)) == [
        "department_head",
        "security_chief",
    ]
    assert list(after.steps.values_list("role", flat=True)) == ["security_chief"]
    before = request_decide(request=before, by=department_head, approve=True)
    assert before.steps.get(order=2).state == "pending"


def test_only_the_security_chief_publishes(security_staff):
    with pytest.raises(RuleViolation, match="Only the security chief"):
        routing_policy_publish(by=security_staff, rules=NO_HEAD)


def test_a_bad_policy_is_refused_and_nothing_published(security_chief):
    with pytest.raises(RuleViolation, match="no route for 'student'"):
        routing_policy_publish(by=security_chief, rules={"routes": {"internal": []}})
    assert RoutingPolicy.objects.count() == 1
