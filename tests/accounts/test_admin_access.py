"""M-1.1: user management in the admin is the security chief's only, and audited."""

import pytest

from apps.accounts.models import Department
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_chief(client, security_chief):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    security_chief.is_staff = True
    security_chief.save()
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # as django_otp.login does
    session.save()
    return security_chief


def test_operator_gets_a_403_not_a_login_loop(client, duty_operator):
    client.force_login(duty_operator)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


def test_chief_manages_users_and_departments_with_audit(client, verified_chief, duty_operator):
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.post(
        "/admin/accounts/department/add/", {"name": "图书馆", "kind": "internal"}
    )
    assert response.status_code == 302
    department = Department.objects.get(name="图书馆")
    event = AuditEvent.objects.get(action="accounts.department_create")
    assert event.target_id == str(department.pk) and event.actor == verified_chief
    page = client.get(f"/admin/accounts/user/{duty_operator.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "full_name": "王五",
            "groups": [g.pk for g in duty_operator.groups.all()],
            "is_active": "on",
        }
    )
    response = client.post(f"/admin/accounts/user/{duty_operator.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    change = AuditEvent.objects.get(action="accounts.user_update")
    assert change.data["changes"]["full_name"][1] == "王五"


def test_idle_session_expires(client, duty_operator, settings):
    client.force_login(duty_operator)
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    client.session.set_expiry(-1)
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302
