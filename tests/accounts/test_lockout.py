"""M-1.2: repeated failed logins lock the account; every attempt is in the audit chain."""

import pytest

from apps.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_right_password_logs_in_and_is_audited(client, duty_operator):
    response = _login(client, duty_operator.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.login", actor=duty_operator).exists()


def test_wrong_password_shows_error_and_is_audited(client, duty_operator):
    response = _login(client, duty_operator.username, "wrong")
    assert response.status_code == 200
    assert b"login-error" in response.content
    failed = AuditEvent.objects.get(action="accounts.login_failed")
    assert failed.target_id == duty_operator.username


def test_account_locks_after_limit_even_with_right_password(client, duty_operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, duty_operator.username, "wrong")
    response = _login(client, duty_operator.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert b"locked-out" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.locked_out").exists()


def test_lockout_is_per_account(client, duty_operator, auditor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, duty_operator.username, "wrong")
    assert _login(client, auditor.username, TEST_PASSWORD).status_code == 302
