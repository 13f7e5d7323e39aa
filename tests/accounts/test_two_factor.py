"""M-1.1a: roles holding the system's secrets must pass TOTP; others are not asked."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_operator_is_not_asked_for_a_second_factor(client, duty_operator):
    client.force_login(duty_operator)
    assert client.get("/").status_code == 200


def test_chief_without_device_must_enrol_then_gets_in(client, security_chief):
    client.post(
        "/accounts/login/", {"username": security_chief.username, "password": TEST_PASSWORD}
    )
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=security_chief, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/accounts/otp/setup/", {"token": code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_api_session_without_second_factor_is_refused(client, security_chief):
    client.force_login(security_chief)
    assert client.get("/api/me/").status_code == 403


def test_wrong_code_is_refused_with_a_message(client, security_chief):
    client.force_login(security_chief)
    client.get("/accounts/otp/setup/")
    response = client.post("/accounts/otp/setup/", {"token": "000000", "next": "/"})
    assert b"wrong or has expired" in response.content
    assert client.get("/").status_code == 302


def test_password_alone_cannot_replace_an_existing_authenticator(client, security_chief):
    TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    response = client.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?")
    assert not TOTPDevice.objects.filter(user=security_chief, confirmed=False).exists()
    assert client.get("/audit/").status_code == 302


def test_api_token_of_a_two_factor_role_is_refused(client, security_chief, duty_operator):
    from rest_framework.authtoken.models import Token

    chief_token = Token.objects.create(user=security_chief)
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {chief_token.key}")
    assert response.status_code == 401 and "two-factor" in response.json()["detail"]
    operator_token = Token.objects.create(user=duty_operator)
    assert (
        client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {operator_token.key}").status_code == 200
    )
