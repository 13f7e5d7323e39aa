"""M-1.2 (GB/T 22239 level 3: system, security and audit administrators apart): role
combinations that break the separation are refused by the service, whoever asks; nobody
changes their own roles; every assignment is audited with before/after."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role, User
from apps.accounts.services import user_create, user_roles_assign
from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from tests.factories import DepartmentFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

COLLEGE_ROLES = [r for r in Role.values if r != Role.VENDOR_ENGINEER]


def _roles(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


@pytest.mark.parametrize(
    "other",
    [r for r in Role.values if r not in (Role.AUDITOR, Role.APPLICANT, Role.VENDOR_ENGINEER)],
)
def test_auditor_with_an_office_role_is_refused(security_chief, other):
    person = UserFactory(roles=[Role.AUDITOR])
    with pytest.raises(RuleViolation, match="auditor may hold no other"):
        user_roles_assign(by=security_chief, user=person, roles=[Role.AUDITOR, other])
    assert _roles(person) == {Role.AUDITOR}
    assert not AuditEvent.objects.filter(action="accounts.roles_assign").exists()


def test_auditor_may_also_be_an_applicant(security_chief):
    person = UserFactory(roles=[Role.AUDITOR])
    user_roles_assign(by=security_chief, user=person, roles=[Role.AUDITOR, Role.APPLICANT])
    assert _roles(person) == {Role.AUDITOR, Role.APPLICANT}


@pytest.mark.parametrize("other", COLLEGE_ROLES)
def test_vendor_engineer_with_a_college_role_is_refused(security_chief, vendor_engineer, other):
    with pytest.raises(RuleViolation, match="vendor engineer may hold no other role"):
        user_roles_assign(
            by=security_chief, user=vendor_engineer, roles=[Role.VENDOR_ENGINEER, other]
        )
    assert _roles(vendor_engineer) == {Role.VENDOR_ENGINEER}


def test_vendor_engineer_must_belong_to_a_vendor(security_chief):
    person = UserFactory(roles=[], department=DepartmentFactory(name="Library"))
    with pytest.raises(RuleViolation, match="maintenance vendor"):
        user_roles_assign(by=security_chief, user=person, roles=[Role.VENDOR_ENGINEER])
    assert _roles(person) == set()


def test_user_create_applies_the_same_rules_and_writes_nothing():
    with pytest.raises(RuleViolation, match="auditor may hold no other"):
        user_create(
            by=None, username="both", password="x" * 12, roles=[Role.AUDITOR, Role.SECURITY_CHIEF]
        )
    with pytest.raises(RuleViolation, match="vendor engineer may hold no other role"):
        user_create(
            by=None,
            username="both2",
            password="x" * 12,
            roles=[Role.VENDOR_ENGINEER, Role.DUTY_OPERATOR],
            department=VendorFactory(),
        )
    assert not User.objects.filter(username__in=["both", "both2"]).exists()
    assert not AuditEvent.objects.filter(action="accounts.user_create").exists()


def test_chief_cannot_change_his_own_roles(security_chief):
    with pytest.raises(RuleViolation, match="their own roles"):
        user_roles_assign(
            by=security_chief, user=security_chief, roles=[Role.SECURITY_CHIEF, Role.SECURITY_STAFF]
        )
    assert _roles(security_chief) == {Role.SECURITY_CHIEF}


def test_only_an_administrator_assigns_roles(duty_operator, auditor):
    with pytest.raises(RuleViolation, match="Only the security chief"):
        user_roles_assign(by=duty_operator, user=auditor, roles=[Role.APPLICANT])
    assert _roles(auditor) == {Role.AUDITOR}


def test_assignment_is_audited_with_before_and_after(security_chief, duty_operator):
    user_roles_assign(
        by=security_chief, user=duty_operator, roles=[Role.DUTY_OPERATOR, Role.SECURITY_STAFF]
    )
    event = AuditEvent.objects.get(action="accounts.roles_assign")
    assert event.actor == security_chief and event.target_id == str(duty_operator.pk)
    assert event.clause == "M-1.2"
    assert event.data == {"before": ["duty_operator"], "after": ["duty_operator", "security_staff"]}
    assert _roles(duty_operator) == {Role.DUTY_OPERATOR, Role.SECURITY_STAFF}


# --- the admin goes through the same service


@pytest.fixture
def chief_client(client, security_chief):
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _admin_post(client, person, roles):
    page = client.get(f"/admin/accounts/user/{person.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"groups": [g.pk for g in roles], "is_active": "on"})
    data.pop("password", None)
    return client.post(f"/admin/accounts/user/{person.pk}/change/", data)


def _groups(*names):
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names))


def test_admin_refuses_the_chief_giving_himself_the_auditor_role(chief_client, security_chief):
    response = _admin_post(chief_client, security_chief, _groups(Role.SECURITY_CHIEF, Role.AUDITOR))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["groups"]
    assert any("auditor may hold no other" in e for e in errors)
    assert _roles(security_chief) == {Role.SECURITY_CHIEF}
    assert chief_client.get("/audit/").status_code == 403
    assert not AuditEvent.objects.filter(
        action__in=["accounts.roles_assign", "accounts.user_update"]
    ).exists()


def test_admin_refuses_the_chief_changing_his_own_roles(chief_client, security_chief):
    response = _admin_post(
        chief_client, security_chief, _groups(Role.SECURITY_CHIEF, Role.SECURITY_STAFF)
    )
    assert response.status_code == 200
    assert any("their own roles" in e for e in response.context["adminform"].form.errors["groups"])
    assert _roles(security_chief) == {Role.SECURITY_CHIEF}


def test_admin_refuses_vendor_engineer_plus_college_role(chief_client, vendor_engineer):
    response = _admin_post(
        chief_client, vendor_engineer, _groups(Role.VENDOR_ENGINEER, Role.DUTY_OPERATOR)
    )
    assert response.status_code == 200
    assert "vendor engineer may hold no other role" in response.content.decode()
    assert _roles(vendor_engineer) == {Role.VENDOR_ENGINEER}


def test_admin_assignment_goes_through_the_service_and_is_audited(
    chief_client, security_chief, auditor
):
    response = _admin_post(chief_client, auditor, _groups(Role.AUDITOR, Role.APPLICANT))
    assert response.status_code == 302
    assert _roles(auditor) == {Role.AUDITOR, Role.APPLICANT}
    event = AuditEvent.objects.get(action="accounts.roles_assign")
    assert event.actor == security_chief
    assert event.data == {"before": ["auditor"], "after": ["applicant", "auditor"]}
