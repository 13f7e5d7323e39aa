"""M-1.1a, M-1.2: an API token does not outlive its password nor work during a lockout."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from apps.accounts.services import user_password_set
from apps.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "An0ther-long-pass-phrase"


def _api_me(client, token):
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_password_page_revokes_the_tokens_and_is_audited(client, duty_operator):
    token = Token.objects.create(user=duty_operator)
    assert _api_me(client, token).status_code == 200
    client.force_login(duty_operator)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # the session that changed it stays signed in
    client.logout()
    assert not Token.objects.filter(user=duty_operator).exists()
    assert _api_me(client, token).status_code == 401
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor == duty_operator and event.clause == "M-1.1a"
    assert event.data == {"tokens_revoked": 1, "by_self": True}
    duty_operator.refresh_from_db()
    assert duty_operator.check_password(NEW_PASSWORD)


def test_wrong_old_password_changes_nothing(client, duty_operator):
    token = Token.objects.create(user=duty_operator)
    client.force_login(duty_operator)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert Token.objects.filter(pk=token.pk).exists()
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()


def test_password_set_in_the_admin_revokes_the_tokens(client, security_chief, duty_operator):
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    token = Token.objects.create(user=duty_operator)
    response = client.post(
        f"/admin/accounts/user/{duty_operator.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert not Token.objects.filter(pk=token.pk).exists()
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor == security_chief and event.target_id == str(duty_operator.pk)
    assert event.data == {"tokens_revoked": 1, "by_self": False}
    duty_operator.refresh_from_db()
    assert duty_operator.check_password(NEW_PASSWORD)


def test_password_set_by_the_service_revokes_the_tokens(duty_operator, auditor):
    Token.objects.create(user=duty_operator)
    other = Token.objects.create(user=auditor)
    user_password_set(by=None, user=duty_operator, password=None)  # password login disabled
    duty_operator.refresh_from_db()
    assert not duty_operator.has_usable_password()
    assert list(Token.objects.all()) == [other]  # only that person's tokens
    assert AuditEvent.objects.get(action="accounts.password_change").data["tokens_revoked"] == 1


def test_token_is_refused_while_the_account_is_locked(client, duty_operator, settings):
    token = Token.objects.create(user=duty_operator)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": duty_operator.username, "password": "wrong"})
    response = _api_me(client, token)
    assert response.status_code == 401 and "locked" in response.json()["detail"]
    # nothing is written through a locked account's token
    writes = client.post("/api/patrol/runs/", {}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert writes.status_code == 401
    assert not AuditEvent.objects.filter(action__startswith="patrol.").exists()


def test_token_works_again_once_the_lockout_is_lifted(client, duty_operator, settings):
    from axes.utils import reset

    token = Token.objects.create(user=duty_operator)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": duty_operator.username, "password": "wrong"})
    assert _api_me(client, token).status_code == 401
    reset(username=duty_operator.username)
    assert _api_me(client, token).status_code == 200


def test_failures_below_the_limit_do_not_block_the_token(client, duty_operator, settings):
    token = Token.objects.create(user=duty_operator)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": duty_operator.username, "password": "wrong"})
    assert _api_me(client, token).status_code == 200
