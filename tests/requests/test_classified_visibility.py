"""M-3.3.1(1), PIPL: a classified request is seen only by its applicant, the approvers on its
route, its custodian and the security chief; for everyone else it does not exist (lists,
counts, detail, API). Department heads see their own department's requests only."""

import pytest

from apps.requests.selectors import request_list
from tests.factories import UserFactory
from tests.requests.helpers import applicant_in, filed, internal_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(applicant):
    return {
        "open": filed(applicant, submit=True),
        "secret": filed(applicant, classified=True, submit=True),
    }


def _seen(user):
    return set(request_list(user=user).values_list("reason", flat=True))


def test_who_sees_a_classified_request(
    cases,
    applicant,
    department_head,
    security_chief,
    security_staff,
    custodian,
    auditor,
    leader_in_charge,
):
    secret = cases["secret"]
    assert request_list(user=applicant).count() == 2
    assert request_list(user=department_head).count() == 2  # on its route
    assert request_list(user=security_chief).count() == 2
    for outsider in (security_staff, custodian, auditor):
        assert list(request_list(user=outsider)) == [cases["open"]], outsider
        assert "涉密案(事)件" not in _seen(outsider)
    # A leader sees the requests on their route only: neither of these.
    assert not request_list(user=leader_in_charge).exists()
    secret.custodian = custodian
    secret.save(update_fields=["custodian"])
    assert request_list(user=custodian).count() == 2  # the assigned custodian


def test_a_classified_copy_is_seen_by_the_leaders_on_its_route(
    applicant, leader_in_charge, principal_leader, auditor
):
    secret = filed(applicant, classified=True, mode="copy", submit=True)
    assert list(request_list(user=leader_in_charge)) == [secret]
    assert list(request_list(user=principal_leader)) == [secret]
    assert not request_list(user=auditor).exists()


def test_department_heads_see_their_own_department_only(cases, department_head):
    elsewhere = applicant_in(internal_department("Library"), "applicant-lib")
    theirs = filed(elsewhere, submit=True)
    other_head = UserFactory(
        username="head-lib", roles=["department_head"], department=elsewhere.department
    )
    assert theirs not in request_list(user=department_head)
    assert list(request_list(user=other_head)) == [theirs]


def test_drafts_are_their_authors_own(applicant, security_chief, department_head):
    draft = filed(applicant)
    assert list(request_list(user=applicant)) == [draft]
    assert not request_list(user=security_chief).exists()
    assert not request_list(user=department_head).exists()


def test_roles_without_request_pages_see_nothing(cases, duty_operator, vendor_engineer):
    assert not request_list(user=duty_operator).exists()
    assert not request_list(user=vendor_engineer).exists()
