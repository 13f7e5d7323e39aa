"""M-1.1a: roles holding the system's secrets, superusers and whoever can reach the admin must
pass TOTP; until then they reach the second-factor pages and logout only. Others are not asked."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def _password_login(client, user):
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return response


@pytest.fixture
def superuser(db):
    # As createsuperuser makes one: no role at all.
    return User.objects.create_superuser("root1", "root@example.org", TEST_PASSWORD)


def test_operator_is_not_asked_for_a_second_factor(client, duty_operator):
    client.force_login(duty_operator)
    assert client.get("/").status_code == 200


def test_chief_without_device_must_enrol_then_gets_in(client, security_chief):
    _password_login(client, security_chief)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/otp/setup/")
    assert b"Create a key" in response.content
    # a plain GET shows the explanation and writes nothing
    assert not TOTPDevice.objects.filter(user=security_chief).exists()
    page = client.post("/accounts/otp/setup/", {"next": "/"})
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=security_chief, confirmed=False)
    assert b'data-testid="otp-secret"' in page.content
    response = client.post("/accounts/otp/setup/", {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="accounts.otp_enrol", actor=security_chief).exists()
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_setup_page_by_get_never_creates_a_device(client, security_chief):
    client.force_login(security_chief)
    for _ in range(3):
        page = client.get("/accounts/otp/setup/")
        assert page.status_code == 200 and b"<svg" not in page.content
    assert TOTPDevice.objects.filter(user=security_chief).count() == 0
    # a second POST replaces the unconfirmed key, it does not pile them up
    client.post("/accounts/otp/setup/", {"next": "/"})
    client.post("/accounts/otp/setup/", {"next": "/"})
    assert TOTPDevice.objects.filter(user=security_chief, confirmed=False).count() == 1


def test_api_session_without_second_factor_is_refused(client, security_chief):
    client.force_login(security_chief)
    assert client.get("/api/me/").status_code == 403


def test_wrong_code_is_refused_with_a_message(client, security_chief):
    client.force_login(security_chief)
    client.post("/accounts/otp/setup/", {"next": "/"})
    response = client.post("/accounts/otp/setup/", {"token": "000000", "next": "/"})
    assert b"wrong or has expired" in response.content
    assert not TOTPDevice.objects.filter(user=security_chief, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_password_alone_cannot_replace_an_existing_authenticator(client, security_chief):
    TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    for response in (
        client.get("/accounts/otp/setup/"),
        client.post("/accounts/otp/setup/", {"next": "/"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?")
    assert not TOTPDevice.objects.filter(user=security_chief, confirmed=False).exists()
    assert client.get("/audit/").status_code == 302


def test_half_logged_in_user_reaches_only_second_factor_pages_and_logout(client, security_chief):
    """Issue 13 §3: the password page must not open before the second factor."""
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    _password_login(client, security_chief)
    for path in ("/accounts/password/", "/", "/cameras/", "/admin/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/otp/?next="), path
    # the password cannot be changed with the first factor alone
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "N3w-pass-phrase!",
            "new_password2": "N3w-pass-phrase!",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    security_chief.refresh_from_db()
    assert security_chief.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()
    assert client.get("/accounts/otp/").status_code == 200
    # after the code, the password page opens
    client.post("/accounts/otp/", {"token": _code(device), "next": "/"})
    assert client.get("/accounts/password/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_superuser_without_any_role_must_pass_the_second_factor(client, superuser):
    _password_login(client, superuser)
    for path in ("/", "/admin/", "/admin/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/"), (
            path
        )
    assert client.get("/api/users/").status_code == 403
    token = Token.objects.create(user=superuser)
    client.logout()
    response = client.get("/api/users/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401 and "two-factor" in response.json()["detail"]


def test_admin_access_requires_the_second_factor_even_with_no_otp_roles(
    client, security_chief, settings
):
    """The role list is a setting; whoever can reach the admin is asked whatever it says."""
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(security_chief)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    operator = UserFactory(roles=["duty_operator"], is_staff=True)
    client.force_login(operator)
    assert client.get("/").status_code == 200  # is_staff alone opens no admin here


def test_admin_site_refuses_an_unverified_chief_without_the_middleware(rf, security_chief):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = security_chief
    security_chief.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    security_chief.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_api_token_of_a_two_factor_role_is_refused(client, security_chief, duty_operator):
    chief_token = Token.objects.create(user=security_chief)
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {chief_token.key}")
    assert response.status_code == 401 and "two-factor" in response.json()["detail"]
    operator_token = Token.objects.create(user=duty_operator)
    assert (
        client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {operator_token.key}").status_code == 200
    )


def _wait_stated(response) -> int:
    import re

    text = response.content.decode()
    match = re.search(r"Wait (\d+) seconds? before entering a code again", text) or re.search(
        r"请等待 (\d+) 秒", text
    )
    assert match, text[text.find("<form") : text.find("</form>")]
    return int(match.group(1))


def test_right_code_just_after_a_wrong_one_says_how_long_to_wait(client, security_chief, settings):
    """M-1.1a: django-otp holds the device back after a wrong code and refuses even the right
    one meanwhile; the page says so and how long, and the right code works after the wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # 30 s after the first wrong code: no race in CI
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    _password_login(client, security_chief)
    wrong = client.post("/accounts/otp/", {"token": "000000", "next": "/"})
    assert b"wrong or has expired" in wrong.content
    assert 25 <= _wait_stated(wrong) <= 30
    right = client.post("/accounts/otp/", {"token": _code(device), "next": "/"})
    assert right.status_code == 200
    assert b"Too soon after a wrong code" in right.content
    assert b"wrong or has expired" not in right.content  # the right code was not judged wrong
    assert 1 <= _wait_stated(right) <= 30
    assert client.get("/accounts/password/").status_code == 302  # still not verified
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the held-back try is not one more failure
    # once the wait is over, the right code gets in
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp
        - __import__("datetime").timedelta(seconds=31)
    )
    response = client.post("/accounts/otp/", {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/accounts/password/").status_code == 200


def test_enrolment_code_after_a_wrong_one_says_how_long_to_wait(client, security_chief, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    client.force_login(security_chief)
    client.post("/accounts/otp/setup/", {"next": "/"})
    device = TOTPDevice.objects.get(user=security_chief, confirmed=False)
    client.post("/accounts/otp/setup/", {"token": "000000", "next": "/"})
    response = client.post("/accounts/otp/setup/", {"token": _code(device), "next": "/"})
    assert b"Too soon after a wrong code" in response.content and _wait_stated(response) >= 1
    device.refresh_from_db()
    assert not device.confirmed


def test_wait_message_reads_in_chinese(client, security_chief, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    _password_login(client, security_chief)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    wrong = client.post("/accounts/otp/", {"token": "000000", "next": "/"}, **zh)
    right = client.post("/accounts/otp/", {"token": _code(device), "next": "/"}, **zh)
    for response in (wrong, right):
        text = response.content.decode()
        assert "Wait " not in text and "Too soon" not in text and "wrong or has" not in text
        assert 1 <= _wait_stated(response) <= 30
    assert "输入错误后" in right.content.decode()
