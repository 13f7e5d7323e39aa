"""Issue 16: the bell counts the user's unread notifications; the list shows their own only;
marking read (one or all) is a POST; another person's notification is not found."""

import pytest

from apps.core.models import Notification
from apps.core.notifications import notify

pytestmark = pytest.mark.django_db


def _note(user, title, url=""):
    notify([user], kind="test.hello", title=title, url=url)
    return Notification.objects.filter(recipient=user).latest("id")


def test_the_bell_shows_the_unread_count(client, duty_operator, security_chief):
    client.force_login(duty_operator)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="notification-count"' not in page
    _note(duty_operator, "one")
    _note(duty_operator, "two")
    _note(security_chief, "not yours")
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="notification-count">2</span>' in page


def test_the_list_shows_own_notifications_only(client, duty_operator, security_chief):
    _note(duty_operator, "Camera MX-1 down")
    _note(security_chief, "Chief's breach alert")
    client.force_login(duty_operator)
    page = client.get("/notifications/").content.decode()
    assert "Camera MX-1 down" in page and "Chief&#x27;s breach alert" not in page


def test_mark_one_read_and_open_its_link(client, duty_operator):
    note = _note(duty_operator, "Export ready", url="/exports/")
    client.force_login(duty_operator)
    response = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/exports/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_elsewhere_is_not_followed(client, duty_operator):
    note = _note(duty_operator, "x", url="https://evil.example/")
    client.force_login(duty_operator)
    response = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read(client, duty_operator, security_chief):
    _note(duty_operator, "one")
    _note(duty_operator, "two")
    theirs = _note(security_chief, "theirs")
    client.force_login(duty_operator)
    response = client.post("/notifications/read/", follow=True)
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=duty_operator, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_persons_notification_is_not_found(client, duty_operator, security_chief):
    theirs = _note(security_chief, "theirs")
    client.force_login(duty_operator)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_a_post(client, duty_operator):
    note = _note(duty_operator, "x")
    client.force_login(duty_operator)
    assert client.get(f"/notifications/{note.pk}/read/").status_code == 405
