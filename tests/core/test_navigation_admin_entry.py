"""M-1.1: the security chief reaches the admin from the menu; nobody else is offered it."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _verified(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # as django_otp.login does
    session.save()


def _menu(client, **headers) -> dict[str, tuple[str, str]]:
    page = client.get("/accounts/password/", **headers)  # a page every signed-in user opens
    assert page.status_code == 200
    html = page.content.decode()
    nav = html[html.index('data-testid="main-nav"') : html.index("</ul>")]
    return {
        name: (href, re.sub(r"<[^>]+>", "", label).strip())
        for href, name, label in re.findall(
            r'href="([^"]+)"\s+data-nav="([^"]+)">(.*?)</a>', nav, re.S
        )
    }


def test_chief_has_an_administration_entry_that_opens_the_admin(client, security_chief):
    _verified(client, security_chief)
    menu = _menu(client)
    assert menu["admin"] == ("/admin/", "Administration")
    assert client.get(menu["admin"][0]).status_code == 200


def test_entry_reads_in_chinese(client, security_chief):
    _verified(client, security_chief)
    assert _menu(client, HTTP_ACCEPT_LANGUAGE="zh-hans")["admin"] == ("/admin/", "系统管理")


def test_superuser_without_roles_has_the_entry(client):
    root = User.objects.create_superuser("root1", "root@example.org", TEST_PASSWORD)
    _verified(client, root)
    assert _menu(client)["admin"][0] == "/admin/"


@pytest.mark.parametrize(
    "roles",
    [["duty_operator"], ["security_staff"], ["auditor"], ["leader_in_charge"], ["applicant"]],
)
def test_others_are_not_offered_the_admin(client, roles):
    user = UserFactory(roles=roles, is_staff=True)  # is_staff alone opens no admin here
    _verified(client, user)
    assert "admin" not in _menu(client)
    assert client.get("/admin/", follow=True).status_code == 403
