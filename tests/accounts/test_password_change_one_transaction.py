"""M-1.1a: a password change, the revocation of the person's API tokens and its audit event
commit together on every path (page, admin, service, ``manage.py changepassword``): when the
event cannot be written, the old password and the tokens stay."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from apps.accounts.services import user_password_set
from apps.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "An0ther-long-pass-phrase"


def _refuse_audit_writes(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("INSERT") and "audit_auditevent" in sql:
        raise DatabaseError("the audit table refuses writes (test)")
    return execute(sql, params, many, context)


def _unchanged(user, token) -> None:
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD) and not user.check_password(NEW_PASSWORD)
    assert Token.objects.filter(pk=token.pk).exists()
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()


def _page(client, user):
    client.force_login(user)
    return client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def _admin(client, user, chief):
    client.force_login(chief)
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )


def _command(monkeypatch, user):
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", user.username, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_page_changes_nothing_when_the_event_cannot_be_written(client, duty_operator):
    token = Token.objects.create(user=duty_operator)
    client.raise_request_exception = True
    with connection.execute_wrapper(_refuse_audit_writes), pytest.raises(DatabaseError):
        _page(client, duty_operator)
    _unchanged(duty_operator, token)


def test_the_admin_changes_nothing_when_the_event_cannot_be_written(
    client, duty_operator, security_chief
):
    token = Token.objects.create(user=duty_operator)
    client.raise_request_exception = True
    with connection.execute_wrapper(_refuse_audit_writes), pytest.raises(DatabaseError):
        _admin(client, duty_operator, security_chief)
    _unchanged(duty_operator, token)


def test_the_service_changes_nothing_when_the_event_cannot_be_written(duty_operator):
    token = Token.objects.create(user=duty_operator)
    with connection.execute_wrapper(_refuse_audit_writes), pytest.raises(DatabaseError):
        user_password_set(by=None, user=duty_operator, password=NEW_PASSWORD)
    _unchanged(duty_operator, token)


def test_the_command_goes_through_the_service(monkeypatch, duty_operator):
    token = Token.objects.create(user=duty_operator)
    with connection.execute_wrapper(_refuse_audit_writes), pytest.raises(DatabaseError):
        _command(monkeypatch, duty_operator)
    _unchanged(duty_operator, token)
    _command(monkeypatch, duty_operator)  # and when the event can be written: all of it
    duty_operator.refresh_from_db()
    assert duty_operator.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(pk=token.pk).exists()
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.clause == "M-1.1a" and event.actor is None
    assert event.data == {"tokens_revoked": 1, "by_self": False}


def test_the_command_refuses_a_weak_password_and_writes_nothing(monkeypatch, duty_operator):
    from django.core.management.base import CommandError

    answers = iter(["123"] * 6)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command(
            "changepassword", duty_operator.username, stdout=io.StringIO(), stderr=io.StringIO()
        )
    duty_operator.refresh_from_db()
    assert duty_operator.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()
